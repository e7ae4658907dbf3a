//! *Storico*: what was done on the holder's mailbox and data, newest first.

use leptos::prelude::*;
use shared::api::{AuditEntry, AuditPage};

use crate::api;
use crate::components::loaded::Loaded;
use crate::format;

#[component]
pub fn HistoryPage() -> impl IntoView {
    let cursor = RwSignal::new(None::<String>);
    view! {
        <h1>"Storico"</h1>
        <p class="lead">"Le operazioni sulla tua casella e sui tuoi dati, dalla più recente."</p>
        <Loaded what="dello storico"
            load=move || {
                let cursor = cursor.get();
                async move { api::history(cursor.as_deref()).await }
            }
            view=move |page: AuditPage| view! {
                <AuditTable entries=page.items.clone()/>
                {page.cursor.clone().map(|next| view! {
                    <button type="button" class="btn btn-outline-primary" data-testid="history-next"
                        on:click=move |_| cursor.set(Some(next.clone()))>"Operazioni precedenti"</button>
                })}
            }/>
    }
}

/// An audit action (stored in Italian, lower case) as a sentence.
fn action(action: &str) -> String {
    let mut chars = action.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Audit entries as a table.
#[component]
pub fn AuditTable(entries: Vec<AuditEntry>, #[prop(optional)] with_target: bool) -> impl IntoView {
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
                    <td data-testid="audit-action">{action(&e.action)}</td>
                    {with_target.then(|| view! { <td>{e.target.clone()}</td> })}
                    <td>{e.actor.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-responsive">
            <table class="table table-striped" data-testid="audit-table">
                <thead>
                    <tr>
                        <th scope="col">"Quando"</th>
                        <th scope="col">"Operazione"</th>
                        {with_target.then(|| view! { <th scope="col">"Riguarda"</th> })}
                        <th scope="col">"Eseguita da"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
