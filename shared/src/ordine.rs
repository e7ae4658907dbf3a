//! An Ordine's own data, kept current by its secretariat: the secretariat's ordinary email
//! (which stands in for a member who has none, per the Modello Anagrafiche), phone and
//! address.

use serde::{Deserialize, Serialize};

use crate::address::EmailAddress;
use crate::member::{FieldError, Telefono};
use crate::province::OrdineCode;

/// What the secretariat says of itself.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdineProfilo {
    /// The secretariat's ordinary email: a member without one gets this one.
    pub email_segreteria: EmailAddress,
    pub telefono: Option<Telefono>,
    /// The secretariat's street address, for the members who call in person.
    pub indirizzo: String,
}

/// `GET /api/ordini/{ordine}/profilo`: the profile, absent until the secretariat fills it
/// in, and the version to send back with a change (0 before the first).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdineProfiloView {
    pub ordine: OrdineCode,
    pub nome: String,
    pub profilo: Option<OrdineProfilo>,
    pub version: u64,
}

/// `PUT /api/ordini/{ordine}/profilo`
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdineProfiloUpdate {
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email_segreteria: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 30))]
    pub telefono: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub indirizzo: String,
    /// The version read (0 when there is no profile yet).
    pub version: u64,
}

const INDIRIZZO_MAX: usize = 200;

impl OrdineProfiloUpdate {
    /// Every problem at once.
    pub fn validate(&self) -> Result<OrdineProfilo, Vec<FieldError>> {
        let mut errors = Vec::new();
        let email = match EmailAddress::parse(self.email_segreteria.trim()) {
            // The ordinary email members without one get: never a PEC of ours.
            Ok(email) if email.is_ingpec() => {
                errors.push(FieldError::new(
                    "email_segreteria",
                    "Indica l'email ordinaria della segreteria, non una casella PEC @ingpec.eu.",
                ));
                None
            }
            Ok(email) => Some(email),
            Err(e) => {
                errors.push(FieldError::new("email_segreteria", e));
                None
            }
        };
        let telefono = match self.telefono.trim() {
            "" => Some(None),
            t => Telefono::parse(t)
                .map(Some)
                .map_err(|e| errors.push(FieldError::new("telefono", e)))
                .ok(),
        };
        let indirizzo = self.indirizzo.trim();
        if indirizzo.is_empty() {
            errors.push(FieldError::new(
                "indirizzo",
                "Indica l'indirizzo della segreteria.",
            ));
        } else if indirizzo.chars().count() > INDIRIZZO_MAX
            || indirizzo.chars().any(char::is_control)
        {
            errors.push(FieldError::new(
                "indirizzo",
                format!(
                    "L'indirizzo può avere al massimo {INDIRIZZO_MAX} caratteri, senza caratteri di controllo."
                ),
            ));
        }
        match (email, telefono, errors.is_empty()) {
            (Some(email_segreteria), Some(telefono), true) => Ok(OrdineProfilo {
                email_segreteria,
                telefono,
                indirizzo: indirizzo.to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_validates_every_field_at_once() {
        let ok = OrdineProfiloUpdate {
            email_segreteria: " segreteria@ordineingegneri.milano.it ".into(),
            telefono: "02 7602 1234".into(),
            indirizzo: "Viale Andrea Doria 9, Milano".into(),
            version: 0,
        }
        .validate()
        .unwrap();
        assert_eq!(
            ok.email_segreteria.as_str(),
            "segreteria@ordineingegneri.milano.it"
        );
        assert_eq!(ok.telefono.unwrap().as_str(), "+390276021234");
        let pec = OrdineProfiloUpdate {
            email_segreteria: "ordine.milano@ingpec.eu".into(),
            telefono: String::new(),
            indirizzo: "Via X 1".into(),
            version: 0,
        }
        .validate()
        .unwrap_err();
        assert_eq!(pec[0].field, "email_segreteria");
        let errors = OrdineProfiloUpdate {
            email_segreteria: "non-una-email".into(),
            telefono: "abc".into(),
            indirizzo: " ".into(),
            version: 0,
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email_segreteria", "telefono", "indirizzo"]);
    }
}
