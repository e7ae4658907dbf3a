//! The *richiesta di attivazione*: an engineer registered in an Ordine (or registering
//! now) who has no ingpec.eu mailbox asks his Ordine for one from a public page, with the
//! Modello Anagrafiche data and his identity document (DOMAIN.md, Lifecycle 1). The
//! secretariat checks it against the Albo and activates or declines it with a reason.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::address::EmailAddress;
use crate::codice_fiscale::CodiceFiscale;
pub use crate::documento::{DOCUMENTO_MAX_BYTES, Documento, TipoDocumento};
use crate::member::{AlboRecord, Anagrafica};
use crate::province::OrdineCode;
use crate::text::fold_letters;

/// Days after which a request still waiting is shown to the Fondazione.
pub const ATTESA_LUNGA_GIORNI: i64 = 30;

/// One request for a mailbox; a person has one at a time (a decided one is replaced by
/// the next).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RichiestaAttivazione {
    /// The Ordine asked.
    pub ordine: OrdineCode,
    /// The requester's data as typed (the Modello Anagrafiche).
    pub anagrafica: Anagrafica,
    /// He is registering now: the Albo may not list him yet.
    pub pre_iscrizione: bool,
    /// His identity document.
    pub documento: Documento,
    pub presentata_il: DateTime<Utc>,
    #[serde(default)]
    pub esito: Option<EsitoRichiesta>,
}

/// The secretariat's decision.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EsitoRichiesta {
    pub attivata: bool,
    /// The mailbox activated.
    #[serde(default)]
    pub indirizzo: Option<EmailAddress>,
    /// Why it was declined (the requester reads it).
    #[serde(default)]
    pub motivo: Option<String>,
    /// Who decided.
    pub da: String,
    pub il: DateTime<Utc>,
}

impl RichiestaAttivazione {
    pub fn codice_fiscale(&self) -> &CodiceFiscale {
        &self.anagrafica.codice_fiscale
    }

    pub fn in_attesa(&self) -> bool {
        self.esito.is_none()
    }

    /// Whole days it has been waiting on `oggi` (the day it was filed counts 0).
    pub fn giorni_di_attesa(&self, oggi: NaiveDate) -> i64 {
        (oggi - self.presentata_il.date_naive()).num_days().max(0)
    }

    /// Whether the same form sent again (a retry, a second click) would file this one.
    pub fn stessa(&self, other: &Self) -> bool {
        self.ordine == other.ordine
            && self.anagrafica == other.anagrafica
            && self.pre_iscrizione == other.pre_iscrizione
            && self.documento == other.documento
    }
}

/// What the Albo says of a request, for the secretariat.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlloAlbo {
    /// Registered in this Ordine, under the name given, without a mailbox: it may be
    /// activated.
    Conforme,
    /// Not (yet) among this Ordine's members: a pre-registration waits for the Albo.
    NonIscritto,
    /// The Albo lists this code under another name.
    NomeDiverso,
    /// Listed, but not registered (cancelled, suspended).
    NonAttivo,
    /// He has an open mailbox of ours already.
    HaGiaCasella,
}

impl ControlloAlbo {
    /// The check of `richiesta` against what the Albo lists for its code in the Ordine
    /// asked (`None`: nobody, or a member of another Ordine), and whether he has an open
    /// mailbox.
    pub fn di(
        richiesta: &RichiestaAttivazione,
        albo: Option<(&Anagrafica, &AlboRecord)>,
        ha_casella: bool,
    ) -> Self {
        let Some((anagrafica, record)) = albo.filter(|(_, r)| r.ordine == richiesta.ordine) else {
            return Self::NonIscritto;
        };
        let same = |a: &str, b: &str| fold_letters(a) == fold_letters(b);
        if !same(&anagrafica.nome, &richiesta.anagrafica.nome)
            || !same(&anagrafica.cognome, &richiesta.anagrafica.cognome)
        {
            Self::NomeDiverso
        } else if ha_casella {
            Self::HaGiaCasella
        } else if !record.stato.is_registered() {
            Self::NonAttivo
        } else {
            Self::Conforme
        }
    }

    pub fn attivabile(self) -> bool {
        self == Self::Conforme
    }

    /// What the secretariat reads.
    pub fn spiegazione(self) -> &'static str {
        match self {
            Self::Conforme => {
                "Iscritto all'Ordine con questi dati e senza casella: si può attivare."
            }
            Self::NonIscritto => {
                "Non risulta tra gli iscritti dell'Ordine nell'Albo: se si sta iscrivendo, attendi che l'Albo lo riporti."
            }
            Self::NomeDiverso => {
                "Nell'Albo questo codice fiscale ha un altro nome o cognome: verifica il documento."
            }
            Self::NonAttivo => "Nell'Albo non risulta iscritto (cancellato o sospeso).",
            Self::HaGiaCasella => "Ha già una casella @ingpec.eu attiva.",
        }
    }
}

/// Where a request stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatoRichiesta {
    InAttesa,
    Attivata,
    Respinta,
}

impl RichiestaAttivazione {
    pub fn stato(&self) -> StatoRichiesta {
        match &self.esito {
            None => StatoRichiesta::InAttesa,
            Some(e) if e.attivata => StatoRichiesta::Attivata,
            Some(_) => StatoRichiesta::Respinta,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::AlboStatus;
    use crate::member::AnagraficaInput;

    fn richiesta(nome: &str, cognome: &str) -> RichiestaAttivazione {
        let anagrafica = AnagraficaInput {
            nome: nome.into(),
            cognome: cognome.into(),
            codice_fiscale: "RSSMRA85T10A562S".into(),
            indirizzo: "Via Roma 1".into(),
            comune: "Milano".into(),
            provincia: "MI".into(),
            cap: "20100".into(),
            email: "mario@example.it".into(),
            telefono: String::new(),
        }
        .validate(None)
        .expect("valid");
        RichiestaAttivazione {
            ordine: OrdineCode::parse("MI").expect("MI"),
            anagrafica,
            pre_iscrizione: false,
            documento: Documento {
                sha256: "ab".repeat(32),
                dimensione: 10,
                tipo: TipoDocumento::Pdf,
            },
            presentata_il: "2026-01-10T09:00:00Z".parse().expect("instant"),
            esito: None,
        }
    }

    fn albo(ordine: &str, stato: AlboStatus) -> AlboRecord {
        AlboRecord {
            ordine: OrdineCode::parse(ordine).expect("ordine"),
            numero_iscrizione: "A1".into(),
            stato,
            domicilio_digitale: None,
        }
    }

    #[test]
    fn the_albo_check_names_what_stands_in_the_way() {
        let r = richiesta("Mario", "Rossi");
        let own = r.anagrafica.clone();
        let registered = albo("MI", AlboStatus::Iscritto);
        assert_eq!(
            ControlloAlbo::di(&r, Some((&own, &registered)), false),
            ControlloAlbo::Conforme
        );
        assert!(ControlloAlbo::Conforme.attivabile());
        assert_eq!(
            ControlloAlbo::di(&r, None, false),
            ControlloAlbo::NonIscritto
        );
        // A member of another Ordine is none of this one's.
        let elsewhere = albo("RM", AlboStatus::Iscritto);
        assert_eq!(
            ControlloAlbo::di(&r, Some((&own, &elsewhere)), false),
            ControlloAlbo::NonIscritto
        );
        assert_eq!(
            ControlloAlbo::di(&r, Some((&own, &registered)), true),
            ControlloAlbo::HaGiaCasella
        );
        // Names compare as letters: accents and case do not matter, another name does.
        let typed = richiesta("MARIO", "rossì");
        assert_eq!(
            ControlloAlbo::di(&typed, Some((&own, &registered)), false),
            ControlloAlbo::Conforme
        );
        let other = richiesta("Maria", "Rossi");
        assert_eq!(
            ControlloAlbo::di(&other, Some((&own, &registered)), false),
            ControlloAlbo::NomeDiverso
        );
    }

    #[test]
    fn waiting_days_count_from_the_day_filed() {
        let r = richiesta("Mario", "Rossi");
        let day = |s: &str| s.parse::<NaiveDate>().expect("date");
        assert_eq!(r.giorni_di_attesa(day("2026-01-10")), 0);
        assert_eq!(r.giorni_di_attesa(day("2026-02-10")), 31);
        assert_eq!(r.stato(), StatoRichiesta::InAttesa);
    }
}
