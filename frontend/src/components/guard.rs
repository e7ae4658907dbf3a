//! Each area's protected parent route: it checks the session once for every page below
//! it. Without a session it sends to the login, which brings back to the page asked for;
//! with a session of another role it says so, once, with the way to the caller's own area.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;
use shared::access::Role;
use shared::ui::{home, path};

use crate::components::page::Page;
use crate::session::SessionContext;

#[component]
pub fn Guard(roles: &'static [Role]) -> impl IntoView {
    let session = SessionContext::get();
    let location = use_location();
    move || match session.0.get() {
        None => {
            // Untracked: the redirect changes the location, which must not run this again.
            let here = crate::areas::with_query(
                &location.pathname.get_untracked(),
                &location.search.get_untracked(),
            );
            view! { <Redirect path=path::accesso_poi(&here)/> }.into_any()
        }
        Some(s) if roles.contains(&s.caller.role) => view! { <Outlet/> }.into_any(),
        Some(s) => view! { <WrongRole role=s.caller.role/> }.into_any(),
    }
}

#[component]
fn WrongRole(role: Role) -> impl IntoView {
    view! {
        <Page title="Pagina non disponibile">
            <div class="alert alert-info" role="note" data-testid="wrong-role">
                {format!("Questa pagina non fa parte della tua area: hai effettuato l'accesso come {}.", role.nome())}
            </div>
            <p><a href=home(role) rel="external" class="btn btn-primary" data-testid="wrong-role-home">"Vai alla tua area"</a></p>
        </Page>
    }
}
