//! Idempotency records (after the Powertools design): a create-type POST with an
//! `Idempotency-Key` first claims the key (in progress), then stores its response
//! (completed), which a repeat replays for 24 hours. A failed request frees the key.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{Condition, Item, ItemStore, StoreError, keys};

pub const EXPIRY: Duration = Duration::hours(24);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    InProgress,
    Completed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub status: Status,
    /// Hash of the request: a key reused for a different request is refused.
    pub request_hash: String,
    pub expires_at: DateTime<Utc>,
    pub response_status: Option<u16>,
    pub response_body: Option<serde_json::Value>,
}

#[derive(Debug, PartialEq)]
pub enum Claim {
    /// Go ahead; complete or release the key afterwards.
    New,
    Replay {
        status: u16,
        body: serde_json::Value,
    },
    InProgress,
    /// The key was used for another request.
    Mismatch,
}

fn item(subject: &str, key: &str, record: &Record, version: u64) -> Result<Item, StoreError> {
    Ok(
        Item::new(keys::idempotency(subject, key), keys::IDEMPOTENCY, record)?
            .with_version(version)
            .expiring_at(record.expires_at.timestamp()),
    )
}

pub async fn claim(
    store: &dyn ItemStore,
    subject: &str,
    key: &str,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<Claim, StoreError> {
    let fresh = Record {
        status: Status::InProgress,
        request_hash: request_hash.to_owned(),
        expires_at: now + EXPIRY,
        response_status: None,
        response_body: None,
    };
    match store
        .put(item(subject, key, &fresh, 1)?, Condition::NotExists)
        .await
    {
        Ok(()) => return Ok(Claim::New),
        Err(StoreError::ConditionFailed) => {}
        Err(e) => return Err(e),
    }
    let Some(existing) = store.get(&keys::idempotency(subject, key)).await? else {
        // Released in between: try once more.
        return Box::pin(claim(store, subject, key, request_hash, now)).await;
    };
    let record: Record = existing.decode()?;
    if record.expires_at <= now {
        // Expired (TTL deletion is lazy): take it over.
        return match store
            .put(
                item(subject, key, &fresh, existing.version + 1)?,
                Condition::Version(existing.version),
            )
            .await
        {
            Ok(()) => Ok(Claim::New),
            Err(StoreError::ConditionFailed) => Ok(Claim::InProgress),
            Err(e) => Err(e),
        };
    }
    if record.request_hash != request_hash {
        return Ok(Claim::Mismatch);
    }
    Ok(
        match (record.status, record.response_status, record.response_body) {
            (Status::Completed, Some(status), Some(body)) => Claim::Replay { status, body },
            _ => Claim::InProgress,
        },
    )
}

pub async fn complete(
    store: &dyn ItemStore,
    subject: &str,
    key: &str,
    request_hash: &str,
    status: u16,
    body: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let record = Record {
        status: Status::Completed,
        request_hash: request_hash.to_owned(),
        expires_at: now + EXPIRY,
        response_status: Some(status),
        response_body: Some(body),
    };
    store
        .put(item(subject, key, &record, 2)?, Condition::Exists)
        .await
}

pub async fn release(store: &dyn ItemStore, subject: &str, key: &str) -> Result<(), StoreError> {
    match store
        .delete(&keys::idempotency(subject, key), Condition::Always)
        .await
    {
        Ok(()) | Err(StoreError::ConditionFailed) => Ok(()),
        Err(e) => Err(e),
    }
}
