//! Repositories: each entity's reads and writes, written once on the item-store port.
//! Writes that belong together are returned as [`WriteOp`]s so use cases can commit them
//! in one transaction (a member, its address reservation, the outbox command, the audit).

pub mod accounts;
pub mod addresses;
pub mod audit;
pub mod idempotency;
pub mod login_failures;
pub mod members;
pub mod outbox;

use serde::de::DeserializeOwned;

use crate::store::{Item, ItemStore, Key, StoreError, WriteOp};

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

/// Writes to commit together.
pub type Ops = Vec<WriteOp>;
