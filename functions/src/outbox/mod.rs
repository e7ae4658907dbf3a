//! The outbox and its ports: work for the outside world (provider commands, notices by
//! email) is written in the same transaction as the change that needs it
//! ([`crate::repo::outbox`]), then carried out here: each due command goes to the
//! [`provider`], each notice to the [`mailer`]; success marks it done, an outage
//! reschedules it with backoff, a refusal parks it for a person to look at.

pub mod mailer;
pub mod provider;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::repo::orders;
use crate::repo::outbox::{self, Task};
use crate::store::{ItemStore, StoreError};
use mailer::{MailError, Mailer};
use provider::{Provider, ProviderError};

/// How many commands one run takes.
const BATCH: usize = 50;
/// A command being carried out is leased for this long: another dispatcher that sees it
/// due meanwhile (the stream and the schedule wake several) leaves it alone. Far longer
/// than a call to the provider or to SES may take.
const LEASE: Duration = Duration::minutes(5);

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Run {
    pub done: usize,
    pub retried: usize,
}

fn backoff(attempts: u32) -> Duration {
    Duration::seconds(2i64.saturating_pow(attempts.min(12)).min(3600))
}

/// Where the outbox's work goes.
#[derive(Clone, Copy)]
pub struct Channels<'a> {
    pub provider: &'a dyn Provider,
    pub mailer: &'a dyn Mailer,
}

/// A failed attempt: its text, and whether trying again soon may work.
struct Failure {
    text: String,
    transient: bool,
}

impl From<ProviderError> for Failure {
    fn from(e: ProviderError) -> Self {
        let transient = matches!(e, ProviderError::Unavailable(_));
        Self {
            text: e.to_string(),
            transient,
        }
    }
}

impl From<MailError> for Failure {
    fn from(e: MailError) -> Self {
        let transient = matches!(e, MailError::Unavailable(_));
        Self {
            text: e.to_string(),
            transient,
        }
    }
}

async fn carry_out(channels: Channels<'_>, id: &str, task: &Task) -> Result<(), Failure> {
    match task {
        Task::Provider { address, command } => {
            Ok(channels.provider.execute(id, address, command).await?)
        }
        Task::Avviso { notice } => {
            // A reminder of space that lapses says how much data will not fit, as the
            // provider reports it now; without an answer, it goes without.
            let used = match &notice.controllo_spazio {
                Some(check) => match channels.provider.occupazione(&check.indirizzo).await {
                    Ok(used) => Some(used),
                    Err(e) => {
                        tracing::warn!(error = %e, "used space unknown: reminder sent without it");
                        None
                    }
                },
                None => None,
            };
            Ok(channels.mailer.send(id, &notice.completed(used)).await?)
        }
    }
}

pub async fn run_once(
    store: &dyn ItemStore,
    channels: Channels<'_>,
    now: DateTime<Utc>,
) -> Result<Run, StoreError> {
    let mut run = Run::default();
    for due in outbox::due(store, now, BATCH).await? {
        // Leased first, conditionally: one dispatcher carries it out, once. If this one
        // stops midway, the lease runs out and another tries again.
        let Some(mut command) = outbox::lease(store, &due, now + LEASE).await? else {
            continue;
        };
        let c = &mut command.value;
        match carry_out(channels, &c.id, &c.task).await {
            Ok(()) => {
                c.done_at = Some(now);
                c.last_error = None;
                run.done += 1;
            }
            Err(failure) => {
                // A refusal would be refused again: it waits for a person.
                c.parcheggiato = !failure.transient;
                let wait = if failure.transient {
                    backoff(c.attempts)
                } else {
                    Duration::zero()
                };
                tracing::warn!(command = %c.id, task = ?c.task, error = %failure.text, parked = c.parcheggiato, "outbox task failed");
                c.next_attempt_at = now + wait;
                c.last_error = Some(failure.text);
                run.retried += 1;
            }
        }
        match record_outcome(store, &command).await {
            // Our lease ran out and another dispatcher took it; the provider saw one id.
            Ok(()) => {}
            Err(e) if e.is_condition_failed() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(run)
}

/// Saves the attempt's outcome; a command done for a paid order activates the order in
/// the same transaction, so an order is *attivato* exactly when the provider has done it.
async fn record_outcome(
    store: &dyn ItemStore,
    command: &crate::repo::Versioned<outbox::OutboxCommand>,
) -> Result<(), StoreError> {
    let order_id = match (&command.value.order, command.value.done_at) {
        (Some(id), Some(_)) => id,
        _ => return outbox::update(store, command).await,
    };
    // The order may be changing meanwhile (a refund recorded): read it again and retry.
    for _ in 0..5 {
        let mut ops = vec![outbox::update_op(command)?];
        if let Some(order) = orders::get(store, order_id).await? {
            let mut after = order.value.clone();
            if after.attiva().is_ok() {
                ops.push(orders::save(&order, &after)?);
            }
        }
        match crate::repo::commit(store, ops).await {
            Err(e) if e.is_condition_failed() => {
                // Was it the command (lease lost: give up) or the order (read again)?
                let current = outbox::get(store, &command.value.id).await?;
                if current.is_none_or(|c| c.version != command.version) {
                    return Err(e);
                }
            }
            other => return other,
        }
    }
    Err(StoreError::condition_failed())
}

/// Runs the dispatcher every `every` until the process ends (the local server).
pub fn spawn(
    store: Arc<dyn ItemStore>,
    provider: Arc<dyn Provider>,
    mailer: Arc<dyn Mailer>,
    every: std::time::Duration,
) {
    tokio::spawn(async move {
        loop {
            let channels = Channels {
                provider: provider.as_ref(),
                mailer: mailer.as_ref(),
            };
            if let Err(e) = run_once(store.as_ref(), channels, Utc::now()).await {
                tracing::error!(error = %e, "outbox dispatch failed");
            }
            tokio::time::sleep(every).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use async_trait::async_trait;

    use super::*;
    use crate::outbox::mailer::Notice;
    use crate::outbox::provider::Command;
    use crate::repo::outbox::OutboxCommand;
    use crate::store::sqlite::SqliteStore;
    use shared::lifecycle::prospetto::Occupazione;

    /// Counts what it is asked to send, and takes its time, as SES would.
    #[derive(Default)]
    struct Counting(AtomicUsize);

    #[async_trait]
    impl Mailer for Counting {
        async fn send(&self, _id: &str, _notice: &Notice) -> Result<(), MailError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            Ok(())
        }
    }

    struct Unused;

    #[async_trait]
    impl Provider for Unused {
        async fn execute(&self, _: &str, _: &str, _: &Command) -> Result<(), ProviderError> {
            unreachable!("no provider command here")
        }

        async fn occupazione(&self, _: &str) -> Result<Occupazione, ProviderError> {
            unreachable!("no reminder of lapsing space here")
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn dispatchers_woken_together_send_each_notice_once() {
        let store = SqliteStore::in_memory().unwrap();
        let now: DateTime<Utc> = "2026-11-29T10:00:00Z".parse().unwrap();
        let notices: Vec<_> = (0..10)
            .map(|i| {
                let notice = Notice {
                    to: vec![format!("m{i}@ingpec.eu")],
                    subject: "Promemoria".into(),
                    body: "…".into(),
                    controllo_spazio: None,
                };
                outbox::enqueue(&OutboxCommand::avviso(notice, now)).unwrap()
            })
            .collect();
        crate::repo::commit(&store, notices).await.unwrap();
        let mailer = Counting::default();
        let channels = Channels {
            provider: &Unused,
            mailer: &mailer,
        };
        // The stream and the schedule wake three dispatchers at once.
        let runs = futures::future::join_all((0..3).map(|_| run_once(&store, channels, now))).await;
        let done: usize = runs.into_iter().map(|r| r.unwrap().done).sum();
        assert_eq!(done, 10);
        assert_eq!(mailer.0.load(Ordering::SeqCst), 10, "each notice sent once");
        // And nothing is due any more.
        let again = run_once(&store, channels, now + Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(again, Run::default());
    }
}
