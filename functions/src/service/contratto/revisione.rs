//! The Fondazione's review of the signed contracts the verifier could not decide (a CA
//! outside the trust store, a PDF signature, a scan): the queue, each file as uploaded,
//! and the decision, which moves the holder's contract, is audited and is sent to him.

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::api::{CaricamentoView, ContrattoInRevisione, DecisioneRichiesta, RevisionePage};
use shared::codice_fiscale::CodiceFiscale;
use shared::firma::{self, Esito};
use shared::lifecycle::{Event, StatoContratto};
use shared::member::FieldError;

use super::{ContrattoError, Deps, upload_view};
use crate::clock::rome_date;
use crate::outbox::mailer::Notice;
use crate::repo::contratti::{self, ContrattoCaricato, Decisione};
use crate::repo::members;
use crate::repo::outbox::{self, OutboxCommand};
use crate::repo::unit_of_work::Change;
use crate::repo::{self, Versioned};
use crate::service::ensure;
use crate::store::{Condition, ItemStore, WriteOp};

/// Uploads shown at once.
const PAGE: usize = 50;

/// The uploads waiting for a decision, oldest first.
pub async fn queue(
    store: &dyn ItemStore,
    caller: &Caller,
    cursor: Option<String>,
) -> Result<RevisionePage, ContrattoError> {
    ensure(caller.can_review_contracts())?;
    let page = store
        .query(&contratti::review_queue(PAGE).after(cursor))
        .await?;
    let mut items = Vec::with_capacity(page.items.len());
    for item in &page.items {
        let upload: ContrattoCaricato = item.decode()?;
        let Some(member) = members::get(store, &upload.codice_fiscale).await? else {
            continue;
        };
        let m = &member.value;
        let motivo = match &upload.referto.esito {
            Esito::InRevisione { motivo } => motivo.to_string(),
            _ => String::new(),
        };
        items.push(ContrattoInRevisione {
            codice_fiscale: upload.codice_fiscale.clone(),
            nome: m.anagrafica.nome.clone(),
            cognome: m.anagrafica.cognome.clone(),
            ordine: m.albo.ordine,
            indirizzo: m.mailbox.as_ref().map(|b| b.address.clone()),
            caricato_il: upload.caricato_il,
            sha256: upload.sha256.clone(),
            dimensione: upload.dimensione,
            referto: upload.referto,
            motivo,
        });
    }
    Ok(RevisionePage {
        items,
        cursor: page.cursor,
    })
}

async fn under_review(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
    sha256: &str,
) -> Result<Versioned<ContrattoCaricato>, ContrattoError> {
    contratti::uploaded(store, cf, &sha256.to_ascii_lowercase())
        .await?
        .ok_or(ContrattoError::UploadNotFound)
}

/// The file as the holder uploaded it, for the reviewer to open.
pub async fn file(
    deps: Deps<'_>,
    caller: &Caller,
    cf: &CodiceFiscale,
    sha256: &str,
) -> Result<Vec<u8>, ContrattoError> {
    ensure(caller.can_review_contracts())?;
    let upload = under_review(deps.store, cf, sha256).await?;
    deps.blobs
        .get(&upload.value.file, firma::MAX_BYTES)
        .await?
        .ok_or(ContrattoError::UploadNotFound)
}

/// Approves or rejects an upload in review. The same decision again is answered as the
/// first; another decision on a decided upload is refused.
pub async fn decide(
    store: &dyn ItemStore,
    caller: &Caller,
    cf: &CodiceFiscale,
    sha256: &str,
    request: &DecisioneRichiesta,
    now: DateTime<Utc>,
) -> Result<CaricamentoView, ContrattoError> {
    ensure(caller.can_review_contracts())?;
    let motivo = request.motivo.trim();
    if !request.approvato && motivo.is_empty() {
        return Err(ContrattoError::Invalid(FieldError::new(
            "motivo",
            "Indica il motivo del rifiuto: il titolare lo leggerà.",
        )));
    }
    let upload = under_review(store, cf, sha256).await?;
    let member = members::get(store, cf)
        .await?
        .ok_or(ContrattoError::NotInAlbo)?;
    let mailbox = member
        .value
        .mailbox
        .clone()
        .ok_or(ContrattoError::NoMailbox)?;
    if let Some(decided) = &upload.value.decisione {
        return if decided.approvato == request.approvato {
            Ok(upload_view(&upload.value, mailbox.contratto))
        } else {
            Err(ContrattoError::AlreadyDecided)
        };
    }
    if !matches!(upload.value.referto.esito, Esito::InRevisione { .. }) {
        return Err(ContrattoError::NotInReview);
    }
    let stato = if request.approvato {
        StatoContratto::Firmato
    } else {
        StatoContratto::Respinto
    };
    // A contract signed meanwhile (another upload verified) stays signed; the decision
    // is still recorded.
    let mut after = member.value.clone();
    let mut effects = Vec::new();
    if mailbox.contratto != StatoContratto::Firmato {
        let catalog = crate::repo::catalogo::load(store).await?;
        let transition =
            mailbox.apply_with(&Event::Contratto { stato }, rome_date(now), &catalog)?;
        effects = transition.effects;
        after.mailbox = Some(transition.mailbox);
    }
    let contratto = after.mailbox.as_ref().map_or(stato, |m| m.contratto);
    let mut decided = upload.value.clone();
    decided.decisione = Some(Decisione {
        approvato: request.approvato,
        motivo: (!motivo.is_empty()).then(|| motivo.to_owned()),
        da: caller.actor().to_string(),
        il: now,
    });
    let action = if request.approvato {
        "contratto firmato approvato dalla Fondazione".to_owned()
    } else {
        format!("contratto firmato respinto dalla Fondazione: {motivo}")
    };
    let notice = Notice::contract_decision(
        mailbox.address.as_str(),
        member.value.recovery.email.as_ref().map(|e| e.as_str()),
        request.approvato,
        motivo,
    );
    let change = Change {
        before: Some(member),
        after,
        effects,
        actor: caller.actor(),
        action,
    };
    let (mut ops, _, _) = change.into_ops(now)?;
    ops.push(WriteOp::Put(
        decided.item(upload.version + 1)?,
        Condition::Version(upload.version),
    ));
    ops.push(outbox::enqueue(&OutboxCommand::avviso(notice, now))?);
    match repo::commit(store, ops).await {
        Ok(()) => Ok(upload_view(&decided, contratto)),
        Err(e) if e.is_condition_failed() => Err(ContrattoError::Busy),
        Err(e) => Err(e.into()),
    }
}
