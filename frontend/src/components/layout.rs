//! The page frame of the Italian public portals (Bootstrap Italia): slim header with the
//! Fondazione and the account, the brand, the navigation by role. The served page has the
//! same frame and the footer in its HTML, so nothing is white while a bundle loads; the
//! footer stays the page's.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use shared::access::Role;
use shared::api::Code;
use shared::ui::{Area, path};
use wasm_bindgen::JsCast;

use crate::components::icon::{Icon, Svg};
use crate::session::SessionContext;

/// The navigation of each role: (path, label, test id).
fn links(role: Option<Role>) -> &'static [(&'static str, &'static str, &'static str)] {
    match role {
        None => &[
            (path::PIANI, "Piani e prezzi", "nav-plans"),
            (path::RICHIESTA_PEC, "Richiedi la PEC", "nav-request"),
            (path::VERIFICA_MITTENTE, "Verifica mittente", "nav-sender"),
            (path::ASSISTENZA, "Assistenza", "nav-assistance"),
        ],
        Some(Role::Iscritto) => &[
            (path::MIA_PEC, "La mia PEC", "nav-mailbox"),
            (path::MIA_PEC_DATI, "Dati anagrafici", "nav-profile"),
            (
                path::MIA_PEC_RECUPERO,
                "Recupero credenziali",
                "nav-recovery",
            ),
            (path::MIA_PEC_PIANI, "Acquista e rinnova", "nav-plans"),
            (path::MIA_PEC_ORDINI, "I miei ordini", "nav-orders"),
            (path::MIA_PEC_STORICO, "Storico", "nav-history"),
            (path::MIA_PEC_FIRMA, "Firma digitale", "nav-firma"),
            (path::MIA_PEC_DISDETTA, "Disdetta", "nav-disdetta"),
            (path::VERIFICA_MITTENTE, "Verifica mittente", "nav-sender"),
            (path::ASSISTENZA, "Assistenza", "nav-assistance"),
        ],
        Some(Role::Segreteria) => &[
            (path::ORDINE_ISCRITTI, "Iscritti", "nav-members"),
            (
                path::ORDINE_RICHIESTE,
                "Richieste di attivazione",
                "nav-richieste",
            ),
            (path::ORDINE_FIRME, "Firma digitale", "nav-firme"),
            (path::ORDINE_ATTIVAZIONI, "Attivazione massiva", "nav-bulk"),
            (
                path::ORDINE_DOMICILIO,
                "Domicilio digitale",
                "nav-domicilio",
            ),
            (
                path::ORDINE_CASELLA,
                "Casella dell'Ordine",
                "nav-ordine-mailbox",
            ),
            (
                path::ORDINE_PROFILO,
                "Profilo dell'Ordine",
                "nav-ordine-profilo",
            ),
        ],
        Some(Role::Fondazione) => &[
            (path::FONDAZIONE, "Ordini", "nav-ordini"),
            (
                path::FONDAZIONE_ISCRITTI,
                "Ricerca nazionale",
                "nav-nationwide",
            ),
            (path::FONDAZIONE_ALBO, "Import dall'Albo", "nav-albo"),
            (path::FONDAZIONE_PANNELLO, "Import caselle", "nav-pannello"),
            (path::FONDAZIONE_CONTRATTI, "Contratti", "nav-review"),
            (path::FONDAZIONE_DISDETTE, "Disdette", "nav-disdette"),
            (path::FONDAZIONE_DECESSI, "Decessi", "nav-decessi"),
            (path::FONDAZIONE_COMANDI, "Comandi fermi", "nav-comandi"),
            (path::FONDAZIONE_BLOCCATE, "Bloccate", "nav-bloccate"),
            (
                path::FONDAZIONE_RICHIESTE,
                "Richieste ferme",
                "nav-richieste-ferme",
            ),
            (path::FONDAZIONE_FIRME, "Firma digitale", "nav-firme"),
            (path::FONDAZIONE_ORDINI, "Pagamenti", "nav-payments"),
            (path::FONDAZIONE_LISTINO, "Listino", "nav-listino"),
            (path::FONDAZIONE_REGISTRO, "Registro", "nav-audit"),
        ],
        Some(Role::Albo) => &[(path::FONDAZIONE_ALBO, "Import dall'Albo", "nav-albo")],
    }
}

/// *Vai al contenuto*: moves the focus to the page's heading (a plain `#main` link only
/// scrolls, and the next Tab would start from where the focus was).
#[component]
pub fn SkipLink() -> impl IntoView {
    let skip = |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let document = web_sys::window().and_then(|w| w.document());
        let target = document.and_then(|d| {
            d.query_selector("main h1")
                .ok()
                .flatten()
                .or_else(|| d.get_element_by_id("main"))
        });
        if let Some(target) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = target.focus();
        }
    };
    view! {
        <a class="visually-hidden-focusable skip-link" href="#main" data-testid="skip-link" on:click=skip>"Vai al contenuto"</a>
    }
}

/// A menu entry: a link inside this bundle's area, or a page load of another area's.
/// `exact`: marked as the current page only on its own path (an area's home, whose
/// sub-pages have their own entries), not on the pages below it too.
fn entry(
    area: Area,
    (href, label, testid): (&'static str, &'static str, &'static str),
    exact: bool,
    waiting: Option<u32>,
) -> AnyView {
    // How many items wait in the queue the entry leads to.
    let badge = waiting.filter(|n| *n > 0).map(|n| {
        let shown = if n >= Code::MAX {
            format!("{n}+")
        } else {
            n.to_string()
        };
        view! {
            <span class="badge bg-light text-dark ms-1" data-testid=format!("{testid}-count")>
                {shown}<span class="visually-hidden">" in attesa"</span>
            </span>
        }
    });
    if Area::of(href) == area {
        view! {
            <li class="nav-item">
                <A href=href exact attr:class="nav-link" attr:data-testid=testid><span>{label}</span>{badge}</A>
            </li>
        }
        .into_any()
    } else {
        view! {
            <li class="nav-item">
                <a href=href rel="external" class="nav-link" data-testid=testid><span>{label}</span>{badge}</a>
            </li>
        }
        .into_any()
    }
}

/// The count of the Fondazione's queue an entry leads to.
fn waiting_in(code: &Code, testid: &str) -> Option<u32> {
    match testid {
        "nav-review" => Some(code.contratti),
        "nav-disdette" => Some(code.disdette),
        "nav-decessi" => Some(code.decessi),
        "nav-comandi" => Some(code.comandi_fermi),
        "nav-bloccate" => Some(code.bloccate),
        "nav-richieste-ferme" => Some(code.richieste_ferme),
        _ => None,
    }
}

#[component]
pub fn Header(area: Area) -> impl IntoView {
    let session = SessionContext::get();
    let expanded = RwSignal::new(false);
    // A new page closes the mobile menu.
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        expanded.set(false);
    });
    let close = move || {
        expanded.set(false);
        // Back to the button that opened it, for the keyboard.
        if let Some(toggler) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("main-nav-toggler"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = toggler.focus();
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && expanded.get_untracked() {
            close();
        }
    };
    // The Fondazione's queues, counted again on each page.
    let code = RwSignal::new(None::<Code>);
    Effect::new(move |_| {
        location.pathname.track();
        let fondazione = session
            .0
            .get()
            .is_some_and(|s| s.caller.role == Role::Fondazione);
        if fondazione {
            leptos::task::spawn_local(async move {
                if let Ok(counts) = crate::api::queue_counts().await {
                    code.set(Some(counts));
                }
            });
        }
    });
    let nav = move || {
        let role = session.0.get().map(|s| s.caller.role);
        let links = links(role);
        let code = code.get();
        links
            .iter()
            .map(|&link| {
                let below = format!("{}/", link.0);
                let exact = links.iter().any(|(other, ..)| other.starts_with(&below));
                let waiting = code.as_ref().and_then(|c| waiting_in(c, link.2));
                entry(area, link, exact, waiting)
            })
            .collect_view()
    };
    view! {
        <header class="it-header-wrapper" on:keydown=on_key>
            <div class="it-header-slim-wrapper">
                <div class="container">
                    <div class="it-header-slim-wrapper-content">
                        <span class="d-none d-md-block navbar-brand">"Fondazione CNI – Convenzione Aruba PEC"</span>
                        <div class="it-header-slim-right-zone">
                            <Account area/>
                        </div>
                    </div>
                </div>
            </div>
            <div class="it-nav-wrapper">
                <div class="it-header-center-wrapper">
                    <div class="container">
                        <div class="it-header-center-content-wrapper">
                            <div class="it-brand-wrapper">
                                <a href=path::HOME rel="external">
                                    <div class="it-brand-text">
                                        <div class="it-brand-title">"PEC Ingegneri"</div>
                                        <div class="it-brand-tagline d-none d-md-block">"La casella @ingpec.eu degli iscritti all'Albo"</div>
                                    </div>
                                </a>
                            </div>
                        </div>
                    </div>
                </div>
                <div class="it-header-navbar-wrapper">
                    <div class="container">
                        <nav class="navbar navbar-expand-lg" aria-label="Navigazione principale">
                            <button id="main-nav-toggler" class="custom-navbar-toggler" type="button" aria-controls="main-nav"
                                aria-expanded=move || expanded.get().to_string() aria-label="Apri il menu"
                                data-testid="nav-toggler"
                                on:click=move |_| expanded.update(|e| *e = !*e)>
                                <Svg icon=Icon::Burger class="icon icon-sm icon-white"/>
                            </button>
                            <div class="navbar-collapsable" id="main-nav"
                                class:expanded=move || expanded.get()
                                style:display=move || if expanded.get() { "block" } else { "" }>
                                <div class="overlay" style:display=move || if expanded.get() { "block" } else { "" }
                                    on:click=move |_| close()></div>
                                <div class="close-div">
                                    <button class="btn close-menu" type="button" data-testid="nav-close"
                                        on:click=move |_| close()>
                                        <span class="visually-hidden">"Chiudi il menu"</span>
                                        <Svg icon=Icon::CloseBig class="icon"/>
                                    </button>
                                </div>
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
fn Account(area: Area) -> impl IntoView {
    let session = SessionContext::get();
    let navigate = use_navigate();
    let sign_out = move |_| {
        if area == Area::Pubblico {
            match session.sign_out() {
                Some(logout) => {
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().assign(&logout);
                    }
                }
                None => navigate(path::HOME, Default::default()),
            }
        } else {
            session.sign_out_and_leave(path::HOME);
        }
    };
    view! {
        {move || match session.0.get() {
            None => view! {
                <a href=path::ACCESSO rel="external" class="btn btn-primary btn-icon btn-full" data-testid="nav-login">
                    <span class="rounded-icon">
                        <Svg icon=Icon::User class="icon icon-primary"/>
                    </span>
                    <span>"Accedi"</span>
                </a>
            }
            .into_any(),
            Some(s) => view! {
                <span class="who me-2" data-testid="nav-user">{s.caller.subject.clone()}</span>
                <button type="button" class="btn btn-outline-light btn-sm" data-testid="nav-logout" on:click=sign_out.clone()>"Esci"</button>
            }
            .into_any(),
        }}
    }
}
