//! The outbox and its ports: work for the outside world (provider commands, notices by
//! email) is written in the same transaction as the change that needs it
//! ([`crate::repo::outbox`]), then carried out here: each due command goes to the
//! [`provider`], each notice to the [`mailer`]; success marks it done, an outage
//! reschedules it with backoff, a refusal parks it for a person to look at.

pub mod mailer;
pub mod provider;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::repo::outbox::{self, Task};
use crate::store::{ItemStore, StoreError};
use mailer::{MailError, Mailer};
use provider::{Provider, ProviderError};

/// How many commands one run takes.
const BATCH: usize = 50;
/// A refused command waits this long before it is tried again.
const PARKED: Duration = Duration::days(1);

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
        Task::Avviso { notice } => Ok(channels.mailer.send(id, notice).await?),
    }
}

pub async fn run_once(
    store: &dyn ItemStore,
    channels: Channels<'_>,
    now: DateTime<Utc>,
) -> Result<Run, StoreError> {
    let mut run = Run::default();
    for mut command in outbox::due(store, now, BATCH).await? {
        let c = &mut command.value;
        c.attempts += 1;
        match carry_out(channels, &c.id, &c.task).await {
            Ok(()) => {
                c.done_at = Some(now);
                c.last_error = None;
                run.done += 1;
            }
            Err(failure) => {
                let wait = if failure.transient {
                    backoff(c.attempts)
                } else {
                    PARKED
                };
                tracing::warn!(command = %c.id, task = ?c.task, error = %failure.text, "outbox task failed");
                c.next_attempt_at = now + wait;
                c.last_error = Some(failure.text);
                run.retried += 1;
            }
        }
        match outbox::update(store, &command).await {
            // Another dispatcher handled it meanwhile; the provider saw one command id.
            Ok(()) => {}
            Err(e) if e.is_condition_failed() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(run)
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
