//! The Fondazione's overview of the Ordini: each Ordine's members and mailboxes, counted
//! from the Ordine's index partition.

use std::pin::pin;

use chrono::NaiveDate;
use futures::{StreamExt, TryStreamExt, stream};
use shared::access::{Caller, Role};
use shared::api::OrdineOverview;
use shared::catalog::PlanCode;
use shared::domicilio::{self, Situazione, StatoDiffida};
use shared::lifecycle::StatoContratto;
use shared::province::OrdineCode;

use super::{Forbidden, ensure};
use crate::repo::members::{self, MemberRecord};
use crate::store::{ItemStore, StoreError};

/// Mailboxes with an expiry within this many days count as "in scadenza" (the first
/// reminder).
const EXPIRY_WINDOW_DAYS: i64 = 90;

#[derive(Debug, thiserror::Error)]
pub enum OverviewError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Store(#[from] StoreError),
}
/// Ordini read at the same time.
const ORDINI_AT_ONCE: usize = 8;

/// Every Ordine, in the provinces' order, with its counts.
///
/// It reads every member once; the counts are exact at the time of the request. At the
/// national scale (about 250,000 members) that is a few seconds of reads, fine for an
/// operator's screen opened now and then; the Ordini are read a few at a time, so that on
/// DynamoDB the round trips overlap.
pub async fn ordini(
    store: &dyn ItemStore,
    caller: &Caller,
    today: NaiveDate,
) -> Result<Vec<OrdineOverview>, OverviewError> {
    ensure(caller.role == Role::Fondazione)?;
    Ok(stream::iter(OrdineCode::all())
        .map(|ordine| ordine_counts(store, ordine, today))
        .buffered(ORDINI_AT_ONCE)
        .try_collect()
        .await?)
}

async fn ordine_counts(
    store: &dyn ItemStore,
    ordine: OrdineCode,
    today: NaiveDate,
) -> Result<OrdineOverview, StoreError> {
    let mut counts = OrdineOverview {
        ordine,
        nome: ordine.nome().to_owned(),
        iscritti: 0,
        caselle: 0,
        avanzata: 0,
        da_firmare: 0,
        in_scadenza: 0,
        senza_domicilio: 0,
        domicilio_non_attivo: 0,
        diffide_in_corso: 0,
        da_sospendere: 0,
    };
    let mut pages = pin!(members::pages_in_ordine(store, ordine));
    while let Some(records) = pages.try_next().await? {
        for record in &records {
            tally(&mut counts, &record.value, today);
        }
    }
    Ok(counts)
}

fn tally(counts: &mut OrdineOverview, record: &MemberRecord, today: NaiveDate) {
    counts.iscritti += 1;
    let situazione = domicilio::situazione(&record.albo, record.mailbox.as_ref());
    match situazione {
        Some(Situazione::Mancante) => counts.senza_domicilio += 1,
        Some(Situazione::NonAttivo) => counts.domicilio_non_attivo += 1,
        _ => {}
    }
    match domicilio::stato_diffida(situazione, record.diffida.as_ref(), today) {
        StatoDiffida::InCorso { .. } => counts.diffide_in_corso += 1,
        StatoDiffida::DaSospendere { .. } => counts.da_sospendere += 1,
        _ => {}
    }
    let Some(mailbox) = record.mailbox.as_ref().filter(|m| m.status.is_open()) else {
        return;
    };
    counts.caselle += 1;
    if mailbox.plan() == PlanCode::Avanzata {
        counts.avanzata += 1;
    }
    if mailbox.contratto == StatoContratto::DaFirmare {
        counts.da_firmare += 1;
    }
    if mailbox.lapses_by(today + chrono::Duration::days(EXPIRY_WINDOW_DAYS)) {
        counts.in_scadenza += 1;
    }
}
