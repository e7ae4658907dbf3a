//! *Richieste di attivazione*: what engineers asked the Ordine from the public page,
//! oldest first, each with the Albo's check. The secretariat reads the identity document,
//! then activates the mailbox or declines with a reason; the requester is told by email.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use shared::api::{DecisioneAttivazione, RichiestaInCoda};
use shared::province::OrdineCode;

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::decision::{Decision, Wording};
use crate::components::download;
use crate::components::page::Page;
use crate::components::queue::Queue;
use crate::components::request_facts::RequestFacts;
use crate::session::SessionContext;

#[component]
pub fn RichiestePage() -> impl IntoView {
    let ordine = SessionContext::get()
        .0
        .get_untracked()
        .and_then(|s| s.caller.ordine);
    let Some(ordine) = ordine else {
        return view! { <Redirect path="/accesso"/> }.into_any();
    };
    view! {
        <Page title="Richieste di attivazione">
        <p class="lead">
            "Le richieste di casella @ingpec.eu presentate all'Ordine dalla pagina pubblica, dalla più vecchia. Controlla il documento d'identità: se i dati corrispondono all'Albo, attiva la casella; altrimenti respingi la richiesta indicando il motivo, che il richiedente riceverà per email."
        </p>
        <Queue what="delle richieste" testid="richieste"
            empty="Nessuna richiesta in attesa."
            load=move |cursor| async move { api::richieste(ordine, cursor.as_deref()).await }
            item=move |item| view! { <Request item ordine/> }/>
        </Page>
    }
    .into_any()
}

#[component]
fn Request(item: RichiestaInCoda, ordine: OrdineCode) -> impl IntoView {
    let cf = item.richiesta.codice_fiscale().to_string();
    let who = StoredValue::new(cf.clone());
    let presentata_il = item.richiesta.presentata_il;
    let extension = item.richiesta.documento.tipo.estensione();
    let open = Action::new_local(move |_: &()| {
        let cf = who.get_value();
        async move {
            let bytes = api::richiesta_document(ordine, &cf).await?;
            Ok::<bool, ClientError>(download::save_bytes(
                &format!("documento-{cf}.{extension}"),
                "application/octet-stream",
                &bytes,
            ))
        }
    });
    let decide = move |attivare: bool, motivo: String| {
        let decision = DecisioneAttivazione {
            attivare,
            motivo,
            presentata_il,
        };
        async move {
            api::decide_richiesta(ordine, &who.get_value(), &decision)
                .await
                .map(|_| ())
        }
    };
    view! {
        <li class="review card mb-3" data-testid="richiesta-item">
            <div class="card-body">
                <RequestFacts item/>
                <Decision testid="richiesta" key=cf wording=WORDING decide>
                    <button type="button" class="btn btn-outline-primary btn-sm me-2" data-testid="richiesta-documento"
                        disabled=move || open.pending().get() on:click=move |_| { open.dispatch(()); }>
                        "Scarica il documento d'identità"
                    </button>
                    {move || open.value().get().and_then(Result::err).map(|err| view! {
                        <ErrorAlert message=err.to_string() testid="richiesta-documento-error"/>
                    })}
                </Decision>
            </div>
        </li>
    }
}

const WORDING: Wording = Wording {
    motivo: "Motivo del rifiuto (il richiedente lo leggerà)",
    motivo_mancante: "Indica il motivo: il richiedente lo leggerà.",
    approva: "Attiva la casella",
    respingi: "Respingi",
    approvata: "Casella attivata: il richiedente riceve l'indirizzo per email e il gestore gli manda le credenziali.",
    respinta: "Respinta: il richiedente riceve il motivo per email e può presentare una nuova richiesta.",
    approva_chiude: false,
};
