//! A member engineer: the CNI "Modello Anagrafiche" columns, his standing in the Albo, his
//! recovery contacts, and the rules for changing each of them.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::address::{AddressError, EmailAddress};
use crate::codice_fiscale::{CodiceFiscale, CodiceFiscaleError};
use crate::lifecycle::{AlboStatus, CausaCancellazione};
use crate::province::{OrdineCode, Provincia, UnknownProvincia};
use crate::text::{NameError, NamePart, person_name};

/// A field's name in Italian, for people (reports, exports): `codice_fiscale` →
/// "Codice fiscale". An unknown field keeps its name.
pub fn label(field: &str) -> &str {
    match field {
        "nome" => "Nome",
        "cognome" => "Cognome",
        "codice_fiscale" => "Codice fiscale",
        "indirizzo" => "Indirizzo",
        "comune" => "Comune",
        "provincia" => "Provincia",
        "cap" => "CAP",
        "email" => "Email",
        "telefono" => "Telefono",
        "ordine" => "Ordine",
        "numero_iscrizione" => "Numero di iscrizione",
        "stato" => "Stato nell'Albo",
        "data_stato" => "Data dello stato",
        "causa" => "Causa della cancellazione",
        "domicilio_digitale" => "Domicilio digitale",
        "cellulare" => "Cellulare",
        "email_segreteria" => "Email della segreteria",
        other => other,
    }
}

/// One field's problem, for the envelope and for CSV row reports.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl fmt::Display) -> Self {
        Self {
            field: field.to_owned(),
            message: message.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FieldFormatError {
    #[error("Il CAP deve essere di 5 cifre.")]
    Cap,
    #[error("Il numero di telefono non è valido: usa solo cifre, con il prefisso +39 facoltativo.")]
    Telefono,
    #[error(
        "Il numero di cellulare non è valido: deve essere un cellulare italiano (per esempio +39 347 1234567)."
    )]
    Cellulare,
    #[error("Il campo è obbligatorio.")]
    Required,
    #[error("Il testo è troppo lungo (al massimo {0} caratteri).")]
    TooLong(usize),
    #[error("Il testo contiene caratteri di controllo (per esempio a capo o tabulazioni).")]
    Control,
    #[error("Lo stato nell'Albo «{0}» non è valido: usa iscritto, sospeso o cancellato.")]
    Stato(String),
    #[error("La data «{0}» non è valida: usa il formato GG/MM/AAAA.")]
    Data(String),
    #[error(
        "La causa di cancellazione «{0}» non è valida: usa dimissioni, decesso, morosità o altro."
    )]
    Causa(String),
}

/// An Italian postal code.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cap(String);

impl Cap {
    pub fn parse(input: &str) -> Result<Self, FieldFormatError> {
        let cap = input.trim();
        if cap.len() == 5 && cap.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(cap.to_owned()))
        } else {
            Err(FieldFormatError::Cap)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Cap {
    type Error = FieldFormatError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Cap> for String {
    fn from(value: Cap) -> Self {
        value.0
    }
}

/// A phone number, normalised to `+39` and digits.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Telefono(String);

impl Telefono {
    pub fn parse(input: &str) -> Result<Self, FieldFormatError> {
        let compact: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '/' | '(' | ')'))
            .collect();
        let digits = compact
            .strip_prefix("+39")
            .or_else(|| compact.strip_prefix("0039"))
            .unwrap_or(&compact);
        if (6..=12).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(format!("+39{digits}")))
        } else {
            Err(FieldFormatError::Telefono)
        }
    }

    /// A mobile number (Italian mobiles start with 3), as the provider needs for OTPs.
    pub fn parse_cellulare(input: &str) -> Result<Self, FieldFormatError> {
        let phone = Self::parse(input).map_err(|_| FieldFormatError::Cellulare)?;
        let national = &phone.0[3..];
        if national.starts_with('3') && (9..=10).contains(&national.len()) {
            Ok(phone)
        } else {
            Err(FieldFormatError::Cellulare)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Telefono {
    type Error = FieldFormatError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Telefono> for String {
    fn from(value: Telefono) -> Self {
        value.0
    }
}

/// The member's personal data (Modello Anagrafiche).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anagrafica {
    pub nome: String,
    pub cognome: String,
    pub codice_fiscale: CodiceFiscale,
    pub indirizzo: String,
    pub comune: String,
    /// Province of residence, by sigla.
    pub provincia: String,
    pub cap: Cap,
    /// The ordinary email (the secretariat's where the Ordine has none).
    pub email: EmailAddress,
    pub telefono: Option<Telefono>,
}

/// The member in the Albo Unico.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlboRecord {
    pub ordine: OrdineCode,
    pub numero_iscrizione: String,
    pub stato: AlboStatus,
    /// The PEC the Albo lists for the member: ours or another provider's.
    pub domicilio_digitale: Option<EmailAddress>,
}

/// Password-recovery contacts of the mailbox, changed only by the holder.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryContacts {
    pub email: Option<EmailAddress>,
    pub cellulare: Option<Telefono>,
}

/// What a holder may change of his anagrafica: everything but name, surname and codice
/// fiscale, which come from the Albo.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnagraficaUpdate {
    pub indirizzo: String,
    pub comune: String,
    pub provincia: String,
    pub cap: String,
    pub email: String,
    #[serde(default)]
    pub telefono: String,
}

const TEXT_MAX: usize = 200;

fn text(field: &str, value: &str, errors: &mut Vec<FieldError>) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.push(FieldError::new(field, FieldFormatError::Required));
    } else if value.chars().count() > TEXT_MAX {
        errors.push(FieldError::new(field, FieldFormatError::TooLong(TEXT_MAX)));
    } else if value.chars().any(char::is_control) {
        errors.push(FieldError::new(field, FieldFormatError::Control));
    }
    value.to_owned()
}

/// A `nome` or `cognome` by [`person_name`]'s rule: letters and the separators names use,
/// some letter that an address can be made of, at most 100 characters.
fn name(part: NamePart, value: &str, errors: &mut Vec<FieldError>) -> String {
    parsed(part.field(), person_name(part, value), errors).unwrap_or_default()
}

fn parsed<T, E: fmt::Display>(
    field: &str,
    result: Result<T, E>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    result
        .map_err(|e| errors.push(FieldError::new(field, e)))
        .ok()
}

/// The columns of a CSV row, as text; a missing one is empty, and validation says so.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnagraficaInput {
    pub nome: String,
    pub cognome: String,
    pub codice_fiscale: String,
    pub indirizzo: String,
    pub comune: String,
    pub provincia: String,
    pub cap: String,
    pub email: String,
    pub telefono: String,
}

impl AnagraficaInput {
    /// Who the row names: name, surname and codice fiscale, every problem at once. (A bulk
    /// activation needs no more: the mailbox is made from the Albo's record.)
    pub fn identity(&self) -> Result<(String, String, CodiceFiscale), Vec<FieldError>> {
        let mut errors = Vec::new();
        let nome = name(NamePart::Nome, &self.nome, &mut errors);
        let cognome = name(NamePart::Cognome, &self.cognome, &mut errors);
        let cf = parsed(
            "codice_fiscale",
            CodiceFiscale::parse(&self.codice_fiscale),
            &mut errors,
        );
        match (cf, errors.is_empty()) {
            (Some(cf), true) => Ok((nome, cognome, cf)),
            _ => Err(errors),
        }
    }

    /// Validates every field, reporting all problems at once. `fallback_email` stands in
    /// for a missing ordinary email (the secretariat's, per the Modello Anagrafiche).
    pub fn validate(
        &self,
        fallback_email: Option<&EmailAddress>,
    ) -> Result<Anagrafica, Vec<FieldError>> {
        let mut errors = Vec::new();
        let nome = name(NamePart::Nome, &self.nome, &mut errors);
        let cognome = name(NamePart::Cognome, &self.cognome, &mut errors);
        let cf = parsed(
            "codice_fiscale",
            CodiceFiscale::parse(&self.codice_fiscale),
            &mut errors,
        );
        let update = AnagraficaUpdate {
            indirizzo: self.indirizzo.clone(),
            comune: self.comune.clone(),
            provincia: self.provincia.clone(),
            cap: self.cap.clone(),
            email: self.email.clone(),
            telefono: self.telefono.clone(),
        };
        let contact = update.validate_with(fallback_email, &mut errors);
        match (cf, contact, errors.is_empty()) {
            (Some(codice_fiscale), Some(c), true) => Ok(Anagrafica {
                nome,
                cognome,
                codice_fiscale,
                indirizzo: c.indirizzo,
                comune: c.comune,
                provincia: c.provincia,
                cap: c.cap,
                email: c.email,
                telefono: c.telefono,
            }),
            _ => Err(errors),
        }
    }
}

/// The validated editable part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contatti {
    pub indirizzo: String,
    pub comune: String,
    pub provincia: String,
    pub cap: Cap,
    pub email: EmailAddress,
    pub telefono: Option<Telefono>,
}

impl AnagraficaUpdate {
    pub fn validate(&self) -> Result<Contatti, Vec<FieldError>> {
        let mut errors = Vec::new();
        match self.validate_with(None, &mut errors) {
            Some(c) if errors.is_empty() => Ok(c),
            _ => Err(errors),
        }
    }

    fn validate_with(
        &self,
        fallback_email: Option<&EmailAddress>,
        errors: &mut Vec<FieldError>,
    ) -> Option<Contatti> {
        let indirizzo = text("indirizzo", &self.indirizzo, errors);
        let comune = text("comune", &self.comune, errors);
        let provincia = parsed(
            "provincia",
            Provincia::by_sigla(&self.provincia)
                .ok_or_else(|| UnknownProvincia(self.provincia.trim().to_owned())),
            errors,
        );
        let cap = parsed("cap", Cap::parse(&self.cap), errors);
        let email = if self.email.trim().is_empty() {
            match fallback_email {
                Some(fallback) => Some(fallback.clone()),
                None => {
                    errors.push(FieldError::new("email", FieldFormatError::Required));
                    None
                }
            }
        } else {
            parsed("email", EmailAddress::parse(&self.email), errors)
        };
        let telefono = if self.telefono.trim().is_empty() {
            Some(None)
        } else {
            parsed(
                "telefono",
                Telefono::parse(&self.telefono).map(Some),
                errors,
            )
        };
        Some(Contatti {
            indirizzo,
            comune,
            provincia: provincia?.sigla.to_owned(),
            cap: cap?,
            email: email?,
            telefono: telefono?,
        })
    }
}

impl Anagrafica {
    pub fn apply(&mut self, contatti: Contatti) {
        self.indirizzo = contatti.indirizzo;
        self.comune = contatti.comune;
        self.provincia = contatti.provincia;
        self.cap = contatti.cap;
        self.email = contatti.email;
        self.telefono = contatti.telefono;
    }

    /// This anagrafica, as the Albo sends it, applied over the one the member has: the
    /// Albo is the source of names and codice fiscale, but sets contact data only for a
    /// new member, since the holder keeps them current himself.
    pub fn from_albo_over(self, current: Option<&Anagrafica>) -> Anagrafica {
        match current {
            None => self,
            Some(current) => Anagrafica {
                nome: self.nome,
                cognome: self.cognome,
                codice_fiscale: self.codice_fiscale,
                ..current.clone()
            },
        }
    }

    /// Whether `nome` and `cognome` are this person's, ignoring case, accents and spacing.
    pub fn same_name(&self, nome: &str, cognome: &str) -> bool {
        use crate::text::fold_letters;
        fold_letters(&self.nome) == fold_letters(nome)
            && fold_letters(&self.cognome) == fold_letters(cognome)
    }
}

/// Parses the Albo status columns: `stato` (iscritto / sospeso / cancellato), its date and,
/// for a cancellation, the cause.
pub fn parse_albo_status(
    stato: &str,
    data: &str,
    causa: &str,
) -> Result<AlboStatus, Vec<FieldError>> {
    let date = || parse_date(data).map_err(|e| vec![FieldError::new("data_stato", e)]);
    match stato.trim().to_lowercase().as_str() {
        "" | "iscritto" | "iscritta" => Ok(AlboStatus::Iscritto),
        "sospeso" | "sospesa" => Ok(AlboStatus::Sospeso { dal: date()? }),
        "cancellato" | "cancellata" => {
            let causa = match crate::text::fold_letters(causa).as_str() {
                "" | "dimissioni" => CausaCancellazione::Dimissioni,
                "decesso" => CausaCancellazione::Decesso,
                "morosita" => CausaCancellazione::Morosita,
                "altro" | "trasferimento" => CausaCancellazione::Altro,
                _ => {
                    return Err(vec![FieldError::new(
                        "causa",
                        FieldFormatError::Causa(causa.trim().to_owned()),
                    )]);
                }
            };
            Ok(AlboStatus::Cancellato {
                dal: date()?,
                causa,
            })
        }
        other => Err(vec![FieldError::new(
            "stato",
            FieldFormatError::Stato(other.to_owned()),
        )]),
    }
}

/// `GG/MM/AAAA` (as Italian offices write it) or ISO `AAAA-MM-GG`.
pub fn parse_date(input: &str) -> Result<NaiveDate, FieldFormatError> {
    let input = input.trim();
    NaiveDate::parse_from_str(input, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(input, "%Y-%m-%d"))
        .map_err(|_| FieldFormatError::Data(input.to_owned()))
}

/// What an update from the Albo changes, in words the audit and the reports use.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "tipo")]
pub enum AlboChange {
    Iscrizione,
    Trasferimento { da: OrdineCode, a: OrdineCode },
    Stato { stato: AlboStatus },
    DomicilioDigitale { nuovo: Option<EmailAddress> },
    NumeroIscrizione,
    Anagrafica,
}

/// The changes from `before` to `after` (no `before`: a new registration).
pub fn albo_changes(
    before: Option<(&Anagrafica, &AlboRecord)>,
    after: (&Anagrafica, &AlboRecord),
) -> Vec<AlboChange> {
    let Some((anagrafica, albo)) = before else {
        return vec![AlboChange::Iscrizione];
    };
    let mut changes = Vec::new();
    if albo.ordine != after.1.ordine {
        changes.push(AlboChange::Trasferimento {
            da: albo.ordine,
            a: after.1.ordine,
        });
    }
    if albo.stato != after.1.stato {
        changes.push(AlboChange::Stato {
            stato: after.1.stato,
        });
    }
    if albo.domicilio_digitale != after.1.domicilio_digitale {
        changes.push(AlboChange::DomicilioDigitale {
            nuovo: after.1.domicilio_digitale.clone(),
        });
    }
    if albo.numero_iscrizione != after.1.numero_iscrizione {
        changes.push(AlboChange::NumeroIscrizione);
    }
    if anagrafica != after.0 {
        changes.push(AlboChange::Anagrafica);
    }
    changes
}

impl From<CodiceFiscaleError> for FieldError {
    fn from(e: CodiceFiscaleError) -> Self {
        FieldError::new("codice_fiscale", e)
    }
}

impl From<NameError> for FieldError {
    fn from(e: NameError) -> Self {
        FieldError::new(e.part().field(), e)
    }
}

impl From<AddressError> for FieldError {
    fn from(e: AddressError) -> Self {
        FieldError::new("email", e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> AnagraficaInput {
        AnagraficaInput {
            nome: "Mario".into(),
            cognome: "Rossi".into(),
            codice_fiscale: "RSSMRA85T10A562S".into(),
            indirizzo: "Via Roma 1".into(),
            comune: "Milano".into(),
            provincia: "mi".into(),
            cap: "20121".into(),
            email: "mario.rossi@example.it".into(),
            telefono: "02 1234567".into(),
        }
    }

    #[test]
    fn a_valid_row_becomes_an_anagrafica() {
        let a = input().validate(None).unwrap();
        assert_eq!(a.provincia, "MI");
        assert_eq!(a.telefono.unwrap().as_str(), "+39021234567");
        assert_eq!(a.cap.as_str(), "20121");
    }

    #[test]
    fn every_problem_is_reported_at_once_by_field() {
        let bad = AnagraficaInput {
            codice_fiscale: "RSSMRA85T10A562X".into(),
            cap: "2012".into(),
            email: "mario@".into(),
            provincia: "XX".into(),
            telefono: "abc".into(),
            nome: " ".into(),
            ..input()
        };
        let errors = bad.validate(None).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "nome",
                "codice_fiscale",
                "provincia",
                "cap",
                "email",
                "telefono"
            ]
        );
        assert!(errors[3].message.contains("5 cifre"));
    }

    #[test]
    fn names_are_checked_by_the_name_rule() {
        let with = |nome: &str, cognome: &str| {
            AnagraficaInput {
                nome: nome.into(),
                cognome: cognome.into(),
                ..input()
            }
            .validate(None)
        };
        let a = with("  Maria   Grazia ", "Dell'Orto").unwrap();
        assert_eq!(
            (a.nome.as_str(), a.cognome.as_str()),
            ("Maria Grazia", "Dell'Orto")
        );
        for (nome, cognome) in [
            ("Niccolò", "Cantù"),
            ("Gian-Marco", "Lo Russo"),
            ("Ødegaard", "Nguyễn"),
        ] {
            assert!(with(nome, cognome).is_ok(), "{nome} {cognome}");
        }
        let errors = with("12345", "<b>Rossi</b>").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["nome", "cognome"]);
        assert!(errors[0].message.starts_with("Il nome contiene cifre"));
        assert!(errors[1].message.starts_with("Il cognome contiene «<»"));
        let errors = with("Mario\0", "'-'").unwrap_err();
        assert!(errors[0].message.contains("caratteri di controllo"));
        assert!(errors[1].message.contains("non contiene lettere"));
        assert_eq!(
            FieldError::from(NameError::Digit(NamePart::Cognome)).field,
            "cognome"
        );
    }

    #[test]
    fn a_missing_email_takes_the_fallback() {
        let fallback = EmailAddress::parse("segreteria@ordineingegneri.milano.it").unwrap();
        let a = AnagraficaInput {
            email: "".into(),
            ..input()
        }
        .validate(Some(&fallback))
        .unwrap();
        assert_eq!(a.email, fallback);
        assert!(
            AnagraficaInput {
                email: "".into(),
                ..input()
            }
            .validate(None)
            .is_err()
        );
    }

    #[test]
    fn mobiles_are_italian_mobiles() {
        assert_eq!(
            Telefono::parse_cellulare("+39 347 123 4567")
                .unwrap()
                .as_str(),
            "+393471234567"
        );
        assert!(Telefono::parse_cellulare("02 1234567").is_err());
        assert!(Telefono::parse_cellulare("347").is_err());
    }

    #[test]
    fn albo_status_columns() {
        assert_eq!(parse_albo_status("", "", ""), Ok(AlboStatus::Iscritto));
        let d = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        assert_eq!(
            parse_albo_status("Cancellato", "01/03/2025", "Decesso"),
            Ok(AlboStatus::Cancellato {
                dal: d,
                causa: CausaCancellazione::Decesso
            })
        );
        assert_eq!(
            parse_albo_status("sospeso", "2025-03-01", ""),
            Ok(AlboStatus::Sospeso { dal: d })
        );
        assert!(parse_albo_status("cancellato", "", "").is_err());
        assert!(parse_albo_status("radiato", "", "").is_err());
    }

    #[test]
    fn changes_name_what_moved() {
        let a = input().validate(None).unwrap();
        let mi = AlboRecord {
            ordine: OrdineCode::parse("MI").unwrap(),
            numero_iscrizione: "A1234".into(),
            stato: AlboStatus::Iscritto,
            domicilio_digitale: None,
        };
        assert_eq!(albo_changes(None, (&a, &mi)), [AlboChange::Iscrizione]);
        assert!(albo_changes(Some((&a, &mi)), (&a, &mi)).is_empty());
        let rm = AlboRecord {
            ordine: OrdineCode::parse("RM").unwrap(),
            ..mi.clone()
        };
        assert_eq!(
            albo_changes(Some((&a, &mi)), (&a, &rm)),
            [AlboChange::Trasferimento {
                da: mi.ordine,
                a: rm.ordine
            }]
        );
        assert!(a.same_name("MARIO", "rossi"));
        // From the Albo: names win, the holder's contact data stay.
        let mut holder = a.clone();
        holder.indirizzo = "Via Nuova 5".into();
        let albo = Anagrafica {
            nome: "Mario Luigi".into(),
            ..a.clone()
        };
        let merged = albo.clone().from_albo_over(Some(&holder));
        assert_eq!(
            (merged.nome.as_str(), merged.indirizzo.as_str()),
            ("Mario Luigi", "Via Nuova 5")
        );
        assert_eq!(albo.clone().from_albo_over(None), albo);
        assert!(!a.same_name("Maria", "Rossi"));
    }
}
