//! A table wider than a phone: it scrolls sideways in a region the keyboard can reach
//! (focusable, named), so its hidden columns are not mouse-only.

use leptos::prelude::*;

#[component]
pub fn ScrollTable(
    /// What the table holds, read out when the region takes the focus.
    label: &'static str,
    /// Take the focus once drawn: a next page replaces the button that had it, and the
    /// keyboard goes on from the rows it asked for rather than from the page's top.
    #[prop(optional)]
    focus: bool,
    children: Children,
) -> impl IntoView {
    let region = NodeRef::<leptos::html::Div>::new();
    if focus {
        Effect::new(move |_| {
            if let Some(region) = region.get() {
                let _ = region.focus();
            }
        });
    }
    view! {
        <div class="table-responsive" tabindex="0" role="region" aria-label=label node_ref=region>
            {children()}
        </div>
    }
}
