//! The Italian codice fiscale of a natural person: full validation, canonical form,
//! omocodia, and the computation from a person's data.
//!
//! Layout (0-based positions): 0–5 surname and name letters, 6–7 year, 8 month letter,
//! 9–10 day (+40 for women), 11–14 birthplace (letter + three digits), 15 check letter.
//! When two people would get the same code, the Agenzia delle Entrate gives the second one
//! a variant with digits in the seven numeric positions replaced by letters (*omocodia*).
//! So a code identifies one person exactly as issued: two codes that differ only by
//! omocodia are two people, never one (`docs/domain.md`).

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::text::fold_letters;

const LEN: usize = 16;
/// Positions that hold digits, which omocodia may replace with letters.
const NUMERIC_POSITIONS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];
/// The letters that stand for 0–9 in an omocodic code.
const OMOCODIA_LETTERS: &[u8; 10] = b"LMNPQRSTUV";
/// Month letters, January to December.
const MONTH_LETTERS: &[u8; 12] = b"ABCDEHLMPRST";
const MONTH_NAMES: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];
/// Value of a character in an odd (1st, 3rd, …) position for the check character,
/// indexed by digit value or by letter (A = 0).
const ODD_VALUES: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

/// A valid codice fiscale, upper case, exactly as issued (omocodic or not): one person.
/// Equality is identity; there is no "same person under another variant".
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CodiceFiscale(String);

/// Why a codice fiscale is not valid. Messages are for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodiceFiscaleError {
    #[error("Il codice fiscale è obbligatorio.")]
    Empty,
    #[error("Il codice fiscale deve avere 16 caratteri: ne ha {0}.")]
    Length(usize),
    #[error(
        "Il carattere {position} del codice fiscale ('{found}') non è valido: è attesa {expected}."
    )]
    Character {
        position: usize,
        found: char,
        expected: &'static str,
    },
    #[error(
        "La lettera del mese di nascita '{0}' non è valida: sono ammesse A B C D E H L M P R S T."
    )]
    Month(char),
    #[error(
        "Il giorno di nascita {0} non è valido: va da 01 a 31 per gli uomini e da 41 a 71 per le donne."
    )]
    Day(u32),
    #[error("Il giorno di nascita {day} non esiste nel mese di {month}.")]
    DayOfMonth { day: u32, month: &'static str },
    #[error(
        "Il carattere di controllo del codice fiscale non corrisponde: verifica di averlo copiato correttamente."
    )]
    CheckCharacter,
}

/// Sex as encoded in the codice fiscale (women have 40 added to the day).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sesso {
    M,
    F,
}

/// What the codice fiscale is computed from.
#[derive(Debug, Clone)]
pub struct DatiNascita<'a> {
    pub cognome: &'a str,
    pub nome: &'a str,
    pub data: NaiveDate,
    pub sesso: Sesso,
    /// The cadastral code of the birthplace (`F205` for Milano, `Z` codes abroad).
    pub codice_catastale: &'a str,
}

impl CodiceFiscale {
    /// Parses and validates a code; surrounding spaces and lower case are accepted.
    pub fn parse(input: &str) -> Result<Self, CodiceFiscaleError> {
        let code: String = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(CodiceFiscaleError::Empty);
        }
        let count = code.chars().count();
        if count != LEN {
            return Err(CodiceFiscaleError::Length(count));
        }
        let bytes = code.as_bytes();
        // Non-ASCII characters make the byte length differ from the char count.
        if bytes.len() != LEN {
            let (position, found) = code
                .chars()
                .enumerate()
                .find(|(_, c)| !c.is_ascii())
                .expect("a multi-byte character is present");
            return Err(CodiceFiscaleError::Character {
                position: position + 1,
                found,
                expected: expected_kind(position),
            });
        }
        for (position, &b) in bytes.iter().enumerate() {
            let ok = if NUMERIC_POSITIONS.contains(&position) {
                b.is_ascii_digit() || OMOCODIA_LETTERS.contains(&b)
            } else {
                b.is_ascii_uppercase()
            };
            if !ok {
                return Err(CodiceFiscaleError::Character {
                    position: position + 1,
                    found: b as char,
                    expected: expected_kind(position),
                });
            }
        }
        let month_letter = bytes[8];
        let month = MONTH_LETTERS
            .iter()
            .position(|&m| m == month_letter)
            .ok_or(CodiceFiscaleError::Month(month_letter as char))?;
        let plain = decode_omocodia(bytes);
        let year = two_digits(&plain[6..8]);
        let day_code = two_digits(&plain[9..11]);
        let day = match day_code {
            1..=31 => day_code,
            41..=71 => day_code - 40,
            _ => return Err(CodiceFiscaleError::Day(day_code)),
        };
        // The century is not encoded: 00 stands for 2000 (leap) as well as 1900 (not),
        // so 29 February is accepted whenever the two-digit year is a multiple of four.
        if day > days_in_month(month as u32 + 1, year.is_multiple_of(4)) {
            return Err(CodiceFiscaleError::DayOfMonth {
                day,
                month: MONTH_NAMES[month],
            });
        }
        if check_character(&bytes[..15]) != bytes[15] {
            return Err(CodiceFiscaleError::CheckCharacter);
        }
        Ok(Self(code))
    }

    /// Computes the code of a person, without omocodia.
    pub fn compute(dati: &DatiNascita<'_>) -> Result<Self, CodiceFiscaleError> {
        let mut code = String::with_capacity(LEN);
        code.push_str(&surname_code(dati.cognome));
        code.push_str(&name_code(dati.nome));
        code.push_str(&format!("{:02}", dati.data.year().rem_euclid(100)));
        code.push(MONTH_LETTERS[dati.data.month0() as usize] as char);
        let day = dati.data.day() + if dati.sesso == Sesso::F { 40 } else { 0 };
        code.push_str(&format!("{day:02}"));
        code.push_str(&dati.codice_catastale.trim().to_ascii_uppercase());
        if code.len() != 15 {
            return Err(CodiceFiscaleError::Length(code.len() + 1));
        }
        let check = check_character(code.as_bytes());
        code.push(check as char);
        Self::parse(&code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when some numeric position holds an omocodia letter.
    pub fn is_omocodic(&self) -> bool {
        let bytes = self.0.as_bytes();
        NUMERIC_POSITIONS
            .iter()
            .any(|&p| !bytes[p].is_ascii_digit())
    }

    /// The code the Agenzia would issue, with the `level` rightmost numeric positions
    /// replaced by letters, to *another* person whose code would collide with this one
    /// (level 0 is the base code, at most 7).
    pub fn omocodic_variant(&self, level: usize) -> CodiceFiscale {
        let mut bytes = decode_omocodia(self.0.as_bytes());
        for &p in NUMERIC_POSITIONS.iter().rev().take(level.min(7)) {
            bytes[p] = OMOCODIA_LETTERS[(bytes[p] - b'0') as usize];
        }
        bytes[15] = check_character(&bytes[..15]);
        Self(String::from_utf8(bytes.to_vec()).expect("ASCII"))
    }

    pub fn sesso(&self) -> Sesso {
        if two_digits(&decode_omocodia(self.0.as_bytes())[9..11]) > 40 {
            Sesso::F
        } else {
            Sesso::M
        }
    }

    /// The birth date; the century is the latest one that does not put the birth after
    /// `today` (the code holds only two digits of the year).
    pub fn data_nascita(&self, today: NaiveDate) -> NaiveDate {
        let plain = decode_omocodia(self.0.as_bytes());
        let yy = two_digits(&plain[6..8]) as i32;
        let month = MONTH_LETTERS
            .iter()
            .position(|&m| m == plain[8])
            .expect("validated") as u32
            + 1;
        let day = two_digits(&plain[9..11]) % 40;
        let century = today.year() - today.year().rem_euclid(100);
        [century + yy, century - 100 + yy, century - 200 + yy]
            .into_iter()
            .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
            .find(|d| *d <= today)
            .unwrap_or_else(|| {
                NaiveDate::from_ymd_opt(1900 + yy, month, day.min(28)).expect("valid")
            })
    }
}

impl fmt::Display for CodiceFiscale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CodiceFiscale {
    type Error = CodiceFiscaleError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CodiceFiscale> for String {
    fn from(value: CodiceFiscale) -> Self {
        value.0
    }
}

impl std::str::FromStr for CodiceFiscale {
    type Err = CodiceFiscaleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn expected_kind(position: usize) -> &'static str {
    if NUMERIC_POSITIONS.contains(&position) {
        "una cifra (o una lettera di omocodia L M N P Q R S T U V)"
    } else {
        "una lettera"
    }
}

fn decode_omocodia(bytes: &[u8]) -> [u8; LEN] {
    let mut out = [0u8; LEN];
    out.copy_from_slice(&bytes[..LEN]);
    for &p in &NUMERIC_POSITIONS {
        if let Some(digit) = OMOCODIA_LETTERS.iter().position(|&l| l == out[p]) {
            out[p] = b'0' + digit as u8;
        }
    }
    out
}

fn two_digits(bytes: &[u8]) -> u32 {
    u32::from(bytes[0] - b'0') * 10 + u32::from(bytes[1] - b'0')
}

fn days_in_month(month: u32, leap: bool) -> u32 {
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The check letter of the first 15 characters (upper-case ASCII letters and digits).
fn check_character(first15: &[u8]) -> u8 {
    let sum: u32 = first15
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            let index = if b.is_ascii_digit() {
                b - b'0'
            } else {
                b - b'A'
            } as usize;
            // Positions are counted from 1: odd positions have index 0, 2, 4, …
            if i % 2 == 0 {
                ODD_VALUES[index]
            } else {
                index as u32
            }
        })
        .sum();
    b'A' + (sum % 26) as u8
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'A' | 'E' | 'I' | 'O' | 'U')
}

fn consonants_vowels(name: &str) -> (Vec<char>, Vec<char>) {
    fold_letters(name)
        .to_ascii_uppercase()
        .chars()
        .partition(|&c| !is_vowel(c))
}

fn pad(mut letters: Vec<char>) -> String {
    letters.resize(3.max(letters.len()), 'X');
    letters.into_iter().take(3).collect()
}

fn surname_code(cognome: &str) -> String {
    let (consonants, vowels) = consonants_vowels(cognome);
    pad(consonants.into_iter().chain(vowels).collect())
}

fn name_code(nome: &str) -> String {
    let (consonants, vowels) = consonants_vowels(nome);
    if consonants.len() >= 4 {
        return [consonants[0], consonants[2], consonants[3]]
            .iter()
            .collect();
    }
    pad(consonants.into_iter().chain(vowels).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cf(s: &str) -> CodiceFiscale {
        CodiceFiscale::parse(s).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn accepts_a_known_code_in_any_case_and_spacing() {
        assert_eq!(cf(" rssmra85t10a562s ").as_str(), "RSSMRA85T10A562S");
    }

    #[test]
    fn computes_known_codes() {
        let mario = DatiNascita {
            cognome: "Rossi",
            nome: "Mario",
            data: date(1985, 12, 10),
            sesso: Sesso::M,
            codice_catastale: "A562",
        };
        assert_eq!(
            CodiceFiscale::compute(&mario).unwrap().as_str(),
            "RSSMRA85T10A562S"
        );
        // A woman (+40 on the day), a name with four consonants, a double surname with an apostrophe.
        let anna = DatiNascita {
            cognome: "D'Angelo De Santis",
            nome: "Gianfranca",
            data: date(1990, 2, 3),
            sesso: Sesso::F,
            codice_catastale: "F205",
        };
        let code = CodiceFiscale::compute(&anna).unwrap();
        assert_eq!(&code.as_str()[..11], "DNGGFR90B43");
        assert_eq!(code.sesso(), Sesso::F);
        assert_eq!(code.data_nascita(date(2026, 1, 1)), date(1990, 2, 3));
    }

    #[test]
    fn short_names_are_padded_with_x() {
        assert_eq!(surname_code("Fo"), "FOX");
        assert_eq!(name_code("Al"), "LAX");
        assert_eq!(surname_code("Ré"), "REX");
    }

    #[test]
    fn rejects_what_is_wrong_with_a_clear_reason() {
        use CodiceFiscaleError::*;
        assert_eq!(CodiceFiscale::parse(""), Err(Empty));
        assert_eq!(CodiceFiscale::parse("RSSMRA85T10A562"), Err(Length(15)));
        assert!(matches!(
            CodiceFiscale::parse("RSSMRA8ZT10A562S"),
            Err(Character {
                position: 8,
                found: 'Z',
                ..
            })
        ));
        assert!(matches!(
            CodiceFiscale::parse("RSSMRÀ85T10A562S"),
            Err(Character {
                position: 6,
                found: 'À',
                ..
            })
        ));
        assert_eq!(CodiceFiscale::parse("RSSMRA85F10A562S"), Err(Month('F')));
        assert_eq!(CodiceFiscale::parse("RSSMRA85T35A562S"), Err(Day(35)));
        assert!(matches!(
            CodiceFiscale::parse("RSSMRA85B30A562S"),
            Err(DayOfMonth {
                day: 30,
                month: "febbraio"
            })
        ));
        assert_eq!(
            CodiceFiscale::parse("RSSMRA85T10A562A"),
            Err(CheckCharacter)
        );
        assert!(
            CheckCharacter
                .to_string()
                .contains("carattere di controllo")
        );
    }

    #[test]
    fn leap_day_only_in_years_divisible_by_four() {
        let base = |yy: &str| {
            let first = format!("RSSMRA{yy}B29A562");
            let check = check_character(first.as_bytes()) as char;
            CodiceFiscale::parse(&format!("{first}{check}"))
        };
        assert!(base("84").is_ok());
        assert!(base("00").is_ok());
        assert!(matches!(
            base("85"),
            Err(CodiceFiscaleError::DayOfMonth { .. })
        ));
    }

    #[test]
    fn omocodic_variants_are_other_people_with_valid_codes() {
        let base = cf("RSSMRA85T10A562S");
        for level in 1..=7 {
            let variant = base.omocodic_variant(level);
            assert!(variant.is_omocodic());
            assert_ne!(variant, base, "another person");
            assert_eq!(CodiceFiscale::parse(variant.as_str()).unwrap(), variant);
            // Decoded, it still tells the birth data of its holder.
            assert_eq!(variant.sesso(), base.sesso());
            assert_eq!(
                variant.data_nascita(date(2026, 11, 22)),
                base.data_nascita(date(2026, 11, 22))
            );
        }
        // The first substitution replaces the last digit: 2 → N, with a new check letter.
        assert_eq!(&base.omocodic_variant(1).as_str()[..15], "RSSMRA85T10A56N");
        // Lower case input is the same code, canonical upper case.
        assert_eq!(
            cf("rssmra85t10a56nh").as_str(),
            base.omocodic_variant(1).as_str()
        );
    }

    #[test]
    fn serde_validates() {
        let ok: CodiceFiscale = serde_json::from_str("\"rssmra85t10a562s\"").unwrap();
        assert_eq!(ok.as_str(), "RSSMRA85T10A562S");
        assert!(serde_json::from_str::<CodiceFiscale>("\"RSSMRA85T10A562X\"").is_err());
    }

    fn person() -> impl Strategy<Value = (String, String, NaiveDate, Sesso, String)> {
        (
            "[A-Za-zàèéìòù' ]{1,20}",
            "[A-Za-zàèéìòù ]{1,20}",
            (1900i32..2010, 1u32..=12, 1u32..=31),
            prop_oneof![Just(Sesso::M), Just(Sesso::F)],
            ("[A-Z]", 0u32..1000),
        )
            .prop_filter_map(
                "a real date and a name with letters",
                |(c, n, (y, m, d), s, (l, num))| {
                    let data = NaiveDate::from_ymd_opt(y, m, d)?;
                    (!fold_letters(&c).is_empty() && !fold_letters(&n).is_empty())
                        .then(|| (c, n, data, s, format!("{l}{num:03}")))
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn every_computed_code_validates((cognome, nome, data, sesso, catastale) in person(), level in 0usize..=7) {
            let dati = DatiNascita { cognome: &cognome, nome: &nome, data, sesso, codice_catastale: &catastale };
            let code = CodiceFiscale::compute(&dati).unwrap();
            prop_assert_eq!(code.sesso(), sesso);
            prop_assert_eq!(code.data_nascita(date(2026, 11, 22)).month(), data.month());
            let variant = code.omocodic_variant(level);
            prop_assert!(CodiceFiscale::parse(variant.as_str()).is_ok());
            prop_assert_eq!(variant == code, level == 0);
        }

        #[test]
        fn every_single_character_corruption_is_rejected(
            (cognome, nome, data, sesso, catastale) in person(),
            position in 0usize..16,
            replacement in "[A-Z0-9]",
        ) {
            let dati = DatiNascita { cognome: &cognome, nome: &nome, data, sesso, codice_catastale: &catastale };
            let code = CodiceFiscale::compute(&dati).unwrap();
            let mut bytes = code.as_str().as_bytes().to_vec();
            let new = replacement.as_bytes()[0];
            prop_assume!(bytes[position] != new);
            bytes[position] = new;
            let corrupted = String::from_utf8(bytes).unwrap();
            prop_assert!(CodiceFiscale::parse(&corrupted).is_err(), "{} accepted", corrupted);
        }
    }
}
