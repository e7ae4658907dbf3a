//! PEC Ingegneri in the browser: a Leptos client-side app, in Italian, that calls the API
//! with the DTOs of `shared`.

mod api;
mod components;
mod format;
mod pages;
mod session;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use wasm_bindgen::prelude::wasm_bindgen;

use components::layout::{Footer, Header};
use pages::login::LoginPage;
use pages::member::mailbox::MailboxPage;
use pages::member::profile::{ProfilePage, RecoveryPage};
use pages::ordine::{member::MemberPage, members::MembersPage};
use pages::{not_found::NotFound, plans::PlansPage};
use session::SessionContext;

#[component]
pub fn App() -> impl IntoView {
    SessionContext::provide();
    view! {
        <Router>
            <a class="skip-link" href="#main">"Vai al contenuto"</a>
            <Header/>
            <main id="main" class="container" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=PlansPage/>
                    <Route path=path!("/piani") view=PlansPage/>
                    <Route path=path!("/accesso") view=LoginPage/>
                    <Route path=path!("/mia-pec") view=MailboxPage/>
                    <Route path=path!("/mia-pec/dati") view=ProfilePage/>
                    <Route path=path!("/mia-pec/recupero") view=RecoveryPage/>
                    <Route path=path!("/ordine/iscritti") view=MembersPage/>
                    <Route path=path!("/ordine/iscritti/:cf") view=MemberPage/>
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}

/// Entry point, called by the wasm-bindgen glue once the module is loaded.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
