//! PEC Ingegneri in the browser: a Leptos client-side app, in Italian, on Bootstrap
//! Italia, that calls the API with the DTOs of `shared`.

mod api;
mod components;
mod format;
mod oidc;
mod pages;
mod session;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use wasm_bindgen::prelude::wasm_bindgen;

use components::layout::{Footer, Header};
use pages::fondazione::{albo::AlboImportPage, audit::AuditPage, overview::OverviewPage};
use pages::login::{CallbackPage, LoginPage};
use pages::member::{
    history::HistoryPage, mailbox::MailboxPage, plans::MemberPlansPage, profile::ProfilePage,
    profile::RecoveryPage,
};
use pages::ordine::{
    bulk::BulkActivationPage, mailbox::OrdineMailboxPage, member::MemberPage, members::MembersPage,
    members::NationwidePage,
};
use pages::{not_found::NotFound, plans::PlansPage};
use session::SessionContext;

#[component]
pub fn App() -> impl IntoView {
    SessionContext::provide();
    // The first page is on screen: recorded for the time-to-first-render measure.
    Effect::new(|_| {
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            let _ = performance.mark("pec-first-render");
        }
    });
    view! {
        <Router>
            <a class="visually-hidden-focusable skip-link" href="#main">"Vai al contenuto"</a>
            <Header/>
            <main id="main" class="container my-4" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=PlansPage/>
                    <Route path=path!("/piani") view=PlansPage/>
                    <Route path=path!("/accesso") view=LoginPage/>
                    <Route path=path!("/accesso/callback") view=CallbackPage/>
                    <Route path=path!("/mia-pec") view=MailboxPage/>
                    <Route path=path!("/mia-pec/dati") view=ProfilePage/>
                    <Route path=path!("/mia-pec/recupero") view=RecoveryPage/>
                    <Route path=path!("/mia-pec/piani") view=MemberPlansPage/>
                    <Route path=path!("/mia-pec/storico") view=HistoryPage/>
                    <Route path=path!("/ordine/iscritti") view=MembersPage/>
                    <Route path=path!("/ordine/iscritti/:cf") view=MemberPage/>
                    <Route path=path!("/ordine/attivazioni") view=BulkActivationPage/>
                    <Route path=path!("/ordine/casella") view=OrdineMailboxPage/>
                    <Route path=path!("/fondazione") view=OverviewPage/>
                    <Route path=path!("/fondazione/iscritti") view=NationwidePage/>
                    <Route path=path!("/fondazione/albo") view=AlboImportPage/>
                    <Route path=path!("/fondazione/registro") view=AuditPage/>
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
