//! PEC addresses: the `nome.cognome<.alias>@ingpec.eu` mailboxes of the convention, the
//! Ordini's `ordine.<provincia>@ingpec.eu`, and any other provider's PEC (a member's
//! domicilio digitale may be elsewhere).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::province::Provincia;
use crate::text::fold_letters;

/// The convention's domain.
pub const INGPEC_DOMAIN: &str = "ingpec.eu";
/// RFC 5321: a local part has at most 64 characters.
pub const LOCAL_PART_MAX: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AddressError {
    #[error("Il {0} non contiene lettere utilizzabili per l'indirizzo PEC.")]
    NoLetters(&'static str),
    #[error(
        "L'indirizzo {local}@ingpec.eu supera i 64 caratteri ammessi prima della @ ({len}): contatta la Fondazione CNI per concordare un indirizzo abbreviato."
    )]
    TooLong { local: String, len: usize },
    #[error("«{0}» non è un indirizzo di posta valido.")]
    Invalid(String),
    #[error("«{0}» non è un indirizzo della convenzione: deve terminare con @ingpec.eu.")]
    NotIngpec(String),
    #[error(
        "Il cognome nell'indirizzo deve contenere il cognome iscritto all'Albo ({albo}): puoi aggiungere un secondo cognome o un'altra parte, non sostituirlo."
    )]
    NotTheSurname { albo: String },
    #[error(
        "È già il cognome del tuo indirizzo: scrivi il cognome come lo vuoi nell'indirizzo, o lascia vuoto."
    )]
    SameSurname,
}

/// The part before `@` of an `ingpec.eu` mailbox: lower-case ASCII letters and digits in
/// dot-separated words, at most 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocalPart(String);

impl LocalPart {
    pub fn parse(input: &str) -> Result<Self, AddressError> {
        let valid_words = input.split('.').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if !valid_words {
            return Err(AddressError::Invalid(input.to_owned()));
        }
        if input.len() > LOCAL_PART_MAX {
            return Err(AddressError::TooLong {
                local: input.to_owned(),
                len: input.len(),
            });
        }
        Ok(Self(input.to_owned()))
    }

    /// `nome.cognome`, each folded to letters (double names merge: `mariagrazia.desantis`).
    pub fn for_person(nome: &str, cognome: &str) -> Result<Self, AddressError> {
        let nome = fold_letters(nome);
        let cognome = fold_letters(cognome);
        if nome.is_empty() {
            return Err(AddressError::NoLetters("nome"));
        }
        if cognome.is_empty() {
            return Err(AddressError::NoLetters("cognome"));
        }
        Self::parse(&format!("{nome}.{cognome}"))
    }

    /// The base a holder asks for at his first access (seed 004: "l'adeguamento del
    /// cognome in caso di omonimia"): his first name as before, the surname he writes,
    /// which must keep his Albo surname (he may add a second one, not take another's).
    /// His alias then is the first free one of that base, as at activation.
    pub fn corrected(
        nome: &str,
        cognome_albo: &str,
        cognome_richiesto: &str,
    ) -> Result<Self, AddressError> {
        let albo = fold_letters(cognome_albo);
        let asked = fold_letters(cognome_richiesto);
        if asked == albo {
            return Err(AddressError::SameSurname);
        }
        // The Albo surname as whole words of the request ("De Rossi" keeps "Rossi";
        // "Grossi" and "Rossini" are other surnames).
        let words: Vec<String> = cognome_richiesto
            .split(|c: char| c.is_whitespace() || matches!(c, '\'' | '’' | '-'))
            .map(fold_letters)
            .filter(|w| !w.is_empty())
            .collect();
        let kept = (0..words.len())
            .any(|start| (start + 1..=words.len()).any(|end| words[start..end].concat() == albo));
        if albo.is_empty() || !kept {
            return Err(AddressError::NotTheSurname {
                albo: cognome_albo.to_owned(),
            });
        }
        Self::for_person(nome, cognome_richiesto)
    }

    /// The address for homonyms: `.2`, `.3`, … after the base (alias 1 is the base itself).
    pub fn with_alias(&self, alias: u32) -> Result<Self, AddressError> {
        if alias <= 1 {
            return Ok(self.clone());
        }
        Self::parse(&format!("{}.{alias}", self.0))
    }

    /// The base first, then every alias in order: the first one that is free is taken.
    pub fn candidates(&self) -> impl Iterator<Item = Result<LocalPart, AddressError>> + '_ {
        (1u32..).map(|alias| self.with_alias(alias))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LocalPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for LocalPart {
    type Error = AddressError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<LocalPart> for String {
    fn from(value: LocalPart) -> Self {
        value.0
    }
}

/// An email address, lower-cased, validated by the `email_address` crate (RFC 5322).
/// Used for PEC addresses (ours and other providers') and ordinary email alike.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, AddressError> {
        // ASCII only (checked below), so ASCII case folding is all there is to do (and the
        // browser bundles carry no Unicode case tables for it).
        let trimmed = input.trim().to_ascii_lowercase();
        let options = email_address::Options::default()
            .without_display_text()
            .without_domain_literal();
        let parsed = email_address::EmailAddress::parse_with_options(&trimmed, options)
            .map_err(|_| AddressError::Invalid(input.trim().to_owned()))?;
        // A real mailbox needs a dotted domain: `mario@localhost` is not one.
        if !parsed.domain().contains('.') || !trimmed.is_ascii() {
            return Err(AddressError::Invalid(input.trim().to_owned()));
        }
        Ok(Self(trimmed))
    }

    pub fn ingpec(local: &LocalPart) -> Self {
        Self(format!("{local}@{INGPEC_DOMAIN}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }

    pub fn is_ingpec(&self) -> bool {
        self.domain() == INGPEC_DOMAIN
    }

    /// The local part of an `ingpec.eu` address.
    pub fn ingpec_local(&self) -> Result<LocalPart, AddressError> {
        match self.0.rsplit_once('@') {
            Some((local, INGPEC_DOMAIN)) => LocalPart::parse(local),
            _ => Err(AddressError::NotIngpec(self.0.clone())),
        }
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for EmailAddress {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = AddressError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

/// `ordine.<province name in full>@ingpec.eu`, folded like people's names.
pub fn ordine_address(provincia: &Provincia) -> EmailAddress {
    let local = LocalPart::parse(&format!("ordine.{}", fold_letters(provincia.nome)))
        .expect("every province name folds to a short local part");
    EmailAddress::ingpec(&local)
}

/// Senders that may write about renewals: anything else is spam (seed 000).
pub const OFFICIAL_SENDER_DOMAINS: [&str; 3] =
    ["fondazionecni.it", "fondazionecni.org", INGPEC_DOMAIN];

/// Whether mail about renewals from `sender` is genuine.
pub fn is_official_sender(sender: &str) -> bool {
    EmailAddress::parse(sender)
        .map(|a| OFFICIAL_SENDER_DOMAINS.contains(&a.domain()))
        .unwrap_or(false)
}

/// The inbox an email reaches, however it was typed: folded to lower case, without the
/// sub-address (`nome+tag@`) most providers deliver to `nome@`; at Gmail, without the dots
/// it ignores and under its one domain. Any text is accepted: a form's email need not be
/// valid for its inbox to be named.
pub fn inbox(email: &str) -> String {
    let email = email.trim().to_lowercase();
    let Some((local, domain)) = email.rsplit_once('@') else {
        return email;
    };
    // No mailbox before the tag: the address as typed, not one shared by all.
    let mailbox = match local.split_once('+') {
        Some((mailbox, _)) if !mailbox.is_empty() => mailbox,
        _ => local,
    };
    let undotted = mailbox.replace('.', "");
    if matches!(domain, "gmail.com" | "googlemail.com") && !undotted.is_empty() {
        format!("{undotted}@gmail.com")
    } else {
        format!("{mailbox}@{domain}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::province::PROVINCE;
    use proptest::prelude::*;

    fn local(nome: &str, cognome: &str) -> String {
        LocalPart::for_person(nome, cognome).unwrap().0
    }

    #[test]
    fn builds_addresses_as_the_convention_does() {
        assert_eq!(local("Mario", "Rossi"), "mario.rossi");
        assert_eq!(local("Luca", "De Santis"), "luca.desantis");
        assert_eq!(local("Anna", "D'Angelo"), "anna.dangelo");
        assert_eq!(
            local("Maria Grazia", "Bianchi-Verdi"),
            "mariagrazia.bianchiverdi"
        );
        assert_eq!(local("Niccolò", "Pàstina"), "niccolo.pastina");
        assert_eq!(
            EmailAddress::ingpec(&LocalPart::parse("mario.rossi").unwrap()).as_str(),
            "mario.rossi@ingpec.eu"
        );
    }

    #[test]
    fn a_corrected_surname_keeps_the_albo_one() {
        let corrected = |asked| LocalPart::corrected("Mario", "Rossi", asked).map(|l| l.0);
        assert_eq!(corrected("Rossi Bianchi").unwrap(), "mario.rossibianchi");
        assert_eq!(corrected("De' Rossi").unwrap(), "mario.derossi");
        assert_eq!(corrected("Rossi-Bianchi").unwrap(), "mario.rossibianchi");
        for another in ["Grossi", "Rossini", "Bianchi Rossini"] {
            assert!(
                matches!(corrected(another), Err(AddressError::NotTheSurname { .. })),
                "{another}"
            );
        }
        // A double Albo surname kept whole, across the words the holder wrote.
        let double = LocalPart::corrected("Anna", "De Santis", "De Santis Neri").unwrap();
        assert_eq!(double.as_str(), "anna.desantisneri");
        assert_eq!(corrected("ROSSI"), Err(AddressError::SameSurname));
        assert_eq!(corrected("Rossì"), Err(AddressError::SameSurname));
        assert!(matches!(
            corrected("Bianchi"),
            Err(AddressError::NotTheSurname { .. })
        ));
        assert!(matches!(
            corrected(""),
            Err(AddressError::NotTheSurname { .. })
        ));
        assert!(matches!(
            corrected(&format!("Rossi {}", "Bianchi".repeat(10))),
            Err(AddressError::TooLong { .. })
        ));
    }

    #[test]
    fn aliases_count_from_two() {
        let base = LocalPart::parse("mario.rossi").unwrap();
        let first: Vec<String> = base.candidates().take(3).map(|c| c.unwrap().0).collect();
        assert_eq!(first, ["mario.rossi", "mario.rossi.2", "mario.rossi.3"]);
    }

    #[test]
    fn the_local_part_is_at_most_64_characters() {
        let long = "a".repeat(40);
        let err = LocalPart::for_person(&long, &long).unwrap_err();
        assert!(matches!(err, AddressError::TooLong { len: 81, .. }));
        assert!(err.to_string().contains("64 caratteri"));
        // 64 exactly is fine, but its alias no longer fits.
        let exact = LocalPart::for_person(&"a".repeat(31), &"b".repeat(32)).unwrap();
        assert_eq!(exact.as_str().len(), 64);
        assert!(exact.with_alias(2).is_err());
    }

    #[test]
    fn a_name_without_letters_is_refused() {
        assert_eq!(
            LocalPart::for_person("'", "Rossi"),
            Err(AddressError::NoLetters("nome"))
        );
    }

    #[test]
    fn ordine_addresses_use_the_province_in_full() {
        let by = |sigla: &str| {
            ordine_address(PROVINCE.iter().find(|p| p.sigla == sigla).unwrap()).to_string()
        };
        assert_eq!(by("MI"), "ordine.milano@ingpec.eu");
        assert_eq!(by("AQ"), "ordine.laquila@ingpec.eu");
        assert_eq!(by("FC"), "ordine.forlicesena@ingpec.eu");
        assert_eq!(by("MB"), "ordine.monzaedellabrianza@ingpec.eu");
        for p in PROVINCE {
            assert!(ordine_address(p).ingpec_local().is_ok());
        }
    }

    #[test]
    fn email_addresses_are_validated_and_lower_cased() {
        assert_eq!(
            EmailAddress::parse(" Mario.Rossi@Example.IT ")
                .unwrap()
                .as_str(),
            "mario.rossi@example.it"
        );
        for bad in [
            "",
            "mario",
            "mario@",
            "@ingpec.eu",
            "mario@localhost",
            "a b@c.it",
            "mario@ingpec..eu",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
        let pec = EmailAddress::parse("mario.rossi.2@ingpec.eu").unwrap();
        assert!(pec.is_ingpec());
        assert_eq!(pec.ingpec_local().unwrap().as_str(), "mario.rossi.2");
        assert!(
            EmailAddress::parse("m.rossi@pec.it")
                .unwrap()
                .ingpec_local()
                .is_err()
        );
    }

    #[test]
    fn only_official_domains_send_renewal_notices() {
        assert!(is_official_sender("rinnovi@fondazionecni.it"));
        assert!(is_official_sender("noreply@ingpec.eu"));
        assert!(!is_official_sender("rinnovi@fondazionecni.it.example.com"));
        assert!(!is_official_sender("rinnovi@ingpec-eu.com"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn every_folded_name_gives_a_valid_local_part(nome in "\\PC{1,30}", cognome in "\\PC{1,30}") {
            match LocalPart::for_person(&nome, &cognome) {
                Ok(local) => {
                    prop_assert!(LocalPart::parse(local.as_str()).is_ok());
                    prop_assert!(local.as_str().len() <= LOCAL_PART_MAX);
                    let address = EmailAddress::ingpec(&local);
                    prop_assert!(EmailAddress::parse(address.as_str()).is_ok(), "{}", address);
                    prop_assert_eq!(address.ingpec_local().unwrap(), local);
                }
                Err(AddressError::NoLetters(_)) => {
                    prop_assert!(fold_letters(&nome).is_empty() || fold_letters(&cognome).is_empty());
                }
                Err(AddressError::TooLong { len, .. }) => prop_assert!(len > LOCAL_PART_MAX),
                Err(other) => prop_assert!(false, "unexpected {:?}", other),
            }
        }
    }
}
