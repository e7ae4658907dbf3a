//! The domicilio-digitale duty for an Ordine (DL 76/2020 art. 37; DOMAIN.md, Lifecycle
//! 10): who has no domicilio, or one that is not a working mailbox of ours, or a mailbox
//! that is not his domicilio; the diffide the secretariat records and their 30 days; the
//! CSV.

use std::pin::pin;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use futures::TryStreamExt;
use shared::access::Caller;
use shared::api::{DiffidaRichiesta, DomicilioReport, RigaDomicilio};
use shared::codice_fiscale::CodiceFiscale;
use shared::domicilio::{self, Diffida, Situazione, StatoDiffida};
use shared::member::FieldError;
use shared::province::OrdineCode;
use thiserror::Error;

use super::{Forbidden, ensure};
use crate::repo;
use crate::repo::members::{self, MemberRecord};
use crate::repo::unit_of_work::Change;
use crate::service::spreadsheet::SpreadsheetCsv;
use crate::store::{ItemStore, StoreError};

/// How far back a diffida may be dated.
const DIFFIDA_MAX_AGE_DAYS: i64 = 365;

#[derive(Debug, Error)]
pub enum DomicilioError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("Iscritto non trovato in questo Ordine.")]
    NotFound,
    #[error("{0}")]
    NotInBreach(String),
    #[error("{}", .0.message)]
    Invalid(FieldError),
    #[error("contention")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The row of `record`, if the duty has something to say about him.
fn row(record: &MemberRecord, today: NaiveDate) -> Option<RigaDomicilio> {
    let situazione = domicilio::situazione(&record.albo, record.mailbox.as_ref());
    if situazione.is_none() && record.diffida.is_none() {
        return None;
    }
    if !record.albo.stato.is_registered() {
        return None;
    }
    let a = &record.anagrafica;
    Some(RigaDomicilio {
        codice_fiscale: a.codice_fiscale.clone(),
        nome: a.nome.clone(),
        cognome: a.cognome.clone(),
        numero_iscrizione: record.albo.numero_iscrizione.clone(),
        domicilio: record.albo.domicilio_digitale.clone(),
        casella: record
            .mailbox
            .as_ref()
            .filter(|m| m.status.is_open())
            .map(|m| m.address.clone()),
        situazione,
        diffida: record.diffida.clone(),
        stato: domicilio::stato_diffida(situazione, record.diffida.as_ref(), today),
    })
}

/// The Ordine's members the duty concerns, by surname, with the counts.
pub async fn report(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    today: NaiveDate,
) -> Result<DomicilioReport, DomicilioError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let mut report = DomicilioReport {
        ordine,
        oggi: today,
        righe: Vec::new(),
        mancanti: 0,
        non_attivi: 0,
        caselle_non_domicilio: 0,
        in_corso: 0,
        da_sospendere: 0,
    };
    let mut pages = pin!(members::pages_in_ordine(store, ordine));
    while let Some(records) = pages.try_next().await? {
        for record in records
            .iter()
            .filter(|m| caller.can_read_member(m.value.cf(), m.value.standing()))
        {
            let Some(r) = row(&record.value, today) else {
                continue;
            };
            match r.situazione {
                Some(Situazione::Mancante) => report.mancanti += 1,
                Some(Situazione::NonAttivo) => report.non_attivi += 1,
                Some(Situazione::CasellaNonDomicilio) => report.caselle_non_domicilio += 1,
                None => {}
            }
            match r.stato {
                StatoDiffida::InCorso { .. } => report.in_corso += 1,
                StatoDiffida::DaSospendere { .. } => report.da_sospendere += 1,
                _ => {}
            }
            report.righe.push(r);
        }
    }
    Ok(report)
}

/// Records the diffida sent to the member `cf` of `ordine`.
pub async fn record_diffida(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    cf: &CodiceFiscale,
    request: &DiffidaRichiesta,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<RigaDomicilio, DomicilioError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let member = members::get(store, cf)
        .await?
        .filter(|m| {
            m.value.albo.ordine == ordine
                && caller.can_read_member(m.value.cf(), m.value.standing())
        })
        .ok_or(DomicilioError::NotFound)?;
    if request.data > today || request.data < today - Duration::days(DIFFIDA_MAX_AGE_DAYS) {
        return Err(DomicilioError::Invalid(FieldError::new(
            "data",
            "Indica la data in cui la diffida è stata inviata: non futura e non più vecchia di un anno.",
        )));
    }
    let record = &member.value;
    // The same diffida sent again (a retry): answered as recorded.
    let repeated = record.diffida.as_ref().is_some_and(|d| {
        d.data == request.data && d.canale == request.canale && d.adempiuta_il.is_none()
    });
    if let (true, Some(r)) = (repeated, row(record, today)) {
        return Ok(r);
    }
    let situazione = domicilio::situazione(&record.albo, record.mailbox.as_ref());
    if !situazione.is_some_and(Situazione::inadempiente) {
        return Err(DomicilioError::NotInBreach(format!(
            "L'Albo indica per {} {} un domicilio digitale valido ({}): non serve una diffida.",
            record.anagrafica.nome,
            record.anagrafica.cognome,
            domicilio::mostra(record.albo.domicilio_digitale.as_ref())
        )));
    }
    if let StatoDiffida::InCorso { termine } =
        domicilio::stato_diffida(situazione, record.diffida.as_ref(), today)
    {
        return Err(DomicilioError::NotInBreach(format!(
            "È già stata registrata una diffida: il termine scade il {}.",
            termine.format("%d/%m/%Y")
        )));
    }
    let diffida = Diffida {
        data: request.data,
        canale: request.canale,
        registrata_da: caller.actor().to_string(),
        registrata_il: now,
        adempiuta_il: None,
    };
    let mut after = record.clone();
    after.diffida = Some(diffida.clone());
    let action = format!(
        "diffida per il domicilio digitale inviata il {} ({}): termine il {}",
        diffida.data.format("%d/%m/%Y"),
        diffida.canale.nome(),
        diffida.termine().format("%d/%m/%Y")
    );
    let change = Change {
        before: Some(member),
        after: after.clone(),
        effects: Vec::new(),
        actor: caller.actor(),
        action,
    };
    let (ops, _, _) = change.into_ops(now)?;
    match repo::commit(store, ops).await {
        Ok(()) => Ok(row(&after, today).expect("a member just warned has a row")),
        Err(e) if e.is_condition_failed() => Err(DomicilioError::Busy),
        Err(e) => Err(e.into()),
    }
}

/// The report as CSV (`;`, formula-safe cells).
pub async fn export_csv(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    today: NaiveDate,
) -> Result<String, DomicilioError> {
    let report = report(store, caller, ordine, today).await?;
    let mut file = SpreadsheetCsv::new(&[
        "Cognome",
        "Nome",
        "Codice fiscale",
        "Numero di iscrizione",
        "Domicilio digitale",
        "Casella PEC",
        "Situazione",
        "Diffida inviata il",
        "Canale",
        "Termine",
        "Stato",
    ])?;
    for r in &report.righe {
        let date = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
        let cells = [
            r.cognome.clone(),
            r.nome.clone(),
            r.codice_fiscale.to_string(),
            r.numero_iscrizione.clone(),
            domicilio::mostra(r.domicilio.as_ref()),
            r.casella
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            r.situazione
                .map(|s| s.nome().to_owned())
                .unwrap_or_else(|| "Regolare".into()),
            r.diffida.as_ref().map(|d| date(d.data)).unwrap_or_default(),
            r.diffida
                .as_ref()
                .map(|d| d.canale.nome().to_owned())
                .unwrap_or_default(),
            r.diffida
                .as_ref()
                .map(|d| date(d.termine()))
                .unwrap_or_default(),
            r.stato.nome(),
        ];
        file.row(&cells)?;
    }
    Ok(file.finish()?)
}
