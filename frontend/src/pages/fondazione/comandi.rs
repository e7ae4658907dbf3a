//! *Comandi fermi*: the commands the provider or the mail service refused, oldest first,
//! with their answer. Once the cause is fixed the operator sends one again; one no longer
//! wanted is discarded (not one that activates a paid order).

use leptos::prelude::*;
use shared::api::ComandoFermo;

use crate::api;
use crate::components::alert::ErrorAlert;
use crate::components::page::Page;
use crate::components::queue::Queue;
use crate::format;

#[component]
pub fn ComandiPage() -> impl IntoView {
    view! {
        <Page title="Comandi fermi">
        <p class="lead">
            "I comandi che il gestore o il servizio di posta hanno rifiutato: non vengono ripetuti da soli. Risolta la causa, inviali di nuovo; se non servono più, scartali."
        </p>
        <Queue what="dei comandi fermi" testid="comandi"
            empty="Nessun comando fermo."
            load=|cursor| async move { api::comandi(cursor.as_deref()).await }
            item=|c| view! { <Fermo c/> }/>
        </Page>
    }
}

#[component]
fn Fermo(c: ComandoFermo) -> impl IntoView {
    let id = StoredValue::new(c.id.clone());
    let act = Action::new_local(move |action: &&'static str| {
        let action = *action;
        async move {
            api::act_on_command(&id.get_value(), action)
                .await
                .map(|()| action)
        }
    });
    let done = move || matches!(act.value().get(), Some(Ok(_)));
    let scartabile = c.scartabile;
    view! {
        <li class="review card mb-3" data-testid="comando-item">
            <div class="card-body">
                <h2 class="h6">{c.descrizione.clone()}</h2>
                <p class="small">{format!("Creato il {} alle {}, tentativi: {}",
                    format::date(format::italian_day(c.creato_il)), format::time(c.creato_il), c.tentativi)}</p>
                <p data-testid="comando-risposta"><strong>"Risposta: "</strong>{c.risposta.clone().unwrap_or_default()}</p>
                {c.per_ordine.clone().map(|o| view! { <p class="small">{format!("Porta a termine l'ordine pagato n. {o}.")}</p> })}
                {(!scartabile).then(|| view! { <p class="small">"Cambia la casella presso il gestore: si può solo inviare di nuovo."</p> })}
                <Show when=move || !done() fallback=move || view! {
                    <p class="alert alert-success" role="status" data-testid="comando-done">
                        {move || match act.value().get() {
                            Some(Ok("riprova")) => "Di nuovo in coda: parte entro pochi istanti.",
                            _ => "Scartato: non verrà inviato.",
                        }}
                    </p>
                }>
                    <button type="button" class="btn btn-primary me-2" data-testid="comando-riprova"
                        disabled=move || act.pending().get() on:click=move |_| { act.dispatch("riprova"); }>
                        "Invia di nuovo"
                    </button>
                    {scartabile.then(|| view! {
                        <button type="button" class="btn btn-outline-danger" data-testid="comando-scarta"
                            disabled=move || act.pending().get() on:click=move |_| { act.dispatch("scarta"); }>
                            "Scarta"
                        </button>
                    })}
                    {move || act.value().get().and_then(Result::err).map(|e| view! { <ErrorAlert message=e.to_string() testid="comando-error"/> })}
                </Show>
            </div>
        </li>
    }
}
