//! The item-store port: exactly the operations the domain needs, on one table of items
//! with a partition key, a sort key and two overloaded indexes. Two adapters implement it:
//! [`sqlite`] (embedded, the local server's) and [`dynamodb`] (production); the
//! [`conformance`] suite runs against both so they cannot drift.
//!
//! Write semantics are named by their [`Condition`]: create (`NotExists`), replace
//! (`Version(n)`: must exist at version n), put (`Always`).

pub mod conformance;
pub mod dynamodb;
pub mod keys;
pub mod sqlite;

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// DynamoDB's limit on one transaction.
pub const MAX_TRANSACTION_OPS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            pk: pk.into(),
            sk: sk.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    Gsi1,
    Gsi2,
}

/// One stored item: keys, bookkeeping, and the entity's own fields as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub key: Key,
    pub gsi1: Option<Key>,
    pub gsi2: Option<Key>,
    pub entity_type: String,
    /// Starts at 1; every replace adds one.
    pub version: u64,
    /// Epoch seconds after which the item is garbage (DynamoDB TTL). Readers must still
    /// check it: TTL deletion is lazy.
    pub expires_at: Option<i64>,
    /// The entity's own fields: a JSON object, as both stores keep it. Kept as text, not
    /// parsed: an entity is encoded to it and decoded from it in one pass.
    pub data: String,
}

impl Item {
    pub fn new(key: Key, entity_type: &str, data: &impl Serialize) -> Result<Self, StoreError> {
        let json = serde_json::to_string(data).map_err(StoreError::encode)?;
        // Anything but an object is kept under `value`.
        let data = if json.starts_with('{') {
            json
        } else {
            format!(r#"{{"value":{json}}}"#)
        };
        Ok(Self {
            key,
            gsi1: None,
            gsi2: None,
            entity_type: entity_type.to_owned(),
            version: 1,
            expires_at: None,
            data,
        })
    }

    pub fn with_gsi1(mut self, key: Key) -> Self {
        self.gsi1 = Some(key);
        self
    }

    pub fn with_gsi2(mut self, key: Key) -> Self {
        self.gsi2 = Some(key);
        self
    }

    pub fn with_version(mut self, version: u64) -> Self {
        self.version = version;
        self
    }

    pub fn expiring_at(mut self, epoch_seconds: i64) -> Self {
        self.expires_at = Some(epoch_seconds);
        self
    }

    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, StoreError> {
        serde_json::from_str(&self.data).map_err(|e| StoreError::Corrupt {
            key: self.key.clone(),
            reason: e.to_string(),
        })
    }

    fn index_key(&self, index: Option<Index>) -> Option<&Key> {
        match index {
            None => Some(&self.key),
            Some(Index::Gsi1) => self.gsi1.as_ref(),
            Some(Index::Gsi2) => self.gsi2.as_ref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    Always,
    NotExists,
    Exists,
    Version(u64),
}

#[derive(Debug, Clone, PartialEq)]
pub enum WriteOp {
    Put(Item, Condition),
    Delete(Key, Condition),
    /// Fails the transaction unless the condition holds; writes nothing.
    Check(Key, Condition),
}

impl WriteOp {
    fn key(&self) -> &Key {
        match self {
            WriteOp::Put(item, _) => &item.key,
            WriteOp::Delete(key, _) | WriteOp::Check(key, _) => key,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    All,
    BeginsWith(String),
    /// Inclusive on both ends.
    Between(String, String),
    /// Up to and including.
    UpTo(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub index: Option<Index>,
    pub pk: String,
    pub sk: SortKey,
    pub limit: usize,
    pub cursor: Option<String>,
    pub descending: bool,
    /// Only items whose data has this field, not null, are wanted (the caller still checks
    /// each). The embedded store answers from an index of just those; DynamoDB, which
    /// keeps the data as one attribute, returns every item.
    pub only_with: Option<&'static str>,
}

impl Query {
    pub fn new(index: Option<Index>, pk: impl Into<String>, sk: SortKey) -> Self {
        Self {
            index,
            pk: pk.into(),
            sk,
            limit: 100,
            cursor: None,
            descending: false,
            only_with: None,
        }
    }

    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit.clamp(1, 1000);
        self
    }

    pub fn after(mut self, cursor: Option<String>) -> Self {
        self.cursor = cursor;
        self
    }

    /// See [`Query::only_with`].
    pub fn only_with(mut self, field: &'static str) -> Self {
        self.only_with = Some(field);
        self
    }

    pub fn descending(mut self) -> Self {
        self.descending = true;
        self
    }

    /// Where the query resumes: the cursor, if it is one of this query's own (a cursor of
    /// another query, or a made-up one, is `BadCursor`, never a backend's error).
    pub fn resume_at(&self) -> Result<Option<CursorKey>, StoreError> {
        let Some(cursor) = self.cursor.as_deref().map(CursorKey::decode).transpose()? else {
            return Ok(None);
        };
        let whole = |key: &Key| !key.pk.is_empty() && !key.sk.is_empty();
        let ours = whole(&cursor.key)
            && match (self.index, &cursor.index) {
                (None, _) => cursor.key.pk == self.pk,
                (Some(_), Some(index)) => whole(index) && index.pk == self.pk,
                (Some(_), None) => false,
            };
        if ours {
            Ok(Some(cursor))
        } else {
            Err(StoreError::BadCursor)
        }
    }
}

/// One page of a query; `cursor` continues it (a cursor may lead to an empty page).
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub items: Vec<Item>,
    pub cursor: Option<String>,
}

/// Where a page ended: the last item's table key and index key, opaque to callers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorKey {
    pub key: Key,
    pub index: Option<Key>,
}

impl CursorKey {
    pub fn of(item: &Item, index: Option<Index>) -> Self {
        Self {
            key: item.key.clone(),
            index: index.and_then(|i| item.index_key(Some(i)).cloned()),
        }
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("keys serialize"))
    }

    pub fn decode(cursor: &str) -> Result<Self, StoreError> {
        URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or(StoreError::BadCursor)
    }
}

#[derive(Debug, Error)]
pub enum StoreError {
    /// A condition did not hold, so nothing was written: of a single write, or of a
    /// transaction, where `failed` lists the operations whose condition failed (empty when
    /// another transaction got there at the same moment). Either way, whoever wrote meant
    /// something else by then: read again, or report a conflict.
    #[error("a condition failed (operations {failed:?})")]
    ConditionFailed { failed: Vec<usize> },
    #[error("a transaction may have at most 100 operations and no two on one item")]
    InvalidTransaction,
    #[error("invalid page cursor")]
    BadCursor,
    #[error("item {key:?} cannot be read: {reason}")]
    Corrupt { key: Key, reason: String },
    #[error("item encoding: {0}")]
    Encode(String),
    #[error("store backend")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// A single write's failed condition.
    pub fn condition_failed() -> Self {
        StoreError::ConditionFailed { failed: vec![0] }
    }

    pub fn is_condition_failed(&self) -> bool {
        matches!(self, StoreError::ConditionFailed { .. })
    }

    fn encode(e: serde_json::Error) -> Self {
        StoreError::Encode(e.to_string())
    }

    pub fn backend(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Backend(Box::new(e))
    }
}

/// Rejects what DynamoDB would reject, so both adapters refuse the same transactions.
fn check_transaction(ops: &[WriteOp]) -> Result<(), StoreError> {
    let mut keys: Vec<&Key> = ops.iter().map(WriteOp::key).collect();
    keys.sort();
    keys.dedup();
    if ops.is_empty() || ops.len() > MAX_TRANSACTION_OPS || keys.len() != ops.len() {
        return Err(StoreError::InvalidTransaction);
    }
    Ok(())
}

#[async_trait]
pub trait ItemStore: Send + Sync {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError>;
    /// Writes `item` if `condition` holds, else `ConditionFailed`.
    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError>;
    async fn delete(&self, key: &Key, condition: Condition) -> Result<(), StoreError>;
    async fn query(&self, query: &Query) -> Result<Page, StoreError>;
    /// All or nothing, at most 100 operations on distinct items.
    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), StoreError>;
    /// `transactions` in order, each as [`Self::transact`] writes it, until one's condition
    /// fails: how many were written. The one that failed wrote nothing, and those after it
    /// were not tried. An error of another kind stops them all; those before it may be
    /// written or not.
    async fn transact_each(&self, transactions: Vec<Vec<WriteOp>>) -> Result<usize, StoreError> {
        let mut written = 0;
        for ops in transactions {
            match self.transact(ops).await {
                Ok(()) => written += 1,
                Err(e) if e.is_condition_failed() => break,
                Err(e) => return Err(e),
            }
        }
        Ok(written)
    }
    /// How many transactions [`Self::transact_each`] writes in one commit, so how many a
    /// service writing many rows plans before it writes them (at most). One where each
    /// transaction is its own commit (DynamoDB).
    fn transactions_per_commit(&self) -> usize {
        1
    }
    /// Unconditional puts of many items (not atomic as a whole).
    async fn batch_put(&self, items: Vec<Item>) -> Result<(), StoreError>;
}
