//! Time, read in one place. The domain works on calendar dates in Europe/Rome; the instant
//! is turned into that date here, so DST changes never move a scadenza.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Rome;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in Italy.
    fn today(&self) -> NaiveDate {
        rome_date(self.now())
    }
}

/// The calendar date in Europe/Rome at `instant`.
pub fn rome_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&Rome).date_naive()
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still, for tests and demos.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_italian_date_changes_at_midnight_in_rome_in_winter_and_summer() {
        // CET (UTC+1)
        assert_eq!(rome_date(utc("2025-01-31T22:59:59Z")), date(2025, 1, 31));
        assert_eq!(rome_date(utc("2025-01-31T23:00:00Z")), date(2025, 2, 1));
        // CEST (UTC+2)
        assert_eq!(rome_date(utc("2025-07-31T21:59:59Z")), date(2025, 7, 31));
        assert_eq!(rome_date(utc("2025-07-31T22:00:00Z")), date(2025, 8, 1));
    }

    #[test]
    fn dst_switch_nights_keep_their_date() {
        // 30 March 2025: clocks go from 02:00 to 03:00.
        assert_eq!(rome_date(utc("2025-03-29T23:30:00Z")), date(2025, 3, 30));
        assert_eq!(rome_date(utc("2025-03-30T01:30:00Z")), date(2025, 3, 30));
        // 26 October 2025: clocks go from 03:00 back to 02:00.
        assert_eq!(rome_date(utc("2025-10-25T22:30:00Z")), date(2025, 10, 26));
        assert_eq!(rome_date(utc("2025-10-26T22:59:00Z")), date(2025, 10, 26));
        assert_eq!(rome_date(utc("2025-10-26T23:00:00Z")), date(2025, 10, 27));
    }

    #[test]
    fn leap_day_is_a_day_like_any_other() {
        assert_eq!(rome_date(utc("2028-02-28T23:00:00Z")), date(2028, 2, 29));
        let clock = FixedClock(utc("2028-02-29T12:00:00Z"));
        assert_eq!(clock.today(), date(2028, 2, 29));
    }
}
