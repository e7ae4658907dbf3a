//! A searchable member list: the Ordine's *Iscritti* and the Fondazione's nationwide
//! search. Search, filters and page are kept in the URL, so a list can be bookmarked,
//! shared and reloaded; the server does the searching.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use shared::api::{AlboFilter, CasellaFilter, MemberFilters};
use shared::catalog::PlanCode;
use shared::lifecycle::StatoContratto;
use shared::province::OrdineCode;
use shared::serde_name;

use crate::api;
use crate::components::alert::ErrorAlert;
use crate::components::download;
use crate::components::loaded::Loaded;
use crate::components::member_table::MemberTable;
use crate::components::page::Page;
use crate::format;
use crate::session::SessionContext;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Ordine,
    Nazionale,
}

/// The secretariat's members (the area's guard let only a secretariat in).
#[component]
pub fn MembersPage() -> impl IntoView {
    let ordine = SessionContext::get()
        .0
        .get_untracked()
        .and_then(|s| s.caller.ordine);
    view! {
        <Page title="Iscritti">
            {ordine.map(|ordine| view! {
                <Export ordine=ordine.to_string()/>
                <Search scope=Scope::Ordine ordine=Some(ordine)/>
            })}
        </Page>
    }
}

/// The Fondazione's search across every Ordine.
#[component]
pub fn NationwidePage() -> impl IntoView {
    view! {
        <Page title="Ricerca nazionale">
            <p class="lead">"Cerca un iscritto in tutti gli Ordini per codice fiscale, indirizzo PEC o cognome (almeno due lettere)."</p>
            <Search scope=Scope::Nazionale ordine=None/>
        </Page>
    }
}

#[component]
fn Search(scope: Scope, ordine: Option<OrdineCode>) -> impl IntoView {
    let location = use_location();
    let navigate = use_navigate();
    let base = match scope {
        Scope::Ordine => "/ordine/iscritti",
        Scope::Nazionale => "/fondazione/iscritti",
    };
    // The filters are the URL's: the same type the server reads them into.
    let current = Memo::new(move |_| MemberFilters::from_query(&location.search.get()));
    let form = RwSignal::new(current.get_untracked());
    Effect::new(move |_| form.set(current.get()));
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let filters = MemberFilters {
            cursor: None,
            ..form.get()
        };
        navigate(
            &format!("{base}?{}", filters.to_query()),
            Default::default(),
        );
    };
    let next_page = move |cursor: String| {
        let filters = MemberFilters {
            cursor: Some(cursor),
            ..current.get_untracked()
        };
        format!("{base}?{}", filters.to_query())
    };
    let nationwide = scope == Scope::Nazionale;
    let load = move || {
        let filters = current.get();
        async move {
            match (scope, ordine) {
                (Scope::Ordine, Some(ordine)) => {
                    api::ordine_members(ordine, &filters).await.map(Some)
                }
                // The nationwide search needs something to search for.
                (Scope::Nazionale, _) if filters.search().is_some() => {
                    api::nationwide(&filters).await.map(Some)
                }
                _ => Ok(None),
            }
        }
    };
    let text = |get: fn(&MemberFilters) -> String| move || get(&form.read());
    // A secretariat sees registered members only: cancelled ones are the Fondazione's.
    let albo_options: Vec<(String, &'static str)> = AlboFilter::ALL
        .iter()
        .filter(|a| nationwide || **a != AlboFilter::Cancellato)
        .map(|a| (serde_name::of(a), a.nome()))
        .collect();
    let casella_options = CasellaFilter::ALL
        .iter()
        .map(|c| (serde_name::of(c), c.nome()))
        .collect();
    // The server filters by the plan a mailbox counts as: a 2022 PRO is Avanzata's.
    let piano_options = [
        (serde_name::of(PlanCode::Base), PlanCode::Base.nome()),
        (
            serde_name::of(PlanCode::Avanzata),
            "Avanzata (anche PRO 2022)",
        ),
    ]
    .into_iter()
    .collect();
    let contratto_options = StatoContratto::ALL
        .iter()
        .map(|c| (serde_name::of(c), c.nome()))
        .collect();
    let entro_options = [7u16, 30, 90]
        .iter()
        .map(|d| {
            (
                d.to_string(),
                match d {
                    7 => "Entro 7 giorni",
                    30 => "Entro 30 giorni",
                    _ => "Entro 90 giorni",
                },
            )
        })
        .collect();
    view! {
        <form class="search row g-3 align-items-end mb-4" role="search" on:submit=search>
            <div class="col-12 col-lg-6">
                <label for="q" class="form-label">"Cerca per cognome, codice fiscale o indirizzo PEC"</label>
                <input id="q" type="search" class="form-control" data-testid="members-q"
                    prop:value=text(|f| f.q.clone().unwrap_or_default())
                    on:input:target=move |ev| form.update(|f| f.q = Some(ev.target().value()).filter(|q| !q.is_empty()))/>
            </div>
            <Select id="albo" label="Albo" all="Tutti" options=albo_options
                form
                value=|f| f.albo.map(serde_name::of).unwrap_or_default()
                set=|f, v| f.albo = serde_name::parse(&v)/>
            <Select id="casella" label="Casella" all="Tutte" options=casella_options
                form
                value=|f| f.casella.map(serde_name::of).unwrap_or_default()
                set=|f, v| f.casella = serde_name::parse(&v)/>
            <Select id="piano" label="Piano" all="Tutti" options=piano_options
                form
                value=|f| f.piano.map(serde_name::of).unwrap_or_default()
                set=|f, v| f.piano = serde_name::parse(&v)/>
            <Select id="contratto" label="Contratto" all="Tutti" options=contratto_options
                form
                value=|f| f.contratto.map(serde_name::of).unwrap_or_default()
                set=|f, v| f.contratto = serde_name::parse(&v)/>
            <Select id="scadenza_entro" label="Scadenza" all="Qualsiasi" options=entro_options
                form
                value=|f| f.scadenza_entro.map(|d| d.to_string()).unwrap_or_default()
                set=|f, v| f.scadenza_entro = v.parse().ok()/>
            <div class="col-12 col-md-4 col-lg-3">
                <div class="form-check">
                    <input id="senza_domicilio" type="checkbox" class="form-check-input" data-testid="members-senza-domicilio"
                        prop:checked=move || form.read().senza_domicilio == Some(true)
                        on:change:target=move |ev| form.update(|f| f.senza_domicilio = ev.target().checked().then_some(true))/>
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
                    <MemberTable members=page.items with_ordine=nationwide
                        focus=current.get_untracked().cursor.is_some()/>
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

/// A filter's select: `value` reads the filter from `form` and `set` writes it. Functions,
/// not closures: one copy of the select in the wasm for the five filters.
#[component]
fn Select(
    id: &'static str,
    label: &'static str,
    all: &'static str,
    options: Vec<(String, &'static str)>,
    form: RwSignal<MemberFilters>,
    value: fn(&MemberFilters) -> String,
    set: fn(&mut MemberFilters, String),
) -> impl IntoView {
    let options = options
        .into_iter()
        .map(|(v, text)| view! { <option value=v>{text}</option> })
        .collect_view();
    view! {
        <div class="col-6 col-md-4 col-lg-2">
            <label for=id class="form-label">{label}</label>
            <select id=id class="form-select" data-testid=format!("members-{id}")
                prop:value=move || value(&form.read())
                on:change:target=move |ev| form.update(|f| set(f, ev.target().value()))>
                <option value="">{all}</option>
                {options}
            </select>
        </div>
    }
}

/// *Esporta CSV*: every member of the Ordine, as a file.
#[component]
fn Export(ordine: String) -> impl IntoView {
    let pending = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let ordine = StoredValue::new(ordine);
    let export = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        failed.set(None);
        leptos::task::spawn_local(async move {
            let ordine = ordine.get_value();
            match api::export(&ordine).await {
                Ok(csv) => {
                    let today = format::italian_day(chrono::Utc::now());
                    download::save_bytes(
                        &format!("iscritti-{ordine}-{today}.csv"),
                        "text/csv;charset=utf-8",
                        &csv,
                    );
                }
                Err(err) => failed.set(Some(err.to_string())),
            }
            pending.set(false);
        });
    };
    view! {
        <p>
            <button type="button" class="btn btn-outline-primary" data-testid="members-export"
                disabled=move || pending.get() on:click=export>
                {move || if pending.get() { "Esportazione in corso…" } else { "Esporta tutti gli iscritti (CSV)" }}
            </button>
        </p>
        {move || failed.get().map(|message| view! { <ErrorAlert message testid="export-error"/> })}
    }
}
