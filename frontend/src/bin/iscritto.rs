//! The iscritto area's bundle: the member's reserved area. Its pages but the mailbox's,
//! where the area is entered, are one module fetched on demand.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Routes};
use leptos_router::path;
use shared::access::Role;
use shared::ui::Area;

use frontend::areas::Elsewhere;
use frontend::components::guard::Guard;
use frontend::components::on_demand::preload_when_idle;
use frontend::pages::member::mailbox::MailboxPage;
use frontend::pages::member::{
    disdetta::DisdettaPage, firma::FirmaPage, first_access::FirstAccessPage, history::HistoryPage,
    orders::OrderPage, orders::OrdersPage, plans::MemberPlansPage, profile::ProfilePage,
    profile::RecoveryPage,
};

frontend::on_demand_pages! {
    iscritto_pagine =>
    dati: ProfilePage,
    recupero: RecoveryPage,
    piani: MemberPlansPage,
    storico: HistoryPage,
    primo_accesso: FirstAccessPage,
    ordini: OrdersPage,
    ordine: OrderPage,
    disdetta: DisdettaPage,
    firma: FirmaPage,
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
                <Route path=path!("dati") view=dati::route/>
                <Route path=path!("recupero") view=recupero::route/>
                <Route path=path!("piani") view=piani::route/>
                <Route path=path!("storico") view=storico::route/>
                <Route path=path!("primo-accesso") view=primo_accesso::route/>
                <Route path=path!("ordini") view=ordini::route/>
                <Route path=path!("ordini/:id") view=ordine::route/>
                <Route path=path!("disdetta") view=disdetta::route/>
                <Route path=path!("firma") view=firma::route/>
            </ParentRoute>
        </Routes>
    }
    .into_any()
}
