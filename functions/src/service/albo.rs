//! The Albo feed: registrations, transfers, cancellations, deaths and domicilio changes,
//! as an idempotent upsert of members, from a CSV (dry run first) or one at a time.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::address::EmailAddress;
use shared::api::{CsvReport, ErrorCode, Mode, RowOutcome, RowReport};
use shared::codice_fiscale::CodiceFiscale;
use shared::lifecycle::Event;
use shared::member::{
    AlboChange, AlboRecord, Anagrafica, AnagraficaInput, FieldError, albo_changes,
    parse_albo_status,
};
use shared::province::OrdineCode;

use super::csv_rows::{self, CsvRow};
use super::{actor, conflict, ensure, member_target};
use crate::error::AppError;
use crate::repo::members::{self, MemberRecord};
use crate::repo::{audit, outbox};
use crate::store::{ItemStore, MAX_TRANSACTION_OPS, StoreError, WriteOp};

/// Rows per request; a larger Albo is sent in parts.
pub const MAX_ROWS: usize = 5_000;

const REQUIRED: [&str; 5] = [
    "nome",
    "cognome",
    "codice_fiscale",
    "ordine",
    "numero_iscrizione",
];

/// One member as the Albo gives it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AlboInput {
    #[serde(flatten)]
    pub anagrafica: AnagraficaInput,
    pub ordine: String,
    pub numero_iscrizione: String,
    /// iscritto, sospeso o cancellato
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

    /// Every problem of the row at once.
    pub fn validate(&self) -> Result<(Anagrafica, AlboRecord), Vec<FieldError>> {
        let mut errors = Vec::new();
        let ordine = OrdineCode::parse(&self.ordine)
            .map_err(|e| errors.push(FieldError::new("ordine", e)))
            .ok();
        // The Modello Anagrafiche: no ordinary email means the Ordine's address.
        let fallback = ordine.map(|o| o.pec());
        let anagrafica = self
            .anagrafica
            .validate(fallback.as_ref())
            .map_err(|e| errors.extend(e))
            .ok();
        let numero = self.numero_iscrizione.trim();
        if numero.is_empty() {
            errors.push(FieldError::new(
                "numero_iscrizione",
                "Il numero di iscrizione è obbligatorio.",
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

/// Imports a CSV of the Albo: a dry run reports per row what would change; a commit
/// applies it. Running the same file twice changes nothing the second time.
pub async fn import_csv(
    store: &dyn ItemStore,
    caller: &Caller,
    text: &str,
    mode: Mode,
    now: DateTime<Utc>,
) -> Result<CsvReport, AppError> {
    ensure(caller.can_import_albo())?;
    let rows = csv_rows::parse(text, &REQUIRED, MAX_ROWS)?;
    let mut seen: HashMap<CodiceFiscale, usize> = HashMap::new();
    let mut reports = Vec::with_capacity(rows.len());
    // Rows are written many to a transaction; `batch` holds those not written yet.
    let mut batch: Vec<Pending> = Vec::new();
    for row in &rows {
        let input = AlboInput::from_row(row);
        let mut report = RowReport {
            riga: row.line,
            codice_fiscale: Some(input.anagrafica.codice_fiscale.trim().to_uppercase())
                .filter(|s| !s.is_empty()),
            outcome: RowOutcome::Errore,
            errori: Vec::new(),
        };
        match input.validate() {
            Err(errors) => report.errori = errors,
            Ok((anagrafica, albo)) => {
                let key = anagrafica.codice_fiscale.person_key();
                if let Some(first) = seen.insert(key, row.line) {
                    report.errori.push(FieldError::new(
                        "codice_fiscale",
                        format!("Lo stesso codice fiscale compare già alla riga {first}."),
                    ));
                } else {
                    let planned = plan(store, caller, anagrafica.clone(), albo.clone(), mode, now)
                        .await
                        .map_err(AppError::internal)?;
                    if planned.ops.is_empty() {
                        report.outcome = planned.outcome;
                    } else {
                        let queued: usize = batch.iter().map(|p| p.planned.ops.len()).sum();
                        if queued + planned.ops.len() > MAX_TRANSACTION_OPS {
                            flush(store, caller, now, &mut batch, &mut reports).await?;
                        }
                        batch.push(Pending {
                            report: reports.len(),
                            anagrafica,
                            albo,
                            planned,
                        });
                    }
                }
            }
        }
        reports.push(report);
    }
    flush(store, caller, now, &mut batch, &mut reports).await?;
    Ok(CsvReport::of(mode, reports))
}

/// One member from the Albo, applied at once.
pub async fn upsert_one(
    store: &dyn ItemStore,
    caller: &Caller,
    input: &AlboInput,
    now: DateTime<Utc>,
) -> Result<RowOutcome, AppError> {
    ensure(caller.can_import_albo())?;
    let (anagrafica, albo) = input.validate().map_err(|errors| {
        let first = errors
            .first()
            .cloned()
            .unwrap_or_else(|| FieldError::new("", "Dati non validi."));
        AppError::Domain(
            shared::api::ApiError::new(ErrorCode::InvalidInput, first.message)
                .with_field(first.field),
        )
    })?;
    match upsert(store, caller, anagrafica, albo, Mode::Commit, now).await {
        Ok(outcome) => Ok(outcome),
        Err(UpsertError::Conflict) => Err(conflict()),
        Err(UpsertError::Store(e)) => Err(AppError::internal(e)),
    }
}

/// A row planned but not written yet.
struct Pending {
    report: usize,
    anagrafica: Anagrafica,
    albo: AlboRecord,
    planned: Planned,
}

/// Writes the batch in one transaction; if another writer got in between, each row is
/// read and written again on its own, so only the rows really in conflict fail.
async fn flush(
    store: &dyn ItemStore,
    caller: &Caller,
    now: DateTime<Utc>,
    batch: &mut Vec<Pending>,
    reports: &mut [RowReport],
) -> Result<(), AppError> {
    if batch.is_empty() {
        return Ok(());
    }
    let ops: Vec<WriteOp> = batch
        .iter_mut()
        .flat_map(|p| std::mem::take(&mut p.planned.ops))
        .collect();
    match store.transact(ops).await {
        Ok(()) => {
            for pending in batch.drain(..) {
                reports[pending.report].outcome = pending.planned.outcome;
            }
        }
        Err(StoreError::TransactionCancelled { .. }) => {
            for pending in batch.drain(..) {
                let report = &mut reports[pending.report];
                match upsert(
                    store,
                    caller,
                    pending.anagrafica,
                    pending.albo,
                    Mode::Commit,
                    now,
                )
                .await
                {
                    Ok(outcome) => report.outcome = outcome,
                    Err(UpsertError::Conflict) => report
                        .errori
                        .push(FieldError::new("codice_fiscale", conflict())),
                    Err(UpsertError::Store(e)) => return Err(AppError::internal(e)),
                }
            }
        }
        Err(e) => return Err(AppError::internal(e)),
    }
    Ok(())
}

pub enum UpsertError {
    Conflict,
    Store(StoreError),
}

impl From<StoreError> for UpsertError {
    fn from(e: StoreError) -> Self {
        UpsertError::Store(e)
    }
}

async fn upsert(
    store: &dyn ItemStore,
    caller: &Caller,
    anagrafica: Anagrafica,
    albo: AlboRecord,
    mode: Mode,
    now: DateTime<Utc>,
) -> Result<RowOutcome, UpsertError> {
    let planned = plan(store, caller, anagrafica, albo, mode, now).await?;
    if planned.ops.is_empty() {
        return Ok(planned.outcome);
    }
    match store.transact(planned.ops).await {
        Ok(()) => Ok(planned.outcome),
        Err(StoreError::TransactionCancelled { .. }) => Err(UpsertError::Conflict),
        Err(e) => Err(e.into()),
    }
}

/// What applying one row takes: its outcome, and the writes (none for a dry run or when
/// nothing changes).
struct Planned {
    outcome: RowOutcome,
    ops: Vec<WriteOp>,
}

async fn plan(
    store: &dyn ItemStore,
    caller: &Caller,
    anagrafica: Anagrafica,
    albo: AlboRecord,
    mode: Mode,
    now: DateTime<Utc>,
) -> Result<Planned, StoreError> {
    let today = crate::clock::rome_date(now);
    let existing = members::get(store, &anagrafica.codice_fiscale).await?;
    let anagrafica = anagrafica.from_albo_over(existing.as_ref().map(|m| &m.value.anagrafica));
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
    let mut ops: Vec<WriteOp> = Vec::new();
    let record = match &existing {
        None => {
            let record = MemberRecord {
                anagrafica,
                albo,
                recovery: Default::default(),
                mailbox: None,
            };
            ops.push(members::create(&record)?);
            record
        }
        Some(current) => {
            let mut record = current.value.clone();
            record.anagrafica = anagrafica;
            let stato_changed = record.albo.stato != albo.stato;
            record.albo = albo;
            if let (Some(mailbox), true) = (&record.mailbox, stato_changed) {
                let transition = mailbox
                    .apply(
                        &Event::Albo {
                            stato: record.albo.stato,
                        },
                        today,
                    )
                    .expect("an Albo change is never refused");
                for effect in &transition.effects {
                    if let shared::lifecycle::Effect::Provider(command) = effect {
                        let command = outbox::OutboxCommand::provider(
                            transition.mailbox.address.as_str(),
                            *command,
                            now,
                        );
                        ops.push(outbox::enqueue(&command)?);
                    }
                }
                record.mailbox = Some(transition.mailbox);
            }
            ops.push(members::replace(&record, current.version)?);
            record
        }
    };
    let entry = audit::entry(
        &actor(caller),
        &member_target(record.cf()),
        &format!("albo: {}", describe(&changes)),
        existing.as_ref().map(|m| &m.value),
        Some(&record),
        now,
    );
    ops.push(audit::write(&entry)?);
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
