//! *Ordini*: every Ordine with its members and mailboxes counted.

use leptos::prelude::*;
use shared::api::{OrdineOverview, Verifica};

use crate::api;
use crate::components::alert::ErrorAlert;
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::components::scroll_table::ScrollTable;

#[component]
pub fn OverviewPage() -> impl IntoView {
    view! {
        <Page title="Ordini">
        <p class="lead">"Iscritti e caselle di ogni Ordine, contati ora."</p>
        <Loaded what="dell'ultima verifica" load=api::verifica view=last_verifica/>
        <OrdiniMailboxes/>
        <Loaded what="degli Ordini" load=api::ordini view=table/>
        </Page>
    }
}

/// Creates, in one step, the own mailbox of every Ordine that has none.
#[component]
fn OrdiniMailboxes() -> impl IntoView {
    let create = Action::new_local(|_: &()| api::create_ordini_mailboxes());
    view! {
        <p>
            "Ogni Ordine ha una propria casella @ingpec.eu, rinnovata ogni anno dalla verifica giornaliera. "
        <button type="button" class="btn btn-outline-primary" data-testid="ordini-mailboxes"
            disabled=move || create.pending().get() on:click=move |_| { create.dispatch(()); }>
            "Crea le caselle mancanti degli Ordini"
        </button>
        </p>
        <div aria-live="polite">
            {move || create.value().get().map(|outcome| match outcome {
                Ok(o) => view! {
                    <p class="alert alert-success mt-2" role="status" data-testid="ordini-mailboxes-done">
                        {format!("Caselle create: {}. Ordini che l'avevano già: {}.", o.create, o.presenti)}
                    </p>
                }.into_any(),
                Err(e) => view! { <ErrorAlert message=e.to_string() testid="ordini-mailboxes-error"/> }.into_any(),
            })}
        </div>
    }
}

/// Whether the nightly verifica ran, and what it did.
fn last_verifica(verifica: Option<Verifica>) -> impl IntoView {
    let text = match verifica {
        None => {
            "La verifica giornaliera (scadenze, rinnovi, promemoria) non è ancora stata eseguita."
                .to_owned()
        }
        Some(v) => {
            let progress = if v.ordini_verificati < v.ordini {
                format!(
                    " In corso: {} Ordini su {} verificati.",
                    v.ordini_verificati, v.ordini
                )
            } else {
                String::new()
            };
            format!(
                "Ultima verifica giornaliera: {}, avviata alle {}. Caselle verificate: {}; aggiornate: {}; promemoria inviati: {}; comandi al gestore: {}; rinviate: {}.{progress}",
                v.giorno.format("%d/%m/%Y"),
                v.avviata_alle.with_timezone(&chrono::Local).format("%H:%M"),
                v.verificate,
                v.aggiornate,
                v.avvisi,
                v.comandi,
                v.rinviate
            )
        }
    };
    view! { <p class="small" data-testid="ultima-verifica">{text}</p> }
}

fn table(ordini: Vec<OrdineOverview>) -> impl IntoView {
    let total = ordini.iter().fold([0u32; 9], |mut t, o| {
        for (slot, n) in t.iter_mut().zip([
            o.iscritti,
            o.caselle,
            o.avanzata,
            o.da_firmare,
            o.in_scadenza,
            o.senza_domicilio,
            o.domicilio_non_attivo,
            o.diffide_in_corso,
            o.da_sospendere,
        ]) {
            *slot += n;
        }
        t
    });
    let rows = ordini
        .into_iter()
        .map(|o| {
            view! {
                <tr data-testid=format!("ordine-{}", o.ordine)>
                    <th scope="row">{o.nome.clone()}</th>
                    <td class="num">{o.iscritti}</td>
                    <td class="num">{o.caselle}</td>
                    <td class="num">{o.avanzata}</td>
                    <td class="num">{o.da_firmare}</td>
                    <td class="num">{o.in_scadenza}</td>
                    <td class="num">{o.senza_domicilio}</td>
                    <td class="num">{o.domicilio_non_attivo}</td>
                    <td class="num">{o.diffide_in_corso}</td>
                    <td class="num">{o.da_sospendere}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ScrollTable label="Ordini">
            <table class="table table-striped table-sm" data-testid="ordini-table">
                <thead>
                    <tr>
                        <th scope="col">"Ordine"</th>
                        <th scope="col" class="num">"Iscritti"</th>
                        <th scope="col" class="num">"Caselle"</th>
                        <th scope="col" class="num">"Avanzata"</th>
                        <th scope="col" class="num">"Contratto da firmare"</th>
                        <th scope="col" class="num">"In scadenza (90 giorni)"</th>
                        <th scope="col" class="num">"Senza domicilio digitale"</th>
                        <th scope="col" class="num">"Domicilio non attivo"</th>
                        <th scope="col" class="num">"Diffide in corso"</th>
                        <th scope="col" class="num">"Da sospendere"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"Totale"</th>
                        {total.into_iter().map(|n| view! { <td class="num" data-testid="total">{n}</td> }).collect_view()}
                    </tr>
                </tfoot>
            </table>
        </ScrollTable>
    }
}
