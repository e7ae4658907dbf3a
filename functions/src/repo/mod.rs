//! Repositories: the one door to the table for each entity, and the only callers of the
//! store port and of its key module. Writes that belong together are returned as
//! [`WriteOp`]s so use cases commit them in one transaction: a change of a member or an
//! Ordine goes through the [`unit_of_work`], which adds the outbox commands, the notices and
//! the chained audit entry.

pub mod accounts;
pub mod addresses;
pub mod audit;
pub mod batches;
pub mod catalogo;
pub mod conferme;
pub mod contratti;
pub mod disdette;
pub mod firme;
pub mod idempotency;
pub mod invoices;
pub mod layout;
pub mod login_attempts;
pub mod members;
pub mod orders;
pub mod ordini;
pub mod outbox;
pub mod reports;
pub mod richieste;
pub mod sandbox;
mod sliding_window;
pub mod unit_of_work;

use serde::de::DeserializeOwned;

use crate::store::{Item, ItemStore, Key, Query, StoreError, WriteOp};

/// A value and the version it was read at.
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned<T> {
    pub value: T,
    pub version: u64,
}

impl<T: DeserializeOwned> Versioned<T> {
    /// The value `item` holds, at the item's version.
    pub fn decode(item: &Item) -> Result<Self, StoreError> {
        Ok(Self {
            value: item.decode()?,
            version: item.version,
        })
    }
}

/// The item at `key`, decoded with its version.
pub async fn get_versioned<T: DeserializeOwned>(
    store: &dyn ItemStore,
    key: &Key,
) -> Result<Option<Versioned<T>>, StoreError> {
    store
        .get(key)
        .await?
        .as_ref()
        .map(Versioned::decode)
        .transpose()
}

/// The items of `query`'s first page, decoded.
pub async fn query_decoded<T: DeserializeOwned>(
    store: &dyn ItemStore,
    query: &Query,
) -> Result<Vec<T>, StoreError> {
    store
        .query(query)
        .await?
        .items
        .iter()
        .map(Item::decode)
        .collect()
}

/// The items of `query`'s first page, decoded with their versions.
pub async fn query_versioned<T: DeserializeOwned>(
    store: &dyn ItemStore,
    query: &Query,
) -> Result<Vec<Versioned<T>>, StoreError> {
    store
        .query(query)
        .await?
        .items
        .iter()
        .map(Versioned::decode)
        .collect()
}

/// Writes to commit together.
pub type Ops = Vec<WriteOp>;

/// Commits `ops` as one transaction.
pub async fn commit(store: &dyn ItemStore, ops: Ops) -> Result<(), StoreError> {
    store.transact(ops).await
}

/// Commits `transactions` in order, each as one, until one's condition fails: how many
/// were committed ([`ItemStore::transact_each`]).
pub async fn commit_each(
    store: &dyn ItemStore,
    transactions: Vec<Ops>,
) -> Result<usize, StoreError> {
    if transactions.is_empty() {
        return Ok(0);
    }
    store.transact_each(transactions).await
}
