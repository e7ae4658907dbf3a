//! Which key layout a store was written with ([`keys::LAYOUT`]). A new store is marked with
//! this code's layout; a store of layout 2 or 3 is upgraded in place, a layout at a time
//! (2 → 3: every member written again, so that the queues' index keys appear; 3 → 4: the
//! audit entries moved into their target's partition); one written by an earlier
//! layout is refused (by the local server at start, by a Lambda function at its first
//! event), with a message that says what to do, rather than read
//! wrongly (layout 1 keyed people by their code with omocodia removed, which merged
//! different people).

use serde::{Deserialize, Serialize};
use shared::audit::{AuditEntry, AuditTarget};
use shared::province::OrdineCode;
use thiserror::Error;

use super::Versioned;
use super::members::{self, MemberRecord};
use super::unit_of_work::Audited;
use crate::store::{
    Condition, Item, ItemStore, MAX_TRANSACTION_OPS, Query, SortKey, StoreError, WriteOp, keys,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Layout {
    version: u32,
}

#[derive(Debug, Error)]
pub enum LayoutError {
    #[error(
        "the store was written by an earlier version of PEC Ingegneri (key layout {found}; this \
         version reads layout {expected}, which keys each person by his codice fiscale as \
         issued). Its data cannot be read correctly: for the local server, delete the data \
         folder (PEC_DATA_DIR, `.data` by default) to start again from the demo data"
    )]
    Earlier { found: u32, expected: u32 },
    #[error(
        "the store was written by a newer version of PEC Ingegneri (key layout {found}; this \
         version reads layout {expected}): run the newer version"
    )]
    Newer { found: u32, expected: u32 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// At a Lambda function's first event, one read: refuses a table marked with another
/// layout.
/// No table of layout 1 was ever deployed, so an unmarked table is of this layout; a
/// future layout's migration marks it.
pub async fn refuse_other(store: &dyn ItemStore) -> Result<(), LayoutError> {
    match store.get(&keys::meta("layout")).await? {
        None => Ok(()),
        Some(item) => compare(item.decode::<Layout>()?.version),
    }
}

fn compare(found: u32) -> Result<(), LayoutError> {
    let expected = keys::LAYOUT;
    match found.cmp(&expected) {
        std::cmp::Ordering::Equal => Ok(()),
        std::cmp::Ordering::Less => Err(LayoutError::Earlier { found, expected }),
        std::cmp::Ordering::Greater => Err(LayoutError::Newer { found, expected }),
    }
}

/// The local server's store (a data folder may come from an earlier version): accepts a
/// store of this layout, marks an empty one, refuses any other.
pub async fn ensure(store: &dyn ItemStore) -> Result<(), LayoutError> {
    let key = keys::meta("layout");
    let found = match store.get(&key).await? {
        Some(item) => item.decode::<Layout>()?.version,
        None if is_empty(store).await? => {
            let mark = Item::new(
                key,
                keys::META_LAYOUT,
                &Layout {
                    version: keys::LAYOUT,
                },
            )?;
            return match store.put(mark, Condition::NotExists).await {
                Err(e) if !e.is_condition_failed() => Err(e.into()),
                // Marked by us, or by another process starting at the same moment.
                _ => Box::pin(ensure(store)).await,
            };
        }
        // Data without a mark: written before layouts were marked.
        None => 1,
    };
    match found {
        2 => upgrade_from_2(store).await?,
        3 => upgrade_from_3(store).await?,
        _ => return compare(found),
    }
    Box::pin(ensure(store)).await
}

/// Marks the store as written by `version`.
async fn mark(store: &dyn ItemStore, version: u32) -> Result<(), StoreError> {
    let mark = Item::new(keys::meta("layout"), keys::META_LAYOUT, &Layout { version })?;
    store.put(mark, Condition::Always).await
}

/// Every member, a page at a time, each Ordine's in turn.
async fn each_member(
    store: &dyn ItemStore,
    mut visit: impl AsyncFnMut(&Versioned<MemberRecord>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    for ordine in OrdineCode::all() {
        let mut cursor = None;
        loop {
            let page = store
                .query(&members::in_ordine(ordine, None).limit(200).after(cursor))
                .await?;
            let (records, next) = members::decode_page(page)?;
            for member in &records {
                visit(member).await?;
            }
            match next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
    }
    Ok(())
}

/// Layout 2 → 3: every member written again as this code writes him (a deceased holder
/// with an open mailbox joins the deaths' queue, a blocked mailbox the blocked one), then
/// the mark. A member changed meanwhile was written by this code already.
async fn upgrade_from_2(store: &dyn ItemStore) -> Result<(), LayoutError> {
    let mut rewritten = 0usize;
    each_member(store, async |member| {
        let item = member.value.item(member.version + 1)?;
        match store.put(item, Condition::Version(member.version)).await {
            Ok(()) => rewritten += 1,
            Err(e) if e.is_condition_failed() => {}
            Err(e) => return Err(e),
        }
        Ok(())
    })
    .await?;
    mark(store, 3).await?;
    tracing::info!(rewritten, "store upgraded from key layout 2 to 3");
    Ok(())
}

/// Layout 3 → 4: each Ordine's and each member's audit entries moved from the partition
/// of their own into the target's ([`keys::audit_partition`]), then the mark. A move is
/// one transaction (written under the new key, deleted under the old), so a start stopped
/// halfway goes on from what is left in the old partitions.
async fn upgrade_from_3(store: &dyn ItemStore) -> Result<(), LayoutError> {
    let mut moved = 0usize;
    for ordine in OrdineCode::all() {
        moved += move_audit(store, &AuditTarget::Ordine(ordine)).await?;
    }
    each_member(store, async |member| {
        moved += move_audit(store, &AuditTarget::Member(member.value.cf().clone())).await?;
        Ok(())
    })
    .await?;
    mark(store, 4).await?;
    tracing::info!(moved, "store upgraded from key layout 3 to 4");
    Ok(())
}

/// Moves `target`'s audit entries from layout 3's partition into layout 4's: how many.
async fn move_audit(store: &dyn ItemStore, target: &AuditTarget) -> Result<usize, StoreError> {
    let old = keys::audit_partition_of_layout_3(target);
    let mut moved = 0;
    loop {
        let query = Query::new(None, old.clone(), SortKey::All).limit(MAX_TRANSACTION_OPS / 2);
        let page = store.query(&query).await?;
        if page.items.is_empty() {
            return Ok(moved);
        }
        let mut ops = Vec::with_capacity(page.items.len() * 2);
        for item in page.items {
            let entry: AuditEntry = item.decode()?;
            let key = keys::audit(&entry.target, entry.at, &entry.id);
            ops.push(WriteOp::Delete(
                item.key.clone(),
                Condition::Version(item.version),
            ));
            ops.push(WriteOp::Put(Item { key, ..item }, Condition::NotExists));
        }
        moved += ops.len() / 2;
        store.transact(ops).await?;
    }
}

/// No demo data and no member in any Ordine.
async fn is_empty(store: &dyn ItemStore) -> Result<bool, StoreError> {
    if store.get(&keys::meta("seed")).await?.is_some() {
        return Ok(false);
    }
    for ordine in OrdineCode::all() {
        let page = store
            .query(&members::in_ordine(ordine, None).limit(1))
            .await?;
        if !page.items.is_empty() {
            return Ok(false);
        }
    }
    Ok(true)
}
