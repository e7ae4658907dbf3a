//! Reading the audit log: one target's history with the check of its chain (the holder's
//! *Storico*, the Fondazione's *Registro*), or everything recorded on an Italian day.

use chrono::NaiveDate;
use shared::access::Caller;
use shared::api::{AUDIT_PAGE, AuditPage, AuditQuery};
use shared::audit::{AuditTarget, Integrity, verify_chain};
use thiserror::Error;

use super::{Forbidden, ensure};
use crate::repo::{audit, members, ordini};
use crate::store::{ItemStore, StoreError};

#[derive(Debug, Error)]
pub enum AuditError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads of a log and of its head that a change may fall between.
const CHECK_ATTEMPTS: usize = 3;

/// A page of `target`'s history; the first page also says whether the whole chain holds
/// against the head its item keeps.
pub async fn page(
    store: &dyn ItemStore,
    target: &AuditTarget,
    cursor: Option<String>,
    limit: usize,
) -> Result<AuditPage, StoreError> {
    let first = cursor.is_none();
    let (items, cursor) = audit::of_target(store, target, cursor, limit).await?;
    let integrita = if first {
        Some(check(store, target).await?)
    } else {
        None
    };
    Ok(AuditPage {
        items,
        cursor,
        integrita,
    })
}

/// Whether `target`'s whole chain holds. The entries are read before the head, so a head
/// they do not reach was written in between: read both again.
async fn check(store: &dyn ItemStore, target: &AuditTarget) -> Result<Integrity, StoreError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let entries = audit::whole(store, target).await?;
        let head = head(store, target).await?;
        let in_between = head
            .as_deref()
            .is_some_and(|h| !entries.iter().any(|e| e.hash == h));
        if !in_between || attempt == CHECK_ATTEMPTS {
            return Ok(verify_chain(&entries, head.as_deref()));
        }
    }
}

/// The head its item keeps for `target`'s chain.
async fn head(store: &dyn ItemStore, target: &AuditTarget) -> Result<Option<String>, StoreError> {
    Ok(match target {
        AuditTarget::Member(cf) => members::get(store, cf)
            .await?
            .and_then(|m| m.value.audit_head),
        AuditTarget::Ordine(ordine) => ordini::get(store, *ordine)
            .await?
            .and_then(|o| o.value.audit_head),
    })
}

/// The Fondazione's search: a target's history (checked), or a day's entries.
pub async fn search(
    store: &dyn ItemStore,
    caller: &Caller,
    query: &AuditQuery,
    today: NaiveDate,
) -> Result<AuditPage, AuditError> {
    ensure(caller.can_read_audit())?;
    let cursor = query.cursor.clone();
    match &query.target {
        Some(target) => Ok(page(store, target, cursor, AUDIT_PAGE).await?),
        None => {
            let day = query.day.unwrap_or(today);
            let (items, cursor) = audit::of_day(store, day, cursor, AUDIT_PAGE).await?;
            Ok(AuditPage {
                items,
                cursor,
                integrita: None,
            })
        }
    }
}
