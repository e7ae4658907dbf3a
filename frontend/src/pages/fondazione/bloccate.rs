//! *Bloccate*: the living holders whose mailbox is blocked (by the provider or by the
//! Fondazione), with the unblock that goes to the provider. A mailbox is blocked from the
//! holder's page.

use leptos::prelude::*;
use shared::api::CasellaBloccata;
use shared::ui::path;

use crate::api;
use crate::components::alert::ErrorAlert;
use crate::components::page::Page;
use crate::components::queue::Queue;

#[component]
pub fn BloccatePage() -> impl IntoView {
    view! {
        <Page title="Caselle bloccate">
        <p class="lead">"Le caselle bloccate presso il gestore. Sbloccarne una la riattiva subito."</p>
        <Queue what="delle caselle bloccate" testid="bloccate"
            empty="Nessuna casella bloccata."
            load=|cursor| async move { api::bloccate(cursor.as_deref()).await }
            item=|b| view! { <Bloccata b/> }/>
        </Page>
    }
}

#[component]
fn Bloccata(b: CasellaBloccata) -> impl IntoView {
    let cf = StoredValue::new(b.codice_fiscale.to_string());
    let unblock =
        Action::new_local(
            move |_: &()| async move { api::set_blocked(&cf.get_value(), false).await },
        );
    let member = path::iscritto(&b.codice_fiscale.to_string());
    view! {
        <li class="card mb-2" data-testid="bloccata-item">
            <div class="card-body">
                <p class="mb-1"><a href=member rel="external">{format!("{} {}", b.cognome, b.nome)}</a>
                    {format!(" · {} · {}", b.indirizzo, b.ordine.nome())}</p>
                {move || match unblock.value().get() {
                    Some(Ok(())) => view! { <p class="alert alert-success" role="status" data-testid="bloccata-done">"Sbloccata: il gestore la riattiva."</p> }.into_any(),
                    other => view! {
                        <button type="button" class="btn btn-outline-primary btn-sm" data-testid="bloccata-sblocca"
                            aria-label=format!("Sblocca la casella {}", b.indirizzo)
                            disabled=move || unblock.pending().get() on:click=move |_| { unblock.dispatch(()); }>"Sblocca"</button>
                        {other.and_then(Result::err).map(|e| view! { <ErrorAlert message=e.to_string() testid="bloccata-error"/> })}
                    }.into_any(),
                }}
            </div>
        </li>
    }
}
