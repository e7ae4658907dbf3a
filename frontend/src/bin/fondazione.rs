//! The fondazione area's bundle: the Fondazione's console. Each page but the overview,
//! where the area is entered, is a module of its own, fetched on demand.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Routes};
use leptos_router::path;
use shared::access::Role;
use shared::ui::Area;

use frontend::areas::Elsewhere;
use frontend::components::guard::Guard;
use frontend::components::on_demand::{OnDemand, preload_when_idle};
use frontend::pages::fondazione::overview::OverviewPage;
use frontend::pages::fondazione::{
    albo::AlboImportPage, audit::AuditPage, bloccate::BloccatePage, comandi::ComandiPage,
    contratti::ReviewPage, decessi::DecessiPage, disdette::DisdettePage, firme::FirmeNazionaliPage,
    listino::ListinoPage, orders::PaymentsPage, pannello::PannelloImportPage,
    richieste::RichiesteFermePage,
};
use frontend::pages::ordine::members::NationwidePage;

frontend::on_demand_pages! {
    fondazione_albo: AlboImportPage,
    fondazione_iscritti: NationwidePage,
    fondazione_registro: AuditPage,
    fondazione_contratti: ReviewPage,
    fondazione_ordini: PaymentsPage,
    fondazione_disdette: DisdettePage,
    fondazione_decessi: DecessiPage,
    fondazione_comandi: ComandiPage,
    fondazione_bloccate: BloccatePage,
    fondazione_richieste: RichiesteFermePage,
    fondazione_firme: FirmeNazionaliPage,
    fondazione_listino: ListinoPage,
    fondazione_pannello: PannelloImportPage,
}

fn main() {
    frontend::start(Area::Fondazione, routes);
}

/// The Fondazione's console; the Albo's import for the Albo's account too.
fn routes() -> AnyView {
    preload_when_idle(preload_all);
    view! {
        <Routes fallback=|| view! { <Elsewhere here=Area::Fondazione/> }>
            <ParentRoute path=path!("/fondazione") view=|| view! { <Guard roles=&[Role::Fondazione, Role::Albo]/> }>
                <Route path=path!("albo") view=|| view! { <OnDemand load=fondazione_albo::load/> }/>
                <ParentRoute path=path!("") view=|| view! { <Guard roles=&[Role::Fondazione]/> }>
                    <Route path=path!("") view=OverviewPage/>
                    <Route path=path!("iscritti") view=|| view! { <OnDemand load=fondazione_iscritti::load/> }/>
                    <Route path=path!("registro") view=|| view! { <OnDemand load=fondazione_registro::load/> }/>
                    <Route path=path!("contratti") view=|| view! { <OnDemand load=fondazione_contratti::load/> }/>
                    <Route path=path!("ordini") view=|| view! { <OnDemand load=fondazione_ordini::load/> }/>
                    <Route path=path!("disdette") view=|| view! { <OnDemand load=fondazione_disdette::load/> }/>
                    <Route path=path!("decessi") view=|| view! { <OnDemand load=fondazione_decessi::load/> }/>
                    <Route path=path!("comandi") view=|| view! { <OnDemand load=fondazione_comandi::load/> }/>
                    <Route path=path!("bloccate") view=|| view! { <OnDemand load=fondazione_bloccate::load/> }/>
                    <Route path=path!("richieste") view=|| view! { <OnDemand load=fondazione_richieste::load/> }/>
                    <Route path=path!("firme") view=|| view! { <OnDemand load=fondazione_firme::load/> }/>
                    <Route path=path!("listino") view=|| view! { <OnDemand load=fondazione_listino::load/> }/>
                    <Route path=path!("pannello") view=|| view! { <OnDemand load=fondazione_pannello::load/> }/>
                </ParentRoute>
            </ParentRoute>
        </Routes>
    }
    .into_any()
}
