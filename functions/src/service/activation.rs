//! Activation of a member's mailbox by his Ordine's secretariat (or the Fondazione), one
//! at a time or from a CSV. The address is reserved in the same transaction as the
//! mailbox, its audit entry and the provider command: all or nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::address::{EmailAddress, LocalPart};
use shared::api::{ApiError, CsvReport, ErrorCode, MailboxView, Mode, RowOutcome, RowReport};
use shared::codice_fiscale::CodiceFiscale;
use shared::lifecycle::{ActivationError, Effect, Mailbox, activation_eligibility};
use shared::member::FieldError;
use shared::province::OrdineCode;

use super::csv_rows;
use super::{actor, conflict, ensure, member_target};
use crate::error::AppError;
use crate::repo::members::{self, MemberRecord};
use crate::repo::{Versioned, addresses, audit, outbox};
use crate::store::{ItemStore, StoreError};

/// Rows per request; a larger file is sent in parts, which shows progress.
pub const MAX_ROWS: usize = 1_000;
/// Attempts when another activation takes the same address at the same moment.
const ATTEMPTS: usize = 8;

fn not_in_ordine(ordine: OrdineCode) -> AppError {
    AppError::Domain(
        ApiError::new(
            ErrorCode::NotInOrdine,
            format!(
                "Il codice fiscale non risulta tra gli iscritti dell'{}.",
                ordine.nome()
            ),
        )
        .with_field("codice_fiscale"),
    )
}

fn refused(err: ActivationError) -> AppError {
    let code = match err {
        ActivationError::NotRegistered => ErrorCode::NotRegistered,
        ActivationError::AlreadyHasMailbox => ErrorCode::AlreadyActive,
    };
    AppError::Domain(ApiError::new(code, err.to_string()))
}

fn address_error(err: addresses::AddressOrStore) -> AppError {
    match err {
        addresses::AddressOrStore::Address(e) => AppError::Domain(ApiError::address(&e, "cognome")),
        addresses::AddressOrStore::Store(e) => AppError::internal(e),
    }
}

fn has_open_mailbox(record: &MemberRecord) -> bool {
    record.mailbox.as_ref().is_some_and(|m| m.status.is_open())
}

/// The member of `ordine` with this code, as the caller may see him.
async fn member_of(
    store: &dyn ItemStore,
    ordine: OrdineCode,
    cf: &CodiceFiscale,
) -> Result<Versioned<MemberRecord>, AppError> {
    match members::get(store, cf).await.map_err(AppError::internal)? {
        // Another Ordine's member is reported like an unknown one: no leak across Ordini.
        Some(member) if member.value.albo.ordine == ordine => Ok(member),
        _ => Err(not_in_ordine(ordine)),
    }
}

/// Activates the mailbox of the member with `codice_fiscale`, registered in `ordine`.
pub async fn activate(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    codice_fiscale: &str,
    now: DateTime<Utc>,
) -> Result<MailboxView, AppError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let cf = CodiceFiscale::parse(codice_fiscale)
        .map_err(|e| AppError::Domain(ApiError::codice_fiscale(&e, "codice_fiscale")))?;
    let today = crate::clock::rome_date(now);
    for _ in 0..ATTEMPTS {
        let member = member_of(store, ordine, &cf).await?;
        let record = &member.value;
        activation_eligibility(&record.albo.stato, has_open_mailbox(record)).map_err(refused)?;
        let base = LocalPart::for_person(&record.anagrafica.nome, &record.anagrafica.cognome)
            .map_err(|e| AppError::Domain(ApiError::address(&e, "cognome")))?;
        let taken = addresses::taken(store, &base)
            .await
            .map_err(AppError::internal)?;
        let alias = addresses::first_free(&taken);
        let (address, reserve) =
            addresses::reserve(&base, alias, &member_target(record.cf())).map_err(address_error)?;
        let transition = Mailbox::activate(address, record.albo.stato, today);
        let mut updated = record.clone();
        updated.mailbox = Some(transition.mailbox.clone());
        let mut ops = vec![
            reserve,
            members::replace(&updated, member.version).map_err(AppError::internal)?,
        ];
        for effect in &transition.effects {
            if let Effect::Provider(command) = effect {
                let command = outbox::OutboxCommand::provider(
                    transition.mailbox.address.as_str(),
                    *command,
                    now,
                );
                ops.push(outbox::enqueue(&command).map_err(AppError::internal)?);
            }
        }
        let entry = audit::entry(
            &actor(caller),
            &member_target(record.cf()),
            "attivazione casella",
            None::<&Mailbox>,
            Some(&transition.mailbox),
            now,
        );
        ops.push(audit::write(&entry).map_err(AppError::internal)?);
        match store.transact(ops).await {
            Ok(()) => {
                tracing::info!(address = %transition.mailbox.address, %ordine, "mailbox activated");
                return Ok(MailboxView::of(&transition.mailbox));
            }
            // The address went to a concurrent activation, or the member changed: read again.
            Err(StoreError::TransactionCancelled { .. }) => continue,
            Err(e) => return Err(AppError::internal(e)),
        }
    }
    Err(conflict())
}

const REQUIRED: [&str; 3] = ["nome", "cognome", "codice_fiscale"];

/// Activation from a CSV in the Modello Anagrafiche columns: the dry run says per row what
/// would happen, the commit does it.
pub async fn bulk(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    text: &str,
    mode: Mode,
    now: DateTime<Utc>,
) -> Result<CsvReport, AppError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let rows = csv_rows::parse(text, &REQUIRED, MAX_ROWS)?;
    // Addresses the dry run has promised to earlier rows of the same file.
    let mut promised: HashMap<LocalPart, Vec<u32>> = HashMap::new();
    let mut seen: HashMap<CodiceFiscale, usize> = HashMap::new();
    let mut reports = Vec::with_capacity(rows.len());
    for row in &rows {
        let input = row.anagrafica();
        let mut report = RowReport {
            riga: row.line,
            codice_fiscale: Some(input.codice_fiscale.trim().to_uppercase())
                .filter(|s| !s.is_empty()),
            outcome: RowOutcome::Errore,
            errori: Vec::new(),
        };
        let fallback = ordine.pec();
        let anagrafica = match input.validate(Some(&fallback)) {
            Ok(a) => a,
            Err(errors) => {
                report.errori = errors;
                reports.push(report);
                continue;
            }
        };
        let cf = anagrafica.codice_fiscale.clone();
        if let Some(first) = seen.insert(cf.person_key(), row.line) {
            report.errori.push(FieldError::new(
                "codice_fiscale",
                format!("Lo stesso codice fiscale compare già alla riga {first}."),
            ));
            reports.push(report);
            continue;
        }
        report.outcome = match members::get(store, &cf).await.map_err(AppError::internal)? {
            Some(member) if member.value.albo.ordine == ordine => {
                let record = &member.value;
                if !record
                    .anagrafica
                    .same_name(&anagrafica.nome, &anagrafica.cognome)
                {
                    report.errori.push(FieldError::new(
                        "cognome",
                        format!(
                            "Nome e cognome non corrispondono all'Albo ({} {}).",
                            record.anagrafica.nome, record.anagrafica.cognome
                        ),
                    ));
                    RowOutcome::Errore
                } else if let (true, Some(mailbox)) = (has_open_mailbox(record), &record.mailbox) {
                    RowOutcome::GiaAttiva {
                        indirizzo: mailbox.address.clone(),
                    }
                } else if !record.albo.stato.is_registered() {
                    RowOutcome::NonIscritto
                } else {
                    match mode {
                        Mode::DryRun => preview(store, record, &mut promised).await?,
                        Mode::Commit => {
                            match activate(store, caller, ordine, cf.as_str(), now).await {
                                Ok(view) => RowOutcome::Attivata {
                                    indirizzo: view.address,
                                },
                                Err(AppError::Domain(api)) => {
                                    report.errori.push(FieldError::new(
                                        api.field.as_deref().unwrap_or("codice_fiscale"),
                                        api.message,
                                    ));
                                    RowOutcome::Errore
                                }
                                Err(e) => return Err(e),
                            }
                        }
                    }
                }
            }
            _ => RowOutcome::NonIscrittoOrdine,
        };
        reports.push(report);
    }
    Ok(CsvReport::of(mode, reports))
}

/// The address a dry run announces: the first alias free now and not promised to an
/// earlier row of the same file.
async fn preview(
    store: &dyn ItemStore,
    record: &MemberRecord,
    promised: &mut HashMap<LocalPart, Vec<u32>>,
) -> Result<RowOutcome, AppError> {
    let base = LocalPart::for_person(&record.anagrafica.nome, &record.anagrafica.cognome)
        .map_err(|e| AppError::Domain(ApiError::address(&e, "cognome")))?;
    let mut taken = addresses::taken(store, &base)
        .await
        .map_err(AppError::internal)?;
    let earlier = promised.entry(base.clone()).or_default();
    taken.extend(earlier.iter().copied());
    let alias = addresses::first_free(&taken);
    earlier.push(alias);
    let local = base
        .with_alias(alias)
        .map_err(|e| AppError::Domain(ApiError::address(&e, "cognome")))?;
    Ok(RowOutcome::DaAttivare {
        indirizzo: EmailAddress::ingpec(&local),
    })
}
