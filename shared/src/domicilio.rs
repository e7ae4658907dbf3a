//! The domicilio-digitale duty (DL 76/2020 art. 37, amending art. 16 c. 7-bis DL 185/2008;
//! DOMAIN.md, Lifecycle 10): a registered member must give the Albo a domicilio digitale.
//! The Ordine sees who has none (or one that is not a working mailbox of ours), records the
//! *diffida* it sends, and after 30 days the member has complied or is proposed for
//! suspension.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::address::EmailAddress;
use crate::lifecycle::Mailbox;
use crate::member::AlboRecord;

/// The days a diffida gives to comply.
pub const DIFFIDA_DAYS: i64 = 30;

/// Where a registered member stands with the duty, when something is amiss.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Situazione {
    /// The Albo lists no domicilio digitale.
    Mancante,
    /// The Albo lists an @ingpec.eu address that is not his open mailbox (closed, or not
    /// his): it receives nothing.
    NonAttivo,
    /// He has an open mailbox of ours, but the Albo lists another PEC: compliant, shown so
    /// the Ordine knows the mailbox is not his domicilio.
    CasellaNonDomicilio,
}

impl Situazione {
    pub fn nome(self) -> &'static str {
        match self {
            Situazione::Mancante => "Senza domicilio digitale",
            Situazione::NonAttivo => "Domicilio non attivo",
            Situazione::CasellaNonDomicilio => "Casella non usata come domicilio",
        }
    }

    /// Whether the member breaches the duty (and may be warned).
    pub fn inadempiente(self) -> bool {
        matches!(self, Situazione::Mancante | Situazione::NonAttivo)
    }
}

/// How the diffida was sent.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CanaleDiffida {
    Raccomandata,
    Pec,
    Email,
    ConsegnaAMano,
}

impl CanaleDiffida {
    pub const ALL: [CanaleDiffida; 4] = [
        CanaleDiffida::Raccomandata,
        CanaleDiffida::Pec,
        CanaleDiffida::Email,
        CanaleDiffida::ConsegnaAMano,
    ];

    pub fn nome(self) -> &'static str {
        match self {
            CanaleDiffida::Raccomandata => "Raccomandata A/R",
            CanaleDiffida::Pec => "PEC",
            CanaleDiffida::Email => "Email ordinaria",
            CanaleDiffida::ConsegnaAMano => "Consegna a mano",
        }
    }
}

/// A diffida the Ordine sent to a member.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diffida {
    /// When it was sent: the 30 days run from it.
    pub data: NaiveDate,
    pub canale: CanaleDiffida,
    /// Who recorded it, and when.
    pub registrata_da: String,
    pub registrata_il: DateTime<Utc>,
    /// The day the Albo first listed a working domicilio after it: the diffida is spent,
    /// and a later breach needs a new one.
    #[serde(default)]
    pub adempiuta_il: Option<NaiveDate>,
}

impl Diffida {
    /// The last day to comply.
    pub fn termine(&self) -> NaiveDate {
        self.data + Duration::days(DIFFIDA_DAYS)
    }
}

/// Where a member's diffida stands on a day.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "stato")]
pub enum StatoDiffida {
    /// In breach, not warned yet.
    DaDiffidare,
    /// Warned; he has until `termine`.
    InCorso { termine: NaiveDate },
    /// The term passed in breach: to be proposed for suspension.
    DaSospendere { termine: NaiveDate },
    /// Warned, and the Albo now lists a working domicilio.
    Adempiuto,
    /// Not in breach and never warned.
    Regolare,
}

impl StatoDiffida {
    pub fn nome(self) -> String {
        match self {
            StatoDiffida::DaDiffidare => "Da diffidare".to_owned(),
            StatoDiffida::InCorso { termine } => {
                format!("Diffidato: termine il {}", termine.format("%d/%m/%Y"))
            }
            StatoDiffida::DaSospendere { termine } => format!(
                "Termine scaduto il {}: da proporre per la sospensione",
                termine.format("%d/%m/%Y")
            ),
            StatoDiffida::Adempiuto => "Adempiuto dopo la diffida".to_owned(),
            StatoDiffida::Regolare => "Regolare".to_owned(),
        }
    }
}

/// Where a member in the Albo as `albo`, with `mailbox`, stands with the duty; `None` when
/// nothing is amiss or the duty does not apply (no longer registered).
pub fn situazione(albo: &AlboRecord, mailbox: Option<&Mailbox>) -> Option<Situazione> {
    if !albo.stato.is_registered() {
        return None;
    }
    let open = mailbox.filter(|m| m.status.is_open());
    match (&albo.domicilio_digitale, open) {
        (None, _) => Some(Situazione::Mancante),
        (Some(d), open) if d.is_ingpec() && open.is_none_or(|m| &m.address != d) => {
            Some(Situazione::NonAttivo)
        }
        (Some(d), Some(m)) if &m.address != d => Some(Situazione::CasellaNonDomicilio),
        _ => None,
    }
}

/// Where the diffida stands `today`, given the member's situation now.
pub fn stato_diffida(
    situazione: Option<Situazione>,
    diffida: Option<&Diffida>,
    today: NaiveDate,
) -> StatoDiffida {
    let inadempiente = situazione.is_some_and(Situazione::inadempiente);
    match (inadempiente, diffida) {
        // Never warned, or warned for an earlier breach he then remedied.
        (true, None) => StatoDiffida::DaDiffidare,
        (true, Some(d)) if d.adempiuta_il.is_some() => StatoDiffida::DaDiffidare,
        (true, Some(d)) if today <= d.termine() => StatoDiffida::InCorso {
            termine: d.termine(),
        },
        (true, Some(d)) => StatoDiffida::DaSospendere {
            termine: d.termine(),
        },
        (false, Some(_)) => StatoDiffida::Adempiuto,
        (false, None) => StatoDiffida::Regolare,
    }
}

/// The diffida as it stands after the Albo's change to `albo`: spent on the day a breach
/// is remedied (a later breach needs a new diffida, with its own 30 days).
pub fn dopo_albo(
    diffida: Option<&Diffida>,
    albo: &AlboRecord,
    mailbox: Option<&Mailbox>,
    today: NaiveDate,
) -> Option<Diffida> {
    let mut d = diffida?.clone();
    let remedied = !situazione(albo, mailbox).is_some_and(Situazione::inadempiente);
    if remedied && d.adempiuta_il.is_none() {
        d.adempiuta_il = Some(today);
    }
    Some(d)
}

/// A domicilio the Albo lists, for a screen: the address or «nessuno».
pub fn mostra(domicilio: Option<&EmailAddress>) -> String {
    domicilio.map_or_else(|| "nessuno".to_owned(), ToString::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::{AlboStatus, CausaCancellazione};
    use crate::province::OrdineCode;

    fn albo(domicilio: Option<&str>) -> AlboRecord {
        AlboRecord {
            ordine: OrdineCode::parse("MI").unwrap(),
            numero_iscrizione: "A1".into(),
            stato: AlboStatus::Iscritto,
            domicilio_digitale: domicilio.map(|d| d.parse().unwrap()),
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn each_member_is_classed_by_his_domicilio_and_his_mailbox() {
        let mailbox = Mailbox::activate(
            "mario.rossi@ingpec.eu".parse().unwrap(),
            AlboStatus::Iscritto,
            day("2026-01-10"),
        )
        .mailbox;
        let open = Some(&mailbox);
        assert_eq!(situazione(&albo(None), open), Some(Situazione::Mancante));
        assert_eq!(situazione(&albo(Some("mario.rossi@ingpec.eu")), open), None);
        assert_eq!(
            situazione(&albo(Some("mario.rossi2@ingpec.eu")), open),
            Some(Situazione::NonAttivo),
            "an address of ours that is not his mailbox"
        );
        assert_eq!(
            situazione(&albo(Some("mario.rossi@ingpec.eu")), None),
            Some(Situazione::NonAttivo),
            "his mailbox no longer open"
        );
        assert_eq!(
            situazione(&albo(Some("rossi@altrapec.it")), open),
            Some(Situazione::CasellaNonDomicilio)
        );
        assert_eq!(situazione(&albo(Some("rossi@altrapec.it")), None), None);
        let mut cancelled = albo(None);
        cancelled.stato = AlboStatus::Cancellato {
            dal: day("2026-03-01"),
            causa: CausaCancellazione::Dimissioni,
        };
        assert_eq!(
            situazione(&cancelled, open),
            None,
            "the duty is the registered's"
        );
    }

    #[test]
    fn thirty_days_run_from_the_diffida_then_he_is_proposed_for_suspension() {
        let diffida = Diffida {
            data: day("2026-10-31"),
            canale: CanaleDiffida::Pec,
            registrata_da: "segreteria MI".into(),
            registrata_il: "2026-10-31T10:00:00Z".parse().unwrap(),
            adempiuta_il: None,
        };
        assert_eq!(diffida.termine(), day("2026-11-30"));
        let missing = Some(Situazione::Mancante);
        assert_eq!(
            stato_diffida(missing, None, day("2026-11-01")),
            StatoDiffida::DaDiffidare
        );
        assert_eq!(
            stato_diffida(missing, Some(&diffida), day("2026-11-30")),
            StatoDiffida::InCorso {
                termine: day("2026-11-30")
            },
            "the last day counts"
        );
        assert_eq!(
            stato_diffida(missing, Some(&diffida), day("2026-12-01")),
            StatoDiffida::DaSospendere {
                termine: day("2026-11-30")
            }
        );
        assert_eq!(
            stato_diffida(None, Some(&diffida), day("2026-12-01")),
            StatoDiffida::Adempiuto
        );
        // Remedied, then in breach again: a new diffida is needed, with its own 30 days.
        let mut registered = albo(Some("rossi@altrapec.it"));
        let spent = dopo_albo(Some(&diffida), &registered, None, day("2026-11-10")).unwrap();
        assert_eq!(spent.adempiuta_il, Some(day("2026-11-10")));
        registered.domicilio_digitale = None;
        assert_eq!(
            dopo_albo(Some(&spent), &registered, None, day("2027-03-01")),
            Some(spent.clone()),
            "spent stays spent"
        );
        assert_eq!(
            stato_diffida(missing, Some(&spent), day("2027-03-01")),
            StatoDiffida::DaDiffidare
        );
        assert_eq!(
            stato_diffida(
                Some(Situazione::CasellaNonDomicilio),
                None,
                day("2026-12-01")
            ),
            StatoDiffida::Regolare
        );
    }
}
