//! The page frame of the Italian public portals (Bootstrap Italia): slim header with the
//! Fondazione and the account, the brand, the navigation by role, and the footer.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use shared::access::Role;
use shared::address::OFFICIAL_SENDER_DOMAINS;

use crate::session::SessionContext;

/// The navigation of each role: (path, label, test id).
fn links(role: Option<Role>) -> &'static [(&'static str, &'static str, &'static str)] {
    match role {
        None => &[("/piani", "Piani e prezzi", "nav-plans")],
        Some(Role::Iscritto) => &[
            ("/mia-pec", "La mia PEC", "nav-mailbox"),
            ("/mia-pec/dati", "Dati anagrafici", "nav-profile"),
            ("/mia-pec/recupero", "Recupero credenziali", "nav-recovery"),
            ("/mia-pec/piani", "Piani e prezzi", "nav-plans"),
            ("/mia-pec/storico", "Storico", "nav-history"),
        ],
        Some(Role::Segreteria) => &[
            ("/ordine/iscritti", "Iscritti", "nav-members"),
            ("/ordine/attivazioni", "Attivazione massiva", "nav-bulk"),
            (
                "/ordine/casella",
                "Casella dell'Ordine",
                "nav-ordine-mailbox",
            ),
        ],
        Some(Role::Fondazione) => &[
            ("/fondazione", "Ordini", "nav-ordini"),
            (
                "/fondazione/iscritti",
                "Ricerca nazionale",
                "nav-nationwide",
            ),
            ("/fondazione/albo", "Import dall'Albo", "nav-albo"),
            ("/fondazione/registro", "Registro", "nav-audit"),
        ],
        Some(Role::Albo) => &[("/fondazione/albo", "Import dall'Albo", "nav-albo")],
    }
}

fn icon(name: &'static str) -> impl IntoView {
    view! {
        <svg class="icon icon-sm icon-white" aria-hidden="true">
            <use href=format!("/bootstrap-italia/svg/sprites.svg#{name}")></use>
        </svg>
    }
}

#[component]
pub fn Header() -> impl IntoView {
    let session = SessionContext::get();
    let expanded = RwSignal::new(false);
    // A new page closes the mobile menu.
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        expanded.set(false);
    });
    let nav = move || {
        let role = session.0.get().map(|s| s.caller.role);
        links(role)
            .iter()
            .map(|(href, label, testid)| {
                view! {
                    <li class="nav-item">
                        <A href=*href attr:class="nav-link" attr:data-testid=*testid><span>{*label}</span></A>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <header class="it-header-wrapper">
            <div class="it-header-slim-wrapper">
                <div class="container">
                    <div class="it-header-slim-wrapper-content">
                        <span class="d-lg-block navbar-brand">"Fondazione CNI – Convenzione Aruba PEC"</span>
                        <div class="it-header-slim-right-zone">
                            <Account/>
                        </div>
                    </div>
                </div>
            </div>
            <div class="it-nav-wrapper">
                <div class="it-header-center-wrapper">
                    <div class="container">
                        <div class="it-header-center-content-wrapper">
                            <div class="it-brand-wrapper">
                                <A href="/">
                                    <div class="it-brand-text">
                                        <div class="it-brand-title">"PEC Ingegneri"</div>
                                        <div class="it-brand-tagline d-none d-md-block">"La casella @ingpec.eu degli iscritti all'Albo"</div>
                                    </div>
                                </A>
                            </div>
                        </div>
                    </div>
                </div>
                <div class="it-header-navbar-wrapper">
                    <div class="container">
                        <nav class="navbar navbar-expand-lg" aria-label="Navigazione principale">
                            <button class="custom-navbar-toggler" type="button" aria-controls="main-nav"
                                aria-expanded=move || expanded.get().to_string() aria-label="Mostra o nascondi il menu"
                                on:click=move |_| expanded.update(|e| *e = !*e)>
                                {icon("it-burger")}
                            </button>
                            <div class="navbar-collapsable" id="main-nav"
                                class:expanded=move || expanded.get()
                                style:display=move || if expanded.get() { "block" } else { "" }>
                                <div class="menu-wrapper">
                                    <ul class="navbar-nav">{nav}</ul>
                                </div>
                            </div>
                        </nav>
                    </div>
                </div>
            </div>
        </header>
    }
}

/// The signed-in person and *Esci*, or *Accedi*.
#[component]
fn Account() -> impl IntoView {
    let session = SessionContext::get();
    let navigate = use_navigate();
    let sign_out = move |_| match session.sign_out() {
        Some(logout) => {
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign(&logout);
            }
        }
        None => navigate("/", Default::default()),
    };
    view! {
        {move || match session.0.get() {
            None => view! {
                <A href="/accesso" attr:class="btn btn-primary btn-icon btn-full" attr:data-testid="nav-login">
                    <span class="rounded-icon">
                        <svg class="icon icon-primary" aria-hidden="true"><use href="/bootstrap-italia/svg/sprites.svg#it-user"></use></svg>
                    </span>
                    <span class="d-none d-lg-block">"Accedi"</span>
                </A>
            }
            .into_any(),
            Some(s) => view! {
                <span class="who me-3" data-testid="nav-user">{s.caller.subject.clone()}</span>
                <button type="button" class="btn btn-outline-light btn-sm me-2" data-testid="nav-logout" on:click=sign_out.clone()>"Esci"</button>
            }
            .into_any(),
        }}
    }
}

/// The official sender domains, from the domain's list: "@a, @b e @c", in bold.
fn official_senders() -> impl IntoView {
    let last = OFFICIAL_SENDER_DOMAINS.len() - 1;
    OFFICIAL_SENDER_DOMAINS
        .iter()
        .enumerate()
        .map(|(i, domain)| {
            let before = match i {
                0 => "",
                i if i == last => " e ",
                _ => ", ",
            };
            view! { {before}<strong>{format!("@{domain}")}</strong> }
        })
        .collect_view()
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="it-footer">
            <div class="it-footer-main">
                <div class="container py-4">
                    <p data-testid="official-senders">
                        "Le comunicazioni sui rinnovi arrivano solo da indirizzi "
                        {official_senders()}
                        ": ogni altro mittente è da considerare SPAM."
                    </p>
                    <p class="mb-0">
                        "Assistenza: scrivi una e-mail ordinaria (non PEC) a "
                        <a href="mailto:assistenzapec@fondazionecni.it">"assistenzapec@fondazionecni.it"</a>"."
                    </p>
                </div>
            </div>
        </footer>
    }
}
