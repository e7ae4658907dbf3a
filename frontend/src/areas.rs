//! What every area's routes share. Each area's routes are its binary's (`src/bin/`): what
//! one bundle knows. A path of another area is a page load of that area's bundle
//! ([`Elsewhere`]); inside an area, a `Guard` checks the role once.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use shared::ui::Area;

use crate::pages::not_found::NotFound;

/// `path` with its query (the router's `search` has no `?`).
pub fn with_query(path: &str, search: &str) -> String {
    if search.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{search}")
    }
}

/// A path this bundle does not route: another area's (loaded as a page), or none at all.
#[component]
pub fn Elsewhere(here: Area) -> impl IntoView {
    let location = use_location();
    let path = location.pathname.get_untracked();
    if Area::of(&path) == here {
        return view! { <NotFound/> }.into_any();
    }
    let target = with_query(&path, &location.search.get_untracked());
    Effect::new(move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().replace(&target);
        }
    });
    view! { <p class="loading" role="status">"Caricamento…"</p> }.into_any()
}
