//! The ordine area's bundle: the secretariat's panel. Its pages but the members' list,
//! where the area is entered, are one module fetched on demand.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Routes};
use leptos_router::path;
use shared::access::Role;
use shared::ui::Area;

use frontend::areas::Elsewhere;
use frontend::components::guard::Guard;
use frontend::components::on_demand::{OnDemand, preload_when_idle};
use frontend::pages::ordine::members::MembersPage;
use frontend::pages::ordine::{
    bulk::BulkActivationPage, domicilio::DomicilioPage, firme::FirmeOrdinePage,
    mailbox::OrdineMailboxPage, member::MemberPage, profilo::ProfiloPage, richieste::RichiestePage,
};

frontend::on_demand_pages! {
    ordine_pagine =>
    ordine_iscritto: MemberPage,
    ordine_attivazioni: BulkActivationPage,
    ordine_casella: OrdineMailboxPage,
    ordine_profilo: ProfiloPage,
    ordine_domicilio: DomicilioPage,
    ordine_richieste: RichiestePage,
    ordine_firme: FirmeOrdinePage,
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
                <Route path=path!("iscritti/:cf") view=|| view! { <OnDemand load=ordine_iscritto::load/> }/>
                <ParentRoute path=path!("") view=|| view! { <Guard roles=&[Role::Segreteria]/> }>
                    <Route path=path!("iscritti") view=MembersPage/>
                    <Route path=path!("attivazioni") view=|| view! { <OnDemand load=ordine_attivazioni::load/> }/>
                    <Route path=path!("casella") view=|| view! { <OnDemand load=ordine_casella::load/> }/>
                    <Route path=path!("profilo") view=|| view! { <OnDemand load=ordine_profilo::load/> }/>
                    <Route path=path!("domicilio") view=|| view! { <OnDemand load=ordine_domicilio::load/> }/>
                    <Route path=path!("richieste") view=|| view! { <OnDemand load=ordine_richieste::load/> }/>
                    <Route path=path!("firme") view=|| view! { <OnDemand load=ordine_firme::load/> }/>
                </ParentRoute>
            </ParentRoute>
        </Routes>
    }
    .into_any()
}
