//! *Disdette*: the holders' requests to close their mailbox, oldest first, each with the
//! domicilio digitale the Albo listed at the request and lists now. The operator approves
//! (the mailbox closes) or rejects with a reason the holder reads. An heir's request comes
//! with the death certificate and his identity document, to read first.

use leptos::prelude::*;
use shared::api::{DecisioneDisdetta, DisdettaInCoda};
use shared::disdetta::Erede;
use shared::documento::Documento;

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::decision::{Decision, Wording};
use crate::components::download;
use crate::components::page::Page;
use crate::components::queue::Queue;
use crate::format;

#[component]
pub fn DisdettePage() -> impl IntoView {
    view! {
        <Page title="Disdette">
        <p class="lead">
            "Le richieste di chiusura immediata delle caselle, dalla più vecchia. Un iscritto all'Albo può disdire solo se l'Albo indica come suo domicilio digitale un'altra PEC; chi è cancellato può sempre."
        </p>
        <Queue what="delle disdette" testid="disdette"
            empty="Nessuna disdetta da decidere."
            load=|cursor| async move { api::disdette(cursor.as_deref()).await }
            item=|item| view! { <Request item/> }/>
        </Page>
    }
}

#[component]
fn Request(item: DisdettaInCoda) -> impl IntoView {
    let cf = StoredValue::new(item.disdetta.codice_fiscale.to_string());
    let richiesta_il = item.disdetta.richiesta_il;
    let decide = move |approvato: bool, motivo: String| {
        let request = DecisioneDisdetta {
            approvato,
            motivo,
            richiesta_il,
        };
        async move {
            api::decide_disdetta(&cf.get_value(), &request)
                .await
                .map(|_| ())
        }
    };
    let d = &item.disdetta;
    let shown = |a: &Option<shared::address::EmailAddress>| {
        a.as_ref()
            .map_or_else(|| "nessuno".to_owned(), ToString::to_string)
    };
    view! {
        <li class="review card mb-3" data-testid="disdetta-item">
            <div class="card-body">
                <h2 class="h5">{format!("{} {}", item.nome, item.cognome)}</h2>
                <p>{format!("{} · {} · {} · {} · richiesta il {}",
                    d.codice_fiscale, d.indirizzo, item.ordine.nome(), item.albo.nome(),
                    format::date(format::italian_day(d.richiesta_il)))}</p>
                <dl class="facts readonly">
                    <dt>"Domicilio digitale alla richiesta"</dt>
                    <dd>{shown(&d.domicilio_alla_richiesta)}</dd>
                    <dt>"Domicilio digitale oggi"</dt>
                    <dd data-testid="disdetta-domicilio-oggi">{shown(&item.domicilio_oggi)}</dd>
                </dl>
                {d.erede.clone().map(|erede| view! { <Heir erede cf=cf.get_value()/> })}
                {item.ostacolo.clone().map(|o| view! {
                    <p class="alert alert-warning" role="note" data-testid="disdetta-ostacolo">{format!("Oggi non può essere approvata: {o}")}</p>
                })}
                <Decision testid="disdetta" key=d.codice_fiscale.to_string() wording=WORDING decide/>
            </div>
        </li>
    }
}

const WORDING: Wording = Wording {
    motivo: "Motivo del rifiuto (il titolare lo leggerà)",
    motivo_mancante: "Indica il motivo del rifiuto: il titolare lo leggerà.",
    approva: "Approva e chiudi la casella",
    respingi: "Respingi",
    approvata: "Approvata: la casella viene chiusa presso il gestore e il titolare è avvisato.",
    respinta: "Respinta: il titolare riceve il motivo e può presentare una nuova richiesta.",
    approva_chiude: true,
};

/// Who asked for a deceased holder's mailbox, and the documents to read before deciding.
#[component]
fn Heir(erede: Erede, cf: String) -> impl IntoView {
    let who = StoredValue::new(cf);
    let open = Action::new_local(move |documento: &Documento| {
        let (cf, documento) = (who.get_value(), documento.clone());
        async move {
            let bytes = api::heirs_document(&cf, &documento.sha256).await?;
            Ok::<bool, ClientError>(download::save_bytes(
                &format!(
                    "disdetta-{cf}-{}.{}",
                    documento.sha256.get(..8).unwrap_or_default(),
                    documento.tipo.estensione()
                ),
                "application/octet-stream",
                &bytes,
            ))
        }
    });
    let (certificato, identita) = (
        erede.certificato_di_morte.clone(),
        erede.documento_identita.clone(),
    );
    view! {
        <div class="alert alert-info" role="note" data-testid="disdetta-erede">
            <p class="mb-2">{format!(
                "Chiesta da un erede: {} {} ({}), {}. Controlla il certificato di morte e il documento d'identità prima di decidere.",
                erede.nome, erede.cognome, erede.codice_fiscale, erede.email
            )}</p>
            <button type="button" class="btn btn-outline-primary btn-sm me-2" data-testid="disdetta-certificato"
                disabled=move || open.pending().get() on:click=move |_| { open.dispatch(certificato.clone()); }>
                "Scarica il certificato di morte"
            </button>
            <button type="button" class="btn btn-outline-primary btn-sm" data-testid="disdetta-identita"
                disabled=move || open.pending().get() on:click=move |_| { open.dispatch(identita.clone()); }>
                "Scarica il documento dell'erede"
            </button>
            {move || open.value().get().and_then(Result::err).map(|err| view! {
                <ErrorAlert message=err.to_string() testid="disdetta-documento-error"/>
            })}
        </div>
    }
}
