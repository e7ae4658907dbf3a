//! Each area's routes: what one bundle knows. A path of another area is a page load of
//! that area's bundle ([`Elsewhere`]); inside an area, a [`Guard`] checks the role once.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;
use shared::access::Role;
use shared::ui::Area;

use crate::components::guard::Guard;
use crate::pages::assistance::AssistancePage;
use crate::pages::fondazione::{
    albo::AlboImportPage, audit::AuditPage, bloccate::BloccatePage, comandi::ComandiPage,
    contratti::ReviewPage, decessi::DecessiPage, disdette::DisdettePage, firme::FirmeNazionaliPage,
    listino::ListinoPage, orders::PaymentsPage, overview::OverviewPage,
    pannello::PannelloImportPage, richieste::RichiesteFermePage,
};
use crate::pages::heirs::HeirsPage;
use crate::pages::login::{CallbackPage, LoginPage};
use crate::pages::member::{
    disdetta::DisdettaPage, firma::FirmaPage, first_access::FirstAccessPage, history::HistoryPage,
    mailbox::MailboxPage, orders::OrderPage, orders::OrdersPage, plans::MemberPlansPage,
    profile::ProfilePage, profile::RecoveryPage,
};
use crate::pages::not_found::NotFound;
use crate::pages::ordine::{
    bulk::BulkActivationPage, domicilio::DomicilioPage, firme::FirmeOrdinePage,
    mailbox::OrdineMailboxPage, member::MemberPage, members::MembersPage, members::NationwidePage,
    profilo::ProfiloPage, richieste::RichiestePage,
};
use crate::pages::plans::PlansPage;
use crate::pages::request::RequestPage;
use crate::pages::sender::SenderCheckPage;

/// The plans and the quote.
pub fn pubblico() -> AnyView {
    view! {
        <Routes fallback=|| view! { <Elsewhere here=Area::Pubblico/> }>
            <Route path=path!("/") view=PlansPage/>
            <Route path=path!("/piani") view=PlansPage/>
            <Route path=path!("/assistenza") view=AssistancePage/>
        </Routes>
    }
    .into_any()
}

/// The login, local or hosted, and the sender check.
pub fn accesso() -> AnyView {
    view! {
        <Routes fallback=|| view! { <Elsewhere here=Area::Accesso/> }>
            <Route path=path!("/accesso") view=LoginPage/>
            <Route path=path!("/accesso/callback") view=CallbackPage/>
            <Route path=path!("/verifica-mittente") view=SenderCheckPage/>
            <Route path=path!("/richiesta-pec") view=RequestPage/>
            <Route path=path!("/disdetta-eredi") view=HeirsPage/>
        </Routes>
    }
    .into_any()
}

/// The member's reserved area.
pub fn iscritto() -> AnyView {
    view! {
        <Routes fallback=|| view! { <Elsewhere here=Area::Iscritto/> }>
            <ParentRoute path=path!("/mia-pec") view=|| view! { <Guard roles=&[Role::Iscritto]/> }>
                <Route path=path!("") view=MailboxPage/>
                <Route path=path!("dati") view=ProfilePage/>
                <Route path=path!("recupero") view=RecoveryPage/>
                <Route path=path!("piani") view=MemberPlansPage/>
                <Route path=path!("storico") view=HistoryPage/>
                <Route path=path!("primo-accesso") view=FirstAccessPage/>
                <Route path=path!("ordini") view=OrdersPage/>
                <Route path=path!("ordini/:id") view=OrderPage/>
                <Route path=path!("disdetta") view=DisdettaPage/>
                <Route path=path!("firma") view=FirmaPage/>
            </ParentRoute>
        </Routes>
    }
    .into_any()
}

/// The secretariat's panel; a member's page is the Fondazione's too.
pub fn ordine() -> AnyView {
    view! {
        <Routes fallback=|| view! { <Elsewhere here=Area::Ordine/> }>
            <ParentRoute path=path!("/ordine") view=|| view! { <Guard roles=&[Role::Segreteria, Role::Fondazione]/> }>
                <Route path=path!("iscritti/:cf") view=MemberPage/>
                <ParentRoute path=path!("") view=|| view! { <Guard roles=&[Role::Segreteria]/> }>
                    <Route path=path!("iscritti") view=MembersPage/>
                    <Route path=path!("attivazioni") view=BulkActivationPage/>
                    <Route path=path!("casella") view=OrdineMailboxPage/>
                    <Route path=path!("profilo") view=ProfiloPage/>
                    <Route path=path!("domicilio") view=DomicilioPage/>
                    <Route path=path!("richieste") view=RichiestePage/>
                    <Route path=path!("firme") view=FirmeOrdinePage/>
                </ParentRoute>
            </ParentRoute>
        </Routes>
    }
    .into_any()
}

/// The Fondazione's console; the Albo's import for the Albo's account too.
pub fn fondazione() -> AnyView {
    view! {
        <Routes fallback=|| view! { <Elsewhere here=Area::Fondazione/> }>
            <ParentRoute path=path!("/fondazione") view=|| view! { <Guard roles=&[Role::Fondazione, Role::Albo]/> }>
                <Route path=path!("albo") view=AlboImportPage/>
                <ParentRoute path=path!("") view=|| view! { <Guard roles=&[Role::Fondazione]/> }>
                    <Route path=path!("") view=OverviewPage/>
                    <Route path=path!("iscritti") view=NationwidePage/>
                    <Route path=path!("registro") view=AuditPage/>
                    <Route path=path!("contratti") view=ReviewPage/>
                    <Route path=path!("ordini") view=PaymentsPage/>
                    <Route path=path!("disdette") view=DisdettePage/>
                    <Route path=path!("decessi") view=DecessiPage/>
                    <Route path=path!("comandi") view=ComandiPage/>
                    <Route path=path!("bloccate") view=BloccatePage/>
                    <Route path=path!("richieste") view=RichiesteFermePage/>
                    <Route path=path!("firme") view=FirmeNazionaliPage/>
                    <Route path=path!("listino") view=ListinoPage/>
                    <Route path=path!("pannello") view=PannelloImportPage/>
                </ParentRoute>
            </ParentRoute>
        </Routes>
    }
    .into_any()
}

/// `path` with its query (the router's `search` has no `?`).
pub fn with_query(path: &str, search: &str) -> String {
    if search.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{search}")
    }
}

/// A path this bundle does not route: another area's (loaded as a page), or none at all.
#[component]
fn Elsewhere(here: Area) -> impl IntoView {
    let location = use_location();
    let path = location.pathname.get_untracked();
    if Area::of(&path) == here {
        return view! { <NotFound/> }.into_any();
    }
    let target = with_query(&path, &location.search.get_untracked());
    Effect::new(move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().replace(&target);
        }
    });
    view! { <p class="loading" role="status">"Caricamento…"</p> }.into_any()
}
