//! Carries out the outbox: each due command goes to the provider; success marks it done,
//! an outage reschedules it with backoff, a refusal parks it for a person to look at.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::provider::{Provider, ProviderError};
use crate::repo::outbox;
use crate::store::{ItemStore, StoreError};

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

pub async fn run_once(
    store: &dyn ItemStore,
    provider: &dyn Provider,
    now: DateTime<Utc>,
) -> Result<Run, StoreError> {
    let mut run = Run::default();
    for mut command in outbox::due(store, now, BATCH).await? {
        let c = &mut command.value;
        c.attempts += 1;
        match provider.execute(&c.id, &c.address, &c.command).await {
            Ok(()) => {
                c.done_at = Some(now);
                c.last_error = None;
                run.done += 1;
            }
            Err(e) => {
                let wait = match e {
                    ProviderError::Unavailable(_) => backoff(c.attempts),
                    ProviderError::Refused(_) => PARKED,
                };
                tracing::warn!(command = %c.id, address = %c.address, error = %e, "provider command failed");
                c.next_attempt_at = now + wait;
                c.last_error = Some(e.to_string());
                run.retried += 1;
            }
        }
        match outbox::update(store, &command).await {
            // Another dispatcher handled it meanwhile; the provider saw one command id.
            Ok(()) | Err(StoreError::ConditionFailed) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(run)
}

/// Runs the dispatcher every `every` until the process ends (the local server).
pub fn spawn(store: Arc<dyn ItemStore>, provider: Arc<dyn Provider>, every: std::time::Duration) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = run_once(store.as_ref(), provider.as_ref(), Utc::now()).await {
                tracing::error!(error = %e, "outbox dispatch failed");
            }
            tokio::time::sleep(every).await;
        }
    });
}
