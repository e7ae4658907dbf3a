//! Activation of a member's mailbox by his Ordine's secretariat (or the Fondazione), one
//! at a time or from a CSV. The address is reserved in the same transaction as the
//! mailbox, its provider command and its audit entry: all or nothing.

use std::collections::HashMap;
use std::ops::ControlFlow;

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::address::{AddressError, EmailAddress, LocalPart};
use shared::api::{
    ActivationPreview, BULK_ACTIVATION_MAX_ROWS, CsvReport, MailboxView, Mode, RowOutcome,
    RowReport,
};
use shared::catalog::Catalog;
use shared::codice_fiscale::{CodiceFiscale, CodiceFiscaleError};
use shared::lifecycle::{Mailbox, activation_eligibility};
use shared::member::FieldError;
use shared::province::OrdineCode;
use thiserror::Error;

use super::upload::{self, CsvError};
use super::{Forbidden, ensure};
use crate::repo::members::{self, MemberRecord};
use crate::repo::unit_of_work::Change;
use crate::repo::{self, Ops, Versioned, addresses};
use crate::store::{ItemStore, MAX_TRANSACTION_OPS, StoreError};

/// Attempts when another activation takes the same address at the same moment.
const ATTEMPTS: usize = 8;

/// What the audit trail says of an activation by the secretariat.
const ACTIVATION: &str = "attivazione casella";

#[derive(Debug, Error)]
pub enum ActivationError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    CodiceFiscale(#[from] CodiceFiscaleError),
    /// Also for another Ordine's member: nothing leaks across Ordini.
    #[error("Il codice fiscale non risulta tra gli iscritti dell'{}.", .0.nome())]
    NotInOrdine(OrdineCode),
    #[error(transparent)]
    Refused(#[from] shared::lifecycle::ActivationError),
    #[error(transparent)]
    Address(#[from] AddressError),
    #[error(transparent)]
    Csv(#[from] CsvError),
    /// Others kept taking the address or changing the member: tried enough.
    #[error(
        "L'iscritto o il suo indirizzo sono stati modificati più volte nel frattempo: riprova tra poco."
    )]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<addresses::AddressOrStore> for ActivationError {
    fn from(err: addresses::AddressOrStore) -> Self {
        match err {
            addresses::AddressOrStore::Address(e) => e.into(),
            addresses::AddressOrStore::Store(e) => e.into(),
        }
    }
}

/// The member of `ordine` with this code, if the Ordine may act on him: registered there now.
async fn member_of(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    cf: &CodiceFiscale,
) -> Result<Versioned<MemberRecord>, ActivationError> {
    match members::get(store, cf).await? {
        Some(member)
            if member.value.albo.ordine == ordine
                && caller.can_read_member(cf, member.value.standing()) =>
        {
            Ok(member)
        }
        _ => Err(ActivationError::NotInOrdine(ordine)),
    }
}

/// Activates the mailbox of the member with `codice_fiscale`, registered in `ordine`.
pub async fn activate(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    codice_fiscale: &str,
    now: DateTime<Utc>,
) -> Result<MailboxView, ActivationError> {
    let cf = CodiceFiscale::parse(codice_fiscale)?;
    let mailbox = activate_with(store, caller, ordine, &cf, now, ACTIVATION, |_| {
        Ok(Vec::new())
    })
    .await?;
    Ok(MailboxView::of(&mailbox))
}

/// Activates `cf`'s mailbox, recording `action`; `also` gives, for the mailbox made, more
/// writes of the same transaction (the decision on his request, its notice).
pub(crate) async fn activate_with(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    cf: &CodiceFiscale,
    now: DateTime<Utc>,
    action: &str,
    also: impl Fn(&Mailbox) -> Result<Ops, StoreError>,
) -> Result<Mailbox, ActivationError> {
    ensure(caller.can_manage_ordine(ordine))?;
    // The catalog in force, read once for every attempt.
    let catalog = crate::repo::catalogo::load(store).await?;
    activate_under(store, caller, ordine, cf, None, now, action, also, &catalog).await
}

/// [`activate_with`] under `catalog`, read by the caller (once for a whole CSV); `read` is
/// the member as the caller has just read him, if it has.
#[allow(clippy::too_many_arguments)]
async fn activate_under(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    cf: &CodiceFiscale,
    mut read: Option<Versioned<MemberRecord>>,
    now: DateTime<Utc>,
    action: &str,
    also: impl Fn(&Mailbox) -> Result<Ops, StoreError>,
    catalog: &Catalog,
) -> Result<Mailbox, ActivationError> {
    ensure(caller.can_manage_ordine(ordine))?;
    for _ in 0..ATTEMPTS {
        let member = match read.take() {
            Some(member) => member,
            None => member_of(store, caller, ordine, cf).await?,
        };
        let planned = plan(
            store,
            caller,
            member,
            now,
            action,
            catalog,
            &mut HashMap::new(),
        )
        .await?;
        let mut ops = planned.ops;
        ops.extend(also(&planned.mailbox)?);
        match repo::commit(store, ops).await {
            Ok(()) => {
                tracing::info!(address = %planned.mailbox.address, %ordine, "mailbox activated");
                return Ok(planned.mailbox);
            }
            // The address went to a concurrent activation, or the member changed: read again.
            Err(e) if e.is_condition_failed() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ActivationError::Busy)
}

/// An activation worked out on `member` as read, not written yet.
struct Planned {
    mailbox: Mailbox,
    /// The member with his mailbox, its provider command and audit entry, the address.
    ops: Ops,
}

/// The mailbox activating `member` makes now, and its writes: the address is the first
/// alias neither taken nor `promised` to an earlier row of the same file.
async fn plan(
    store: &dyn ItemStore,
    caller: &Caller,
    member: Versioned<MemberRecord>,
    now: DateTime<Utc>,
    action: &str,
    catalog: &Catalog,
    promised: &mut HashMap<LocalPart, Vec<u32>>,
) -> Result<Planned, ActivationError> {
    let record = &member.value;
    activation_eligibility(&record.albo.stato, record.has_open_mailbox())?;
    let base = LocalPart::for_person(&record.anagrafica.nome, &record.anagrafica.cognome)?;
    let alias = free_alias(store, &base, promised).await?;
    let holder = shared::audit::AuditTarget::Member(record.anagrafica.codice_fiscale.clone());
    let (address, reserve) = addresses::reserve(&base, alias, &holder.to_string())?;
    let today = crate::clock::rome_date(now);
    let transition = Mailbox::activate_with(address, record.albo.stato, today, catalog);
    let mut after = record.clone();
    after.mailbox = Some(transition.mailbox.clone());
    let change = Change {
        before: Some(member),
        after,
        effects: transition.effects,
        actor: caller.actor(),
        action: action.to_owned(),
    };
    let (mut ops, _, _) = change.into_ops(now)?;
    ops.push(reserve);
    Ok(Planned {
        mailbox: transition.mailbox,
        ops,
    })
}

/// The address activating `codice_fiscale`'s mailbox would create now, if it may be
/// activated: shown to the secretariat before it confirms (an address is for good).
pub async fn preview(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    codice_fiscale: &str,
) -> Result<ActivationPreview, ActivationError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let cf = CodiceFiscale::parse(codice_fiscale)?;
    let member = member_of(store, caller, ordine, &cf).await?;
    let record = &member.value;
    activation_eligibility(&record.albo.stato, record.has_open_mailbox())?;
    Ok(ActivationPreview {
        indirizzo: next_address(store, record, &mut HashMap::new()).await?,
    })
}

const REQUIRED: [&str; 3] = ["nome", "cognome", "codice_fiscale"];

/// Activation from a CSV in the Modello Anagrafiche columns: the dry run says per row what
/// would happen, the commit does it, many rows to a transaction.
pub async fn bulk(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    file: &[u8],
    mode: Mode,
    now: DateTime<Utc>,
) -> Result<CsvReport, ActivationError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let rows = upload::read(file, &REQUIRED, BULK_ACTIVATION_MAX_ROWS)?;
    // The catalog in force, read once for the whole file.
    let catalog = crate::repo::catalogo::load(store).await?;
    // Addresses promised to earlier rows of the same file: by the dry run, or in a
    // transaction not written yet (or written since, and so taken anyway).
    let mut promised: HashMap<LocalPart, Vec<u32>> = HashMap::new();
    let mut seen: HashMap<CodiceFiscale, usize> = HashMap::new();
    let mut reports = Vec::with_capacity(rows.len());
    // Rows are written many to a transaction, and as many transactions at once as the
    // store commits together: `batches` are full, `batch` is filling.
    let mut batches: Vec<Batch> = Vec::new();
    let mut batch = Batch::default();
    for row in &rows {
        let input = row.anagrafica();
        let mut report = RowReport::of_row(row.line, &input);
        // Only who the row names matters: the mailbox is made from the Albo's record.
        let named = match input.identity() {
            Ok((nome, cognome, cf)) => Named { nome, cognome, cf },
            Err(errors) => {
                report.errori = errors;
                reports.push(report);
                continue;
            }
        };
        // The same code twice; an omocodic variant is another person, and passes.
        if let Some(first) = seen.insert(named.cf.clone(), row.line) {
            report.errori.push(FieldError::new(
                "codice_fiscale",
                format!("Lo stesso codice fiscale compare già alla riga {first}."),
            ));
            reports.push(report);
            continue;
        }
        let member = match member_of(store, caller, ordine, &named.cf).await {
            Err(ActivationError::NotInOrdine(_)) => {
                report.outcome = RowOutcome::NonIscrittoOrdine;
                reports.push(report);
                continue;
            }
            Err(e) => return Err(e),
            Ok(member) => member,
        };
        let record = &member.value;
        report.outcome = if let Some(outcome) = settled(record, &named, &mut report) {
            outcome
        } else {
            match mode {
                Mode::DryRun => match next_address(store, record, &mut promised).await {
                    Ok(indirizzo) => RowOutcome::DaAttivare { indirizzo },
                    Err(e) => refused(&mut report, e)?,
                },
                Mode::Commit => {
                    match plan(
                        store,
                        caller,
                        member,
                        now,
                        ACTIVATION,
                        &catalog,
                        &mut promised,
                    )
                    .await
                    {
                        Err(e) => refused(&mut report, e)?,
                        Ok(planned) => {
                            if batch.ops() + planned.ops.len() > MAX_TRANSACTION_OPS {
                                batches.push(std::mem::take(&mut batch));
                            }
                            // The full batches are written first when the store would
                            // commit them together. If one met another writer, the addresses
                            // promised to it and after it mean nothing now: this row is read
                            // again and activated on its own.
                            let due = batches.len() >= store.transactions_per_commit().max(1);
                            if due
                                && !write(
                                    store,
                                    caller,
                                    ordine,
                                    now,
                                    &catalog,
                                    std::mem::take(&mut batches),
                                    &mut reports,
                                )
                                .await?
                            {
                                // Only this row was planned since: none pending loses its
                                // promise.
                                debug_assert!(batch.rows.is_empty());
                                promised.clear();
                                activated(store, caller, ordine, &named, now, &catalog, &mut report)
                                    .await?
                            } else {
                                batch.rows.push(Pending {
                                    report: reports.len(),
                                    named,
                                    planned,
                                });
                                // Set when the batches are written.
                                RowOutcome::Errore
                            }
                        }
                    }
                }
            }
        };
        reports.push(report);
    }
    batches.push(batch);
    write(store, caller, ordine, now, &catalog, batches, &mut reports).await?;
    Ok(CsvReport::of(mode, reports))
}

/// Rows of a CSV planned but not written yet.
#[derive(Default)]
struct Batch {
    rows: Vec<Pending>,
}

struct Pending {
    /// Where the row's report is.
    report: usize,
    named: Named,
    planned: Planned,
}

impl Batch {
    fn ops(&self) -> usize {
        self.rows.iter().map(|row| row.planned.ops.len()).sum()
    }
}

/// Writes each batch in one transaction, in order (in one commit where the store can), and
/// says whether all were written. If one met another writer (an address taken, a member
/// changed), the addresses promised to it and to the batches after it mean nothing now:
/// each of their rows is read again and activated on its own, in the file's order, so only
/// rows really in conflict fail.
async fn write(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    now: DateTime<Utc>,
    catalog: &Catalog,
    mut batches: Vec<Batch>,
    reports: &mut [RowReport],
) -> Result<bool, ActivationError> {
    batches.retain(|batch| !batch.rows.is_empty());
    let count = batches.len();
    let transactions = batches
        .iter_mut()
        .map(|batch| {
            batch
                .rows
                .iter_mut()
                .flat_map(|row| std::mem::take(&mut row.planned.ops))
                .collect()
        })
        .collect();
    let written = repo::commit_each(store, transactions).await?;
    let mut batches = batches.into_iter();
    for row in batches.by_ref().take(written).flat_map(|batch| batch.rows) {
        let indirizzo = row.planned.mailbox.address;
        tracing::info!(address = %indirizzo, %ordine, "mailbox activated");
        reports[row.report].outcome = RowOutcome::Attivata { indirizzo };
    }
    for row in batches.flat_map(|batch| batch.rows) {
        let report = &mut reports[row.report];
        report.outcome = activated(store, caller, ordine, &row.named, now, catalog, report).await?;
    }
    Ok(written == count)
}

/// What a row comes to without an activation, from its member as read: a name other than
/// the Albo's, a mailbox already open, a member no longer registered. `None`: his mailbox
/// may be activated.
fn settled(record: &MemberRecord, named: &Named, report: &mut RowReport) -> Option<RowOutcome> {
    if !record.anagrafica.same_name(&named.nome, &named.cognome) {
        report.errori.push(FieldError::new(
            "cognome",
            format!(
                "Nome e cognome non corrispondono all'Albo ({} {}).",
                record.anagrafica.nome, record.anagrafica.cognome
            ),
        ));
        Some(RowOutcome::Errore)
    } else if let (true, Some(mailbox)) = (record.has_open_mailbox(), &record.mailbox) {
        Some(RowOutcome::GiaAttiva {
            indirizzo: mailbox.address.clone(),
        })
    } else if !record.albo.stato.is_registered() {
        Some(RowOutcome::NonIscritto)
    } else {
        None
    }
}

/// Who a row names, as read from the file.
struct Named {
    nome: String,
    cognome: String,
    cf: CodiceFiscale,
}

/// A row's mailbox activated on its own, after its batch or an earlier one met another
/// writer: the member is read again, and the row says what a first read says now, or is
/// activated.
async fn activated(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    named: &Named,
    now: DateTime<Utc>,
    catalog: &Catalog,
    report: &mut RowReport,
) -> Result<RowOutcome, ActivationError> {
    let member = match read_now(store, caller, ordine, named, report).await? {
        ControlFlow::Continue(member) => member,
        ControlFlow::Break(outcome) => return Ok(outcome),
    };
    let activated = activate_under(
        store,
        caller,
        ordine,
        &named.cf,
        Some(member),
        now,
        ACTIVATION,
        |_| Ok(Vec::new()),
        catalog,
    )
    .await;
    match activated {
        Ok(mailbox) => Ok(RowOutcome::Attivata {
            indirizzo: mailbox.address,
        }),
        // Changed again while being activated (another copy of the file, say): what a read
        // says now; busy only if he may still be activated.
        Err(ActivationError::Refused(_) | ActivationError::NotInOrdine(_)) => {
            match read_now(store, caller, ordine, named, report).await? {
                ControlFlow::Break(outcome) => Ok(outcome),
                ControlFlow::Continue(_) => refused(report, ActivationError::Busy),
            }
        }
        Err(e) => refused(report, e),
    }
}

/// The row's member as read now, to be activated; or what the row comes to without an
/// activation ([`settled`]; a member out of the Ordine's reach settles as not registered
/// there).
async fn read_now(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    named: &Named,
    report: &mut RowReport,
) -> Result<ControlFlow<RowOutcome, Versioned<MemberRecord>>, ActivationError> {
    match member_of(store, caller, ordine, &named.cf).await {
        Ok(member) => Ok(match settled(&member.value, named, report) {
            Some(outcome) => ControlFlow::Break(outcome),
            None => ControlFlow::Continue(member),
        }),
        Err(ActivationError::NotInOrdine(_)) => {
            Ok(ControlFlow::Break(RowOutcome::NonIscrittoOrdine))
        }
        Err(e) => refused(report, e).map(ControlFlow::Break),
    }
}

/// A row the activation refuses, with the reason on the field it concerns; a store's
/// failure, or a caller's lack of rights, stops the whole file.
fn refused(report: &mut RowReport, err: ActivationError) -> Result<RowOutcome, ActivationError> {
    let field = match err {
        ActivationError::Store(_) | ActivationError::Forbidden(_) => return Err(err),
        ActivationError::Address(_) => "cognome",
        _ => "codice_fiscale",
    };
    report.errori.push(FieldError::new(field, err));
    Ok(RowOutcome::Errore)
}

/// The address an activation would create now: the first alias free and not promised to
/// an earlier row of the same file.
async fn next_address(
    store: &dyn ItemStore,
    record: &MemberRecord,
    promised: &mut HashMap<LocalPart, Vec<u32>>,
) -> Result<EmailAddress, ActivationError> {
    let base = LocalPart::for_person(&record.anagrafica.nome, &record.anagrafica.cognome)?;
    let alias = free_alias(store, &base, promised).await?;
    Ok(EmailAddress::ingpec(&base.with_alias(alias)?))
}

/// The first alias of `base` neither taken nor promised, promised from now on.
async fn free_alias(
    store: &dyn ItemStore,
    base: &LocalPart,
    promised: &mut HashMap<LocalPart, Vec<u32>>,
) -> Result<u32, StoreError> {
    let mut taken = addresses::taken(store, base).await?;
    let earlier = promised.entry(base.clone()).or_default();
    taken.extend(earlier.iter().copied());
    let alias = addresses::first_free(&taken);
    earlier.push(alias);
    Ok(alias)
}
