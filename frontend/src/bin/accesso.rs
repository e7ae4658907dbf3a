//! The accesso area's bundle: the login, and the pages reached from outside without one.
//! Its pages but the login and its callback are one module fetched on demand.

use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::path;
use shared::ui::Area;

use frontend::areas::Elsewhere;
use frontend::components::on_demand::preload_when_idle;
use frontend::pages::heirs::HeirsPage;
use frontend::pages::login::{CallbackPage, LoginPage};
use frontend::pages::request::RequestPage;
use frontend::pages::sender::SenderCheckPage;

frontend::on_demand_pages! {
    accesso_pagine =>
    mittente: SenderCheckPage,
    richiesta: RequestPage,
    eredi: HeirsPage,
}

fn main() {
    frontend::start(Area::Accesso, routes);
}

/// The login, local or hosted, and the sender check.
fn routes() -> AnyView {
    preload_when_idle(preload_all);
    view! {
        <Routes fallback=|| view! { <Elsewhere here=Area::Accesso/> }>
            <Route path=path!("/accesso") view=LoginPage/>
            <Route path=path!("/accesso/callback") view=CallbackPage/>
            <Route path=path!("/verifica-mittente") view=mittente::route/>
            <Route path=path!("/richiesta-pec") view=richiesta::route/>
            <Route path=path!("/disdetta-eredi") view=eredi::route/>
        </Routes>
    }
    .into_any()
}
