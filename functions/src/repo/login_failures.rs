//! Failed logins per username on the local server: after [`MAX_FAILURES`] within
//! [`WINDOW`], the username is refused for [`WINDOW`], whatever the password, so that
//! passwords cannot be guessed at speed. Unknown usernames count the same way, so the
//! refusal does not tell which accounts exist.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::Versioned;
use crate::store::{Condition, Item, ItemStore, StoreError, keys};

pub const MAX_FAILURES: u32 = 5;
pub const WINDOW: Duration = Duration::minutes(15);
/// Attempts at recording a failure when others record theirs at the same time.
const ATTEMPTS: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginFailures {
    pub count: u32,
    pub first_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

impl LoginFailures {
    /// Until when the username is refused, if it is at `now`.
    pub fn locked_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.locked_until.filter(|until| *until > now)
    }

    /// The record after one more failure at `now`.
    pub fn after_failure(current: Option<&Self>, now: DateTime<Utc>) -> Self {
        match current {
            Some(c) if now - c.first_at < WINDOW && c.locked_at(now).is_none() => {
                let count = c.count + 1;
                Self {
                    count,
                    first_at: c.first_at,
                    locked_until: (count >= MAX_FAILURES).then_some(now + WINDOW),
                }
            }
            _ => Self {
                count: 1,
                first_at: now,
                locked_until: None,
            },
        }
    }
}

pub async fn get(
    store: &dyn ItemStore,
    username: &str,
) -> Result<Option<Versioned<LoginFailures>>, StoreError> {
    super::get_versioned(store, &keys::login_failures(username)).await
}

/// Records a failure; returns the record as written.
pub async fn record(
    store: &dyn ItemStore,
    username: &str,
    now: DateTime<Utc>,
) -> Result<LoginFailures, StoreError> {
    for _ in 0..ATTEMPTS {
        let current = get(store, username).await?;
        let next = LoginFailures::after_failure(current.as_ref().map(|c| &c.value), now);
        let (version, condition) = match &current {
            None => (1, Condition::NotExists),
            Some(c) => (c.version + 1, Condition::Version(c.version)),
        };
        let expires = (now + WINDOW + WINDOW).timestamp();
        let item = Item::new(keys::login_failures(username), keys::LOGIN_FAILURES, &next)?
            .with_version(version)
            .expiring_at(expires);
        match store.put(item, condition).await {
            Ok(()) => return Ok(next),
            Err(StoreError::ConditionFailed) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(StoreError::ConditionFailed)
}

/// Forgets the failures after a successful login.
pub async fn clear(store: &dyn ItemStore, username: &str) -> Result<(), StoreError> {
    store
        .delete(&keys::login_failures(username), Condition::Always)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        "2026-11-23T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(minute)
    }

    #[test]
    fn the_fifth_failure_within_the_window_locks_for_the_window() {
        let mut record = None;
        for minute in 0..4 {
            let next = LoginFailures::after_failure(record.as_ref(), at(minute));
            assert_eq!(next.locked_at(at(minute)), None);
            record = Some(next);
        }
        let locked = LoginFailures::after_failure(record.as_ref(), at(4));
        assert_eq!(locked.locked_at(at(4)), Some(at(19)));
        assert_eq!(locked.locked_at(at(19)), None);
        // After the lock, counting starts again.
        let again = LoginFailures::after_failure(Some(&locked), at(20));
        assert_eq!((again.count, again.locked_until), (1, None));
    }

    #[test]
    fn failures_spread_beyond_the_window_never_lock() {
        let mut record = None;
        for minute in (0..100).step_by(16) {
            let next = LoginFailures::after_failure(record.as_ref(), at(minute));
            assert_eq!(next.count, 1);
            record = Some(next);
        }
    }
}
