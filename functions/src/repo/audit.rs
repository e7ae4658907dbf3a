//! The audit log: who changed what, when, before and after. Entries are written in the
//! same transaction as the change they describe.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use shared::api::AuditEntry;

use crate::store::{Condition, Index, Item, ItemStore, Query, SortKey, StoreError, WriteOp, keys};

pub fn entry(
    actor: &str,
    target: &str,
    action: &str,
    before: Option<&impl Serialize>,
    after: Option<&impl Serialize>,
    at: DateTime<Utc>,
) -> AuditEntry {
    AuditEntry {
        id: uuid::Uuid::now_v7().to_string(),
        at,
        actor: actor.to_owned(),
        target: target.to_owned(),
        action: action.to_owned(),
        before: before.and_then(|b| serde_json::to_value(b).ok()),
        after: after.and_then(|a| serde_json::to_value(a).ok()),
    }
}

pub fn write(entry: &AuditEntry) -> Result<WriteOp, StoreError> {
    let item = Item::new(
        keys::audit(&entry.target, entry.at, &entry.id),
        keys::AUDIT,
        entry,
    )?
    .with_gsi2(keys::audit_by_day(entry.at, &entry.id));
    Ok(WriteOp::Put(item, Condition::NotExists))
}

/// The history of one target, newest first.
pub async fn of_target(
    store: &dyn ItemStore,
    target: &str,
    cursor: Option<String>,
    limit: usize,
) -> Result<(Vec<AuditEntry>, Option<String>), StoreError> {
    let query = Query::new(None, keys::audit_target(target), SortKey::All);
    newest_first(store, query, cursor, limit).await
}

/// Everything recorded on one day, newest first.
pub async fn of_day(
    store: &dyn ItemStore,
    day: NaiveDate,
    cursor: Option<String>,
    limit: usize,
) -> Result<(Vec<AuditEntry>, Option<String>), StoreError> {
    let query = Query::new(Some(Index::Gsi2), keys::audit_day(day), SortKey::All);
    newest_first(store, query, cursor, limit).await
}

async fn newest_first(
    store: &dyn ItemStore,
    query: Query,
    cursor: Option<String>,
    limit: usize,
) -> Result<(Vec<AuditEntry>, Option<String>), StoreError> {
    let page = store
        .query(&query.limit(limit).after(cursor).descending())
        .await?;
    let entries = page
        .items
        .iter()
        .map(Item::decode)
        .collect::<Result<_, _>>()?;
    Ok((entries, page.cursor))
}
