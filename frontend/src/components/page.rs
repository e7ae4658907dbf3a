//! Every page's frame: its own `<title>`, its heading, focused when the page is shown so
//! that a screen reader announces it and the next Tab starts from it (not from the page's
//! end).

use leptos::html::H1;
use leptos::prelude::*;

/// The window's title for a page.
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{title} – PEC Ingegneri"));
    }
}

#[component]
pub fn Page(#[prop(into)] title: String, children: Children) -> impl IntoView {
    set_title(&title);
    let heading = NodeRef::<H1>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    view! {
        <h1 tabindex="-1" node_ref=heading data-testid="page-title">{title}</h1>
        {children()}
    }
}
