//! What a holder does with his own data: his anagrafica (but name, surname and codice
//! fiscale), his recovery contacts (he alone), his mailbox's history.

use chrono::{DateTime, Utc};
use shared::access::{Caller, Role};
use shared::api::{ApiError, AuditPage, ErrorCode, MemberDetail, ProfileUpdate, RecoveryUpdate};
use shared::codice_fiscale::CodiceFiscale;
use shared::member::{FieldError, RecoveryContacts, Telefono};

use super::directory::detail;
use super::{actor, conflict, ensure, member_target};
use crate::error::AppError;
use crate::repo::members::{self, MemberRecord};
use crate::repo::{Versioned, audit};
use crate::store::{ItemStore, StoreError};

fn holder_cf(caller: &Caller) -> Result<&CodiceFiscale, AppError> {
    match (&caller.role, &caller.codice_fiscale) {
        (Role::Iscritto, Some(cf)) => Ok(cf),
        _ => Err(super::forbidden()),
    }
}

fn field_errors(errors: Vec<FieldError>) -> AppError {
    let first = errors
        .into_iter()
        .next()
        .unwrap_or_else(|| FieldError::new("", "Dati non validi."));
    AppError::Domain(ApiError::new(ErrorCode::InvalidInput, first.message).with_field(first.field))
}

async fn own_member(
    store: &dyn ItemStore,
    caller: &Caller,
) -> Result<Versioned<MemberRecord>, AppError> {
    let cf = holder_cf(caller)?;
    members::get(store, cf)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                "Il tuo codice fiscale non risulta nell'Albo: contatta il tuo Ordine.",
            )
        })
}

/// The holder's record, if he may edit it and it is still at the `version` he read.
async fn editable(
    store: &dyn ItemStore,
    caller: &Caller,
    version: u64,
) -> Result<Versioned<MemberRecord>, AppError> {
    let current = own_member(store, caller).await?;
    ensure(caller.can_edit_own_data(current.value.cf()))?;
    if current.version != version {
        return Err(conflict());
    }
    Ok(current)
}

pub async fn me(store: &dyn ItemStore, caller: &Caller) -> Result<MemberDetail, AppError> {
    Ok(detail(caller, &own_member(store, caller).await?))
}

async fn save(
    store: &dyn ItemStore,
    caller: &Caller,
    before: &Versioned<MemberRecord>,
    after: MemberRecord,
    action: &str,
    now: DateTime<Utc>,
) -> Result<MemberDetail, AppError> {
    let entry = audit::entry(
        &actor(caller),
        &member_target(after.cf()),
        action,
        Some(&before.value),
        Some(&after),
        now,
    );
    let ops = vec![
        members::replace(&after, before.version).map_err(AppError::internal)?,
        audit::write(&entry).map_err(AppError::internal)?,
    ];
    match store.transact(ops).await {
        Ok(()) => Ok(detail(
            caller,
            &Versioned {
                value: after,
                version: before.version + 1,
            },
        )),
        Err(StoreError::TransactionCancelled { .. }) => Err(conflict()),
        Err(e) => Err(AppError::internal(e)),
    }
}

/// The holder's anagrafica, at the version he read.
pub async fn update_profile(
    store: &dyn ItemStore,
    caller: &Caller,
    update: &ProfileUpdate,
    now: DateTime<Utc>,
) -> Result<MemberDetail, AppError> {
    let current = editable(store, caller, update.version).await?;
    let contatti = update.fields.validate().map_err(field_errors)?;
    let mut after = current.value.clone();
    after.anagrafica.apply(contatti);
    save(
        store,
        caller,
        &current,
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
) -> Result<MemberDetail, AppError> {
    let current = editable(store, caller, update.version).await?;
    let mut errors = Vec::new();
    let email = match update.email.trim() {
        "" => None,
        e => shared::address::EmailAddress::parse(e)
            .map_err(|e| errors.push(FieldError::new("email", e)))
            .ok(),
    };
    let cellulare = match update.cellulare.trim() {
        "" => None,
        c => Telefono::parse_cellulare(c)
            .map_err(|e| errors.push(FieldError::new("cellulare", e)))
            .ok(),
    };
    if !errors.is_empty() {
        return Err(field_errors(errors));
    }
    if current
        .value
        .mailbox
        .as_ref()
        .is_some_and(|m| &m.address == email.as_ref().unwrap_or(&m.address))
        && email.is_some()
    {
        return Err(field_errors(vec![FieldError::new(
            "email",
            "L'email di recupero deve essere diversa dalla casella PEC stessa.",
        )]));
    }
    let mut after = current.value.clone();
    after.recovery = RecoveryContacts { email, cellulare };
    save(
        store,
        caller,
        &current,
        after,
        "modifica contatti di recupero",
        now,
    )
    .await
}

/// The holder's own history.
pub async fn history(
    store: &dyn ItemStore,
    caller: &Caller,
    cursor: Option<String>,
) -> Result<AuditPage, AppError> {
    let cf = holder_cf(caller)?;
    let (items, cursor) = audit::of_target(store, &member_target(cf), cursor, 50)
        .await
        .map_err(AppError::internal)?;
    Ok(AuditPage { items, cursor })
}
