//! Every page's frame: its own `<title>`, its heading, focused when the app moves to
//! another page so that a screen reader announces it and the next Tab starts from it (not
//! from where the old page had the focus). The page a load lands on keeps the browser's
//! own start, where the first Tab is the skip link; a page drawn again (its data read
//! again) leaves the focus where the person is.

use std::cell::RefCell;

use leptos::html::H1;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

thread_local! {
    /// The path whose heading last had the focus (or the one the load landed on).
    static FOCUSED_PATH: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Whether a page shown at `path` is a move to another page (and records it).
fn moved_to(path: String) -> bool {
    FOCUSED_PATH.with(|focused| match focused.borrow_mut().replace(path.clone()) {
        None => false,
        Some(previous) => previous != path,
    })
}

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
    let focus = moved_to(use_location().pathname.get_untracked());
    Effect::new(move |_| {
        if focus && let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });
    view! {
        <h1 tabindex="-1" node_ref=heading data-testid="page-title">{title}</h1>
        {children()}
    }
}
