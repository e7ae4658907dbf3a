//! The audit log's entries: each written in the same transaction as the change it records
//! (see [`super::unit_of_work`], which chains it), read by target or by Italian day.

use chrono::NaiveDate;
use shared::audit::{AuditEntry, AuditTarget};

use crate::store::{Condition, Index, Item, ItemStore, Query, SortKey, StoreError, WriteOp, keys};

/// Entries read at once when checking a whole chain.
const CHAIN_PAGE: usize = 1000;

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
    target: &AuditTarget,
    cursor: Option<String>,
    limit: usize,
) -> Result<(Vec<AuditEntry>, Option<String>), StoreError> {
    let query = Query::new(
        None,
        keys::audit_partition(target),
        SortKey::BeginsWith(keys::AUDIT_PREFIX.into()),
    );
    newest_first(store, query, cursor, limit).await
}

/// The whole history of one target, newest first, to check its chain.
pub async fn whole(
    store: &dyn ItemStore,
    target: &AuditTarget,
) -> Result<Vec<AuditEntry>, StoreError> {
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let (entries, next) = of_target(store, target, cursor, CHAIN_PAGE).await?;
        all.extend(entries);
        cursor = next;
        if cursor.is_none() {
            return Ok(all);
        }
    }
}

/// Everything recorded on one Italian calendar day, newest first.
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
