//! The pubblico area's bundle: the plans, the quote and the help. The other areas are
//! other bundles, loaded when entered.

use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::path;
use shared::ui::Area;

use frontend::areas::Elsewhere;
use frontend::pages::assistance::AssistancePage;
use frontend::pages::plans::PlansPage;

fn main() {
    frontend::start(Area::Pubblico, routes);
}

/// The plans and the quote.
fn routes() -> AnyView {
    view! {
        <Routes fallback=|| view! { <Elsewhere here=Area::Pubblico/> }>
            <Route path=path!("/") view=PlansPage/>
            <Route path=path!("/piani") view=PlansPage/>
            <Route path=path!("/assistenza") view=AssistancePage/>
        </Routes>
    }
    .into_any()
}
