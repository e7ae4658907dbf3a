//! The disdetta (DOMAIN.md, Lifecycle 7): the holder asks to close his mailbox at once;
//! the Fondazione approves, which closes it through the provider command, or rejects with
//! a reason. The Albo's domicilio digitale is checked, and recorded, both times.

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::api::{
    DecisioneDisdetta, DisdettaInCoda, DisdettaRichiesta, DisdettaView, DisdettePage,
};
use shared::codice_fiscale::CodiceFiscale;
use shared::disdetta::{DICHIARAZIONE, Disdetta, EsitoDisdetta};
use shared::lifecycle::{DisdettaError, Event, LifecycleError, Mailbox, disdetta_eligibility};
use shared::member::FieldError;
use thiserror::Error;

use super::{Forbidden, ensure, holder_cf};
use crate::clock::rome_date;
use crate::outbox::mailer::Notice;
use crate::repo::members::{self, MemberRecord};
use crate::repo::outbox::{self, OutboxCommand};
use crate::repo::unit_of_work::{Audited, Change};
use crate::repo::{self, Versioned, disdette};
use crate::store::{ItemStore, StoreError};

/// Requests shown at once.
const PAGE: usize = 50;

#[derive(Debug, Error)]
pub enum DisdettaServiceError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("Non hai una casella @ingpec.eu attiva da chiudere.")]
    NoMailbox,
    #[error("{0}")]
    NotAllowed(#[from] DisdettaError),
    #[error("{0}")]
    Lifecycle(#[from] LifecycleError),
    #[error("{}", .0.message)]
    Invalid(FieldError),
    #[error("Richiesta di disdetta non trovata.")]
    NotFound,
    #[error("Su questa richiesta la Fondazione ha già deciso diversamente.")]
    AlreadyDecided,
    #[error(
        "C'è già una richiesta di disdetta in attesa per questa casella: la Fondazione CNI la sta esaminando."
    )]
    Pending,
    #[error("{error}")]
    Documento {
        field: &'static str,
        error: super::documenti::DocumentoError,
    },
    #[error("contention")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why `member` may not ask to close his mailbox now, if he may not.
fn obstacle(member: &MemberRecord) -> Result<&Mailbox, DisdettaServiceError> {
    let mailbox = member
        .mailbox
        .as_ref()
        .filter(|m| m.status.is_open())
        .ok_or(DisdettaServiceError::NoMailbox)?;
    disdetta_eligibility(
        &member.albo.stato,
        member.albo.domicilio_digitale.as_ref(),
        &mailbox.address,
    )?;
    Ok(mailbox)
}

/// Why `disdetta` may not be approved for `member` now: the holder's own by the rule; the
/// heirs' only if the mailbox is no longer open.
fn obstacle_to(disdetta: &Disdetta, member: &MemberRecord) -> Result<(), DisdettaServiceError> {
    if disdetta.erede.is_some() {
        return match member.has_open_mailbox() {
            true => Ok(()),
            false => Err(DisdettaServiceError::NoMailbox),
        };
    }
    obstacle(member).map(|_| ())
}

async fn member_of(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
) -> Result<Versioned<MemberRecord>, DisdettaServiceError> {
    members::get(store, cf)
        .await?
        .ok_or(DisdettaServiceError::NoMailbox)
}

/// What the holder's disdetta page shows.
pub async fn view(
    store: &dyn ItemStore,
    caller: &Caller,
    today: chrono::NaiveDate,
) -> Result<DisdettaView, DisdettaServiceError> {
    let cf = holder_cf(caller)?;
    let member = member_of(store, cf).await?.value;
    let richiesta = disdette::get(store, cf).await?.map(|d| d.value);
    let allowed = obstacle(&member);
    Ok(DisdettaView {
        indirizzo: member
            .mailbox
            .as_ref()
            .filter(|m| m.status.is_open())
            .map(|m| m.address.clone()),
        iscritto: member.albo.stato.is_registered(),
        domicilio_digitale: member.albo.domicilio_digitale.clone(),
        ammessa: allowed.is_ok(),
        motivo: allowed.err().map(|e| e.to_string()),
        dichiarazione: DICHIARAZIONE.to_owned(),
        richiesta,
        oggi: today,
    })
}

/// Files the holder's request. The same request while one waits answers it again; after a
/// rejection a new one replaces it.
pub async fn request(
    store: &dyn ItemStore,
    caller: &Caller,
    form: &DisdettaRichiesta,
    now: DateTime<Utc>,
) -> Result<Disdetta, DisdettaServiceError> {
    let cf = holder_cf(caller)?;
    let member = member_of(store, cf).await?;
    let mailbox = obstacle(&member.value)?;
    let previous = disdette::get(store, cf).await?;
    if let Some(waiting) = previous
        .as_ref()
        .filter(|d| !d.value.sostituibile() && d.value.indirizzo == mailbox.address)
    {
        return Ok(waiting.value.clone());
    }
    if !form
        .indirizzo
        .trim()
        .eq_ignore_ascii_case(mailbox.address.as_str())
    {
        return Err(DisdettaServiceError::Invalid(FieldError::new(
            "indirizzo",
            format!(
                "Scrivi l'indirizzo della casella da chiudere: {}.",
                mailbox.address
            ),
        )));
    }
    if !form.dichiarazione_accettata {
        return Err(DisdettaServiceError::Invalid(FieldError::new(
            "dichiarazione_accettata",
            "Per chiedere la disdetta conferma di aver letto la dichiarazione.",
        )));
    }
    let disdetta = Disdetta {
        codice_fiscale: cf.clone(),
        indirizzo: mailbox.address.clone(),
        dichiarazione: DICHIARAZIONE.to_owned(),
        richiesta_il: now,
        domicilio_alla_richiesta: member.value.albo.domicilio_digitale.clone(),
        esito: None,
        erede: None,
    };
    let domicilio = disdetta
        .domicilio_alla_richiesta
        .as_ref()
        .map_or_else(|| "nessuno".to_owned(), ToString::to_string);
    let change = Change::note(
        member,
        caller.actor(),
        format!(
            "disdetta richiesta per {} (domicilio digitale nell'Albo: {domicilio})",
            disdetta.indirizzo
        ),
    );
    let (mut ops, _, _) = change.into_ops(now)?;
    ops.push(disdette::save(previous.as_ref(), &disdetta)?);
    match repo::commit(store, ops).await {
        Ok(()) => Ok(disdetta),
        Err(e) if e.is_condition_failed() => Err(DisdettaServiceError::Busy),
        Err(e) => Err(e.into()),
    }
}

/// The requests waiting for the Fondazione, oldest first, with what the Albo says today.
pub async fn queue(
    store: &dyn ItemStore,
    caller: &Caller,
    cursor: Option<String>,
) -> Result<DisdettePage, DisdettaServiceError> {
    ensure(caller.can_decide_disdette())?;
    let page = store.query(&disdette::queue(PAGE).after(cursor)).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for item in &page.items {
        let disdetta: Disdetta = item.decode()?;
        let Some(member) = members::get(store, &disdetta.codice_fiscale).await? else {
            continue;
        };
        let m = &member.value;
        items.push(DisdettaInCoda {
            nome: m.anagrafica.nome.clone(),
            cognome: m.anagrafica.cognome.clone(),
            ordine: m.albo.ordine,
            albo: m.albo.stato,
            domicilio_oggi: m.albo.domicilio_digitale.clone(),
            ostacolo: obstacle_to(&disdetta, m).err().map(|e| e.to_string()),
            disdetta,
        });
    }
    Ok(DisdettePage {
        items,
        cursor: page.cursor,
    })
}

/// Approves (the mailbox closes) or rejects (with a reason) the request of `cf` filed at
/// the time the decision names. The same decision again answers as the first; another
/// decision on a decided one is refused; a request filed since is not touched (409).
pub async fn decide(
    store: &dyn ItemStore,
    caller: &Caller,
    cf: &CodiceFiscale,
    decision: &DecisioneDisdetta,
    now: DateTime<Utc>,
) -> Result<Disdetta, DisdettaServiceError> {
    ensure(caller.can_decide_disdette())?;
    let motivo = decision.motivo.trim();
    if !decision.approvato && motivo.is_empty() {
        return Err(DisdettaServiceError::Invalid(FieldError::new(
            "motivo",
            "Indica il motivo del rifiuto: il titolare lo leggerà.",
        )));
    }
    let request = disdette::get(store, cf)
        .await?
        .ok_or(DisdettaServiceError::NotFound)?;
    if request.value.richiesta_il != decision.richiesta_il {
        // The holder filed another request since the operator read this one.
        return Err(DisdettaServiceError::Busy);
    }
    if let Some(esito) = &request.value.esito {
        return if esito.approvata == decision.approvato {
            Ok(request.value)
        } else {
            Err(DisdettaServiceError::AlreadyDecided)
        };
    }
    let member = member_of(store, cf).await?;
    let mut record = member.value.clone();
    let domicilio = member.value.albo.domicilio_digitale.clone();
    let mut effects = Vec::new();
    let open = member.value.has_open_mailbox();
    // A mailbox closed meanwhile (its scadenza, a death): approving settles the request.
    let by_heir = request.value.erede.is_some();
    if decision.approvato && open {
        // The heirs may always; the holder as the rule says.
        let (mailbox, event) = if by_heir {
            let mailbox = member
                .value
                .mailbox
                .as_ref()
                .ok_or(DisdettaServiceError::NoMailbox)?;
            (mailbox, Event::DisdettaEredi)
        } else {
            let domicilio_digitale = domicilio.clone();
            (
                obstacle(&member.value)?,
                Event::Disdetta { domicilio_digitale },
            )
        };
        let catalog = crate::repo::catalogo::load(store).await?;
        let transition = mailbox.apply_with(&event, rome_date(now), &catalog)?;
        effects = transition.effects;
        record.set_mailbox(transition.mailbox);
    }
    let mut decided = request.value.clone();
    decided.esito = Some(EsitoDisdetta {
        approvata: decision.approvato,
        motivo: (!motivo.is_empty()).then(|| motivo.to_owned()),
        da: caller.actor().to_string(),
        il: now,
        domicilio_alla_decisione: domicilio.clone(),
    });
    let shown = domicilio
        .as_ref()
        .map_or_else(|| "nessuno".to_owned(), ToString::to_string);
    let action = if decision.approvato {
        format!(
            "disdetta di {} approvata dalla Fondazione: casella chiusa (domicilio digitale nell'Albo: {shown})",
            decided.indirizzo
        )
    } else {
        format!(
            "disdetta di {} respinta dalla Fondazione: {motivo} (domicilio digitale nell'Albo: {shown})",
            decided.indirizzo
        )
    };
    let mut to = vec![decided.indirizzo.to_string()];
    match &decided.erede {
        // The heir, who asked; not the holder's own recovery contacts.
        Some(erede) => to.push(erede.email.to_string()),
        None => to.extend(
            member
                .value
                .recovery
                .email
                .as_ref()
                .map(ToString::to_string),
        ),
    }
    to.extend(
        domicilio
            .as_ref()
            .filter(|d| **d != decided.indirizzo)
            .map(ToString::to_string),
    );
    let notice = Notice::disdetta_decision(
        to,
        decided.indirizzo.as_str(),
        decision.approvato,
        motivo,
        open && !decision.approvato,
        by_heir,
    );
    let change = Change {
        before: Some(member),
        after: record,
        effects,
        actor: caller.actor(),
        action,
    };
    let (mut ops, _, _) = change.into_ops(now)?;
    ops.push(disdette::save(Some(&request), &decided)?);
    ops.push(outbox::enqueue(&OutboxCommand::avviso(notice, now))?);
    match repo::commit(store, ops).await {
        Ok(()) => Ok(decided),
        Err(e) if e.is_condition_failed() => Err(DisdettaServiceError::Busy),
        Err(e) => Err(e.into()),
    }
}
