//! Confirmations mailed to the email a public form gave (an activation request, an heir's
//! disdetta): at most [`MAX_PER_DAY`] to one inbox in any [`WINDOW`] (however its address
//! is typed: `keys::conferme`). Anyone may file a
//! form and name any email, so without a limit the forms would mail a stranger's inbox as
//! often as they are filed. The request is filed either way; beyond the limit only its
//! confirmation is left out (the page that filed it shows the receipt).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::outbox::{self, OutboxCommand};
use super::{Ops, Versioned, sliding_window};
use crate::outbox::mailer::Notice;
use crate::store::{Condition, Item, ItemStore, StoreError, WriteOp, keys};

pub const MAX_PER_DAY: usize = 3;
pub const WINDOW: Duration = Duration::hours(24);
/// Tries at counting a receipt when others to the same address are counted at once.
const TRIES: usize = 4;

/// When confirmations went to one address, oldest first, within the last [`WINDOW`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conferme {
    pub at: Vec<DateTime<Utc>>,
}

impl Conferme {
    /// The record after one more confirmation at `now`, or `None` if the limit is reached.
    pub fn after_sending(current: Option<&Self>, now: DateTime<Utc>) -> Option<Self> {
        let kept = current.map_or(&[][..], |c| &c.at);
        let at = sliding_window::one_more(kept, now, WINDOW, MAX_PER_DAY)?;
        Some(Self { at })
    }
}

/// Commits `ops` (a request filed) with the receipt [`send`] makes of `notice`. A receipt
/// counted at the same moment for the same address fails only the count's condition: the
/// count is read again and the whole tried again, so no request is refused for it.
pub async fn commit_with_receipt(
    store: &dyn ItemStore,
    ops: Ops,
    notice: &Notice,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let count_at = ops.len();
    for _ in 0..TRIES {
        let receipt = send(store, notice.clone(), now).await?;
        let counted = !receipt.is_empty();
        let mut all = ops.clone();
        all.extend(receipt);
        match super::commit(store, all).await {
            // Only the count failed; or DynamoDB met another transaction on one of the items
            // (it names no condition then). Tried again, every condition is checked anew:
            // a request filed meanwhile fails its own, and the caller reads it.
            Err(StoreError::ConditionFailed { failed })
                if counted && (failed.is_empty() || failed == [count_at]) =>
            {
                continue;
            }
            done => return done,
        }
    }
    // So many receipts to one address at the same moment: let the request say it is busy.
    Err(StoreError::condition_failed())
}

/// The writes that mail `notice` to its address with the request they confirm: the count,
/// conditional on the one read, then the outbox's notice. None beyond the limit.
async fn send(
    store: &dyn ItemStore,
    notice: Notice,
    now: DateTime<Utc>,
) -> Result<Ops, StoreError> {
    let Some(email) = notice.to.first() else {
        return Ok(Vec::new());
    };
    let key = keys::conferme(email);
    let current: Option<Versioned<Conferme>> = super::get_versioned(store, &key).await?;
    let Some(next) = Conferme::after_sending(current.as_ref().map(|c| &c.value), now) else {
        tracing::warn!("confirmation left out: the address had its daily share");
        return Ok(Vec::new());
    };
    let (version, condition) = match &current {
        None => (1, Condition::NotExists),
        Some(c) => (c.version + 1, Condition::Version(c.version)),
    };
    // Gone when its newest confirmation no longer counts.
    let item = Item::new(key, keys::CONFERME, &next)?
        .with_version(version)
        .expiring_at((now + WINDOW).timestamp());
    Ok(vec![
        WriteOp::Put(item, condition),
        outbox::enqueue(&OutboxCommand::avviso(notice, now))?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: i64) -> DateTime<Utc> {
        "2026-11-30T08:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::hours(hour)
    }

    #[test]
    fn one_inbox_is_counted_once_however_it_is_typed() {
        let inbox = keys::conferme("stessa@example.it");
        for typed in [
            " Stessa@Example.IT ",
            "stessa+pec@example.it",
            "STESSA+a+b@example.it",
        ] {
            assert_eq!(keys::conferme(typed), inbox, "{typed}");
        }
        // Gmail ignores dots and answers at two domains.
        let gmail = keys::conferme("mario.rossi@gmail.com");
        for typed in ["mariorossi@gmail.com", "M.a.r.i.o.Rossi+pec@googlemail.com"] {
            assert_eq!(keys::conferme(typed), gmail, "{typed}");
        }
        assert_ne!(
            keys::conferme("mario.rossi@libero.it"),
            keys::conferme("mariorossi@libero.it")
        );
        // No mailbox before the tag: the address as typed, not one shared by all.
        assert_ne!(
            keys::conferme("+x@example.it"),
            keys::conferme("+y@example.it")
        );
    }

    #[test]
    fn an_address_gets_three_a_day_and_more_once_a_day_has_passed() {
        let mut record = None;
        for hour in 0..3 {
            record = Conferme::after_sending(record.as_ref(), at(hour));
            assert!(record.is_some(), "confirmation {hour} sent");
        }
        assert_eq!(Conferme::after_sending(record.as_ref(), at(23)), None);
        // 24 hours after the first, one more: the window slides.
        let later = Conferme::after_sending(record.as_ref(), at(24)).unwrap();
        assert_eq!(later.at, [at(1), at(2), at(24)]);
    }
}
