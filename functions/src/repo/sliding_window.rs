//! At most so many events in any stretch of time (a username's login attempts, the
//! receipts mailed to one inbox), counted on the times kept from the last such stretch.
//! The window slides: one anchored at its first event would start again at its end and
//! let twice the limit through around it.

use chrono::{DateTime, Duration, Utc};

/// The times of `kept` still within `window` of `now`, oldest first, with `now` added; or
/// `None` when `max` of them already are.
pub fn one_more(
    kept: &[DateTime<Utc>],
    now: DateTime<Utc>,
    window: Duration,
    max: usize,
) -> Option<Vec<DateTime<Utc>>> {
    let mut within: Vec<DateTime<Utc>> =
        kept.iter().copied().filter(|t| now - *t < window).collect();
    if within.len() >= max {
        return None;
    }
    within.push(now);
    Some(within)
}
