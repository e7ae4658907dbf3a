//! Reading members: an Ordine's panel (paged, searched, filtered), a member's page, the
//! nationwide search, the CSV export, the Ordine's own mailbox.

use chrono::NaiveDate;
use futures::TryStreamExt;
use serde::Deserialize;
use shared::access::{Caller, Role};
use shared::address::EmailAddress;
use shared::api::{ApiError, ErrorCode, MailboxView, MemberDetail, MemberPage, MemberSummary};
use shared::catalog::PlanCode;
use shared::codice_fiscale::CodiceFiscale;
use shared::lifecycle::{MailboxStatus, StatoContratto};
use shared::province::OrdineCode;

use super::ensure;
use crate::error::AppError;
use crate::repo::members::{self, MemberRecord};
use crate::repo::{Versioned, addresses};
use crate::store::{ItemStore, Query};

/// How many index pages one request may read while filtering, to bound its cost.
const MAX_SCANNED_PAGES: usize = 20;
pub const DEFAULT_LIMIT: usize = 50;

/// Search and filters of a member list, from the query string.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct Filters {
    /// Codice fiscale, PEC address, or the beginning of the surname.
    pub q: Option<String>,
    /// `iscritto`, `sospeso` or `cancellato`.
    pub albo: Option<String>,
    /// `attiva`, `bloccata`, `chiusa`, or `nessuna` (no mailbox).
    pub casella: Option<String>,
    /// `base` or `avanzata`.
    pub piano: Option<String>,
    /// `da-firmare`, `in-verifica`, `firmato`, `respinto`.
    pub contratto: Option<String>,
    /// Mailboxes with a scadenza within this many days.
    pub scadenza_entro: Option<i64>,
    /// Only members without a domicilio digitale (DL 76/2020).
    pub senza_domicilio: Option<bool>,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::Domain(ApiError::new(ErrorCode::InvalidInput, message).with_field(field))
}

struct Predicate {
    albo: Option<String>,
    casella: Option<Option<MailboxStatus>>,
    piano: Option<PlanCode>,
    contratto: Option<StatoContratto>,
    entro: Option<NaiveDate>,
    senza_domicilio: bool,
}

fn parse_enum<T: serde::de::DeserializeOwned>(
    field: &str,
    value: &Option<String>,
    message: &str,
) -> Result<Option<T>, AppError> {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .map(|v| {
            serde_json::from_value(serde_json::Value::String(v.to_lowercase()))
                .map_err(|_| invalid(field, message))
        })
        .transpose()
}

impl Predicate {
    fn new(filters: &Filters, today: NaiveDate) -> Result<Self, AppError> {
        let albo = match filters.albo.as_deref().map(str::to_lowercase) {
            None => None,
            Some(s) if s.is_empty() => None,
            Some(s) if ["iscritto", "sospeso", "cancellato"].contains(&s.as_str()) => Some(s),
            Some(_) => {
                return Err(invalid(
                    "albo",
                    "Lo stato nell'Albo può essere iscritto, sospeso o cancellato.",
                ));
            }
        };
        let casella = match filters.casella.as_deref().map(str::to_lowercase) {
            None => None,
            Some(s) if s.is_empty() => None,
            Some(s) if s == "nessuna" => Some(None),
            Some(s) => Some(Some(
                parse_enum::<MailboxStatus>(
                    "casella",
                    &Some(s),
                    "Lo stato della casella può essere attiva, bloccata, chiusa o nessuna.",
                )?
                .expect("non-empty"),
            )),
        };
        let entro = match filters.scadenza_entro {
            Some(days) if !(0..=3660).contains(&days) => {
                return Err(invalid(
                    "scadenza_entro",
                    "Indica un numero di giorni tra 0 e 3660.",
                ));
            }
            Some(days) => Some(today + chrono::Duration::days(days)),
            None => None,
        };
        Ok(Self {
            albo,
            casella,
            piano: parse_enum(
                "piano",
                &filters.piano,
                "Il piano può essere base o avanzata.",
            )?,
            contratto: parse_enum(
                "contratto",
                &filters.contratto,
                "Lo stato del contratto può essere da-firmare, in-verifica, firmato o respinto.",
            )?,
            entro,
            senza_domicilio: filters.senza_domicilio.unwrap_or(false),
        })
    }

    fn matches(&self, record: &MemberRecord) -> bool {
        let albo_name = match record.albo.stato {
            shared::lifecycle::AlboStatus::Iscritto => "iscritto",
            shared::lifecycle::AlboStatus::Sospeso { .. } => "sospeso",
            shared::lifecycle::AlboStatus::Cancellato { .. } => "cancellato",
        };
        let mailbox = record.mailbox.as_ref();
        self.albo.as_deref().is_none_or(|a| a == albo_name)
            && self.casella.is_none_or(|c| c == mailbox.map(|m| m.status))
            && self
                .piano
                .is_none_or(|p| mailbox.is_some_and(|m| m.plan() == p))
            && self
                .contratto
                .is_none_or(|c| mailbox.is_some_and(|m| m.contratto == c))
            && self.entro.is_none_or(|limit| {
                mailbox.is_some_and(|m| {
                    m.status.is_open()
                        && (m.scadenza <= limit || m.services.iter().any(|s| s.scadenza <= limit))
                })
            })
            && (!self.senza_domicilio || record.albo.domicilio_digitale.is_none())
    }
}

pub fn summary(record: &MemberRecord) -> MemberSummary {
    MemberSummary {
        codice_fiscale: record.anagrafica.codice_fiscale.clone(),
        nome: record.anagrafica.nome.clone(),
        cognome: record.anagrafica.cognome.clone(),
        ordine: record.albo.ordine,
        numero_iscrizione: record.albo.numero_iscrizione.clone(),
        stato: record.albo.stato,
        domicilio_digitale: record.albo.domicilio_digitale.clone(),
        mailbox: record.mailbox.as_ref().map(MailboxView::of),
    }
}

pub fn detail(caller: &Caller, member: &Versioned<MemberRecord>) -> MemberDetail {
    let record = &member.value;
    let sees_recovery = caller.is_holder(record.cf()) || caller.role == Role::Fondazione;
    MemberDetail {
        anagrafica: record.anagrafica.clone(),
        albo: record.albo.clone(),
        recovery: sees_recovery.then(|| record.recovery.clone()),
        mailbox: record.mailbox.as_ref().map(MailboxView::of),
        version: member.version,
    }
}

/// Finds a member by codice fiscale or PEC address.
async fn find_exact(
    store: &dyn ItemStore,
    q: &str,
) -> Result<Option<Versioned<MemberRecord>>, AppError> {
    if let Ok(cf) = CodiceFiscale::parse(q) {
        return members::get(store, &cf).await.map_err(AppError::internal);
    }
    if let Ok(address) = EmailAddress::parse(q)
        && address.is_ingpec()
    {
        let holder = match addresses::lookup(store, &address).await {
            Ok(Some(reservation)) => reservation.holder,
            Ok(None) | Err(addresses::AddressOrStore::Address(_)) => return Ok(None),
            Err(addresses::AddressOrStore::Store(e)) => return Err(AppError::internal(e)),
        };
        return match holder.strip_prefix("member:").map(CodiceFiscale::parse) {
            Some(Ok(cf)) => members::get(store, &cf).await.map_err(AppError::internal),
            _ => Ok(None),
        };
    }
    Ok(None)
}

fn looks_exact(q: &str) -> bool {
    q.contains('@') || (q.len() == 16 && q.bytes().any(|b| b.is_ascii_digit()))
}

/// The members currently registered in `ordine`.
pub async fn ordine_members(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    filters: &Filters,
    today: NaiveDate,
) -> Result<MemberPage, AppError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let predicate = Predicate::new(filters, today)?;
    let limit = filters.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, 200);
    let q = filters
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty());
    if let Some(q) = q.filter(|q| looks_exact(q)) {
        let found = find_exact(store, q).await?;
        let items = found
            .filter(|m| m.value.albo.ordine == ordine && predicate.matches(&m.value))
            .map(|m| vec![summary(&m.value)])
            .unwrap_or_default();
        return Ok(MemberPage {
            items,
            cursor: None,
        });
    }
    scan(
        store,
        members::in_ordine(ordine, q),
        &predicate,
        filters.cursor.clone(),
        limit,
    )
    .await
}

/// Pages through `query`, keeping the members that match, until `limit` are found.
async fn scan(
    store: &dyn ItemStore,
    query: Query,
    predicate: &Predicate,
    mut cursor: Option<String>,
    limit: usize,
) -> Result<MemberPage, AppError> {
    let mut items = Vec::new();
    for _ in 0..MAX_SCANNED_PAGES {
        let page = store
            .query(
                &query
                    .clone()
                    .limit(limit - items.len())
                    .after(cursor.take()),
            )
            .await
            .map_err(|e| match e {
                crate::store::StoreError::BadCursor => invalid(
                    "cursor",
                    "Il riferimento alla pagina non è valido: ricomincia dalla prima.",
                ),
                e => AppError::internal(e),
            })?;
        let (members, next) = members::decode_page(page).map_err(AppError::internal)?;
        items.extend(
            members
                .iter()
                .filter(|m| predicate.matches(&m.value))
                .map(|m| summary(&m.value)),
        );
        cursor = next;
        if cursor.is_none() || items.len() >= limit {
            break;
        }
    }
    Ok(MemberPage { items, cursor })
}

/// Nationwide search (the Fondazione): by codice fiscale, address, or surname in every Ordine.
pub async fn nationwide(
    store: &dyn ItemStore,
    caller: &Caller,
    filters: &Filters,
    today: NaiveDate,
) -> Result<MemberPage, AppError> {
    ensure(caller.role == Role::Fondazione)?;
    let predicate = Predicate::new(filters, today)?;
    let q = filters.q.as_deref().map(str::trim).unwrap_or_default();
    if looks_exact(q) {
        let found = find_exact(store, q).await?;
        let items = found
            .filter(|m| predicate.matches(&m.value))
            .map(|m| vec![summary(&m.value)])
            .unwrap_or_default();
        return Ok(MemberPage {
            items,
            cursor: None,
        });
    }
    if q.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return Err(invalid(
            "q",
            "Per la ricerca nazionale indica almeno due lettere del cognome, un codice fiscale o un indirizzo PEC.",
        ));
    }
    let limit = filters.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, 200);
    let mut items = Vec::new();
    for ordine in OrdineCode::all() {
        let page = scan(
            store,
            members::in_ordine(ordine, Some(q)),
            &predicate,
            None,
            limit - items.len(),
        )
        .await?;
        items.extend(page.items);
        if items.len() >= limit {
            break;
        }
    }
    Ok(MemberPage {
        items,
        cursor: None,
    })
}

/// A member's page: the holder, his Ordine's secretariat, the Fondazione.
pub async fn member(
    store: &dyn ItemStore,
    caller: &Caller,
    cf: &str,
) -> Result<MemberDetail, AppError> {
    let not_found = || AppError::new(ErrorCode::NotFound, "Iscritto non trovato.");
    let cf = CodiceFiscale::parse(cf)
        .map_err(|e| AppError::Domain(ApiError::codice_fiscale(&e, "codice_fiscale")))?;
    let member = members::get(store, &cf)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(not_found)?;
    // Whoever may not see him is told he does not exist: nothing leaks across Ordini.
    if !caller.can_read_member(member.value.cf(), member.value.albo.ordine) {
        return Err(not_found());
    }
    Ok(detail(caller, &member))
}

/// Every member of the Ordine as CSV (Modello Anagrafiche columns, then Albo and mailbox).
pub async fn export_csv(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
) -> Result<String, AppError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let header = [
        "nome",
        "cognome",
        "codice_fiscale",
        "indirizzo",
        "comune",
        "provincia",
        "cap",
        "email",
        "telefono",
        "ordine",
        "numero_iscrizione",
        "stato",
        "domicilio_digitale",
        "pec",
        "stato_casella",
        "piano",
        "scadenza",
        "contratto",
    ];
    let csv_error = |e: csv::Error| AppError::internal(e);
    writer.write_record(header).map_err(csv_error)?;
    let mut pages = std::pin::pin!(members::pages_in_ordine(store, ordine));
    while let Some(members) = pages.try_next().await.map_err(AppError::internal)? {
        for m in &members {
            let (a, albo, mailbox) = (&m.value.anagrafica, &m.value.albo, m.value.mailbox.as_ref());
            let stato = serde_json::to_value(albo.stato)
                .ok()
                .and_then(|v| v["stato"].as_str().map(str::to_owned))
                .unwrap_or_default();
            writer
                .write_record([
                    a.nome.as_str(),
                    &a.cognome,
                    a.codice_fiscale.as_str(),
                    &a.indirizzo,
                    &a.comune,
                    &a.provincia,
                    a.cap.as_str(),
                    a.email.as_str(),
                    a.telefono.as_ref().map(|t| t.as_str()).unwrap_or_default(),
                    albo.ordine.as_str(),
                    &albo.numero_iscrizione,
                    &stato,
                    albo.domicilio_digitale
                        .as_ref()
                        .map(|d| d.as_str())
                        .unwrap_or_default(),
                    mailbox.map(|m| m.address.as_str()).unwrap_or_default(),
                    mailbox
                        .map(|m| format!("{:?}", m.status).to_lowercase())
                        .as_deref()
                        .unwrap_or_default(),
                    mailbox.map(|m| m.plan().nome()).unwrap_or_default(),
                    &mailbox
                        .map(|m| m.scadenza.format("%d/%m/%Y").to_string())
                        .unwrap_or_default(),
                    mailbox.map(|m| m.contratto.nome()).unwrap_or_default(),
                ])
                .map_err(csv_error)?;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::internal(e.into_error()))?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 strings"))
}
