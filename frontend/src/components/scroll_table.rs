//! A table wider than a phone: it scrolls sideways in a region the keyboard can reach
//! (focusable, named), so its hidden columns are not mouse-only.

use leptos::prelude::*;

#[component]
pub fn ScrollTable(
    /// What the table holds, read out when the region takes the focus.
    label: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-responsive" tabindex="0" role="region" aria-label=label>
            {children()}
        </div>
    }
}
