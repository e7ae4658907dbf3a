//! An Ordine's own item: its profile (the secretariat's email, phone and address, which the
//! secretariat keeps current) and its own mailbox, `ordine.<provincia>@ingpec.eu`.

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::address::LocalPart;
use shared::api::{MailboxView, OrdineMailbox};
use shared::audit::{Actor, AuditTarget};
use shared::lifecycle::{AlboStatus, Mailbox};
use shared::member::FieldError;
use shared::ordine::{OrdineProfiloUpdate, OrdineProfiloView};
use shared::province::OrdineCode;
use thiserror::Error;

use super::{Forbidden, ensure};
use crate::repo::ordini::{self, OrdineRecord};
use crate::repo::unit_of_work::Change;
use crate::repo::{self, addresses};
use crate::store::{ItemStore, StoreError};

#[derive(Debug, Error)]
pub enum OrdineError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("the Ordine's mailbox is not active yet")]
    NoMailbox,
    /// The profile changed since the secretariat read it.
    #[error("stale version")]
    Stale,
    #[error("dati non validi")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub async fn mailbox(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
) -> Result<OrdineMailbox, OrdineError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let record = ordini::get(store, ordine).await?;
    let mailbox = record
        .and_then(|r| r.value.mailbox)
        .ok_or(OrdineError::NoMailbox)?;
    Ok(OrdineMailbox {
        ordine,
        nome: ordine.nome(),
        mailbox: MailboxView::of(&mailbox),
    })
}

pub async fn profilo(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
) -> Result<OrdineProfiloView, OrdineError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let record = ordini::get(store, ordine).await?;
    Ok(OrdineProfiloView {
        ordine,
        nome: ordine.nome(),
        version: record.as_ref().map_or(0, |r| r.version),
        profilo: record.and_then(|r| r.value.profilo),
    })
}

/// The secretariat's profile, at the version it read (0 before the first).
pub async fn update_profilo(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    update: &OrdineProfiloUpdate,
    now: DateTime<Utc>,
) -> Result<OrdineProfiloView, OrdineError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let profilo = update.validate().map_err(OrdineError::Invalid)?;
    let before = ordini::get(store, ordine).await?;
    if before.as_ref().map_or(0, |r| r.version) != update.version {
        return Err(OrdineError::Stale);
    }
    let mut after = before
        .as_ref()
        .map_or_else(|| OrdineRecord::new(ordine), |r| r.value.clone());
    after.profilo = Some(profilo);
    let change = Change {
        before,
        after,
        effects: Vec::new(),
        actor: caller.actor(),
        action: "modifica profilo dell'Ordine".into(),
    };
    let (ops, saved, _) = change.into_ops(now)?;
    match repo::commit(store, ops).await {
        Ok(()) => Ok(OrdineProfiloView {
            ordine,
            nome: ordine.nome(),
            profilo: saved.value.profilo,
            version: saved.version,
        }),
        Err(e) if e.is_condition_failed() => Err(OrdineError::Stale),
        Err(e) => Err(e.into()),
    }
}

/// Creates the own mailbox of every Ordine that has none (the Fondazione, in one step); a
/// second run creates nothing. The daily verifica renews them.
pub async fn create_missing_mailboxes(
    store: &dyn ItemStore,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<shared::api::CaselleOrdini, OrdineError> {
    ensure(caller.role == shared::access::Role::Fondazione)?;
    let mut outcome = shared::api::CaselleOrdini {
        create: 0,
        presenti: 0,
    };
    for ordine in OrdineCode::all() {
        if create_mailbox(store, caller.actor(), ordine, now).await? {
            outcome.create += 1;
        } else {
            outcome.presenti += 1;
        }
    }
    if outcome.create > 0 {
        tracing::info!(created = outcome.create, by = %caller.actor(), "Ordini's mailboxes created");
    }
    Ok(outcome)
}

/// Attempts when another write takes the address or changes the Ordine at the same moment.
const ATTEMPTS: usize = 8;

/// Creates the Ordine's mailbox if it has none; true when it did.
pub async fn create_mailbox(
    store: &dyn ItemStore,
    actor: Actor,
    ordine: OrdineCode,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let local = ordine
        .pec()
        .ingpec_local()
        .expect("an Ordine's address is ours");
    let base = LocalPart::parse(local.as_str()).expect("an Ordine's address is a local part");
    let holder = AuditTarget::Ordine(ordine).to_string();
    // The catalog in force, read once for every attempt.
    let catalog = crate::repo::catalogo::load(store).await?;
    for _ in 0..ATTEMPTS {
        let before = ordini::get(store, ordine).await?;
        if before.as_ref().is_some_and(|r| r.value.mailbox.is_some()) {
            return Ok(false);
        }
        let taken = addresses::taken(store, &base).await?;
        let (address, reserve) =
            match addresses::reserve(&base, addresses::first_free(&taken), &holder) {
                Ok(reservation) => reservation,
                Err(addresses::AddressOrStore::Store(e)) => return Err(e),
                Err(addresses::AddressOrStore::Address(e)) => {
                    unreachable!("an Ordine's address takes an alias: {e}")
                }
            };
        let transition = Mailbox::activate_with(
            address,
            AlboStatus::Iscritto,
            crate::clock::rome_date(now),
            &catalog,
        );
        let mut after = before
            .as_ref()
            .map_or_else(|| OrdineRecord::new(ordine), |r| r.value.clone());
        after.mailbox = Some(transition.mailbox);
        let change = Change {
            before,
            after,
            effects: transition.effects,
            actor: actor.clone(),
            action: "attivazione casella dell'Ordine".into(),
        };
        let (mut ops, _, _) = change.into_ops(now)?;
        ops.push(reserve);
        match repo::commit(store, ops).await {
            Ok(()) => return Ok(true),
            // The address or the Ordine's item changed meanwhile: read again.
            Err(e) if e.is_condition_failed() => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::ConditionFailed { failed: Vec::new() })
}
