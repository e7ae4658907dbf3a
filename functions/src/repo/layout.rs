//! Which key layout a store was written with ([`keys::LAYOUT`]). A new store is marked with
//! this code's layout; a store written by an earlier one is refused at start, with a message
//! that says what to do, rather than read wrongly (layout 1 keyed people by their code
//! with omocodia removed, which merged different people).

use serde::{Deserialize, Serialize};
use shared::province::OrdineCode;
use thiserror::Error;

use super::members;
use crate::store::{Condition, Item, ItemStore, StoreError, keys};

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

/// At a Lambda function's start, one read: refuses a table marked with another layout.
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
    compare(found)
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
