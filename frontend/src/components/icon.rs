//! The few icons the app shows, drawn inline: Bootstrap Italia's (same 24×24 paths as its
//! `sprites.svg`), without fetching its 94 kB sprite for three of them.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub enum Icon {
    Burger,
    CloseBig,
    User,
}

impl Icon {
    fn path(self) -> &'static str {
        match self {
            Icon::Burger => "M22 5v1H2V5h20zM2 12.5h20v-1H2v1zM2 19h20v-1H2v1z",
            Icon::CloseBig => {
                "m12.7 12 6.7 6.6-.8.8-6.6-6.7-6.6 6.7-.8-.8 6.7-6.6-6.7-6.6.8-.8 6.6 6.7 6.6-6.7.8.8-6.7 6.6z"
            }
            Icon::User => {
                "M12 13c2.2 0 4-1.8 4-4V6c0-2.2-1.8-4-4-4S8 3.8 8 6v3c0 2.2 1.8 4 4 4zM9 6c0-1.7 1.3-3 3-3s3 1.3 3 3v3c0 1.7-1.3 3-3 3s-3-1.3-3-3V6zm11 16h-1c0-3.9-3.1-7-7-7s-7 3.1-7 7H4c0-4.4 3.6-8 8-8s8 3.6 8 8z"
            }
        }
    }
}

/// An icon with Bootstrap Italia's classes (`icon`, `icon-sm`, `icon-white`…); decorative,
/// so hidden from screen readers: its button says what it does.
#[component]
pub fn Svg(icon: Icon, class: &'static str) -> impl IntoView {
    view! {
        <svg class=class viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=icon.path()></path>
        </svg>
    }
}
