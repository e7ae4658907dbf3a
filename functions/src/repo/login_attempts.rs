//! Login attempts per username on the local server: at most [`MAX_ATTEMPTS`] passwords are
//! checked per username within [`WINDOW`]. Each attempt is counted, atomically, *before* its
//! password is checked, so parallel guesses cannot slip past the limit; once it is reached
//! the username is refused for [`WINDOW`] whatever the password. Unknown usernames count the
//! same way, so a refusal does not tell which accounts exist. A success forgets the count,
//! unless other attempts were counted meanwhile.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{Versioned, sliding_window};
use crate::store::{Condition, Item, ItemStore, StoreError, keys};

pub const MAX_ATTEMPTS: u32 = 5;
pub const WINDOW: Duration = Duration::minutes(15);
/// Tries at counting an attempt when others are counted at the same moment.
const TRIES: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginAttempts {
    /// The attempts of the last [`WINDOW`], oldest first (at most [`MAX_ATTEMPTS`]).
    pub at: Vec<DateTime<Utc>>,
    /// Refused until then.
    pub locked_until: Option<DateTime<Utc>>,
}

/// What counting an attempt decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Check the password; `version` is the record as counted (to forget it after a
    /// success); `locks_until` is set when this attempt was the last one allowed.
    Admitted {
        version: u64,
        locks_until: Option<DateTime<Utc>>,
    },
    /// Do not check anything: refused until then.
    Locked { until: DateTime<Utc> },
}

impl LoginAttempts {
    /// Until when the username is refused, if it is at `now`.
    pub fn locked_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.locked_until.filter(|until| *until > now)
    }

    /// The record after one more attempt at `now`, or `None` if it must be refused. The
    /// window slides: any [`WINDOW`] holds at most [`MAX_ATTEMPTS`] attempts, and the one
    /// that reaches the limit is still checked, and locks the ones after it.
    pub fn after_attempt(current: Option<&Self>, now: DateTime<Utc>) -> Option<Self> {
        if current.is_some_and(|c| c.locked_at(now).is_some()) {
            return None;
        }
        let kept = current.map_or(&[][..], |c| &c.at);
        let at = sliding_window::one_more(kept, now, WINDOW, MAX_ATTEMPTS as usize)?;
        let locked_until = (at.len() >= MAX_ATTEMPTS as usize).then_some(now + WINDOW);
        Some(Self { at, locked_until })
    }
}

fn item(username: &str, record: &LoginAttempts, version: u64) -> Result<Item, StoreError> {
    let last = record.at.last().copied().unwrap_or_default();
    let expires = record.locked_until.unwrap_or(last + WINDOW) + WINDOW;
    Ok(
        Item::new(keys::login_attempts(username), keys::LOGIN_ATTEMPTS, record)?
            .with_version(version)
            .expiring_at(expires.timestamp()),
    )
}

/// Counts an attempt for `username` at `now`, or refuses it.
pub async fn admit(
    store: &dyn ItemStore,
    username: &str,
    now: DateTime<Utc>,
) -> Result<Admission, StoreError> {
    for _ in 0..TRIES {
        let current: Option<Versioned<LoginAttempts>> =
            super::get_versioned(store, &keys::login_attempts(username)).await?;
        let value = current.as_ref().map(|c| &c.value);
        let Some(next) = LoginAttempts::after_attempt(value, now) else {
            let until = value.and_then(|c| c.locked_at(now)).unwrap_or(now + WINDOW);
            return Ok(Admission::Locked { until });
        };
        let (version, condition) = match &current {
            None => (1, Condition::NotExists),
            Some(c) => (c.version + 1, Condition::Version(c.version)),
        };
        match store.put(item(username, &next, version)?, condition).await {
            Ok(()) => {
                return Ok(Admission::Admitted {
                    version,
                    locks_until: next.locked_until,
                });
            }
            Err(e) if e.is_condition_failed() => continue,
            Err(e) => return Err(e),
        }
    }
    // So many attempts at the same moment are an attack: refuse this one.
    Ok(Admission::Locked {
        until: now + Duration::minutes(1),
    })
}

/// Forgets the attempts after a success, if none was counted after this one's `version`.
pub async fn forget(store: &dyn ItemStore, username: &str, version: u64) -> Result<(), StoreError> {
    match store
        .delete(&keys::login_attempts(username), Condition::Version(version))
        .await
    {
        Ok(()) => Ok(()),
        Err(e) if e.is_condition_failed() => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        "2026-11-23T10:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(minute)
    }

    #[test]
    fn the_fifth_attempt_within_the_window_locks_the_ones_after() {
        let mut record = None;
        for minute in 0..4 {
            let next = LoginAttempts::after_attempt(record.as_ref(), at(minute)).unwrap();
            assert_eq!(next.locked_at(at(minute)), None);
            record = Some(next);
        }
        let fifth = LoginAttempts::after_attempt(record.as_ref(), at(4)).unwrap();
        assert_eq!(fifth.locked_at(at(4)), Some(at(19)));
        assert_eq!(LoginAttempts::after_attempt(Some(&fifth), at(10)), None);
        // After the lock, its attempts are out of the window: counting starts again.
        let again = LoginAttempts::after_attempt(Some(&fifth), at(20)).unwrap();
        assert_eq!((again.at.len(), again.locked_until), (1, None));
    }

    #[test]
    fn attempts_spread_beyond_the_window_never_lock() {
        let mut record = None;
        for minute in (0..100).step_by(16) {
            let next = LoginAttempts::after_attempt(record.as_ref(), at(minute)).unwrap();
            assert_eq!(next.at.len(), 1);
            record = Some(next);
        }
    }

    #[test]
    fn no_fifteen_minutes_hold_more_than_five_checks() {
        // One attempt at 0, three just before the 15th minute, then a burst at the 15th:
        // a window anchored at the first attempt would reset and allow eight in a second.
        let mut record: Option<LoginAttempts> = None;
        let mut admitted = Vec::new();
        let times = [0, 14 * 60 + 59, 14 * 60 + 59, 14 * 60 + 59]
            .into_iter()
            .chain(std::iter::repeat_n(15 * 60, 6));
        for second in times {
            let now = at(0) + Duration::seconds(second);
            if let Some(next) = LoginAttempts::after_attempt(record.as_ref(), now) {
                admitted.push(now);
                record = Some(next);
            }
        }
        for (i, start) in admitted.iter().enumerate() {
            let within = admitted[i..]
                .iter()
                .filter(|t| **t - *start < WINDOW)
                .count();
            assert!(
                within <= MAX_ATTEMPTS as usize,
                "{within} checks within 15 minutes"
            );
        }
    }
}
