//! Money in integer euro cents, and IVA.
//!
//! Rounding rule: IVA is computed once on a quote's total net amount, at 22%, and rounded
//! to the cent half away from zero (commercial rounding, as on an Italian invoice where VAT
//! is computed on the taxable total per rate). Lines carry net amounts only, so a quote's
//! net is exactly the sum of its lines and its total exactly net + IVA.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Mul};

use serde::{Deserialize, Serialize};

/// The Italian standard VAT rate, in percent.
pub const IVA_PERCENT: i64 = 22;

/// An amount in euro cents.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = i64))]
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn cents(cents: i64) -> Self {
        Self(cents)
    }

    pub const fn euros(euros: i64) -> Self {
        Self(euros * 100)
    }

    pub const fn as_cents(self) -> i64 {
        self.0
    }

    /// IVA at 22% on this net amount, rounded half away from zero to the cent.
    pub fn iva(self) -> Money {
        let scaled = self.0 * IVA_PERCENT;
        let rounded = if scaled >= 0 {
            (scaled + 50) / 100
        } else {
            (scaled - 50) / 100
        };
        Money(rounded)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Mul<u32> for Money {
    type Output = Money;
    fn mul(self, rhs: u32) -> Money {
        Money(self.0 * i64::from(rhs))
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

/// Italian format: `€ 1.234,56`.
impl Money {
    /// An amount in euros as people type it: `20`, `20,50`, `€ 1.000,00`, `4.5`. At most
    /// two decimals; `None` for anything else.
    pub fn parse_euros(text: &str) -> Option<Money> {
        let text: String = text
            .trim()
            .trim_start_matches('€')
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        // With a comma, dots group thousands; without, a dot is the decimal point.
        let normalized = if text.contains(',') {
            text.replace('.', "").replacen(',', ".", 1)
        } else {
            text
        };
        let (whole, fraction) = normalized.split_once('.').unwrap_or((&normalized, ""));
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || fraction.len() > 2
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let euros: i64 = whole.parse().ok()?;
        let cents: i64 = format!("{fraction:0<2}").parse().ok()?;
        euros.checked_mul(100)?.checked_add(cents).map(Money)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let euros = (abs / 100).to_string();
        let mut grouped = String::with_capacity(euros.len() + euros.len() / 3);
        for (i, c) in euros.chars().enumerate() {
            if i > 0 && (euros.len() - i).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(c);
        }
        write!(f, "{sign}€ {grouped},{:02}", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn euros_are_read_as_people_type_them() {
        for (typed, cents) in [
            ("20", 2000),
            ("20,5", 2050),
            ("20,50", 2050),
            ("4.5", 450),
            ("€ 1.000,00", 100_000),
            (" 0,99 ", 99),
        ] {
            assert_eq!(
                Money::parse_euros(typed),
                Some(Money::cents(cents)),
                "{typed}"
            );
        }
        for bad in ["", "abc", "1,234", "-5", "1.000.000", "€"] {
            assert_eq!(Money::parse_euros(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_the_italian_way() {
        assert_eq!(Money::euros(4).to_string(), "€ 4,00");
        assert_eq!(Money::cents(2440).to_string(), "€ 24,40");
        assert_eq!(Money::cents(123_456_789).to_string(), "€ 1.234.567,89");
        assert_eq!(Money::cents(-5).to_string(), "-€ 0,05");
    }

    #[test]
    fn iva_rounds_half_away_from_zero() {
        assert_eq!(Money::euros(20).iva(), Money::cents(440));
        assert_eq!(Money::euros(4).iva(), Money::cents(88));
        // 0,25 × 22% = 0,055 → 0,06; 0,02 × 22% = 0,0044 → 0,00
        assert_eq!(Money::cents(25).iva(), Money::cents(6));
        assert_eq!(Money::cents(2).iva(), Money::ZERO);
        assert_eq!(Money::cents(-25).iva(), Money::cents(-6));
    }

    proptest! {
        #[test]
        fn iva_is_within_half_a_cent(cents in 0i64..10_000_000_000) {
            let exact = cents as f64 * 0.22;
            prop_assert!((Money::cents(cents).iva().as_cents() as f64 - exact).abs() <= 0.5);
        }
    }
}
