//! Taking over from the current panel (the Fondazione): the mailboxes that exist today,
//! from the panel's CSV export, with a dry run and a per-row report like the Albo import.
//! Each row's holder must be in the Albo already; his address is reserved to him in the
//! same transaction as his mailbox, so it is never given to anyone else; nothing is sent
//! to the provider, where the mailbox exists; a second run of the same file finds every
//! mailbox imported and changes nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::api::{CsvReport, Mode, PANNELLO_IMPORT_MAX_ROWS, RowOutcome, RowReport};
use shared::audit::AuditTarget;
use shared::codice_fiscale::CodiceFiscale;
use shared::member::FieldError;
use shared::pannello::{COLONNE, RigaPannello};
use thiserror::Error;

use super::upload::{self, CsvError, CsvRow};
use super::{Forbidden, ensure};
use crate::repo::unit_of_work::Change;
use crate::repo::{self, addresses, members};
use crate::store::{ItemStore, StoreError};

#[derive(Debug, Error)]
pub enum PannelloError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Csv(#[from] CsvError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn error(field: &str, message: impl std::fmt::Display) -> Vec<FieldError> {
    vec![FieldError::new(field, message)]
}

/// Imports (or, in a dry run, checks) the export `file`.
pub async fn import_csv(
    store: &dyn ItemStore,
    caller: &Caller,
    file: &[u8],
    mode: Mode,
    now: DateTime<Utc>,
) -> Result<CsvReport, PannelloError> {
    ensure(caller.can_import_pannello())?;
    let rows = upload::read(file, &COLONNE, PANNELLO_IMPORT_MAX_ROWS)?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut reports = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut report = RowReport {
            riga: row.line,
            codice_fiscale: Some(row.get("codice_fiscale").to_owned()),
            nome: None,
            outcome: RowOutcome::Errore,
            errori: Vec::new(),
        };
        // The same person or the same address twice in a file: the second is refused.
        let again = [row.get("codice_fiscale"), row.get("indirizzo")]
            .iter()
            .filter(|k| !k.is_empty())
            .find_map(|k| seen.insert(k.to_ascii_uppercase(), row.line));
        match again {
            Some(first) => {
                report.errori = error(
                    "codice_fiscale",
                    format!("La stessa persona o la stessa casella compare già alla riga {first}."),
                )
            }
            None => match import_row(store, caller, row, mode, now).await? {
                Ok((outcome, nome)) => {
                    report.outcome = outcome;
                    report.nome = Some(nome);
                }
                Err(errors) => report.errori = errors,
            },
        }
        reports.push(report);
    }
    Ok(CsvReport::of(mode, reports))
}

/// One row: its outcome and the holder's name, or what is wrong with it.
async fn import_row(
    store: &dyn ItemStore,
    caller: &Caller,
    row: &CsvRow,
    mode: Mode,
    now: DateTime<Utc>,
) -> Result<Result<(RowOutcome, String), Vec<FieldError>>, StoreError> {
    let cf = match CodiceFiscale::parse(row.get("codice_fiscale")) {
        Ok(cf) => cf,
        Err(e) => return Ok(Err(error("codice_fiscale", e))),
    };
    let riga = match RigaPannello::leggi(|column| row.get(column)) {
        Ok(riga) => riga,
        Err(errors) => return Ok(Err(errors)),
    };
    let Some(member) = members::get(store, &cf).await? else {
        return Ok(Err(error(
            "codice_fiscale",
            "Non risulta nell'Albo: importa prima l'Albo, poi le caselle.",
        )));
    };
    let nome = format!(
        "{} {}",
        member.value.anagrafica.nome, member.value.anagrafica.cognome
    );
    let indirizzo = riga.indirizzo.clone();
    if let Some(existing) = &member.value.mailbox {
        return Ok(if existing.address == indirizzo {
            Ok((RowOutcome::Invariato, nome))
        } else {
            Err(error(
                "indirizzo",
                format!("Ha già la casella {}.", existing.address),
            ))
        });
    }
    let holder = AuditTarget::Member(cf.clone()).to_string();
    let reserve = match addresses::lookup(store, &indirizzo).await {
        Ok(None) => Some(addresses::reserve_exact(&indirizzo, &holder)),
        // Reserved to him already: only his mailbox is missing.
        Ok(Some(reservation)) if reservation.holder == holder => None,
        Ok(Some(_)) => {
            return Ok(Err(error(
                "indirizzo",
                "L'indirizzo è già assegnato a un'altra persona.",
            )));
        }
        Err(addresses::AddressOrStore::Address(e)) => return Ok(Err(error("indirizzo", e))),
        Err(addresses::AddressOrStore::Store(e)) => return Err(e),
    };
    let reserve = match reserve.transpose() {
        Ok(op) => op,
        Err(addresses::AddressOrStore::Address(e)) => return Ok(Err(error("indirizzo", e))),
        Err(addresses::AddressOrStore::Store(e)) => return Err(e),
    };
    if mode == Mode::DryRun {
        return Ok(Ok((RowOutcome::DaImportare { indirizzo }, nome)));
    }
    let mut after = member.value.clone();
    after.mailbox = Some(riga.casella(member.value.albo.stato));
    let change = Change {
        before: Some(member),
        after,
        // It exists at the provider: nothing to create there.
        effects: Vec::new(),
        actor: caller.actor(),
        action: format!(
            "casella {indirizzo} importata dal pannello attuale (piano {})",
            riga.piano.nome()
        ),
    };
    let (mut ops, _, _) = change.into_ops(now)?;
    ops.extend(reserve);
    match repo::commit(store, ops).await {
        Ok(()) => Ok(Ok((RowOutcome::Importata { indirizzo }, nome))),
        Err(e) if e.is_condition_failed() => Ok(Err(error(
            "indirizzo",
            "L'iscritto o l'indirizzo sono stati modificati nel frattempo: importa di nuovo questa riga.",
        ))),
        Err(e) => Err(e),
    }
}
