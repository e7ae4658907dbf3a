//! The fondazione area's bundle: the Fondazione's console. Its pages but the overview,
//! where the Fondazione enters, are fetched on demand: the Albo's import in a module of
//! its own, the others together in another.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Routes};
use leptos_router::path;
use shared::access::Role;
use shared::ui::Area;

use frontend::areas::Elsewhere;
use frontend::components::guard::Guard;
use frontend::components::on_demand::preload_when_idle;
use frontend::pages::fondazione::overview::OverviewPage;

/// The Albo's import, where the Albo's account enters: a module of its own, so that its
/// first page does not wait for the console's.
mod albo {
    use frontend::pages::fondazione::albo::AlboImportPage;

    frontend::on_demand_pages! {
        fondazione_albo =>
        import: AlboImportPage,
    }
}

/// The console's other pages.
mod console {
    use frontend::pages::fondazione::{
        audit::AuditPage, bloccate::BloccatePage, comandi::ComandiPage, contratti::ReviewPage,
        decessi::DecessiPage, disdette::DisdettePage, firme::FirmeNazionaliPage,
        listino::ListinoPage, orders::PaymentsPage, pannello::PannelloImportPage,
        richieste::RichiesteFermePage,
    };
    use frontend::pages::ordine::members::NationwidePage;

    frontend::on_demand_pages! {
        fondazione_console =>
        iscritti: NationwidePage,
        registro: AuditPage,
        contratti: ReviewPage,
        ordini: PaymentsPage,
        disdette: DisdettePage,
        decessi: DecessiPage,
        comandi: ComandiPage,
        bloccate: BloccatePage,
        richieste: RichiesteFermePage,
        firme: FirmeNazionaliPage,
        listino: ListinoPage,
        pannello: PannelloImportPage,
    }
}

async fn preload_all() {
    albo::preload_all().await;
    console::preload_all().await;
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
                <Route path=path!("albo") view=albo::import::route/>
                <ParentRoute path=path!("") view=|| view! { <Guard roles=&[Role::Fondazione]/> }>
                    <Route path=path!("") view=OverviewPage/>
                    <Route path=path!("iscritti") view=console::iscritti::route/>
                    <Route path=path!("registro") view=console::registro::route/>
                    <Route path=path!("contratti") view=console::contratti::route/>
                    <Route path=path!("ordini") view=console::ordini::route/>
                    <Route path=path!("disdette") view=console::disdette::route/>
                    <Route path=path!("decessi") view=console::decessi::route/>
                    <Route path=path!("comandi") view=console::comandi::route/>
                    <Route path=path!("bloccate") view=console::bloccate::route/>
                    <Route path=path!("richieste") view=console::richieste::route/>
                    <Route path=path!("firme") view=console::firme::route/>
                    <Route path=path!("listino") view=console::listino::route/>
                    <Route path=path!("pannello") view=console::pannello::route/>
                </ParentRoute>
            </ParentRoute>
        </Routes>
    }
    .into_any()
}
