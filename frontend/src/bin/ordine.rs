//! The ordine area's bundle: the secretariat's panel. Its pages but the members' list,
//! where the area is entered, are one module fetched on demand.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Routes};
use leptos_router::path;
use shared::access::Role;
use shared::ui::Area;

use frontend::areas::Elsewhere;
use frontend::components::guard::Guard;
use frontend::components::on_demand::preload_when_idle;
use frontend::pages::ordine::members::MembersPage;
use frontend::pages::ordine::{
    bulk::BulkActivationPage, domicilio::DomicilioPage, firme::FirmeOrdinePage,
    mailbox::OrdineMailboxPage, member::MemberPage, profilo::ProfiloPage, richieste::RichiestePage,
};

frontend::on_demand_pages! {
    ordine_pagine =>
    iscritto: MemberPage,
    attivazioni: BulkActivationPage,
    casella: OrdineMailboxPage,
    profilo: ProfiloPage,
    domicilio: DomicilioPage,
    richieste: RichiestePage,
    firme: FirmeOrdinePage,
}

fn main() {
    frontend::start(Area::Ordine, routes);
}

/// The secretariat's panel; a member's page is the Fondazione's too.
fn routes() -> AnyView {
    preload_when_idle(preload_all);
    view! {
        <Routes fallback=|| view! { <Elsewhere here=Area::Ordine/> }>
            <ParentRoute path=path!("/ordine") view=|| view! { <Guard roles=&[Role::Segreteria, Role::Fondazione]/> }>
                <Route path=path!("iscritti/:cf") view=iscritto::route/>
                <ParentRoute path=path!("") view=|| view! { <Guard roles=&[Role::Segreteria]/> }>
                    <Route path=path!("iscritti") view=MembersPage/>
                    <Route path=path!("attivazioni") view=attivazioni::route/>
                    <Route path=path!("casella") view=casella::route/>
                    <Route path=path!("profilo") view=profilo::route/>
                    <Route path=path!("domicilio") view=domicilio::route/>
                    <Route path=path!("richieste") view=richieste::route/>
                    <Route path=path!("firme") view=firme::route/>
                </ParentRoute>
            </ParentRoute>
        </Routes>
    }
    .into_any()
}
