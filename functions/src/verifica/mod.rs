//! The daily verifica of every mailbox: services past their scadenza are deactivated,
//! terms renewed or closed, reminders sent in the 3 months before each scadenza.
//!
//! It runs once a day (EventBridge on AWS, a timer locally) and may run again: the
//! verifica of a day is idempotent (the mailbox records the reminders it sent), and each
//! member's change, its provider commands, its notices and its audit entry are committed in
//! one transaction on the version read. A member changed meanwhile is read again.

use std::pin::pin;

use chrono::{DateTime, NaiveDate, Utc};
use futures::{StreamExt, TryStreamExt, stream};
use shared::access::{Caller, Role};
use shared::api::Verifica;
use shared::audit::Actor;
use shared::lifecycle::{ClosureReason, Effect, Event, ProviderCommand};
use shared::province::OrdineCode;

use crate::clock::rome_date;
use crate::repo::members::{self, MemberRecord};
use crate::repo::unit_of_work::{Change, Queued};
use crate::repo::{self, Ops, Versioned, reports};
use crate::service::ensure;
use crate::service::overview::OverviewError;
use crate::store::{ItemStore, StoreError};

/// Ordini verified at the same time.
const ORDINI_AT_ONCE: usize = 8;
/// Attempts per member when others write it at the same time.
const ATTEMPTS: usize = 3;

/// The counts as one Ordine's verifica goes (the report's numbers).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Sweep {
    verificate: usize,
    aggiornate: usize,
    avvisi: usize,
    comandi: usize,
    rinviate: usize,
}

impl std::ops::AddAssign for Sweep {
    fn add_assign(&mut self, other: Self) {
        self.verificate += other.verificate;
        self.aggiornate += other.aggiornate;
        self.avvisi += other.avvisi;
        self.comandi += other.comandi;
        self.rinviate += other.rinviate;
    }
}

/// Verifies every mailbox, a few Ordini at a time (members are independent items, so on
/// DynamoDB the round trips of different Ordini overlap).
pub async fn run(store: &dyn ItemStore, now: DateTime<Utc>) -> Result<Verifica, StoreError> {
    let today = rome_date(now);
    let sweep = stream::iter(OrdineCode::all())
        .map(|ordine| verify_ordine(store, ordine, now))
        .buffer_unordered(ORDINI_AT_ONCE)
        .try_fold(Sweep::default(), |mut total, sweep| async move {
            total += sweep;
            Ok(total)
        })
        .await?;
    tracing::info!(?sweep, %today, "verifica giornaliera done");
    let report = Verifica {
        giorno: today,
        avviata_alle: now,
        verificate: sweep.verificate,
        aggiornate: sweep.aggiornate,
        avvisi: sweep.avvisi,
        comandi: sweep.comandi,
        rinviate: sweep.rinviate,
    };
    reports::save_verifica(store, &report).await?;
    Ok(report)
}

/// The last verifica's report, for the Fondazione.
pub async fn last(
    store: &dyn ItemStore,
    caller: &Caller,
) -> Result<Option<Verifica>, OverviewError> {
    ensure(caller.role == Role::Fondazione)?;
    Ok(reports::last_verifica(store).await?)
}

async fn verify_ordine(
    store: &dyn ItemStore,
    ordine: OrdineCode,
    now: DateTime<Utc>,
) -> Result<Sweep, StoreError> {
    let mut sweep = Sweep::default();
    let mut pages = pin!(members::pages_in_ordine(store, ordine));
    while let Some(records) = pages.try_next().await? {
        for member in records {
            verify(store, member, now, &mut sweep).await;
        }
    }
    Ok(sweep)
}

async fn verify(
    store: &dyn ItemStore,
    mut member: Versioned<MemberRecord>,
    now: DateTime<Utc>,
    sweep: &mut Sweep,
) {
    if !member
        .value
        .mailbox
        .as_ref()
        .is_some_and(|m| m.status.is_open())
    {
        return;
    }
    sweep.verificate += 1;
    for _ in 0..ATTEMPTS {
        let (ops, queued) = match plan(&member, now) {
            Ok(Some(planned)) => planned,
            Ok(None) => return,
            Err(e) => return postpone(&member.value, &e, sweep),
        };
        match repo::commit(store, ops).await {
            Ok(()) => {
                sweep.aggiornate += 1;
                sweep.avvisi += queued.avvisi;
                sweep.comandi += queued.comandi;
                return;
            }
            // Written by someone else at the same moment: read it again and redo the day.
            Err(e) if e.is_condition_failed() => match members::get(store, member.value.cf()).await
            {
                Ok(Some(fresh)) => member = fresh,
                Ok(None) => return,
                Err(e) => return postpone(&member.value, &e, sweep),
            },
            Err(e) => return postpone(&member.value, &e, sweep),
        }
    }
    postpone(
        &member.value,
        &StoreError::ConditionFailed { failed: Vec::new() },
        sweep,
    );
}

/// Tomorrow's verifica picks the member up again; nothing was written.
fn postpone(record: &MemberRecord, error: &StoreError, sweep: &mut Sweep) {
    tracing::warn!(member = %record.cf(), %error, "verifica postponed");
    sweep.rinviate += 1;
}

/// The writes the verifica of `member` needs today, or `None` if nothing changes.
fn plan(
    member: &Versioned<MemberRecord>,
    now: DateTime<Utc>,
) -> Result<Option<(Ops, Queued)>, StoreError> {
    let record = &member.value;
    let Some(mailbox) = record.mailbox.as_ref() else {
        return Ok(None);
    };
    let transition = match mailbox.apply(&Event::Verifica, rome_date(now)) {
        Ok(t) => t,
        Err(e) => {
            // Only a closed mailbox refuses a verifica, and those were skipped.
            tracing::error!(member = %record.cf(), error = %e, "verifica refused");
            return Ok(None);
        }
    };
    if transition.mailbox == *mailbox {
        return Ok(None);
    }
    let actions: Vec<String> = transition.effects.iter().filter_map(describe).collect();
    let mut after = record.clone();
    after.mailbox = Some(transition.mailbox);
    let change = Change {
        before: Some(member.clone()),
        after,
        effects: transition.effects,
        actor: Actor::Verifica,
        action: actions.join("; "),
    };
    let (ops, _, queued) = change.into_ops(now)?;
    Ok(Some((ops, queued)))
}

/// The audit's words for an effect (what the member reads in his Storico).
fn describe(effect: &Effect) -> Option<String> {
    let date = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    Some(match effect {
        Effect::Reminder(r) => format!(
            "promemoria: {} in scadenza il {}",
            r.descrizione,
            date(r.scadenza)
        ),
        Effect::ServiceExpired { service, .. } => format!(
            "servizio scaduto e disattivato: {}",
            service.kind.descrizione()
        ),
        Effect::TermRenewed { scadenza } => {
            format!("casella rinnovata fino al {}", date(*scadenza))
        }
        Effect::TermExtended { scadenza } => {
            format!("casella prorogata fino al {}", date(*scadenza))
        }
        Effect::Closed {
            reason: ClosureReason::ScadenzaDopoCancellazione,
        } => "casella chiusa alla scadenza (non più iscritto all'Albo)".to_owned(),
        Effect::Closed {
            reason: ClosureReason::Disdetta,
        } => "casella chiusa per disdetta".to_owned(),
        Effect::Provider(ProviderCommand::Resize { space }) => format!(
            "spazio portato a {} GB inbox e {} GB archivio",
            space.inbox_gb, space.archivio_gb
        ),
        Effect::Provider(_) => return None,
    })
}

/// Runs the verifica each time the day changes in Rome (now, unless `done` is today),
/// until the process ends (the local server; on AWS a schedule runs `pec-sweep`).
pub fn spawn_daily(store: std::sync::Arc<dyn ItemStore>, done: Option<NaiveDate>) {
    tokio::spawn(async move {
        let mut last = done;
        loop {
            let now = Utc::now();
            if last != Some(rome_date(now)) {
                match run(store.as_ref(), now).await {
                    Ok(_) => last = Some(rome_date(now)),
                    Err(e) => tracing::error!(error = %e, "verifica giornaliera failed"),
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(600)).await;
        }
    });
}
