//! The *disdetta*: the request to close a mailbox at once (DOMAIN.md, Lifecycle 7). The
//! holder files it with the form's content (who, which mailbox, the declaration, the
//! date); the Fondazione approves or rejects it, and approval closes the mailbox. The
//! domicilio digitale the Albo listed is recorded when it is filed and when it is decided,
//! since the rule turns on it. The heirs of a deceased holder file it from a public page
//! with the death certificate and their identity document, which the Fondazione reads.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::address::EmailAddress;
use crate::codice_fiscale::CodiceFiscale;
use crate::documento::Documento;

/// The declaration the holder signs by filing, as the form states it.
pub const DICHIARAZIONE: &str = "Chiedo la cessazione immediata della mia casella PEC @ingpec.eu. \
So che, una volta chiusa, la casella non riceverà né invierà più messaggi, che i messaggi \
che contiene non saranno più recuperabili e che il suo indirizzo non sarà assegnato ad \
altri. Le eventuali quote dei servizi a pagamento non ancora godute non sono rimborsate.";

/// The declaration an heir signs by filing.
pub const DICHIARAZIONE_EREDI: &str = "Dichiaro di essere erede del titolare, deceduto, e chiedo \
la cessazione immediata della sua casella PEC @ingpec.eu. So che, una volta chiusa, la casella \
non riceverà né invierà più messaggi, che i messaggi che contiene non saranno più recuperabili \
e che il suo indirizzo non sarà assegnato ad altri. Allego il certificato di morte e il mio \
documento d'identità.";

/// The heir who asks for a deceased holder's mailbox to close, with his papers.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erede {
    pub nome: String,
    pub cognome: String,
    pub codice_fiscale: CodiceFiscale,
    /// Where the decision is sent.
    pub email: EmailAddress,
    pub certificato_di_morte: Documento,
    pub documento_identita: Documento,
}

/// One request to close a mailbox.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disdetta {
    /// The holder.
    pub codice_fiscale: CodiceFiscale,
    /// The mailbox to close.
    pub indirizzo: EmailAddress,
    /// The declaration as it was accepted.
    pub dichiarazione: String,
    pub richiesta_il: DateTime<Utc>,
    /// The domicilio digitale the Albo listed when it was filed.
    pub domicilio_alla_richiesta: Option<EmailAddress>,
    /// The Fondazione's decision, once taken.
    #[serde(default)]
    pub esito: Option<EsitoDisdetta>,
    /// Filed by an heir of the deceased holder, not by the holder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erede: Option<Erede>,
}

/// The Fondazione's decision on a disdetta.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EsitoDisdetta {
    pub approvata: bool,
    /// Why it was rejected (the holder reads it).
    #[serde(default)]
    pub motivo: Option<String>,
    /// Who decided.
    pub da: String,
    pub il: DateTime<Utc>,
    /// The domicilio digitale the Albo listed when it was decided.
    pub domicilio_alla_decisione: Option<EmailAddress>,
}

/// Where a disdetta stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatoDisdetta {
    InAttesa,
    Approvata,
    Respinta,
}

impl StatoDisdetta {
    pub fn nome(self) -> &'static str {
        match self {
            StatoDisdetta::InAttesa => "In attesa della Fondazione",
            StatoDisdetta::Approvata => "Approvata: casella chiusa",
            StatoDisdetta::Respinta => "Respinta",
        }
    }
}

impl Disdetta {
    pub fn stato(&self) -> StatoDisdetta {
        match &self.esito {
            None => StatoDisdetta::InAttesa,
            Some(e) if e.approvata => StatoDisdetta::Approvata,
            Some(_) => StatoDisdetta::Respinta,
        }
    }

    /// Whether a new request may replace this one (only after a rejection).
    pub fn sostituibile(&self) -> bool {
        self.stato() == StatoDisdetta::Respinta
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Disdetta {
        Disdetta {
            codice_fiscale: "RSSMRA51E09F205V".parse().unwrap(),
            indirizzo: "mario.rossi@ingpec.eu".parse().unwrap(),
            dichiarazione: DICHIARAZIONE.to_owned(),
            richiesta_il: "2026-11-30T10:00:00Z".parse().unwrap(),
            domicilio_alla_richiesta: Some("mario.rossi@altrapec.it".parse().unwrap()),
            esito: None,
            erede: None,
        }
    }

    #[test]
    fn a_request_waits_then_is_approved_or_rejected_and_only_a_rejected_one_is_replaced() {
        let mut d = request();
        assert_eq!(d.stato(), StatoDisdetta::InAttesa);
        assert!(!d.sostituibile());
        let esito = EsitoDisdetta {
            approvata: false,
            motivo: Some("Documento illeggibile".into()),
            da: "fondazione".into(),
            il: "2026-12-01T10:00:00Z".parse().unwrap(),
            domicilio_alla_decisione: None,
        };
        d.esito = Some(esito.clone());
        assert_eq!(d.stato(), StatoDisdetta::Respinta);
        assert!(d.sostituibile());
        d.esito = Some(EsitoDisdetta {
            approvata: true,
            ..esito
        });
        assert_eq!(d.stato(), StatoDisdetta::Approvata);
        assert!(!d.sostituibile());
    }
}
