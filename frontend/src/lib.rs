//! PEC Ingegneri in the browser: a Leptos client-side app, in Italian, on Bootstrap
//! Italia, that calls the API with the DTOs of `shared`.
//!
//! The app is one bundle per area ([`shared::ui::Area`]: the public pages, the member's
//! area, the secretariat's panel, the Fondazione's console), each a binary in `src/bin/`
//! that starts the same shell with its own routes (what they share in [`areas`]); the
//! loader (`boot.js`) fetches the bundle of the page's area, so the login never downloads
//! the panels. An area's pages other than where people enter it are fetched on demand
//! ([`components::on_demand`]). Going to another area's page is a page load. The served
//! page already shows the header and the footer while a bundle loads.
//!
//! The pages and components are public for the binaries, which route them.

mod api;
pub mod areas;
pub mod components;
mod format;
mod oidc;
pub mod pages;
mod precheck;
mod session;
mod stripe_js;

use leptos::prelude::*;
use leptos_router::components::Router;
use shared::ui::Area;
use wasm_bindgen::JsCast;

use components::layout::{Header, SkipLink};
use session::SessionContext;

/// Starts the app of `area`, whose routes `routes` gives, in the page's `#app` (the frame
/// the served page showed while the bundle loaded is replaced).
pub fn start(area: Area, routes: fn() -> AnyView) {
    console_error_panic_hook::set_once();
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
    else {
        return;
    };
    root.set_inner_html("");
    let root: web_sys::HtmlElement = root.unchecked_into();
    leptos::mount::mount_to(root, move || view! { <App area routes/> }).forget();
}

#[component]
fn App(area: Area, routes: fn() -> AnyView) -> impl IntoView {
    SessionContext::provide();
    // The first page is on screen: recorded for the time-to-first-render measure.
    Effect::new(|_| mark_once("pec-first-render"));
    view! {
        <Router>
            <SkipLink/>
            <Header area/>
            <main id="main" class="container my-4" tabindex="-1">{routes()}</main>
        </Router>
    }
}

/// Records a moment of the page's load for the first-render benchmark (`performance`
/// marks, read by `tests/benches/first_render.rs`); the first one of each name counts.
pub fn mark_once(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance())
        && performance.get_entries_by_name(name).length() == 0
    {
        let _ = performance.mark(name);
    }
}
