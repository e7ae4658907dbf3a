//! *Storico*: what was done on the holder's mailbox and data, newest first.

use leptos::prelude::*;
use shared::api::AuditPage;
use shared::audit::leggibile::Modifica;
use shared::audit::{AuditEntry, Change, Integrity};

use crate::api;
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::components::scroll_table::ScrollTable;
use crate::format;

#[component]
pub fn HistoryPage() -> impl IntoView {
    let cursor = RwSignal::new(None::<String>);
    view! {
        <Page title="Storico">
        <p class="lead">"Le operazioni sulla tua casella e sui tuoi dati, dalla più recente."</p>
        <Loaded what="dello storico"
            load=move || {
                let cursor = cursor.get();
                async move { api::history(cursor.as_deref()).await }
            }
            view=move |page: AuditPage| view! {
                <IntegrityNote integrita=page.integrita.clone()/>
                <AuditTable entries=page.items.clone() focus=cursor.get_untracked().is_some()/>
                {page.cursor.clone().map(|next| view! {
                    <button type="button" class="btn btn-outline-primary" data-testid="history-next"
                        on:click=move |_| cursor.set(Some(next.clone()))>"Operazioni precedenti"</button>
                })}
            }/>
        </Page>
    }
}

/// Text stored in Italian, lower case ("attivazione casella", "il titolare"), as the start
/// of a sentence.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Whether the log's chain holds: every entry there, unchanged.
#[component]
pub fn IntegrityNote(integrita: Option<Integrity>) -> impl IntoView {
    integrita.map(|i| match i {
        Integrity::Integro { voci } => view! {
            <p class="text-success" data-testid="audit-integrity" data-whole="true">
                {format!("Registro integro: tutte le {voci} operazioni sono presenti e non modificate.")}
            </p>
        }
        .into_any(),
        Integrity::Interrotto { motivo } => view! {
            <div class="alert alert-danger" role="alert" data-testid="audit-integrity" data-whole="false">
                {format!("Il registro non è integro: {motivo} Segnalalo alla Fondazione CNI.")}
            </div>
        }
        .into_any(),
    })
}

/// An entry's changes in Italian, each "field: before → after"; more than three folded
/// under their count, so the table stays readable.
#[component]
fn Modifiche(changes: Vec<Change>) -> impl IntoView {
    let modifiche: Vec<Modifica> = changes.iter().filter_map(Change::leggibile).collect();
    let count = modifiche.len();
    let items = modifiche
        .into_iter()
        .map(|m| {
            let valori = match (m.prima, m.dopo) {
                (Some(prima), Some(dopo)) => view! {
                    {prima}" "<span aria-hidden="true">"→"</span><span class="visually-hidden">"diventa"</span>" "{dopo}
                }
                .into_any(),
                (None, Some(dopo)) => view! { {dopo} }.into_any(),
                (Some(prima), None) => view! { {prima}" (rimosso)" }.into_any(),
                (None, None) => view! { "—" }.into_any(),
            };
            view! { <li><span class="campo">{m.campo}": "</span>{valori}</li> }
        })
        .collect_view();
    let list = view! { <ul class="changes">{items}</ul> };
    match count {
        0 => view! { "—" }.into_any(),
        1..=3 => list.into_any(),
        n => {
            view! { <details><summary>{format!("{n} campi")}</summary>{list}</details> }.into_any()
        }
    }
}

/// Audit entries as a table.
#[component]
pub fn AuditTable(
    entries: Vec<AuditEntry>,
    #[prop(optional)] with_target: bool,
    /// A next page: the table takes the focus (see `ScrollTable`).
    #[prop(optional)]
    focus: bool,
) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p data-testid="audit-empty">"Nessuna operazione registrata."</p> }
            .into_any();
    }
    let rows = entries
        .into_iter()
        .map(|e| {
            let local = e.at.with_timezone(&chrono::Local);
            view! {
                <tr data-testid="audit-row">
                    <td>{format!("{} {}", format::date(local.date_naive()), local.format("%H:%M"))}</td>
                    <td data-testid="audit-action">{sentence(&e.action)}</td>
                    {with_target.then(|| view! { <td>{e.target.descrizione()}</td> })}
                    <td data-testid="audit-changes"><Modifiche changes=e.changes/></td>
                    <td data-testid="audit-actor">{sentence(&e.actor.descrizione())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ScrollTable label="Operazioni registrate" focus>
            <table class="table table-striped" data-testid="audit-table">
                <thead>
                    <tr>
                        <th scope="col">"Quando"</th>
                        <th scope="col">"Operazione"</th>
                        {with_target.then(|| view! { <th scope="col">"Riguarda"</th> })}
                        <th scope="col">"Cosa è cambiato"</th>
                        <th scope="col">"Eseguita da"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </ScrollTable>
    }
    .into_any()
}
