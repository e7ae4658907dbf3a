//! The Albo feed: registrations, transfers, cancellations, deaths and domicilio changes,
//! as an idempotent upsert of members, from a CSV (dry run first) or one at a time. Each
//! code is one person as issued: an omocodic code is another engineer.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::address::EmailAddress;
use shared::api::{ALBO_IMPORT_MAX_ROWS, CsvReport, Mode, RowOutcome, RowReport};
use shared::catalog::Catalog;
use shared::codice_fiscale::CodiceFiscale;
use shared::lifecycle::Event;
use shared::member::{
    AlboChange, AlboRecord, Anagrafica, AnagraficaInput, FieldError, albo_changes,
    parse_albo_status,
};
use shared::province::OrdineCode;
use thiserror::Error;

use super::upload::{self, CsvError, CsvRow};
use super::{Forbidden, ensure};
use crate::repo::batches::{Batches, Written};
use crate::repo::members::{self, MemberRecord};
use crate::repo::unit_of_work::Change;
use crate::repo::{self, Ops, Versioned, ordini};
use crate::store::{ItemStore, MAX_TRANSACTION_OPS, StoreError};

#[derive(Debug, Error)]
pub enum AlboError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("dati non validi")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Csv(#[from] CsvError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The longest registration number ("A12345", "12345/B", "sez. A-12345").
const NUMERO_MAX: usize = 20;

const REQUIRED: [&str; 5] = [
    "nome",
    "cognome",
    "codice_fiscale",
    "ordine",
    "numero_iscrizione",
];

/// One member as the Albo gives it, as text (validation says what is wrong).
#[derive(Debug, Clone, PartialEq)]
pub struct AlboInput {
    pub anagrafica: AnagraficaInput,
    pub ordine: String,
    pub numero_iscrizione: String,
    pub stato: String,
    pub data_stato: String,
    pub causa: String,
    pub domicilio_digitale: String,
}

/// `PUT /api/albo/members/{codice_fiscale}`: one member, flat, in the CSV's columns.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AlboMember {
    pub nome: String,
    pub cognome: String,
    pub codice_fiscale: String,
    #[serde(default)]
    pub indirizzo: String,
    #[serde(default)]
    pub comune: String,
    #[serde(default)]
    pub provincia: String,
    #[serde(default)]
    pub cap: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub telefono: String,
    pub ordine: String,
    pub numero_iscrizione: String,
    /// iscritto (default), sospeso o cancellato
    #[serde(default)]
    pub stato: String,
    /// GG/MM/AAAA: da quando vale lo stato (sospeso, cancellato)
    #[serde(default)]
    pub data_stato: String,
    /// dimissioni, decesso, morosità, altro
    #[serde(default)]
    pub causa: String,
    #[serde(default)]
    pub domicilio_digitale: String,
}

impl From<AlboMember> for AlboInput {
    fn from(m: AlboMember) -> Self {
        Self {
            anagrafica: AnagraficaInput {
                nome: m.nome,
                cognome: m.cognome,
                codice_fiscale: m.codice_fiscale,
                indirizzo: m.indirizzo,
                comune: m.comune,
                provincia: m.provincia,
                cap: m.cap,
                email: m.email,
                telefono: m.telefono,
            },
            ordine: m.ordine,
            numero_iscrizione: m.numero_iscrizione,
            stato: m.stato,
            data_stato: m.data_stato,
            causa: m.causa,
            domicilio_digitale: m.domicilio_digitale,
        }
    }
}

impl AlboInput {
    fn from_row(row: &CsvRow) -> Self {
        Self {
            anagrafica: row.anagrafica(),
            ordine: row.get("ordine").into(),
            numero_iscrizione: row.get("numero_iscrizione").into(),
            stato: row.get("stato").into(),
            data_stato: row.get("data_stato").into(),
            causa: row.get("causa").into(),
            domicilio_digitale: row.get("domicilio_digitale").into(),
        }
    }

    /// Every problem of the row at once. `fallback` gives an Ordine's secretariat email,
    /// which stands in for a member without an ordinary email (Modello Anagrafiche).
    pub fn validate(
        &self,
        fallback: &HashMap<OrdineCode, EmailAddress>,
    ) -> Result<(Anagrafica, AlboRecord), Vec<FieldError>> {
        let mut errors = Vec::new();
        let ordine = OrdineCode::parse(&self.ordine)
            .map_err(|e| errors.push(FieldError::new("ordine", e)))
            .ok();
        let fallback = ordine.and_then(|o| fallback.get(&o));
        let anagrafica = upload::validate_anagrafica(&self.anagrafica, fallback)
            .map_err(|e| errors.extend(e))
            .ok();
        let numero = self.numero_iscrizione.trim();
        if numero.is_empty() {
            errors.push(FieldError::new(
                "numero_iscrizione",
                "Il numero di iscrizione è obbligatorio.",
            ));
        } else if numero.chars().count() > NUMERO_MAX
            || !numero
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '/' | '-' | '.'))
        {
            errors.push(FieldError::new(
                "numero_iscrizione",
                format!(
                    "Il numero di iscrizione può avere al massimo {NUMERO_MAX} caratteri: lettere, cifre, spazi, / - ."
                ),
            ));
        }
        let stato = parse_albo_status(&self.stato, &self.data_stato, &self.causa)
            .map_err(|e| errors.extend(e))
            .ok();
        let domicilio = match self.domicilio_digitale.trim() {
            "" => Some(None),
            pec => EmailAddress::parse(pec)
                .map(Some)
                .map_err(|e| errors.push(FieldError::new("domicilio_digitale", e)))
                .ok(),
        };
        match (anagrafica, ordine, stato, domicilio, errors.is_empty()) {
            (Some(anagrafica), Some(ordine), Some(stato), Some(domicilio_digitale), true) => Ok((
                anagrafica,
                AlboRecord {
                    ordine,
                    numero_iscrizione: numero.to_owned(),
                    stato,
                    domicilio_digitale,
                },
            )),
            _ => Err(errors),
        }
    }
}

/// A row, checked. Contact data matter only for a new member (then the holder keeps
/// his), so a row for a known member that lacks only the email is taken as it is.
async fn validate(
    store: &dyn ItemStore,
    input: &AlboInput,
    fallback: &HashMap<OrdineCode, EmailAddress>,
) -> Result<Result<(Anagrafica, AlboRecord), Vec<FieldError>>, StoreError> {
    let checked = input.validate(fallback);
    let Err(errors) = &checked else {
        return Ok(checked);
    };
    let only_the_email =
        input.anagrafica.email.trim().is_empty() && errors.iter().all(|e| e.field == "email");
    let known = match CodiceFiscale::parse(&input.anagrafica.codice_fiscale) {
        Ok(cf) if only_the_email => members::get(store, &cf).await?,
        _ => None,
    };
    // The row's own Ordine (a transfer names the new one) with the email he has.
    Ok(match (known, OrdineCode::parse(&input.ordine)) {
        (Some(member), Ok(ordine)) => {
            let theirs = HashMap::from([(ordine, member.value.anagrafica.email)]);
            input.validate(&theirs).or(checked)
        }
        _ => checked,
    })
}

/// The secretariat emails of the Ordini named in `inputs`, for members without an email.
async fn fallbacks(
    store: &dyn ItemStore,
    inputs: &[&AlboInput],
) -> Result<HashMap<OrdineCode, EmailAddress>, StoreError> {
    let mut ordini: Vec<OrdineCode> = inputs
        .iter()
        .filter(|i| i.anagrafica.email.trim().is_empty())
        .filter_map(|i| OrdineCode::parse(&i.ordine).ok())
        .collect();
    ordini.sort();
    ordini.dedup();
    let mut emails = HashMap::new();
    for ordine in ordini {
        if let Some(email) = ordini::email_segreteria(store, ordine).await? {
            emails.insert(ordine, email);
        }
    }
    Ok(emails)
}

/// Imports a CSV of the Albo: a dry run reports per row what would change; a commit
/// applies it. Running the same file twice changes nothing the second time.
pub async fn import_csv(
    store: &dyn ItemStore,
    caller: &Caller,
    file: &[u8],
    mode: Mode,
    now: DateTime<Utc>,
) -> Result<CsvReport, AlboError> {
    ensure(caller.can_import_albo())?;
    let rows = upload::read(file, &REQUIRED, ALBO_IMPORT_MAX_ROWS)?;
    let inputs: Vec<AlboInput> = rows.iter().map(AlboInput::from_row).collect();
    let fallback = fallbacks(store, &inputs.iter().collect::<Vec<_>>()).await?;
    let mut seen: HashMap<CodiceFiscale, usize> = HashMap::new();
    let mut reports = Vec::with_capacity(rows.len());
    let mut checked = Vec::with_capacity(rows.len());
    for (row, input) in rows.iter().zip(&inputs) {
        let mut report = RowReport::of_row(row.line, &input.anagrafica);
        match validate(store, input, &fallback).await? {
            Err(errors) => report.errori = errors,
            Ok((anagrafica, albo)) => {
                match seen.insert(anagrafica.codice_fiscale.clone(), row.line) {
                    Some(first) => report.errori.push(FieldError::new(
                        "codice_fiscale",
                        format!("Lo stesso codice fiscale compare già alla riga {first}."),
                    )),
                    None => checked.push(Checked {
                        at: reports.len(),
                        anagrafica,
                        albo,
                    }),
                }
            }
        }
        reports.push(report);
    }
    // The catalog in force, read once for the whole file (a suspension or a cancellation
    // moves a mailbox on by its rules).
    let catalog = crate::repo::catalogo::load(store).await?;
    let file = File {
        store,
        caller,
        mode,
        now,
        catalog: &catalog,
    };
    file.apply(checked, &mut reports).await?;
    Ok(CsvReport::of(mode, reports))
}

/// One member from the Albo, applied at once.
pub async fn upsert_one(
    store: &dyn ItemStore,
    caller: &Caller,
    input: &AlboInput,
    now: DateTime<Utc>,
) -> Result<RowOutcome, AlboError> {
    ensure(caller.can_import_albo())?;
    let fallback = fallbacks(store, &[input]).await?;
    let (anagrafica, albo) = validate(store, input, &fallback)
        .await?
        .map_err(AlboError::Invalid)?;
    let catalog = crate::repo::catalogo::load(store).await?;
    let row = Checked {
        at: 0,
        anagrafica,
        albo,
    };
    Ok(upsert(store, caller, &row, &catalog, now).await?)
}

/// The rows of a window, at most: as many transactions as the store commits together,
/// of rows writing two items each (the member and his audit entry). On SQLite that is a
/// whole file (its `TRANSACTIONS_PER_COMMIT`); on DynamoDB, one transaction.
fn window(store: &dyn ItemStore) -> usize {
    MAX_TRANSACTION_OPS / 2 * store.transactions_per_commit().max(1)
}

/// A valid row naming a person no earlier row of the file names.
struct Checked {
    /// Where the row's report is.
    at: usize,
    anagrafica: Anagrafica,
    albo: AlboRecord,
}

/// A row with its member as read (`None`: not in the store).
struct Read {
    row: Checked,
    existing: Option<Versioned<MemberRecord>>,
}

/// A row planned but not written yet, with its outcome once written.
struct Pending {
    row: Checked,
    outcome: RowOutcome,
}

/// One file being applied.
struct File<'a> {
    store: &'a dyn ItemStore,
    caller: &'a Caller,
    mode: Mode,
    now: DateTime<Utc>,
    catalog: &'a Catalog,
}

impl File<'_> {
    /// Applies the rows a window at a time: the window's members are read, then its
    /// writes are worked out while the store commits the window before (on SQLite, on a
    /// thread of its own). A row planned on a read older than another writer's change
    /// fails its write's condition, and is read and written again on its own.
    async fn apply(&self, rows: Vec<Checked>, reports: &mut [RowReport]) -> Result<(), StoreError> {
        let window = window(self.store);
        let mut sent = Batches::default();
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let mut read = Vec::with_capacity(window);
            for row in rows.by_ref().take(window) {
                let existing = members::get(self.store, &row.anagrafica.codice_fiscale).await?;
                read.push(Read { row, existing });
            }
            let (written, planned) =
                futures::join!(std::mem::take(&mut sent).write(self.store), async {
                    self.plan(read, reports)
                });
            let unwritten = settle(written?, reports);
            self.redo(unwritten, reports).await?;
            sent = planned?;
        }
        let unwritten = settle(sent.write(self.store).await?, reports);
        self.redo(unwritten, reports).await
    }

    /// The rows' writes, many rows to a transaction; a row with nothing to write (a dry
    /// run, or nothing changed) gets its outcome now.
    fn plan(
        &self,
        read: Vec<Read>,
        reports: &mut [RowReport],
    ) -> Result<Batches<Pending>, StoreError> {
        let mut batches = Batches::default();
        for Read { row, existing } in read {
            let Planned { outcome, ops } = planned(
                self.caller,
                &row,
                existing,
                self.catalog,
                self.mode,
                self.now,
            )?;
            if ops.is_empty() {
                reports[row.at].outcome = outcome;
            } else {
                batches.push(Pending { row, outcome }, ops);
            }
        }
        Ok(batches)
    }

    /// Rows whose write, or an earlier one, met another writer: each is read again and
    /// written on its own, in the file's order, so only rows really in conflict fail.
    async fn redo(&self, rows: Vec<Pending>, reports: &mut [RowReport]) -> Result<(), StoreError> {
        for Pending { row, .. } in rows {
            let report = &mut reports[row.at];
            match upsert(self.store, self.caller, &row, self.catalog, self.now).await {
                Ok(outcome) => report.outcome = outcome,
                Err(e) if e.is_condition_failed() => report.errori.push(FieldError::new(
                    "codice_fiscale",
                    "I dati dell'iscritto sono stati modificati nel frattempo: importa di nuovo questa riga.",
                )),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// The rows of the batches written get their outcome; the others are returned.
fn settle(
    Written { written, unwritten }: Written<Pending>,
    reports: &mut [RowReport],
) -> Vec<Pending> {
    for Pending { row, outcome } in written {
        reports[row.at].outcome = outcome;
    }
    unwritten
}

/// One row read and written on its own.
async fn upsert(
    store: &dyn ItemStore,
    caller: &Caller,
    row: &Checked,
    catalog: &Catalog,
    now: DateTime<Utc>,
) -> Result<RowOutcome, StoreError> {
    let existing = members::get(store, &row.anagrafica.codice_fiscale).await?;
    let planned = planned(caller, row, existing, catalog, Mode::Commit, now)?;
    if !planned.ops.is_empty() {
        repo::commit(store, planned.ops).await?;
    }
    Ok(planned.outcome)
}

/// What applying one row takes: its outcome, and the writes (none for a dry run or when
/// nothing changes).
struct Planned {
    outcome: RowOutcome,
    ops: Ops,
}

/// The row over its member as read (`existing`), worked out without reading.
fn planned(
    caller: &Caller,
    row: &Checked,
    existing: Option<Versioned<MemberRecord>>,
    catalog: &Catalog,
    mode: Mode,
    now: DateTime<Utc>,
) -> Result<Planned, StoreError> {
    let today = crate::clock::rome_date(now);
    let albo = row.albo.clone();
    let anagrafica = row
        .anagrafica
        .clone()
        .from_albo_over(existing.as_ref().map(|m| &m.value.anagrafica));
    let before = existing
        .as_ref()
        .map(|m| (&m.value.anagrafica, &m.value.albo));
    let changes = albo_changes(before, (&anagrafica, &albo));
    let outcome = match (&existing, changes.is_empty()) {
        (_, true) => RowOutcome::Invariato,
        (None, _) => RowOutcome::Nuovo,
        (Some(_), _) => RowOutcome::Aggiornato {
            modifiche: changes.clone(),
        },
    };
    if mode == Mode::DryRun || changes.is_empty() {
        return Ok(Planned {
            outcome,
            ops: Vec::new(),
        });
    }
    let mut after = match &existing {
        None => MemberRecord::new(anagrafica, albo),
        Some(current) => {
            let mut record = current.value.clone();
            record.anagrafica = anagrafica;
            record.diffida = shared::domicilio::dopo_albo(
                record.diffida.as_ref(),
                &albo,
                record.mailbox.as_ref(),
                today,
            );
            record.albo = albo;
            record
        }
    };
    let mut effects = Vec::new();
    let stato_changed = existing
        .as_ref()
        .is_some_and(|m| m.value.albo.stato != after.albo.stato);
    if let (Some(mailbox), true) = (&after.mailbox, stato_changed) {
        let transition = mailbox
            .apply_with(
                &Event::Albo {
                    stato: after.albo.stato,
                },
                today,
                catalog,
            )
            .expect("an Albo change is never refused");
        effects = transition.effects;
        after.mailbox = Some(transition.mailbox);
    }
    let change = Change {
        before: existing,
        after,
        effects,
        actor: caller.actor(),
        action: format!("albo: {}", describe(&changes)),
    };
    let (ops, _, _) = change.into_ops(now)?;
    Ok(Planned { outcome, ops })
}

fn describe(changes: &[AlboChange]) -> String {
    changes
        .iter()
        .map(|c| match c {
            AlboChange::Iscrizione => "iscrizione".to_owned(),
            AlboChange::Trasferimento { da, a } => format!("trasferimento da {da} a {a}"),
            AlboChange::Stato { .. } => "stato nell'Albo".to_owned(),
            AlboChange::DomicilioDigitale { .. } => "domicilio digitale".to_owned(),
            AlboChange::NumeroIscrizione => "numero di iscrizione".to_owned(),
            AlboChange::Anagrafica => "anagrafica".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
