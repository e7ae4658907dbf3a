//! Activation requests (DOMAIN.md, Lifecycle 1): an engineer without an ingpec.eu mailbox
//! asks his Ordine for one from a public page, with the Modello Anagrafiche data and his
//! identity document; the secretariat checks the request against the Albo and activates
//! the mailbox or declines with a reason; the requester is mailed a receipt when he files
//! (`repo::conferme` limits them) and the decision when it is taken. The Fondazione
//! follows the requests an Ordine has left waiting more than 30 days.
//!
//! The identity document goes as every public document does (`documenti`).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use shared::access::Caller;
use shared::api::{
    DecisioneAttivazione, RichiestaAttivazioneForm, RichiestaInCoda, RichiestaRicevuta,
    RichiestePage,
};
use shared::codice_fiscale::{CodiceFiscale, CodiceFiscaleError};
use shared::member::FieldError;
use shared::province::OrdineCode;
use shared::richiesta::{
    ATTESA_LUNGA_GIORNI, ControlloAlbo, EsitoRichiesta, RichiestaAttivazione, TipoDocumento,
};
use thiserror::Error;

use super::activation::{self, ActivationError};
use super::documenti::{self, DocumentoError};
use super::{Forbidden, ensure};
use crate::blob::{BlobError, BlobStore};
use crate::clock::rome_date;
use crate::outbox::mailer::Notice;
use crate::repo::outbox::{self, OutboxCommand};
use crate::repo::{self, Versioned, conferme, members, richieste};
use crate::store::{ItemStore, StoreError};

/// Requests shown at once.
const PAGE: usize = 50;

#[derive(Debug, Error)]
pub enum RichiestaError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    CodiceFiscale(#[from] CodiceFiscaleError),
    #[error("{}", .0.first().map_or("Dati non validi.", |e| e.message.as_str()))]
    Invalid(Vec<FieldError>),
    #[error("Per questo codice fiscale c'è già una casella @ingpec.eu attiva.")]
    HasMailbox,
    #[error(
        "Nell'Albo questo codice fiscale ha un altro nome o cognome: scrivili come li riporta l'Albo."
    )]
    OtherPerson,
    #[error(
        "Nell'Albo non risulti iscritto all'Ordine scelto. Se ti stai iscrivendo ora, indica che si tratta di una pre-iscrizione."
    )]
    NotInOrdine,
    #[error("Nell'Albo non risulti iscritto: la casella si attiva agli iscritti.")]
    NotRegistered,
    #[error(
        "C'è già una tua richiesta in attesa presso l'{ordine}, del {il}: la segreteria la sta esaminando.",
        ordine = .0.nome(),
        il = .1.format("%d/%m/%Y")
    )]
    AlreadyWaiting(OrdineCode, NaiveDate),
    #[error("Richiesta di attivazione non trovata.")]
    NotFound,
    #[error("Su questa richiesta la segreteria ha già deciso diversamente.")]
    AlreadyDecided,
    #[error("{0}")]
    NotActivable(&'static str),
    #[error(transparent)]
    Activation(#[from] ActivationError),
    #[error("contention")]
    Busy,
    #[error("{error}")]
    Documento {
        field: &'static str,
        error: DocumentoError,
    },
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: &str, message: &str) -> RichiestaError {
    RichiestaError::Invalid(vec![FieldError::new(field, message)])
}

/// Files the public form's request. The same form again answers the request filed; a
/// request waiting is not replaced (the secretariat may be examining it), a decided one
/// is.
pub async fn submit(
    store: &dyn ItemStore,
    blobs: &dyn BlobStore,
    form: &RichiestaAttivazioneForm,
    now: DateTime<Utc>,
) -> Result<RichiestaRicevuta, RichiestaError> {
    let ordine = OrdineCode::parse(&form.ordine).map_err(|_| {
        invalid(
            "ordine",
            "Scegli l'Ordine a cui sei iscritto o ti stai iscrivendo.",
        )
    })?;
    let anagrafica = form
        .anagrafica
        .validate(None)
        .map_err(RichiestaError::Invalid)?;
    if !form.informativa_accettata {
        return Err(invalid(
            "informativa_accettata",
            "Per inviare la richiesta conferma di aver letto l'informativa sul trattamento dei dati.",
        ));
    }
    let cf = anagrafica.codice_fiscale.clone();
    let documento = documenti::received(blobs, &cf, &form.documento)
        .await
        .map_err(|error| RichiestaError::Documento {
            field: "documento",
            error,
        })?;
    let richiesta = RichiestaAttivazione {
        ordine,
        anagrafica,
        pre_iscrizione: form.pre_iscrizione,
        documento,
        presentata_il: now,
        esito: None,
    };
    let receipt = |r: &RichiestaAttivazione| RichiestaRicevuta {
        ordine: r.ordine,
        presentata_il: r.presentata_il,
        email: r.anagrafica.email.clone(),
    };
    let previous = richieste::get(store, &cf, ordine).await?;
    if let Some(waiting) = previous
        .as_ref()
        .map(|p| &p.value)
        .filter(|p| p.in_attesa())
    {
        return if waiting.stessa(&richiesta) {
            Ok(receipt(waiting))
        } else {
            Err(RichiestaError::AlreadyWaiting(
                waiting.ordine,
                rome_date(waiting.presentata_il),
            ))
        };
    }
    let member = members::get(store, &cf).await?.map(|m| m.value);
    let check = ControlloAlbo::di(
        &richiesta,
        member.as_ref().map(|m| (&m.anagrafica, &m.albo)),
        member.as_ref().is_some_and(|m| m.has_open_mailbox()),
    );
    match check {
        ControlloAlbo::Conforme => {}
        ControlloAlbo::HaGiaCasella => return Err(RichiestaError::HasMailbox),
        ControlloAlbo::NomeDiverso => return Err(RichiestaError::OtherPerson),
        ControlloAlbo::NonAttivo => return Err(RichiestaError::NotRegistered),
        ControlloAlbo::NonIscritto if richiesta.pre_iscrizione => {}
        ControlloAlbo::NonIscritto => return Err(RichiestaError::NotInOrdine),
    }
    let ops = vec![richieste::save(previous.as_ref(), &richiesta)?];
    let ricevuta = Notice::richiesta_ricevuta(
        richiesta.anagrafica.email.as_str(),
        &ordine.nome(),
        rome_date(now),
        richiesta.pre_iscrizione,
    );
    match conferme::commit_with_receipt(store, ops, &ricevuta, now).await {
        Ok(()) => {
            tracing::info!(%ordine, "activation request filed");
            Ok(receipt(&richiesta))
        }
        // Filed at the same moment: the same form (a double click) answers it.
        Err(e) if e.is_condition_failed() => match richieste::get(store, &cf, ordine).await? {
            Some(filed) if filed.value.stessa(&richiesta) => Ok(receipt(&filed.value)),
            _ => Err(RichiestaError::Busy),
        },
        Err(e) => Err(e.into()),
    }
}

/// `richiesta` as a queue shows it: with the Albo's check today.
async fn in_coda(
    store: &dyn ItemStore,
    richiesta: RichiestaAttivazione,
    today: NaiveDate,
) -> Result<RichiestaInCoda, StoreError> {
    let member = members::get(store, richiesta.codice_fiscale())
        .await?
        .map(|m| m.value);
    let controllo = ControlloAlbo::di(
        &richiesta,
        member.as_ref().map(|m| (&m.anagrafica, &m.albo)),
        member.as_ref().is_some_and(|m| m.has_open_mailbox()),
    );
    Ok(RichiestaInCoda {
        giorni_di_attesa: richiesta.giorni_di_attesa(today),
        spiegazione: controllo.spiegazione().to_owned(),
        controllo,
        richiesta,
    })
}

async fn page(
    store: &dyn ItemStore,
    query: crate::store::Query,
    cursor: Option<String>,
    today: NaiveDate,
) -> Result<RichiestePage, StoreError> {
    let page = store.query(&query.after(cursor)).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for item in &page.items {
        items.push(in_coda(store, item.decode()?, today).await?);
    }
    Ok(RichiestePage {
        items,
        cursor: page.cursor,
    })
}

/// The requests waiting for `ordine`'s secretariat, oldest first.
pub async fn queue(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    cursor: Option<String>,
    now: DateTime<Utc>,
) -> Result<RichiestePage, RichiestaError> {
    ensure(caller.can_manage_ordine(ordine))?;
    Ok(page(
        store,
        richieste::of_ordine(ordine, PAGE),
        cursor,
        rome_date(now),
    )
    .await?)
}

/// The moment before which a request still waiting is late.
fn late_since(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(ATTESA_LUNGA_GIORNI)
}

/// Every Ordine's requests waiting more than 30 days, oldest first.
pub async fn late(
    store: &dyn ItemStore,
    caller: &Caller,
    cursor: Option<String>,
    now: DateTime<Utc>,
) -> Result<RichiestePage, RichiestaError> {
    ensure(caller.can_follow_ordini())?;
    let query = richieste::waiting_since(late_since(now), PAGE);
    Ok(page(store, query, cursor, rome_date(now)).await?)
}

/// The query of the late requests, for the console's count.
pub fn late_query(now: DateTime<Utc>, limit: usize) -> crate::store::Query {
    richieste::waiting_since(late_since(now), limit)
}

/// The request of `cf` to `ordine`, if the caller manages that Ordine.
async fn of_ordine(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    cf: &CodiceFiscale,
) -> Result<Versioned<RichiestaAttivazione>, RichiestaError> {
    ensure(caller.can_manage_ordine(ordine))?;
    richieste::get(store, cf, ordine)
        .await?
        .filter(|r| r.value.ordine == ordine)
        .ok_or(RichiestaError::NotFound)
}

/// The identity document of `cf`'s request, as sent.
pub async fn document(
    store: &dyn ItemStore,
    blobs: &dyn BlobStore,
    caller: &Caller,
    ordine: OrdineCode,
    cf: &CodiceFiscale,
) -> Result<(TipoDocumento, Vec<u8>), RichiestaError> {
    let richiesta = of_ordine(store, caller, ordine, cf).await?.value;
    let documento = &richiesta.documento;
    let bytes = documenti::read(blobs, richiesta.codice_fiscale(), documento)
        .await?
        .ok_or(RichiestaError::NotFound)?;
    Ok((documento.tipo, bytes))
}

/// Activates (the mailbox is made) or declines (with a reason) the request of `cf` filed
/// when the decision says; the requester is told by email. The same decision again
/// answers as the first; a request filed since is not touched (409).
pub async fn decide(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    cf: &CodiceFiscale,
    decision: &DecisioneAttivazione,
    now: DateTime<Utc>,
) -> Result<RichiestaAttivazione, RichiestaError> {
    let motivo = decision.motivo.trim();
    if !decision.attivare && motivo.is_empty() {
        return Err(invalid(
            "motivo",
            "Indica il motivo: chi ha fatto la richiesta lo leggerà.",
        ));
    }
    let request = of_ordine(store, caller, ordine, cf).await?;
    if request.value.presentata_il != decision.presentata_il {
        return Err(RichiestaError::Busy);
    }
    if let Some(esito) = &request.value.esito {
        return if esito.attivata == decision.attivare {
            Ok(request.value)
        } else {
            Err(RichiestaError::AlreadyDecided)
        };
    }
    let decided = |indirizzo: Option<&shared::address::EmailAddress>| {
        let mut after = request.value.clone();
        after.esito = Some(EsitoRichiesta {
            attivata: decision.attivare,
            indirizzo: indirizzo.cloned(),
            motivo: (!motivo.is_empty()).then(|| motivo.to_owned()),
            da: caller.actor().to_string(),
            il: now,
        });
        after
    };
    let notice = |after: &RichiestaAttivazione| {
        Notice::richiesta_decision(
            after.anagrafica.email.as_str(),
            &ordine.nome(),
            after
                .esito
                .as_ref()
                .and_then(|e| e.indirizzo.as_ref())
                .map(|a| a.as_str()),
            motivo,
        )
    };
    if !decision.attivare {
        let after = decided(None);
        let ops = vec![
            richieste::save(Some(&request), &after)?,
            outbox::enqueue(&OutboxCommand::avviso(notice(&after), now))?,
        ];
        return match repo::commit(store, ops).await {
            Ok(()) => Ok(after),
            Err(e) if e.is_condition_failed() => Err(RichiestaError::Busy),
            Err(e) => Err(e.into()),
        };
    }
    let checked = in_coda(store, request.value.clone(), rome_date(now)).await?;
    if !checked.controllo.attivabile() {
        return Err(RichiestaError::NotActivable(
            checked.controllo.spiegazione(),
        ));
    }
    let mailbox = activation::activate_with(
        store,
        caller,
        ordine,
        request.value.codice_fiscale(),
        now,
        "attivazione casella su richiesta dell'iscritto",
        |mailbox| {
            let after = decided(Some(&mailbox.address));
            Ok(vec![
                richieste::save(Some(&request), &after)?,
                outbox::enqueue(&OutboxCommand::avviso(notice(&after), now))?,
            ])
        },
    )
    .await;
    match mailbox {
        Ok(mailbox) => Ok(decided(Some(&mailbox.address))),
        // The request changed meanwhile (decided in another tab): answer from what is there.
        Err(ActivationError::Busy) => Err(RichiestaError::Busy),
        Err(e) => Err(e.into()),
    }
}
