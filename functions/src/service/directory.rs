//! Reading members: an Ordine's panel (paged, searched, filtered), a member's page, the
//! nationwide search, the CSV export. A secretariat sees the members currently registered
//! in its Ordine; cancelled and deceased ones are the Fondazione's.

use chrono::NaiveDate;
use futures::TryStreamExt;
use shared::access::{Caller, Role};
use shared::address::EmailAddress;
use shared::api::{
    MailboxRow, MailboxView, MemberDetail, MemberFilters, MemberPage, MemberSummary,
};
use shared::codice_fiscale::CodiceFiscale;
use shared::member::FieldError;
use shared::province::OrdineCode;
use thiserror::Error;

use super::{Forbidden, ensure};
use crate::repo::members::{self, MemberRecord};
use crate::repo::{Versioned, addresses};
use crate::service::spreadsheet::SpreadsheetCsv;
use crate::store::{ItemStore, Query, StoreError};

/// How many index pages one request may read while filtering, to bound its cost.
const MAX_SCANNED_PAGES: usize = 20;

#[derive(Debug, Error)]
pub enum DirectoryError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("{}", .0.message)]
    Invalid(FieldError),
    /// Also for a member the caller may not see: nothing leaks across Ordini.
    #[error("Iscritto non trovato.")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The filters, checked, with the day they are relative to.
struct Predicate<'a> {
    filters: &'a MemberFilters,
    entro: Option<NaiveDate>,
}

impl<'a> Predicate<'a> {
    fn new(filters: &'a MemberFilters, today: NaiveDate) -> Result<Self, DirectoryError> {
        filters.check().map_err(DirectoryError::Invalid)?;
        let entro = filters
            .scadenza_entro
            .map(|days| today + chrono::Duration::days(i64::from(days)));
        Ok(Self { filters, entro })
    }

    fn matches(&self, record: &MemberRecord) -> bool {
        let f = self.filters;
        let mailbox = record.mailbox.as_ref();
        f.albo.is_none_or(|a| a.matches(&record.albo.stato))
            && f.casella
                .is_none_or(|c| c.matches(mailbox.map(|m| m.status)))
            && f.piano
                .is_none_or(|p| mailbox.is_some_and(|m| m.plan() == p))
            && f.contratto
                .is_none_or(|c| mailbox.is_some_and(|m| m.contratto == c))
            && self.entro.is_none_or(|limit| {
                // Only what will really lapse: a Base term that renews by itself does not.
                mailbox.is_some_and(|m| {
                    m.status.is_open()
                        && m.upcoming_expiries()
                            .first()
                            .is_some_and(|(_, d)| *d <= limit)
                })
            })
            && (!f.senza_domicilio.unwrap_or(false) || record.albo.domicilio_digitale.is_none())
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
        mailbox: record.mailbox.as_ref().map(MailboxRow::of),
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
) -> Result<Option<Versioned<MemberRecord>>, DirectoryError> {
    if let Ok(cf) = CodiceFiscale::parse(q) {
        return Ok(members::get(store, &cf).await?);
    }
    if let Ok(address) = EmailAddress::parse(q)
        && address.is_ingpec()
    {
        let holder = match addresses::lookup(store, &address).await {
            Ok(Some(reservation)) => reservation.holder,
            Ok(None) | Err(addresses::AddressOrStore::Address(_)) => return Ok(None),
            Err(addresses::AddressOrStore::Store(e)) => return Err(e.into()),
        };
        return match holder.parse() {
            Ok(shared::audit::AuditTarget::Member(cf)) => Ok(members::get(store, &cf).await?),
            _ => Ok(None),
        };
    }
    Ok(None)
}

fn looks_exact(q: &str) -> bool {
    q.contains('@') || (q.len() == 16 && q.bytes().any(|b| b.is_ascii_digit()))
}

/// The members currently in `ordine` whom the caller may see, matching the filters.
pub async fn ordine_members(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    filters: &MemberFilters,
    today: NaiveDate,
) -> Result<MemberPage, DirectoryError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let predicate = Predicate::new(filters, today)?;
    let visible = |m: &Versioned<MemberRecord>| {
        m.value.albo.ordine == ordine
            && caller.can_read_member(m.value.cf(), m.value.standing())
            && predicate.matches(&m.value)
    };
    let q = filters.search();
    if let Some(q) = q.filter(|q| looks_exact(q)) {
        let found = find_exact(store, q).await?;
        let items = found
            .filter(visible)
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
        &visible,
        filters.cursor.clone(),
        filters.page_size(),
    )
    .await
}

/// Pages through `query`, keeping the members that match, until `limit` are found.
async fn scan(
    store: &dyn ItemStore,
    query: Query,
    keep: &(dyn Fn(&Versioned<MemberRecord>) -> bool + Sync),
    mut cursor: Option<String>,
    limit: usize,
) -> Result<MemberPage, DirectoryError> {
    let mut items = Vec::new();
    for _ in 0..MAX_SCANNED_PAGES {
        let page = store
            .query(
                &query
                    .clone()
                    .limit(limit - items.len())
                    .after(cursor.take()),
            )
            .await?;
        let (members, next) = members::decode_page(page)?;
        items.extend(
            members
                .iter()
                .filter(|m| keep(m))
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
    filters: &MemberFilters,
    today: NaiveDate,
) -> Result<MemberPage, DirectoryError> {
    ensure(caller.role == Role::Fondazione)?;
    let predicate = Predicate::new(filters, today)?;
    let q = filters.search().unwrap_or_default();
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
        return Err(DirectoryError::Invalid(FieldError::new(
            "q",
            "Per la ricerca nazionale indica almeno due lettere del cognome, un codice fiscale o un indirizzo PEC.",
        )));
    }
    let limit = filters.page_size();
    let keep = |m: &Versioned<MemberRecord>| predicate.matches(&m.value);
    let mut items = Vec::new();
    for ordine in OrdineCode::all() {
        let page = scan(
            store,
            members::in_ordine(ordine, Some(q)),
            &keep,
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

/// A member's page: the holder, his Ordine's secretariat while he is registered there,
/// the Fondazione.
pub async fn member(
    store: &dyn ItemStore,
    caller: &Caller,
    cf: &CodiceFiscale,
) -> Result<MemberDetail, DirectoryError> {
    let member = members::get(store, cf)
        .await?
        .ok_or(DirectoryError::NotFound)?;
    // Whoever may not see him is told he does not exist: nothing leaks across Ordini.
    if !caller.can_read_member(member.value.cf(), member.value.standing()) {
        return Err(DirectoryError::NotFound);
    }
    Ok(detail(caller, &member))
}

/// Every member of the Ordine the caller may see, as CSV for Excel: UTF-8 with a BOM (so
/// Excel reads the accents), `;`-separated, Italian column names (the Modello
/// Anagrafiche's, then the Albo's and the mailbox's), every cell formula-safe.
pub async fn export_csv(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
) -> Result<String, DirectoryError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let header = [
        "Nome",
        "Cognome",
        "Codice fiscale",
        "Indirizzo",
        "Comune",
        "Provincia",
        "CAP",
        "Email",
        "Telefono",
        "Ordine",
        "Numero di iscrizione",
        "Stato nell'Albo",
        "Domicilio digitale",
        "Casella PEC",
        "Stato della casella",
        "Piano",
        "Scadenza",
        "Contratto",
    ];
    let mut file = SpreadsheetCsv::new(&header)?;
    let mut pages = std::pin::pin!(members::pages_in_ordine(store, ordine));
    while let Some(members) = pages.try_next().await? {
        for m in members
            .iter()
            .filter(|m| caller.can_read_member(m.value.cf(), m.value.standing()))
        {
            let (a, albo, mailbox) = (&m.value.anagrafica, &m.value.albo, m.value.mailbox.as_ref());
            let scadenza = mailbox
                .map(|m| m.scadenza.format("%d/%m/%Y").to_string())
                .unwrap_or_default();
            file.row(&[
                &a.nome,
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
                albo.stato.nome(),
                albo.domicilio_digitale
                    .as_ref()
                    .map(|d| d.as_str())
                    .unwrap_or_default(),
                mailbox.map(|m| m.address.as_str()).unwrap_or_default(),
                mailbox.map(|m| m.status.nome()).unwrap_or_default(),
                mailbox
                    .map(|m| m.plan_by_terms().nome())
                    .unwrap_or_default(),
                &scadenza,
                mailbox.map(|m| m.contratto.nome()).unwrap_or_default(),
            ])?;
        }
    }
    Ok(file.finish()?)
}
