//! What a holder does with his own data: his anagrafica (but name, surname and codice
//! fiscale), his recovery contacts (he alone), his mailbox's history. Each change reaches
//! the provider through the outbox (the unit of work adds the command).

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::address::EmailAddress;
use shared::api::{AUDIT_PAGE, AuditPage, MemberDetail, ProfileUpdate, RecoveryUpdate};
use shared::audit::AuditTarget;
use shared::member::{FieldError, RecoveryContacts, Telefono};
use thiserror::Error;

use super::directory::detail;
use super::{Forbidden, audit, ensure, holder_cf};
use crate::repo::members::{self, MemberRecord};
use crate::repo::unit_of_work::Change;
use crate::repo::{self, Versioned};
use crate::store::{ItemStore, StoreError};

#[derive(Debug, Error)]
pub enum ProfileError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    /// The caller's code is not (or no longer) in the Albo.
    #[error("not in the Albo")]
    NotInAlbo,
    /// The data changed since the holder read it.
    #[error("stale version")]
    Stale,
    #[error("dati non validi")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

async fn own_member(
    store: &dyn ItemStore,
    caller: &Caller,
) -> Result<Versioned<MemberRecord>, ProfileError> {
    let cf = holder_cf(caller)?;
    members::get(store, cf)
        .await?
        .ok_or(ProfileError::NotInAlbo)
}

/// The holder's record, if he may edit it and it is still at the `version` he read.
async fn editable(
    store: &dyn ItemStore,
    caller: &Caller,
    version: u64,
) -> Result<Versioned<MemberRecord>, ProfileError> {
    let current = own_member(store, caller).await?;
    ensure(caller.can_edit_own_data(current.value.cf()))?;
    if current.version != version {
        return Err(ProfileError::Stale);
    }
    Ok(current)
}

pub async fn me(store: &dyn ItemStore, caller: &Caller) -> Result<MemberDetail, ProfileError> {
    Ok(detail(caller, &own_member(store, caller).await?))
}

async fn save(
    store: &dyn ItemStore,
    caller: &Caller,
    before: Versioned<MemberRecord>,
    after: MemberRecord,
    action: &str,
    now: DateTime<Utc>,
) -> Result<MemberDetail, ProfileError> {
    let change = Change {
        before: Some(before),
        after,
        effects: Vec::new(),
        actor: caller.actor(),
        action: action.to_owned(),
    };
    let (ops, saved, _) = change.into_ops(now)?;
    match repo::commit(store, ops).await {
        Ok(()) => Ok(detail(caller, &saved)),
        Err(e) if e.is_condition_failed() => Err(ProfileError::Stale),
        Err(e) => Err(e.into()),
    }
}

/// The holder's anagrafica, at the version he read.
pub async fn update_profile(
    store: &dyn ItemStore,
    caller: &Caller,
    update: &ProfileUpdate,
    now: DateTime<Utc>,
) -> Result<MemberDetail, ProfileError> {
    let current = editable(store, caller, update.version).await?;
    let contatti = update.fields().validate().map_err(ProfileError::Invalid)?;
    let mut after = current.value.clone();
    after.anagrafica.apply(contatti);
    save(
        store,
        caller,
        current,
        after,
        "modifica dati anagrafici",
        now,
    )
    .await
}

/// The recovery email and mobile: only the holder, never a secretariat.
pub async fn update_recovery(
    store: &dyn ItemStore,
    caller: &Caller,
    update: &RecoveryUpdate,
    now: DateTime<Utc>,
) -> Result<MemberDetail, ProfileError> {
    let current = editable(store, caller, update.version).await?;
    let mut errors = Vec::new();
    let email = match update.email.trim() {
        "" => None,
        e => EmailAddress::parse(e)
            .map_err(|e| errors.push(FieldError::new("email", e)))
            .ok(),
    };
    let cellulare = match update.cellulare.trim() {
        "" => None,
        c => Telefono::parse_cellulare(c)
            .map_err(|e| errors.push(FieldError::new("cellulare", e)))
            .ok(),
    };
    let own_mailbox = current.value.mailbox.as_ref().map(|m| &m.address);
    if email.is_some() && email.as_ref() == own_mailbox {
        errors.push(FieldError::new(
            "email",
            "L'email di recupero deve essere diversa dalla casella PEC stessa.",
        ));
    }
    if !errors.is_empty() {
        return Err(ProfileError::Invalid(errors));
    }
    let mut after = current.value.clone();
    after.recovery = RecoveryContacts { email, cellulare };
    save(
        store,
        caller,
        current,
        after,
        "modifica contatti di recupero",
        now,
    )
    .await
}

/// The holder's own history, with the check of its chain on the first page.
pub async fn history(
    store: &dyn ItemStore,
    caller: &Caller,
    cursor: Option<String>,
) -> Result<AuditPage, ProfileError> {
    let cf = holder_cf(caller)?;
    let target = AuditTarget::Member(cf.clone());
    Ok(audit::page(store, &target, cursor, AUDIT_PAGE).await?)
}
