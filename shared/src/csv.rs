//! CSV that spreadsheets open safely.
//!
//! A spreadsheet runs a cell as a formula when its text starts with `=`, `+`, `-` or `@`,
//! and some also after a leading tab or carriage return: a file the product writes with
//! data that came from outside (a name, a codice fiscale as typed, an error message
//! quoting either) could then run `=HYPERLINK(...)` or worse on the reader's computer.
//! This is CSV (formula) injection; the defence OWASP recommends is to start such a cell
//! with an apostrophe, which spreadsheets read as "this is text" and do not show.
//!
//! Every cell of every CSV the product writes goes through [`safe_cell`] before it is
//! quoted for the separator. Reading a file back (our own imports) is unaffected: the
//! apostrophe is part of the cell's text.

use std::borrow::Cow;

/// Written first in every CSV the product makes: Excel reads it as UTF-8 only then (without
/// it, "Già" shows as "GiÃ\u{a0}").
pub const BOM: &str = "\u{feff}";

/// The first characters that make a spreadsheet read a cell as a formula (OWASP).
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `value` as a cell no spreadsheet runs: with an apostrophe in front when it starts with
/// one of [`FORMULA_TRIGGERS`], unchanged (and not copied) otherwise.
///
/// It does not quote: the writer quotes the result for its separator as usual.
pub fn safe_cell(value: &str) -> Cow<'_, str> {
    if value.starts_with(FORMULA_TRIGGERS) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cells_a_spreadsheet_would_run_get_an_apostrophe() {
        for (value, safe) in [
            (
                r#"=HYPERLINK("http://x","y")"#,
                r#"'=HYPERLINK("http://x","y")"#,
            ),
            ("+39 02 123", "'+39 02 123"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
        ] {
            assert_eq!(safe_cell(value), safe, "{value:?}");
        }
    }

    #[test]
    fn other_cells_are_left_alone_and_borrowed() {
        for value in [
            "",
            "Mario Rossi",
            "D'Angelo",
            "RSSMRA85T10A562S",
            "12",
            " =1",
            "a=b",
        ] {
            assert!(
                matches!(safe_cell(value), Cow::Borrowed(v) if v == value),
                "{value:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn no_safe_cell_starts_a_formula_and_the_value_is_kept(value in "\\PC{0,20}|[=+@\\t\\r-].{0,20}") {
            let safe = safe_cell(&value);
            prop_assert!(!safe.starts_with(FORMULA_TRIGGERS));
            prop_assert!(safe == value || safe.strip_prefix('\'') == Some(value.as_str()));
        }
    }
}
