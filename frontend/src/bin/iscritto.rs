//! The iscritto area's bundle: the member's reserved area. Its pages but the mailbox's,
//! where the area is entered, are one module fetched on demand.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Routes};
use leptos_router::path;
use shared::access::Role;
use shared::ui::Area;

use frontend::areas::Elsewhere;
use frontend::components::guard::Guard;
use frontend::components::on_demand::{OnDemand, preload_when_idle};
use frontend::pages::member::mailbox::MailboxPage;
use frontend::pages::member::{
    disdetta::DisdettaPage, firma::FirmaPage, first_access::FirstAccessPage, history::HistoryPage,
    orders::OrderPage, orders::OrdersPage, plans::MemberPlansPage, profile::ProfilePage,
    profile::RecoveryPage,
};

frontend::on_demand_pages! {
    iscritto_pagine =>
    iscritto_dati: ProfilePage,
    iscritto_recupero: RecoveryPage,
    iscritto_piani: MemberPlansPage,
    iscritto_storico: HistoryPage,
    iscritto_primo_accesso: FirstAccessPage,
    iscritto_ordini: OrdersPage,
    iscritto_ordine: OrderPage,
    iscritto_disdetta: DisdettaPage,
    iscritto_firma: FirmaPage,
}

fn main() {
    frontend::start(Area::Iscritto, routes);
}

/// The member's reserved area.
fn routes() -> AnyView {
    preload_when_idle(preload_all);
    view! {
        <Routes fallback=|| view! { <Elsewhere here=Area::Iscritto/> }>
            <ParentRoute path=path!("/mia-pec") view=|| view! { <Guard roles=&[Role::Iscritto]/> }>
                <Route path=path!("") view=MailboxPage/>
                <Route path=path!("dati") view=|| view! { <OnDemand load=iscritto_dati::load/> }/>
                <Route path=path!("recupero") view=|| view! { <OnDemand load=iscritto_recupero::load/> }/>
                <Route path=path!("piani") view=|| view! { <OnDemand load=iscritto_piani::load/> }/>
                <Route path=path!("storico") view=|| view! { <OnDemand load=iscritto_storico::load/> }/>
                <Route path=path!("primo-accesso") view=|| view! { <OnDemand load=iscritto_primo_accesso::load/> }/>
                <Route path=path!("ordini") view=|| view! { <OnDemand load=iscritto_ordini::load/> }/>
                <Route path=path!("ordini/:id") view=|| view! { <OnDemand load=iscritto_ordine::load/> }/>
                <Route path=path!("disdetta") view=|| view! { <OnDemand load=iscritto_disdetta::load/> }/>
                <Route path=path!("firma") view=|| view! { <OnDemand load=iscritto_firma::load/> }/>
            </ParentRoute>
        </Routes>
    }
    .into_any()
}
