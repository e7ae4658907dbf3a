//! The daily verifica of every mailbox: services past their scadenza are deactivated,
//! terms renewed or closed, reminders sent in the 3 months before each scadenza.
//!
//! It runs once a day (EventBridge on AWS, a timer locally) and may run again: the
//! verifica of a day is idempotent (the mailbox records the reminders it sent), and each
//! member's change, its provider commands, its notices and its audit entry are committed in
//! one transaction on the version read. A member changed meanwhile is read again.
//!
//! A run is one job per Ordine ([`VerificaJob`]): locally a few at a time in the process,
//! on AWS one message each on a queue ([`queue`]). Each job adds what it counted to the
//! run's report, once however often it is tried.

pub mod queue;

use std::pin::pin;
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use futures::{StreamExt, TryStreamExt, stream};
use shared::access::{Caller, Role};
use shared::api::Verifica;
use shared::audit::Actor;
use shared::lifecycle::{ClosureReason, Effect, Event, ProviderCommand};
use shared::province::OrdineCode;

use crate::clock::rome_date;
use crate::payment::Payments;
use crate::payment::riconciliazione::{self, Riconciliazione};
use crate::repo::catalogo;
use crate::repo::members;
use crate::repo::reports::Conteggio;
use crate::repo::unit_of_work::{Audited, Change, Queued};
use crate::repo::{self, Ops, Versioned, ordini, reports};
use crate::service::ensure;
use crate::service::overview::OverviewError;
use crate::store::{ItemStore, StoreError};
use shared::catalog::Catalog;

pub use queue::{JobQueue, QueueError, VerificaJob};

/// Whether a job must stop now, while it can still record what it did: Lambda ends an
/// invocation at its timeout, and the counts not yet recorded would end with it.
pub trait Deadline: Sync {
    fn reached(&self) -> bool;
}

/// The local server's verifica runs in its own process, to the end.
pub struct NoDeadline;

impl Deadline for NoDeadline {
    fn reached(&self) -> bool {
        false
    }
}

impl Deadline for Instant {
    fn reached(&self) -> bool {
        Instant::now() >= *self
    }
}

/// Ordini verified at the same time in one process.
const ORDINI_AT_ONCE: usize = 8;
/// Attempts per member when others write it at the same time.
const ATTEMPTS: usize = 3;

#[derive(Debug, thiserror::Error)]
pub enum VerificaError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Queue(#[from] QueueError),
}

/// The day's whole verifica in this process (the local server): first the payments'
/// reconciliation (a purchase paid without its event is applied before the mailboxes are
/// looked at), then every Ordine's job, a few at a time.
pub async fn daily(
    store: &dyn ItemStore,
    payments: &dyn Payments,
    venditore: &shared::fattura::Venditore,
    now: DateTime<Utc>,
) -> Result<Verifica, StoreError> {
    let reconciled = riconciliazione::run(store, payments, venditore, now).await?;
    run_with(store, now, reconciled).await
}

/// Verifies every mailbox in this process, a few Ordini at a time (members are independent
/// items, so on DynamoDB the round trips of different Ordini overlap).
pub async fn run(store: &dyn ItemStore, now: DateTime<Utc>) -> Result<Verifica, StoreError> {
    run_with(store, now, Riconciliazione::default()).await
}

async fn run_with(
    store: &dyn ItemStore,
    now: DateTime<Utc>,
    reconciled: Riconciliazione,
) -> Result<Verifica, StoreError> {
    let report = start(store, now, reconciled).await?;
    let catalog = catalogo::load(store).await?;
    let catalog = &catalog;
    let mut report = stream::iter(jobs(report.avviata_alle))
        .map(|job| verify_share(store, catalog, job, &NoDeadline))
        .buffer_unordered(ORDINI_AT_ONCE)
        .try_fold(report, |mut report, (counted, _)| async move {
            counted.add_to(&mut report);
            Ok(report)
        })
        .await?;
    report.ordini_verificati = report.ordini;
    tracing::info!(?report, "verifica giornaliera done");
    Ok(report)
}

/// The day's verifica on AWS (the schedule's run): the reconciliation, then one job per
/// Ordine on `queue`, each carried out by [`queue::handle`] in its own invocation.
pub async fn dispatch(
    store: &dyn ItemStore,
    payments: &dyn Payments,
    venditore: &shared::fattura::Venditore,
    queue: &dyn JobQueue,
    now: DateTime<Utc>,
) -> Result<Verifica, VerificaError> {
    let reconciled = riconciliazione::run(store, payments, venditore, now).await?;
    let report = start(store, now, reconciled).await?;
    let jobs: Vec<VerificaJob> = jobs(report.avviata_alle).collect();
    queue.send(&jobs).await?;
    tracing::info!(jobs = jobs.len(), giorno = %report.giorno, "verifica giornaliera queued");
    Ok(report)
}

/// One job: the mailboxes of one Ordine on the run's day, counted into the run's report.
/// Stopped at `deadline`, it records what it did and asks to be tried again.
pub async fn verify_job(
    store: &dyn ItemStore,
    job: VerificaJob,
    deadline: &dyn Deadline,
) -> Result<(Conteggio, Share), StoreError> {
    let catalog = catalogo::load(store).await?;
    verify_share(store, &catalog, job, deadline).await
}

/// Starts a run: the signature certificates' reminders (nationwide, a few a day) are sent
/// here, the mailboxes' counts come from the jobs. A second start the same day (a
/// schedule's retry, a server restarted) continues the day's run: its jobs have the same
/// key (`avviata_alle`) and add to the same shares, so the day's report counts nothing
/// twice. Returns what this start did, under the day's key.
async fn start(
    store: &dyn ItemStore,
    now: DateTime<Utc>,
    reconciled: Riconciliazione,
) -> Result<Verifica, StoreError> {
    let promemoria_firma = crate::service::firme::promemoria(store, now).await?;
    let today = rome_date(now);
    let this = Verifica {
        giorno: today,
        avviata_alle: now,
        verificate: 0,
        aggiornate: 0,
        avvisi: promemoria_firma,
        comandi: 0,
        rinviate: 0,
        ordini_riconciliati: reconciled.pagati,
        ordini_scaduti: reconciled.scaduti,
        ordini: OrdineCode::all().count(),
        ordini_verificati: 0,
    };
    let day = match reports::verifica_started(store).await? {
        Some(mut run) if run.giorno == today => {
            run.avvisi += this.avvisi;
            run.ordini_riconciliati += this.ordini_riconciliati;
            run.ordini_scaduti += this.ordini_scaduti;
            run
        }
        _ => this.clone(),
    };
    reports::save_verifica(store, &day).await?;
    Ok(Verifica {
        avviata_alle: day.avviata_alle,
        ..this
    })
}

fn jobs(avviata_alle: DateTime<Utc>) -> impl Iterator<Item = VerificaJob> {
    OrdineCode::all().map(move |ordine| VerificaJob {
        avviata_alle,
        ordine,
    })
}

/// Verifies one Ordine's mailboxes as of the run's start (a job tried again later still
/// verifies the run's day) and records what it counted, also when a read failed or the
/// deadline came on the way: what was written before is counted, and the job is to be
/// tried again.
async fn verify_share(
    store: &dyn ItemStore,
    catalog: &Catalog,
    job: VerificaJob,
    deadline: &dyn Deadline,
) -> Result<(Conteggio, Share), StoreError> {
    let mut counted = Conteggio::default();
    let outcome = verify_ordine(store, catalog, &job, deadline, &mut counted).await;
    if !matches!(outcome, Ok(Share::Verified)) {
        counted.rinviate += 1;
        counted.da_riprovare += 1;
    }
    if matches!(outcome, Ok(Share::Stopped)) {
        tracing::warn!(ordine = %job.ordine.as_str(), ?counted, "verifica job stopped at its deadline");
    }
    reports::record_ordine(store, job.avviata_alle, job.ordine, counted).await?;
    outcome.map(|share| (counted, share))
}

/// How far a job went through its Ordine's mailboxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Share {
    Verified,
    /// Its deadline came first.
    Stopped,
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
    catalog: &Catalog,
    job: &VerificaJob,
    deadline: &dyn Deadline,
    sweep: &mut Conteggio,
) -> Result<Share, StoreError> {
    let (ordine, now) = (job.ordine, job.avviata_alle);
    let mut pages = pin!(members::holders_in_ordine(store, ordine));
    while let Some(records) = pages.try_next().await? {
        for member in records {
            if deadline.reached() {
                return Ok(Share::Stopped);
            }
            let cf = member.value.cf().clone();
            let reread = || {
                let cf = cf.clone();
                async move { members::get(store, &cf).await }
            };
            verify(store, catalog, member, reread, now, sweep).await;
        }
    }
    if deadline.reached() {
        return Ok(Share::Stopped);
    }
    // The Ordine's own mailbox: its term renews like a registered member's.
    if let Some(own) = ordini::get(store, ordine).await? {
        let reread = || ordini::get(store, ordine);
        verify(store, catalog, own, reread, now, sweep).await;
    }
    Ok(Share::Verified)
}

/// Verifies one aggregate's mailbox (a member's, an Ordine's own); `reread` reads it
/// again after someone else wrote it at the same moment.
async fn verify<T: Audited, F>(
    store: &dyn ItemStore,
    catalog: &Catalog,
    mut aggregate: Versioned<T>,
    reread: impl Fn() -> F,
    now: DateTime<Utc>,
    sweep: &mut Conteggio,
) where
    F: std::future::Future<Output = Result<Option<Versioned<T>>, StoreError>>,
{
    if !aggregate
        .value
        .mailbox()
        .is_some_and(|m| m.status.is_open())
    {
        return;
    }
    sweep.verificate += 1;
    for _ in 0..ATTEMPTS {
        let (ops, queued) = match plan(&aggregate, catalog, now) {
            Ok(Some(planned)) => planned,
            Ok(None) => return,
            // Its writes cannot be made (nothing a second try would change).
            Err(e) => return postpone(&aggregate.value, &e, Retry::Tomorrow, sweep),
        };
        match repo::commit(store, ops).await {
            Ok(()) => {
                sweep.aggiornate += 1;
                sweep.avvisi += queued.avvisi;
                sweep.comandi += queued.comandi;
                return;
            }
            // Written by someone else at the same moment: read it again and redo the day.
            Err(e) if e.is_condition_failed() => match reread().await {
                Ok(Some(fresh)) => aggregate = fresh,
                Ok(None) => return,
                Err(e) => return postpone(&aggregate.value, &e, Retry::Today, sweep),
            },
            Err(e) => return postpone(&aggregate.value, &e, Retry::Today, sweep),
        }
    }
    postpone(
        &aggregate.value,
        &StoreError::ConditionFailed { failed: Vec::new() },
        Retry::Today,
        sweep,
    );
}

/// When a postponed mailbox is verified again.
enum Retry {
    /// The store failed or was busy: the job is tried again (on AWS the queue delivers it
    /// again), and tomorrow's verifica picks up what is still left.
    Today,
    /// Only tomorrow's verifica.
    Tomorrow,
}

/// Nothing was written for this mailbox.
fn postpone(aggregate: &impl Audited, error: &StoreError, retry: Retry, sweep: &mut Conteggio) {
    tracing::warn!(target = %aggregate.target(), %error, "verifica postponed");
    sweep.rinviate += 1;
    if matches!(retry, Retry::Today) {
        sweep.da_riprovare += 1;
    }
}

/// The writes the verifica of `aggregate` needs today, or `None` if nothing changes.
fn plan<T: Audited>(
    aggregate: &Versioned<T>,
    catalog: &Catalog,
    now: DateTime<Utc>,
) -> Result<Option<(Ops, Queued)>, StoreError> {
    let record = &aggregate.value;
    // No mailbox, or one closed meanwhile (read again): nothing to verify.
    let Some(mailbox) = record.mailbox().filter(|m| m.status.is_open()) else {
        return Ok(None);
    };
    let transition = match mailbox.apply_with(&Event::Verifica, rome_date(now), catalog) {
        Ok(t) => t,
        Err(e) => {
            // Only a closed mailbox refuses a verifica.
            tracing::error!(target = %record.target(), error = %e, "verifica refused");
            return Ok(None);
        }
    };
    if transition.mailbox == *mailbox {
        return Ok(None);
    }
    let actions: Vec<String> = transition.effects.iter().filter_map(describe).collect();
    let mut after = record.clone();
    after.set_mailbox(transition.mailbox);
    let change = Change {
        before: Some(aggregate.clone()),
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
        Effect::ServiceExpired { service, .. } => {
            format!("servizio scaduto e disattivato: {}", service.descrizione())
        }
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
pub fn spawn_daily(
    store: std::sync::Arc<dyn ItemStore>,
    payments: std::sync::Arc<dyn Payments>,
    venditore: std::sync::Arc<shared::fattura::Venditore>,
    done: Option<NaiveDate>,
) {
    tokio::spawn(async move {
        let mut last = done;
        loop {
            let now = Utc::now();
            if last != Some(rome_date(now)) {
                match daily(store.as_ref(), payments.as_ref(), &venditore, now).await {
                    Ok(_) => last = Some(rome_date(now)),
                    Err(e) => tracing::error!(error = %e, "verifica giornaliera failed"),
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(600)).await;
        }
    });
}
