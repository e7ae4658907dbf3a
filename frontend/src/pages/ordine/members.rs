//! A searchable member list: the Ordine's *Iscritti* and the Fondazione's nationwide
//! search. Search, filters and page are kept in the URL, so a list can be bookmarked,
//! shared and reloaded; the server does the searching.

use leptos::prelude::*;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{self, encode};
use crate::components::alert::ErrorAlert;
use crate::components::download;
use crate::components::loaded::Loaded;
use crate::components::member_table::MemberTable;
use crate::session::SessionContext;

/// The list's filters, as in the API's query string.
const FILTERS: [&str; 7] = [
    "q",
    "albo",
    "casella",
    "piano",
    "contratto",
    "scadenza_entro",
    "senza_domicilio",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Ordine,
    Nazionale,
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let session = SessionContext::get().0.get_untracked();
    let ordine = session
        .as_ref()
        .and_then(|s| s.caller.ordine)
        .map(|o| o.to_string());
    match ordine {
        _ if session.is_none() => view! { <Redirect path="/accesso"/> }.into_any(),
        Some(ordine) => view! {
            <h1>"Iscritti"</h1>
            <Export ordine=ordine.clone()/>
            <Search scope=Scope::Ordine ordine/>
        }
        .into_any(),
        None => view! {
            <h1>"Iscritti"</h1>
            <ErrorAlert message="Questa pagina è riservata alle segreterie degli Ordini."/>
        }
        .into_any(),
    }
}

/// The Fondazione's search across every Ordine.
#[component]
pub fn NationwidePage() -> impl IntoView {
    view! {
        <h1>"Ricerca nazionale"</h1>
        <p class="lead">"Cerca un iscritto in tutti gli Ordini per codice fiscale, indirizzo PEC o cognome (almeno due lettere)."</p>
        <Search scope=Scope::Nazionale ordine=String::new()/>
    }
}

#[component]
fn Search(scope: Scope, ordine: String) -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let base = match scope {
        Scope::Ordine => "/ordine/iscritti",
        Scope::Nazionale => "/fondazione/iscritti",
    };
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let query_of = move |names: &[&str]| {
        names
            .iter()
            .filter_map(|name| {
                let value = param(name);
                (!value.is_empty()).then(|| format!("{name}={}", encode(&value)))
            })
            .collect::<Vec<_>>()
    };
    let fields: Vec<(&'static str, RwSignal<String>)> = FILTERS
        .iter()
        .map(|name| (*name, RwSignal::new(param(name))))
        .collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
            .expect("a known filter")
    };
    let submitted = fields.clone();
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parts: Vec<String> = submitted
            .iter()
            .filter(|(_, value)| !value.get().is_empty())
            .map(|(name, value)| format!("{name}={}", encode(&value.get())))
            .collect();
        navigate(&format!("{base}?{}", parts.join("&")), Default::default());
    };
    let next_page = move |cursor: String| {
        let mut parts = query_of(&FILTERS);
        parts.push(format!("cursor={}", encode(&cursor)));
        format!("{base}?{}", parts.join("&"))
    };
    let ordine = StoredValue::new(ordine);
    let nationwide = scope == Scope::Nazionale;
    let load = move || {
        let mut parts = query_of(&FILTERS);
        parts.extend(query_of(&["cursor"]));
        let qs = parts.join("&");
        let has_query = !param("q").is_empty();
        let ordine = ordine.get_value();
        async move {
            match scope {
                Scope::Ordine => api::ordine_members(&ordine, &qs).await.map(Some),
                // The nationwide search needs something to search for.
                Scope::Nazionale if has_query => api::nationwide(&qs).await.map(Some),
                Scope::Nazionale => Ok(None),
            }
        }
    };
    let (q, albo, casella, piano, contratto, entro, senza) = (
        field("q"),
        field("albo"),
        field("casella"),
        field("piano"),
        field("contratto"),
        field("scadenza_entro"),
        field("senza_domicilio"),
    );
    view! {
        <form class="search row g-3 align-items-end mb-4" role="search" on:submit=search>
            <div class="col-12 col-lg-6">
                <label for="q" class="form-label">"Cerca per cognome, codice fiscale o indirizzo PEC"</label>
                <input id="q" type="search" class="form-control" data-testid="members-q" prop:value=move || q.get()
                    on:input:target=move |ev| q.set(ev.target().value())/>
            </div>
            <Select id="albo" label="Albo" value=albo options=&[("", "Tutti"), ("iscritto", "Iscritti"), ("sospeso", "Sospesi"), ("cancellato", "Cancellati")]/>
            <Select id="casella" label="Casella" value=casella options=&[("", "Tutte"), ("attiva", "Attiva"), ("nessuna", "Senza casella"), ("bloccata", "Bloccata"), ("chiusa", "Chiusa")]/>
            <Select id="piano" label="Piano" value=piano options=&[("", "Tutti"), ("base", "Base"), ("avanzata", "Avanzata")]/>
            <Select id="contratto" label="Contratto" value=contratto options=&[("", "Tutti"), ("da-firmare", "Da firmare"), ("in-verifica", "In verifica"), ("firmato", "Firmato"), ("respinto", "Respinto")]/>
            <Select id="scadenza_entro" label="Scadenza" value=entro options=&[("", "Qualsiasi"), ("7", "Entro 7 giorni"), ("30", "Entro 30 giorni"), ("90", "Entro 90 giorni")]/>
            <div class="col-12 col-md-4 col-lg-3">
                <div class="form-check">
                    <input id="senza_domicilio" type="checkbox" class="form-check-input" data-testid="members-senza-domicilio"
                        prop:checked=move || senza.get() == "true"
                        on:change:target=move |ev| senza.set(if ev.target().checked() { "true".into() } else { String::new() })/>
                    <label for="senza_domicilio" class="form-check-label">"Senza domicilio digitale"</label>
                </div>
            </div>
            <div class="col-12 col-md-4 col-lg-3">
                <button type="submit" class="btn btn-primary" data-testid="members-search">"Cerca"</button>
            </div>
        </form>
        <Loaded what="degli iscritti" load view=move |page| match page {
            Some(page) => {
                let next = page.cursor.clone().map(next_page);
                view! {
                    <MemberTable members=page.items with_ordine=nationwide/>
                    {next.map(|href| view! {
                        <p><A href=href attr:data-testid="members-next">"Pagina successiva"</A></p>
                    })}
                }
                .into_any()
            }
            None => view! { <p class="hint">"Indica che cosa cercare."</p> }.into_any(),
        }/>
    }
}

#[component]
fn Select(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    options: &'static [(&'static str, &'static str)],
) -> impl IntoView {
    let options = options
        .iter()
        .map(|(v, text)| view! { <option value=*v>{*text}</option> })
        .collect_view();
    view! {
        <div class="col-6 col-md-4 col-lg-2">
            <label for=id class="form-label">{label}</label>
            <select id=id class="form-select" data-testid=format!("members-{id}") prop:value=move || value.get()
                on:change:target=move |ev| value.set(ev.target().value())>
                {options}
            </select>
        </div>
    }
}

/// *Esporta CSV*: every member of the Ordine, as a file.
#[component]
fn Export(ordine: String) -> impl IntoView {
    let export = Action::new_local(move |_: &()| {
        let ordine = ordine.clone();
        async move {
            let csv = api::export(&ordine).await?;
            let today = chrono::Local::now().date_naive();
            download::save_text(
                &format!("iscritti-{ordine}-{today}.csv"),
                "text/csv;charset=utf-8",
                &csv,
            );
            Ok::<_, api::ClientError>(())
        }
    });
    view! {
        <p>
            <button type="button" class="btn btn-outline-primary" data-testid="members-export"
                disabled=move || export.pending().get() on:click=move |_| { export.dispatch(()); }>
                {move || if export.pending().get() { "Esportazione in corso…" } else { "Esporta tutti gli iscritti (CSV)" }}
            </button>
        </p>
        {move || match export.value().get() {
            Some(Err(err)) => Some(view! { <ErrorAlert message=err.to_string() testid="export-error"/> }),
            _ => None,
        }}
    }
}
