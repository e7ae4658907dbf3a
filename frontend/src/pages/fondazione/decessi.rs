//! *Decessi*: holders the Albo records as deceased whose mailbox is still open, oldest
//! death first. Their mailbox sends no reminders and is not renewed: it closes at its
//! scadenza (the heirs' own request from a public page is still to come).

use leptos::prelude::*;
use leptos_router::components::A;
use shared::api::{DecessiPage, DecessoInCoda};
use shared::ui::path;

use crate::api;
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::components::scroll_table::ScrollTable;
use crate::format;

#[component]
pub fn DecessiPage() -> impl IntoView {
    let cursor = RwSignal::new(None::<String>);
    view! {
        <Page title="Decessi">
        <p class="lead">
            "Gli intestatari deceduti secondo l'Albo la cui casella è ancora aperta. La casella non riceve avvisi e non viene rinnovata: si chiude alla scadenza. Gli eredi che ne chiedono la chiusura prima scrivono all'assistenza della Fondazione."
        </p>
        <Loaded what="dei decessi"
            load=move || {
                let cursor = cursor.get();
                async move { api::decessi(cursor.as_deref()).await }
            }
            view=move |page: DecessiPage| {
                let next = page.cursor.clone();
                if page.items.is_empty() {
                    return view! { <p data-testid="decessi-empty">"Nessuna casella di intestatari deceduti ancora aperta."</p> }.into_any();
                }
                let rows = page.items.into_iter().map(|d| view! { <Row d/> }).collect_view();
                view! {
                    <ScrollTable label="Decessi con la casella aperta">
                        <table class="table table-striped table-sm" data-testid="decessi-table">
                        <thead><tr>
                            <th scope="col">"Intestatario"</th>
                            <th scope="col">"Ordine"</th>
                            <th scope="col">"Decesso"</th>
                            <th scope="col">"Casella"</th>
                            <th scope="col">"Si chiude il"</th>
                            <th scope="col">"Disdetta"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                        </table>
                    </ScrollTable>
                    {next.map(|next| view! {
                        <button type="button" class="btn btn-outline-primary" data-testid="decessi-next"
                            on:click=move |_| cursor.set(Some(next.clone()))>"Successivi"</button>
                    })}
                }
                .into_any()
            }/>
        </Page>
    }
}

#[component]
fn Row(d: DecessoInCoda) -> impl IntoView {
    let member = path::iscritto(&d.codice_fiscale.to_string());
    view! {
        <tr data-testid="decesso-row">
            <td><a href=member rel="external">{format!("{} {}", d.cognome, d.nome)}</a></td>
            <td>{d.ordine.nome()}</td>
            <td>{format::date(d.deceduto_il)}</td>
            <td>{d.indirizzo.to_string()}</td>
            <td>{format::date(d.scadenza)}</td>
            <td>{if d.disdetta_in_attesa {
                view! { <A href=path::FONDAZIONE_DISDETTE>"Da decidere"</A> }.into_any()
            } else {
                view! { <span>"Nessuna"</span> }.into_any()
            }}</td>
        </tr>
    }
}
