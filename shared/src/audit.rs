//! The audit log: who changed what, when, and what changed (before → after), one entry per
//! change, written in the same transaction as the change itself.
//!
//! The log is **tamper-evident**: each entry carries the hash of the entry before it on the
//! same target, and the target's own item keeps the hash of its newest entry (its *head*),
//! written in the same transaction. Deleting or editing an entry, or dropping the newest
//! one, breaks the chain, which [`verify_chain`] reports.

pub mod leggibile;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::codice_fiscale::CodiceFiscale;
use crate::province::OrdineCode;

/// What an entry is about: a member, or an Ordine (its mailbox and profile).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum AuditTarget {
    Member(CodiceFiscale),
    Ordine(OrdineCode),
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("Il riferimento «{0}» non è valido: indica member:<codice fiscale> oppure ordine:<sigla>.")]
pub struct InvalidTarget(String);

impl fmt::Display for AuditTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditTarget::Member(cf) => write!(f, "member:{cf}"),
            AuditTarget::Ordine(ordine) => write!(f, "ordine:{ordine}"),
        }
    }
}

impl FromStr for AuditTarget {
    type Err = InvalidTarget;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidTarget(s.to_owned());
        match s.trim().split_once(':') {
            Some(("member", cf)) => CodiceFiscale::parse(cf)
                .map(AuditTarget::Member)
                .map_err(|_| invalid()),
            Some(("ordine", sigla)) => OrdineCode::parse(sigla)
                .map(AuditTarget::Ordine)
                .map_err(|_| invalid()),
            _ => Err(invalid()),
        }
    }
}

impl TryFrom<String> for AuditTarget {
    type Error = InvalidTarget;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<AuditTarget> for String {
    fn from(target: AuditTarget) -> Self {
        target.to_string()
    }
}

impl AuditTarget {
    /// In Italian, for people: "l'iscritto RSSMRA…", "l'Ordine di Milano".
    pub fn descrizione(&self) -> String {
        match self {
            AuditTarget::Member(cf) => format!("l'iscritto {cf}"),
            AuditTarget::Ordine(ordine) => format!("l'{}", ordine.nome()),
        }
    }
}

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Actor {
    /// The holder himself.
    Iscritto(CodiceFiscale),
    /// A secretariat's account.
    Segreteria { ordine: OrdineCode, account: String },
    /// A Fondazione CNI operator's account.
    Fondazione(String),
    /// The Albo Unico's import account.
    Albo(String),
    /// The daily verifica.
    Verifica,
    /// The portal itself (the Ordini's own mailboxes, demo data).
    Sistema,
    /// An heir of a deceased holder, from the public page (the Fondazione checks his
    /// documents before anything is done).
    Erede(CodiceFiscale),
    /// The mail provider, reporting what it did to a mailbox (a signed event).
    Gestore,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Iscritto(cf) => write!(f, "iscritto:{cf}"),
            Actor::Segreteria { ordine, account } => write!(f, "segreteria:{ordine}:{account}"),
            Actor::Fondazione(account) => write!(f, "fondazione:{account}"),
            Actor::Albo(account) => write!(f, "albo:{account}"),
            Actor::Verifica => f.write_str("verifica"),
            Actor::Sistema => f.write_str("sistema"),
            Actor::Erede(cf) => write!(f, "erede:{cf}"),
            Actor::Gestore => f.write_str("gestore"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("autore non valido: {0}")]
pub struct InvalidActor(String);

impl TryFrom<String> for Actor {
    type Error = InvalidActor;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        let invalid = || InvalidActor(s.clone());
        let (kind, rest) = s.split_once(':').unwrap_or((s.as_str(), ""));
        match (kind, rest) {
            ("verifica", "") => Ok(Actor::Verifica),
            ("sistema", "") => Ok(Actor::Sistema),
            ("gestore", "") => Ok(Actor::Gestore),
            ("iscritto", cf) => CodiceFiscale::parse(cf)
                .map(Actor::Iscritto)
                .map_err(|_| invalid()),
            ("erede", cf) => CodiceFiscale::parse(cf)
                .map(Actor::Erede)
                .map_err(|_| invalid()),
            ("segreteria", rest) => {
                let (sigla, account) = rest.split_once(':').ok_or_else(invalid)?;
                let ordine = OrdineCode::parse(sigla).map_err(|_| invalid())?;
                Ok(Actor::Segreteria {
                    ordine,
                    account: account.to_owned(),
                })
            }
            ("fondazione", account) if !account.is_empty() => {
                Ok(Actor::Fondazione(account.to_owned()))
            }
            ("albo", account) if !account.is_empty() => Ok(Actor::Albo(account.to_owned())),
            _ => Err(invalid()),
        }
    }
}

impl From<Actor> for String {
    fn from(actor: Actor) -> Self {
        actor.to_string()
    }
}

impl Actor {
    /// In Italian, for people: who did it.
    pub fn descrizione(&self) -> String {
        match self {
            Actor::Iscritto(_) => "il titolare".to_owned(),
            Actor::Segreteria { ordine, account } => {
                format!("la segreteria dell'{} ({account})", ordine.nome())
            }
            Actor::Fondazione(account) => format!("la Fondazione CNI ({account})"),
            Actor::Albo(_) => "l'Albo Unico".to_owned(),
            Actor::Verifica => "la verifica giornaliera".to_owned(),
            Actor::Sistema => "il portale".to_owned(),
            Actor::Erede(_) => "un erede del titolare".to_owned(),
            Actor::Gestore => "il gestore (Aruba PEC)".to_owned(),
        }
    }
}

/// One field that changed: its path in the record (`anagrafica.email`,
/// `mailbox.scadenza`) and its value before and after, as text (absent: no value).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub campo: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prima: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dopo: Option<String>,
}

/// The fields that differ between two records (JSON), in path order. Keys named in
/// `ignore` at the top level (bookkeeping such as the audit head) are left out.
pub fn changes(before: Option<&Value>, after: Option<&Value>, ignore: &[&str]) -> Vec<Change> {
    let flat = |value: Option<&Value>| {
        let mut out = BTreeMap::new();
        if let Some(Value::Object(map)) = value {
            for (key, value) in map {
                if !ignore.contains(&key.as_str()) {
                    flatten(key.clone(), value, &mut out);
                }
            }
        } else if let Some(value) = value {
            flatten(String::new(), value, &mut out);
        }
        out
    };
    let (before, after) = (flat(before), flat(after));
    let mut paths: Vec<&String> = before.keys().chain(after.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|path| before.get(*path) != after.get(*path))
        .map(|path| Change {
            campo: path.clone(),
            prima: before.get(path).cloned(),
            dopo: after.get(path).cloned(),
        })
        .collect()
}

fn flatten(path: String, value: &Value, out: &mut BTreeMap<String, String>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Null => {}
        Value::Bool(b) => {
            out.insert(path, b.to_string());
        }
        Value::Number(n) => {
            out.insert(path, n.to_string());
        }
        Value::String(s) => {
            out.insert(path, s.clone());
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(format!("{path}[{i}]"), item, out);
            }
        }
        Value::Object(map) => {
            for (key, value) in map {
                flatten(join(key), value, out);
            }
        }
    }
}

/// One entry of the audit log.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub at: DateTime<Utc>,
    /// `iscritto:{cf}`, `segreteria:{sigla}:{account}`, `fondazione:{account}`,
    /// `albo:{account}`, `verifica` or `sistema`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub actor: Actor,
    /// `member:{cf}` or `ordine:{sigla}`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub target: AuditTarget,
    /// What was done, in Italian ("attivazione casella", "modifica dati anagrafici").
    pub action: String,
    #[serde(default)]
    pub changes: Vec<Change>,
    /// The hash of the entry before this one on the same target (none for the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    /// SHA-256 of this entry's content and `prev`, in hex.
    pub hash: String,
}

/// What an entry says, before it is sealed into the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub actor: Actor,
    pub target: AuditTarget,
    pub action: String,
    pub changes: Vec<Change>,
}

impl Draft {
    /// The entry, chained after the target's head `prev`.
    pub fn seal(self, id: String, at: DateTime<Utc>, prev: Option<String>) -> AuditEntry {
        let mut entry = AuditEntry {
            id,
            at,
            actor: self.actor,
            target: self.target,
            action: self.action,
            changes: self.changes,
            prev,
            hash: String::new(),
        };
        entry.hash = entry.digest();
        entry
    }
}

impl AuditEntry {
    /// The hash of the entry's content and of `prev`: every field in a fixed order, each
    /// length-prefixed, so no two different entries give the same bytes.
    pub fn digest(&self) -> String {
        let mut hasher = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hasher.update((bytes.len() as u64).to_be_bytes());
            hasher.update(bytes);
        };
        field(self.id.as_bytes());
        field(
            self.at
                .to_rfc3339_opts(SecondsFormat::Micros, true)
                .as_bytes(),
        );
        field(self.actor.to_string().as_bytes());
        field(self.target.to_string().as_bytes());
        field(self.action.as_bytes());
        field(&(self.changes.len() as u64).to_be_bytes());
        for change in &self.changes {
            field(change.campo.as_bytes());
            for value in [&change.prima, &change.dopo] {
                match value {
                    Some(v) => {
                        field(b"1");
                        field(v.as_bytes());
                    }
                    None => field(b"0"),
                }
            }
        }
        field(self.prev.as_deref().unwrap_or_default().as_bytes());
        hex(&hasher.finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// Whether a target's log is whole, as far as its chain can tell.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "esito")]
pub enum Integrity {
    /// Every entry is there, unchanged, in order.
    Integro { voci: usize },
    /// The chain breaks: `motivo` says where, in Italian.
    Interrotto { motivo: String },
}

impl Integrity {
    pub fn is_whole(&self) -> bool {
        matches!(self, Integrity::Integro { .. })
    }
}

/// Checks a target's whole log against the `head` its item keeps: from the head, each
/// entry must hash to itself and name the one before it, down to the first; and no entry
/// may stand outside that chain. The chain's links, not the entries' times, give the order.
pub fn verify_chain(entries: &[AuditEntry], head: Option<&str>) -> Integrity {
    let broken = |motivo: String| Integrity::Interrotto { motivo };
    let date = |e: &AuditEntry| e.at.format("%d/%m/%Y %H:%M UTC").to_string();
    let Some(head) = head else {
        return if entries.is_empty() {
            Integrity::Integro { voci: 0 }
        } else {
            broken("Le voci del registro non risultano alla casella o all'iscritto.".into())
        };
    };
    let by_hash: BTreeMap<&str, &AuditEntry> =
        entries.iter().map(|e| (e.hash.as_str(), e)).collect();
    let mut next = Some(head);
    let mut seen = 0;
    let mut later: Option<&AuditEntry> = None;
    while let Some(hash) = next {
        let Some(entry) = by_hash.get(hash) else {
            return broken(match later {
                None => "L'ultima voce del registro manca o non è quella registrata.".to_owned(),
                Some(e) => format!(
                    "Manca almeno una voce prima di quella del {} («{}»).",
                    date(e),
                    e.action
                ),
            });
        };
        if entry.digest() != entry.hash {
            return broken(format!(
                "La voce del {} («{}») è stata modificata.",
                date(entry),
                entry.action
            ));
        }
        seen += 1;
        if seen > entries.len() {
            return broken("Le voci del registro formano un ciclo.".into());
        }
        later = Some(entry);
        next = entry.prev.as_deref();
    }
    if seen != entries.len() {
        return broken(format!(
            "{} voci del registro non appartengono alla sua catena.",
            entries.len() - seen
        ));
    }
    Integrity::Integro { voci: seen }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at(minute: u32) -> DateTime<Utc> {
        format!("2026-11-29T10:{minute:02}:00Z").parse().unwrap()
    }

    fn member() -> AuditTarget {
        AuditTarget::Member(CodiceFiscale::parse("RSSMRA85T10A562S").unwrap())
    }

    /// A log of `n` entries, newest first, and its head.
    fn log(n: u32) -> (Vec<AuditEntry>, String) {
        let mut entries: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let draft = Draft {
                actor: Actor::Verifica,
                target: member(),
                action: format!("azione {i}"),
                changes: vec![Change {
                    campo: "mailbox.scadenza".into(),
                    prima: Some(format!("2026-0{}-01", i + 1)),
                    dopo: Some(format!("2026-0{}-01", i + 2)),
                }],
            };
            let prev = entries.last().map(|e| e.hash.clone());
            entries.push(draft.seal(format!("id{i}"), at(i), prev));
        }
        let head = entries.last().unwrap().hash.clone();
        entries.reverse();
        (entries, head)
    }

    #[test]
    fn a_whole_chain_verifies() {
        let (entries, head) = log(4);
        assert_eq!(
            verify_chain(&entries, Some(&head)),
            Integrity::Integro { voci: 4 }
        );
        assert_eq!(verify_chain(&[], None), Integrity::Integro { voci: 0 });
    }

    #[test]
    fn a_deleted_entry_breaks_the_chain() {
        let (mut entries, head) = log(4);
        entries.remove(2);
        assert!(!verify_chain(&entries, Some(&head)).is_whole());
        let (mut entries, head) = log(4);
        entries.remove(0);
        assert!(
            !verify_chain(&entries, Some(&head)).is_whole(),
            "the newest one too"
        );
        let (mut entries, head) = log(4);
        entries.pop();
        assert!(
            !verify_chain(&entries, Some(&head)).is_whole(),
            "the oldest one too"
        );
        assert!(!verify_chain(&[], Some(&head)).is_whole());
    }

    #[test]
    fn an_edited_entry_breaks_the_chain() {
        let (mut entries, head) = log(3);
        entries[1].changes[0].dopo = Some("2099-01-01".into());
        assert!(!verify_chain(&entries, Some(&head)).is_whole());
        let (mut entries, head) = log(3);
        entries[2].actor = Actor::Fondazione("someone".into());
        assert!(!verify_chain(&entries, Some(&head)).is_whole());
        // Rehashing the edited entry does not help: the next one names the old hash.
        let (mut entries, head) = log(3);
        entries[2].action = "altro".into();
        entries[2].hash = entries[2].digest();
        assert!(!verify_chain(&entries, Some(&head)).is_whole());
    }

    #[test]
    fn the_order_is_the_chain_s_not_the_clock_s() {
        // An entry written later but stamped earlier (a run that started before) is whole.
        let (mut entries, head) = log(3);
        entries.swap(0, 2);
        assert_eq!(
            verify_chain(&entries, Some(&head)),
            Integrity::Integro { voci: 3 }
        );
        // An entry outside the chain is not.
        let (mut entries, head) = log(3);
        let (stray, _) = log(1);
        entries.extend(stray);
        assert!(!verify_chain(&entries, Some(&head)).is_whole());
    }

    #[test]
    fn the_digest_survives_a_json_round_trip() {
        let (entries, head) = log(3);
        let json = serde_json::to_string(&entries).unwrap();
        let back: Vec<AuditEntry> = serde_json::from_str(&json).unwrap();
        assert_eq!(
            verify_chain(&back, Some(&head)),
            Integrity::Integro { voci: 3 }
        );
    }

    #[test]
    fn changes_list_what_differs_by_path() {
        let before = json!({"anagrafica": {"email": "a@x.it", "cap": "20121"}, "audit_head": "h1", "mailbox": null});
        let after = json!({"anagrafica": {"email": "b@x.it", "cap": "20121"}, "audit_head": "h2", "mailbox": {"scadenza": "2027-01-01", "services": [{"id": 1}]}});
        let found = changes(Some(&before), Some(&after), &["audit_head"]);
        let fields: Vec<&str> = found.iter().map(|c| c.campo.as_str()).collect();
        assert_eq!(
            fields,
            [
                "anagrafica.email",
                "mailbox.scadenza",
                "mailbox.services[0].id"
            ]
        );
        assert_eq!(found[0].prima.as_deref(), Some("a@x.it"));
        assert_eq!(found[0].dopo.as_deref(), Some("b@x.it"));
        assert_eq!(found[1].prima, None);
        assert!(changes(Some(&before), Some(&before), &[]).is_empty());
        assert_eq!(changes(None, Some(&after), &["audit_head"]).len(), 4);
    }

    #[test]
    fn targets_and_actors_are_stable_strings() {
        let target: AuditTarget = "member:rssmra85t10a562s".parse().unwrap();
        assert_eq!(target.to_string(), "member:RSSMRA85T10A562S");
        assert_eq!(
            "ordine:mi".parse::<AuditTarget>().unwrap().to_string(),
            "ordine:MI"
        );
        assert!("member:RSSMRA85T10A562X".parse::<AuditTarget>().is_err());
        assert!("garbage".parse::<AuditTarget>().is_err());
        for actor in [
            Actor::Iscritto(CodiceFiscale::parse("RSSMRA85T10A562S").unwrap()),
            Actor::Segreteria {
                ordine: OrdineCode::parse("MI").unwrap(),
                account: "segreteria.mi".into(),
            },
            Actor::Fondazione("op".into()),
            Actor::Albo("albo".into()),
            Actor::Verifica,
            Actor::Sistema,
            Actor::Erede(CodiceFiscale::parse("RSSMRA51E09F205V").unwrap()),
            Actor::Gestore,
        ] {
            let text = actor.to_string();
            assert_eq!(Actor::try_from(text).unwrap(), actor);
        }
    }
}
