//! Idempotency records (after the Powertools design): a create-type POST with an
//! `Idempotency-Key` first claims the key (in progress), then stores its response
//! (completed), which a repeat replays for 24 hours. A failed request frees the key. An
//! in-progress claim lasts only as long as a request may run ([`IN_PROGRESS`]): after that
//! its request is over, whatever happened to it (a crash, a dropped connection), and a
//! retry with the same key runs.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{Condition, Item, ItemStore, StoreError, keys};

pub const EXPIRY: Duration = Duration::hours(24);
/// How long an in-progress claim holds: past the request's own time limit
/// (`http::REQUEST_TIME_LIMIT`, when its work stops), so a claim lapses only once its
/// request is over.
pub const IN_PROGRESS: Duration = Duration::seconds(30);

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
    /// While in progress: when the claim stops holding.
    #[serde(default)]
    pub in_progress_until: Option<DateTime<Utc>>,
    pub response_status: Option<u16>,
    pub response_body: Option<serde_json::Value>,
}

#[derive(Debug, PartialEq)]
pub enum Claim {
    /// Go ahead; complete or release the claim (this version of the record) afterwards.
    New {
        version: u64,
    },
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
        in_progress_until: Some(now + IN_PROGRESS),
        response_status: None,
        response_body: None,
    };
    // Twice at most: the key may be released between our two reads.
    for _ in 0..2 {
        match store
            .put(item(subject, key, &fresh, 1)?, Condition::NotExists)
            .await
        {
            Ok(()) => return Ok(Claim::New { version: 1 }),
            Err(e) if e.is_condition_failed() => {}
            Err(e) => return Err(e),
        }
        let Some(existing) = store.get(&keys::idempotency(subject, key)).await? else {
            continue;
        };
        let record: Record = existing.decode()?;
        let void = match record.status {
            // Expired (TTL deletion is lazy).
            _ if record.expires_at <= now => true,
            Status::InProgress => record.in_progress_until.is_none_or(|until| until <= now),
            Status::Completed => false,
        };
        if void && (record.request_hash == request_hash || record.expires_at <= now) {
            let version = existing.version + 1;
            return match store
                .put(
                    item(subject, key, &fresh, version)?,
                    Condition::Version(existing.version),
                )
                .await
            {
                Ok(()) => Ok(Claim::New { version }),
                Err(e) if e.is_condition_failed() => Ok(Claim::InProgress),
                Err(e) => Err(e),
            };
        }
        if record.request_hash != request_hash {
            return Ok(Claim::Mismatch);
        }
        return Ok(
            match (record.status, record.response_status, record.response_body) {
                (Status::Completed, Some(status), Some(body)) => Claim::Replay { status, body },
                _ => Claim::InProgress,
            },
        );
    }
    Ok(Claim::InProgress)
}

/// Stores the response of the request that holds the claim at `version`.
#[allow(clippy::too_many_arguments)]
pub async fn complete(
    store: &dyn ItemStore,
    subject: &str,
    key: &str,
    version: u64,
    request_hash: &str,
    status: u16,
    body: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let record = Record {
        status: Status::Completed,
        request_hash: request_hash.to_owned(),
        expires_at: now + EXPIRY,
        in_progress_until: None,
        response_status: Some(status),
        response_body: Some(body),
    };
    match store
        .put(
            item(subject, key, &record, version + 1)?,
            Condition::Version(version),
        )
        .await
    {
        // The claim lapsed and a retry took it over: that retry answers for the key.
        Err(e) if e.is_condition_failed() => Ok(()),
        other => other,
    }
}

/// Frees the key held at `version` after a failed request, so the same key may be retried.
pub async fn release(
    store: &dyn ItemStore,
    subject: &str,
    key: &str,
    version: u64,
) -> Result<(), StoreError> {
    match store
        .delete(
            &keys::idempotency(subject, key),
            Condition::Version(version),
        )
        .await
    {
        Err(e) if e.is_condition_failed() => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::SqliteStore;

    fn at(seconds: i64) -> DateTime<Utc> {
        "2026-11-29T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::seconds(seconds)
    }

    #[tokio::test]
    async fn an_abandoned_claim_lapses_after_the_request_time_limit() {
        let store = SqliteStore::in_memory().unwrap();
        let claim = |seconds| claim(&store, "u", "k", "h", at(seconds));
        assert_eq!(claim(0).await.unwrap(), Claim::New { version: 1 });
        // The first request's connection dropped; nothing completed or released the key.
        assert_eq!(claim(5).await.unwrap(), Claim::InProgress);
        assert_eq!(claim(29).await.unwrap(), Claim::InProgress);
        assert_eq!(claim(31).await.unwrap(), Claim::New { version: 2 });
        // The late first request cannot overwrite the retry's claim.
        complete(
            &store,
            "u",
            "k",
            1,
            "h",
            201,
            serde_json::json!({"a": 1}),
            at(32),
        )
        .await
        .unwrap();
        assert_eq!(claim(33).await.unwrap(), Claim::InProgress);
        complete(
            &store,
            "u",
            "k",
            2,
            "h",
            201,
            serde_json::json!({"b": 2}),
            at(34),
        )
        .await
        .unwrap();
        assert_eq!(
            claim(35).await.unwrap(),
            Claim::Replay {
                status: 201,
                body: serde_json::json!({"b": 2})
            }
        );
    }

    #[tokio::test]
    async fn a_key_reused_for_another_request_is_refused_even_after_its_claim_lapsed() {
        let store = SqliteStore::in_memory().unwrap();
        assert!(matches!(
            claim(&store, "u", "k", "h1", at(0)).await.unwrap(),
            Claim::New { .. }
        ));
        assert_eq!(
            claim(&store, "u", "k", "h2", at(60)).await.unwrap(),
            Claim::Mismatch
        );
    }
}
