//! People's and places' names: folding them into the ASCII letters that addresses use,
//! and the rule for what a person's name may contain.
//!
//! Transliteration is deunicode's (accents dropped, other scripts romanised), so
//! `Niccolò` becomes `niccolo` and `Ærø` becomes `aero`; then everything that is not a
//! letter (spaces, apostrophes, hyphens, dots) is removed, which merges double names:
//! `De Santis` → `desantis`, `D'Angelo` → `dangelo`.
//!
//! A person's name ([`person_name`]) is letters of any script with the separators real
//! names use, and nothing else: every name it accepts gives an address.

use std::fmt;

use deunicode::deunicode;
use thiserror::Error;

/// Lower-case ASCII letters of `name`, in order, nothing else.
pub fn fold_letters(name: &str) -> String {
    deunicode(name)
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The longest `nome` or `cognome` accepted, in characters.
pub const PERSON_NAME_MAX: usize = 100;

/// Which of a person's names a value is: the field it is reported under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NamePart {
    Nome,
    Cognome,
}

impl NamePart {
    /// The field's name, as the API and the CSV columns spell it.
    pub fn field(self) -> &'static str {
        match self {
            NamePart::Nome => "nome",
            NamePart::Cognome => "cognome",
        }
    }
}

impl fmt::Display for NamePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NameError {
    #[error("Il {0} è obbligatorio.")]
    Required(NamePart),
    #[error("Il {0} è troppo lungo (al massimo {max} caratteri).", max = PERSON_NAME_MAX)]
    TooLong(NamePart),
    #[error(
        "Il {0} contiene cifre: sono ammesse solo lettere, spazi, apostrofi, trattini e punti."
    )]
    Digit(NamePart),
    #[error(
        "Il {0} contiene caratteri di controllo (per esempio tabulazioni o ritorni a capo): sono ammesse solo lettere, spazi, apostrofi, trattini e punti."
    )]
    Control(NamePart),
    #[error(
        "Il {0} contiene {shown}, che non è ammesso: sono ammesse solo lettere, spazi, apostrofi, trattini e punti.",
        shown = shown(*.1)
    )]
    Character(NamePart, char),
    #[error("Il {0} non contiene lettere utilizzabili per l'indirizzo PEC.")]
    NoLetters(NamePart),
}

impl NameError {
    /// The name the problem is in.
    pub fn part(&self) -> NamePart {
        match *self {
            NameError::Required(part)
            | NameError::TooLong(part)
            | NameError::Digit(part)
            | NameError::Control(part)
            | NameError::Character(part, _)
            | NameError::NoLetters(part) => part,
        }
    }
}

/// A `nome` or `cognome`, checked and normalised: surrounding whitespace trimmed, every
/// inner run of spaces made one ordinary space.
///
/// Accepted, and nothing else:
/// - letters: characters with the Unicode `Alphabetic` property (`à`, `ß`, `Ø`, `ễ`, Greek,
///   Cyrillic, …), but not the letter-like symbols (`ℝ`, `Ⓐ`, `🅰`, mathematical
///   alphanumerics) nor the invisible Hangul fillers;
/// - combining accents (U+0300–U+036F but U+034F, U+1AB0–U+1AFF, U+1DC0–U+1DFF,
///   U+FE20–U+FE2F) right after a letter, as decomposed (NFD) text writes `è`;
/// - spaces: the ordinary one and the other Unicode spaces (the no-break space that
///   spreadsheets paste), each run becoming one `' '`;
/// - apostrophes `'` and `’` (`D'Angelo`, `Dell’Orto`, `'t Hooft`);
/// - the hyphen `-` (`Gian-Marco`);
/// - the dot `.`, for initials and abbreviations as registries write them (`G. Battista`).
///
/// Refused: digits of any script, control characters (NUL, tab, CR, LF, …), markup and
/// other punctuation (`<`, `>`, `&`, `"`, `=`, `;`, …), emoji and other symbols, invisible
/// format characters; a name longer than [`PERSON_NAME_MAX`] characters; and a name
/// with no letter left once folded for an address (`'-'`), which could never get one.
pub fn person_name(part: NamePart, input: &str) -> Result<String, NameError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(NameError::Required(part));
    }
    let mut name = String::with_capacity(input.len());
    let mut after_letter = false;
    for c in input.chars() {
        let letter = if c.is_control() {
            return Err(NameError::Control(part));
        } else if c.is_numeric() {
            return Err(NameError::Digit(part));
        } else if is_space(c) {
            if !name.ends_with(' ') {
                name.push(' ');
            }
            false
        } else if matches!(c, '\'' | '’' | '-' | '.') {
            name.push(c);
            false
        } else if (c.is_alphabetic() && !is_letter_like_symbol(c))
            || (after_letter && is_combining_accent(c))
        {
            name.push(c);
            true
        } else {
            return Err(NameError::Character(part, c));
        };
        after_letter = letter;
    }
    if name.chars().count() > PERSON_NAME_MAX {
        return Err(NameError::TooLong(part));
    }
    if fold_letters(&name).is_empty() {
        return Err(NameError::NoLetters(part));
    }
    Ok(name)
}

/// A Unicode space (category Zs): whitespace that is neither a control character nor a
/// line or paragraph separator.
fn is_space(c: char) -> bool {
    c.is_whitespace() && !c.is_control() && !matches!(c, '\u{2028}' | '\u{2029}')
}

/// Alphabetic by Unicode, but symbols or blanks rather than letters of a name.
fn is_letter_like_symbol(c: char) -> bool {
    matches!(c,
        '\u{2100}'..='\u{218F}'       // letterlike symbols, number forms
        | '\u{2460}'..='\u{24FF}'     // enclosed alphanumerics: Ⓐ
        | '\u{1D400}'..='\u{1D7FF}'   // mathematical alphanumeric symbols
        | '\u{1F100}'..='\u{1F1FF}'   // enclosed alphanumeric supplement: 🅰, flags
        | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers, invisible
    )
}

/// A combining accent of the Latin, Greek and Cyrillic alphabets (not U+034F, the
/// invisible grapheme joiner).
fn is_combining_accent(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{034E}'
        | '\u{0350}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{FE20}'..='\u{FE2F}'
    )
}

/// A refused character as a message shows it: itself in «», or its code point when it
/// would not be seen (an invisible character, a lone accent, an unusual space).
fn shown(c: char) -> String {
    if c.is_ascii_graphic() || !(is_invisible(c) || is_combining_accent(c) || c.is_whitespace()) {
        format!("«{c}»")
    } else {
        format!("il carattere U+{:04X}", u32::from(c))
    }
}

/// Default-ignorable and format characters: soft hyphen, zero-width characters, direction
/// marks and overrides, word joiners, variation selectors, tags, fillers.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::{AddressError, LocalPart};
    use proptest::prelude::*;

    #[test]
    fn folds_accents_and_merges_parts() {
        assert_eq!(fold_letters("De Santis"), "desantis");
        assert_eq!(fold_letters("D'Angelo"), "dangelo");
        assert_eq!(fold_letters("Maria Grazia"), "mariagrazia");
        assert_eq!(fold_letters("Niccolò"), "niccolo");
        assert_eq!(fold_letters("Forlì-Cesena"), "forlicesena");
        assert_eq!(fold_letters("Müller-Lüdenscheidt"), "mullerludenscheidt");
        assert_eq!(fold_letters("Straße"), "strasse");
        assert_eq!(fold_letters("Łukasz Żółć"), "lukaszzolc");
        assert_eq!(fold_letters("Σωκράτης"), "sokrates");
        assert_eq!(fold_letters("  "), "");
    }

    fn nome(input: &str) -> Result<String, NameError> {
        person_name(NamePart::Nome, input)
    }

    #[test]
    fn real_names_are_accepted_as_written() {
        for name in [
            "Niccolò",
            "Maria Grazia",
            "D'Angelo",
            "Dell'Orto",
            "Dell’Orto",
            "De Santis",
            "Lo Russo",
            "Cantù",
            "Mazzà",
            "Gian-Marco",
            "De' Medici",
            "'t Hooft",
            "G. Battista",
            "Müller",
            "Ødegaard",
            "Nguyễn",
            "Ζαχαρίου",
            "Łukasz",
            "Straße",
            "Шевченко",
            "Ó Súilleabháin",
        ] {
            assert_eq!(nome(name).as_deref(), Ok(name), "{name}");
            assert!(LocalPart::for_person(name, "Rossi").is_ok(), "{name}");
        }
    }

    #[test]
    fn spaces_are_trimmed_and_collapsed() {
        assert_eq!(nome("  Maria   Grazia \n").unwrap(), "Maria Grazia");
        // The no-break space that spreadsheets paste is a space.
        assert_eq!(nome("Maria\u{a0}\u{a0}Grazia").unwrap(), "Maria Grazia");
        assert_eq!(nome("\tRossi\r\n").unwrap(), "Rossi");
    }

    #[test]
    fn decomposed_accents_are_letters() {
        // "Nguyễn" and "Niccolò" as NFD text writes them.
        assert!(nome("Nguye\u{302}\u{303}n").is_ok());
        assert!(nome("Niccolo\u{300}").is_ok());
        // An accent on nothing is not.
        assert_eq!(
            nome("Rossi \u{301}"),
            Err(NameError::Character(NamePart::Nome, '\u{301}'))
        );
    }

    #[test]
    fn names_that_can_never_get_an_address_are_refused() {
        let cases: [(&str, NameError); 20] = [
            ("", NameError::Required(NamePart::Nome)),
            ("   ", NameError::Required(NamePart::Nome)),
            ("---", NameError::NoLetters(NamePart::Nome)),
            ("'-'", NameError::NoLetters(NamePart::Nome)),
            (". .", NameError::NoLetters(NamePart::Nome)),
            ("12345", NameError::Digit(NamePart::Nome)),
            ("Mario2", NameError::Digit(NamePart::Nome)),
            ("Luigi Ⅻ", NameError::Digit(NamePart::Nome)),
            ("Ma\0rio", NameError::Control(NamePart::Nome)),
            ("Maria\tGrazia", NameError::Control(NamePart::Nome)),
            ("Maria\r\nGrazia", NameError::Control(NamePart::Nome)),
            ("<b>Rossi</b>", NameError::Character(NamePart::Nome, '<')),
            ("Rossi & figli", NameError::Character(NamePart::Nome, '&')),
            ("\"Rossi\"", NameError::Character(NamePart::Nome, '"')),
            (
                "=HYPERLINK(\"x\")",
                NameError::Character(NamePart::Nome, '='),
            ),
            ("Rossi;Bianchi", NameError::Character(NamePart::Nome, ';')),
            ("Mario 😀", NameError::Character(NamePart::Nome, '😀')),
            ("Ⓜario", NameError::Character(NamePart::Nome, 'Ⓜ')),
            (
                "Ma\u{200b}rio",
                NameError::Character(NamePart::Nome, '\u{200b}'),
            ),
            (
                "Rossi\u{202e}",
                NameError::Character(NamePart::Nome, '\u{202e}'),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(nome(input), Err(expected), "{input:?}");
        }
        assert_eq!(
            person_name(NamePart::Cognome, &"a".repeat(PERSON_NAME_MAX + 1)),
            Err(NameError::TooLong(NamePart::Cognome))
        );
        assert!(nome(&"a".repeat(PERSON_NAME_MAX)).is_ok());
    }

    #[test]
    fn messages_are_italian_and_name_the_field() {
        let message = |part, input: &str| person_name(part, input).unwrap_err().to_string();
        assert_eq!(
            message(NamePart::Cognome, "<b>Rossi</b>"),
            "Il cognome contiene «<», che non è ammesso: sono ammesse solo lettere, spazi, apostrofi, trattini e punti."
        );
        assert!(message(NamePart::Nome, "Mario 😀").contains("«😀»"));
        assert!(message(NamePart::Nome, "Ma\u{200b}rio").contains("il carattere U+200B"));
        assert!(message(NamePart::Nome, "12345").starts_with("Il nome contiene cifre"));
        assert!(
            message(NamePart::Nome, "A\0").starts_with("Il nome contiene caratteri di controllo")
        );
        assert_eq!(
            message(NamePart::Nome, "'-'"),
            "Il nome non contiene lettere utilizzabili per l'indirizzo PEC."
        );
        assert_eq!(message(NamePart::Cognome, ""), "Il cognome è obbligatorio.");
        assert!(message(NamePart::Nome, &"a".repeat(101)).contains("al massimo 100 caratteri"));
        assert_eq!(
            person_name(NamePart::Cognome, "1").unwrap_err().part(),
            NamePart::Cognome
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn an_accepted_name_is_clean_and_gives_an_address(input in "\\PC{0,40}|[\\p{L}\\p{M} '’.\\-]{0,40}|[\\PC\\t\\r\\n\\x00]{0,40}") {
            if let Ok(name) = nome(&input) {
                prop_assert_eq!(name.trim(), name.as_str());
                prop_assert!(!name.contains("  "));
                prop_assert!(name.chars().count() <= PERSON_NAME_MAX);
                prop_assert!(!name.chars().any(|c| c.is_control() || c.is_numeric()));
                prop_assert!(!name.contains(['<', '>', '&', '"', '=', '+', '@', ';', ',']));
                prop_assert!(!fold_letters(&name).is_empty());
                // The address may still be too long, never without letters.
                prop_assert!(
                    !matches!(LocalPart::for_person(&name, "Rossi"), Err(AddressError::NoLetters(_))),
                    "{}", name
                );
                // Normalising twice changes nothing.
                prop_assert_eq!(nome(&name), Ok(name.clone()));
            }
        }

        #[test]
        fn names_of_letters_and_separators_are_accepted(
            input in "[A-Za-zÀ-ÖØ-öø-ÿ]{1,20}([ '’.-]{1,2}[A-Za-zÀ-ÖØ-öø-ÿ]{1,20}){0,3}"
        ) {
            prop_assert!(nome(&input).is_ok(), "{}", input);
        }

        #[test]
        fn one_forbidden_character_spoils_a_name(
            (head, tail) in ("[A-Za-zà-ù]{1,10}", "[A-Za-zà-ù]{1,10}"),
            bad in "[0-9\\x00-\\x1f\\x7f<>&\"=+@;,:/\\\\!?#%*()\\[\\]{}|~^$_`´😀€]",
        ) {
            let name = format!("{head}{bad}{tail}");
            prop_assert!(nome(&name).is_err(), "{:?}", name);
        }
    }
}
