//! The iscritto area's bundle: the member's reserved area. Its pages but the mailbox's,
//! where the area is entered, are one module fetched on demand; the mailbox page's contract
//! section (its upload and the verification's outcome) is another.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Routes};
use leptos_router::path;
use shared::access::Role;
use shared::ui::Area;

use frontend::areas::Elsewhere;
use frontend::components::guard::Guard;
use frontend::components::on_demand::{OnDemand, preload_when_idle};
use frontend::pages::member::mailbox::MailboxPage;

/// The contract section, in a module of its own: *La mia PEC* shows it at once, so it
/// should not wait for the other pages.
mod sezioni {
    use frontend::pages::member::contract::ContractSection;

    frontend::on_demand_pages! {
        iscritto_contratto =>
        contratto: ContractSection,
    }
}

/// The area's other pages.
mod pagine {
    use frontend::pages::member::{
        disdetta::DisdettaPage, firma::FirmaPage, first_access::FirstAccessPage,
        history::HistoryPage, orders::OrderPage, orders::OrdersPage, plans::MemberPlansPage,
        profile::ProfilePage, profile::RecoveryPage,
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
}

async fn preload_all() {
    sezioni::preload_all().await;
    pagine::preload_all().await;
}

/// *La mia PEC*'s contract section, on demand.
fn contract() -> AnyView {
    view! {
        <OnDemand
            load=sezioni::contratto::load
            loading="Caricamento del contratto…"
            failed="La sezione del contratto non si è caricata: controlla la connessione e riprova."
        />
    }
    .into_any()
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
                <Route path=path!("") view=|| view! { <MailboxPage contract/> }/>
                <Route path=path!("dati") view=pagine::dati::route/>
                <Route path=path!("recupero") view=pagine::recupero::route/>
                <Route path=path!("piani") view=pagine::piani::route/>
                <Route path=path!("storico") view=pagine::storico::route/>
                <Route path=path!("primo-accesso") view=pagine::primo_accesso::route/>
                <Route path=path!("ordini") view=pagine::ordini::route/>
                <Route path=path!("ordini/:id") view=pagine::ordine::route/>
                <Route path=path!("disdetta") view=pagine::disdetta::route/>
                <Route path=path!("firma") view=pagine::firma::route/>
            </ParentRoute>
        </Routes>
    }
    .into_any()
}
