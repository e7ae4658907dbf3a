//! Activation from a CSV in the Modello Anagrafiche columns: the dry run says per row what
//! would happen, the commit does it, many rows to a transaction.
//!
//! The commit goes a window of rows at a time (ten transactions on SQLite, one on
//! DynamoDB): their members and taken addresses are read, then their writes are worked out
//! while the store commits the window before. On SQLite the commit runs on a thread of its
//! own, so the two share the machine's cores; on DynamoDB the work overlaps the round trip.

use std::collections::HashMap;
use std::ops::ControlFlow;

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::address::LocalPart;
use shared::api::{BULK_ACTIVATION_MAX_ROWS, CsvReport, Mode, RowOutcome, RowReport};
use shared::catalog::Catalog;
use shared::codice_fiscale::CodiceFiscale;
use shared::lifecycle::Mailbox;
use shared::member::FieldError;
use shared::province::OrdineCode;

use super::{
    ACTIVATION, ActivationError, Aliases, Planned, activate_under, base_of, member_of,
    next_address, planned,
};
use crate::repo::Versioned;
use crate::repo::batches::{Batches, Written};
use crate::repo::members::MemberRecord;
use crate::service::{ensure, upload};
use crate::store::{ItemStore, MAX_TRANSACTION_OPS};

const REQUIRED: [&str; 3] = ["nome", "cognome", "codice_fiscale"];

/// The rows of a transaction: each activation writes four items (the member, his address,
/// the provider's command, the audit entry).
const ROWS_PER_TRANSACTION: usize = MAX_TRANSACTION_OPS / 4;

/// The transactions of a window, at most: 250 activations. A file of 1,000 goes in four
/// windows, three of them worked out while the one before is written. Each commit also
/// writes the B-tree's interior pages above the rows it changes, so smaller windows write
/// more: at 250,000 members, 38.6 kB a mailbox in windows of 1,250 rows (a whole file),
/// 41.4 kB in windows of 400, 42.5 kB of 250, 45.3 kB of 125. Windows of 125 to 400 went
/// 10-20% faster than whole files in alternated runs; 250 is in the middle.
const WINDOW_TRANSACTIONS: usize = 10;

/// Activation from a CSV: the dry run says per row what would happen, the commit does it.
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
    let mut seen: HashMap<CodiceFiscale, usize> = HashMap::new();
    let mut reports = Vec::with_capacity(rows.len());
    let mut named = Vec::with_capacity(rows.len());
    for row in &rows {
        let input = row.anagrafica();
        let mut report = RowReport::of_row(row.line, &input);
        // Only who the row names matters: the mailbox is made from the Albo's record.
        match input.identity() {
            Err(errors) => report.errori = errors,
            // The same code twice; an omocodic variant is another person, and passes.
            Ok((nome, cognome, cf)) => match seen.insert(cf.clone(), row.line) {
                Some(first) => report.errori.push(FieldError::new(
                    "codice_fiscale",
                    format!("Lo stesso codice fiscale compare già alla riga {first}."),
                )),
                None => named.push(Row {
                    at: reports.len(),
                    named: Named { nome, cognome, cf },
                }),
            },
        }
        reports.push(report);
    }
    match mode {
        Mode::DryRun => dry_run(store, caller, ordine, named, &mut reports).await?,
        Mode::Commit => {
            // The catalog in force, read once for the whole file.
            let catalog = crate::repo::catalogo::load(store).await?;
            let file = File {
                store,
                caller,
                ordine,
                now,
                catalog: &catalog,
            };
            file.commit(named, &mut reports).await?;
        }
    }
    Ok(CsvReport::of(mode, reports))
}

/// Who a row names, as read from the file.
struct Named {
    nome: String,
    cognome: String,
    cf: CodiceFiscale,
}

/// A row naming a person no earlier row of the file names.
struct Row {
    /// Where the row's report is.
    at: usize,
    named: Named,
}

/// A row whose member may be activated, as read, with the base of his address.
struct Ready {
    row: Row,
    member: Versioned<MemberRecord>,
    base: LocalPart,
}

/// A row worked out, not written yet, with the mailbox its writes activate.
struct Pending {
    row: Row,
    mailbox: Mailbox,
}

/// Each row's address as the file would have it now, without writing: the first alias free
/// and not promised to an earlier row.
async fn dry_run(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    rows: Vec<Row>,
    reports: &mut [RowReport],
) -> Result<(), ActivationError> {
    let mut aliases = Aliases::default();
    for Row { at, named } in rows {
        let report = &mut reports[at];
        report.outcome = match read_now(store, caller, ordine, &named, report).await? {
            ControlFlow::Break(outcome) => outcome,
            ControlFlow::Continue(member) => {
                match next_address(store, &member.value, &mut aliases).await {
                    Ok(indirizzo) => RowOutcome::DaAttivare { indirizzo },
                    Err(e) => refused(report, e)?,
                }
            }
        };
    }
    Ok(())
}

/// A file being activated, and what each of its rows is activated with.
struct File<'a> {
    store: &'a dyn ItemStore,
    caller: &'a Caller,
    ordine: OrdineCode,
    now: DateTime<Utc>,
    catalog: &'a Catalog,
}

impl File<'_> {
    /// Activates the rows' mailboxes, a window at a time: while one window is written, the
    /// next is worked out. Its addresses are promised on what was read before that write
    /// and on what this file promised: if a write meets another writer (an address taken, a
    /// member changed), the promises made since mean nothing, and the rows of that write
    /// and of the next window are read again and activated one at a time.
    async fn commit(
        &self,
        rows: Vec<Row>,
        reports: &mut [RowReport],
    ) -> Result<(), ActivationError> {
        let window = ROWS_PER_TRANSACTION
            * self
                .store
                .transactions_per_commit()
                .clamp(1, WINDOW_TRANSACTIONS);
        // A base is read once a file: an alias of it taken by another writer since makes a
        // conflict, and at most two windows are activated again one row at a time.
        let mut aliases = Aliases::default();
        let mut sent = Batches::default();
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let ready = self.read(&mut rows, window, &mut aliases, reports).await?;
            let (written, planned) =
                futures::join!(std::mem::take(&mut sent).write(self.store), async {
                    self.plan(ready, &mut aliases, reports)
                });
            let unwritten = self.settle(written?, reports);
            let planned = planned?;
            if unwritten.is_empty() {
                sent = planned;
            } else {
                aliases.forget();
                let again = unwritten.into_iter().chain(planned.into_rows());
                self.redo(again, reports).await?;
            }
        }
        let unwritten = self.settle(sent.write(self.store).await?, reports);
        self.redo(unwritten, reports).await
    }

    /// The next `wanted` rows whose mailbox is to be activated, their members as read now,
    /// and the aliases taken of each base not known yet; the rows read on the way whose
    /// mailbox is not to be activated get their outcome.
    async fn read(
        &self,
        rows: &mut (impl Iterator<Item = Row> + Send),
        wanted: usize,
        aliases: &mut Aliases,
        reports: &mut [RowReport],
    ) -> Result<Vec<Ready>, ActivationError> {
        let mut ready = Vec::with_capacity(wanted);
        while ready.len() < wanted {
            let Some(row) = rows.next() else { break };
            let report = &mut reports[row.at];
            let member =
                match read_now(self.store, self.caller, self.ordine, &row.named, report).await? {
                    ControlFlow::Break(outcome) => {
                        report.outcome = outcome;
                        continue;
                    }
                    ControlFlow::Continue(member) => member,
                };
            match base_of(&member.value) {
                Err(e) => report.outcome = refused(report, e)?,
                Ok(base) => {
                    aliases.learn(self.store, &base).await?;
                    ready.push(Ready { row, member, base });
                }
            }
        }
        Ok(ready)
    }

    /// The rows' writes, many rows to a transaction: each row's address is the first alias
    /// of its base neither taken nor promised, promised from now on.
    fn plan(
        &self,
        ready: Vec<Ready>,
        aliases: &mut Aliases,
        reports: &mut [RowReport],
    ) -> Result<Batches<Pending>, ActivationError> {
        let mut batches = Batches::default();
        for Ready { row, member, base } in ready {
            let alias = aliases.promise(&base);
            match planned(
                self.caller,
                member,
                self.now,
                ACTIVATION,
                self.catalog,
                &base,
                alias,
            ) {
                Err(e) => {
                    let report = &mut reports[row.at];
                    report.outcome = refused(report, e)?;
                }
                Ok(Planned { mailbox, ops }) => batches.push(Pending { row, mailbox }, ops),
            }
        }
        Ok(batches)
    }

    /// The rows of the batches written are activated; the others are returned.
    fn settle(
        &self,
        Written { written, unwritten }: Written<Pending>,
        reports: &mut [RowReport],
    ) -> Vec<Pending> {
        for Pending { row, mailbox } in written {
            let indirizzo = mailbox.address;
            tracing::info!(address = %indirizzo, ordine = %self.ordine, "mailbox activated");
            reports[row.at].outcome = RowOutcome::Attivata { indirizzo };
        }
        unwritten
    }

    /// Rows whose write, or an earlier one, met another writer: each is read again and
    /// activated on its own, in the file's order, so only rows really in conflict fail.
    async fn redo(
        &self,
        rows: impl IntoIterator<Item = Pending, IntoIter: Send>,
        reports: &mut [RowReport],
    ) -> Result<(), ActivationError> {
        for Pending { row, .. } in rows {
            let report = &mut reports[row.at];
            report.outcome = self.activated(&row.named, report).await?;
        }
        Ok(())
    }

    /// A row's mailbox activated on its own: the member is read again, and the row says
    /// what a first read says now, or is activated.
    async fn activated(
        &self,
        named: &Named,
        report: &mut RowReport,
    ) -> Result<RowOutcome, ActivationError> {
        let (store, caller, ordine) = (self.store, self.caller, self.ordine);
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
            self.now,
            ACTIVATION,
            |_| Ok(Vec::new()),
            self.catalog,
        )
        .await;
        match activated {
            Ok(mailbox) => Ok(RowOutcome::Attivata {
                indirizzo: mailbox.address,
            }),
            // Changed again while being activated (another copy of the file, say): what a
            // read says now; busy only if he may still be activated.
            Err(ActivationError::Refused(_) | ActivationError::NotInOrdine(_)) => {
                match read_now(store, caller, ordine, named, report).await? {
                    ControlFlow::Break(outcome) => Ok(outcome),
                    ControlFlow::Continue(_) => refused(report, ActivationError::Busy),
                }
            }
            Err(e) => refused(report, e),
        }
    }
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
