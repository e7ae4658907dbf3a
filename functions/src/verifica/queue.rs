//! The daily verifica's fan-out on AWS. The schedule's run queues one job per Ordine on
//! SQS; each message is then one Ordine's verifica in an invocation of its own, so that
//! no invocation comes near Lambda's 15 minutes however many mailboxes expire on one day,
//! and the table's write rate is bounded by how many jobs run at once (the event source's
//! `MaximumConcurrency` in the template).
//!
//! A job whose members were postponed because the store failed or was busy (after the
//! SDK's and the store's own retries), or that failed outright, is reported back to the
//! queue, which delivers it again; a job done twice writes nothing twice (the verifica of
//! a day is idempotent) and is counted once in the report. A job still going near the
//! invocation's timeout stops, records what it did and is delivered again at once (its
//! message made visible again, not left to the queue's 90-minute visibility timeout; it
//! starts again from the Ordine's first member, and skips quickly what is done). A run
//! started twice the same day (the schedule's retry) is one run: its jobs have the same
//! key.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use aws_sdk_sqs::types::{ChangeMessageVisibilityBatchRequestEntry, SendMessageBatchRequestEntry};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::province::OrdineCode;

use super::{Deadline, Share};
use crate::store::ItemStore;

/// One Ordine's share of the run started at `avviata_alle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificaJob {
    pub avviata_alle: DateTime<Utc>,
    pub ordine: OrdineCode,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("the verifica's queue refused {refused} jobs: {reason}")]
    Refused { refused: usize, reason: String },
    #[error("the verifica's queue could not be reached: {0}")]
    Unreachable(String),
}

/// Where the jobs of a run go.
#[async_trait]
pub trait JobQueue: Send + Sync {
    async fn send(&self, jobs: &[VerificaJob]) -> Result<(), QueueError>;
}

/// The queue the template declares (`PEC_VERIFICA_QUEUE_URL`).
pub struct SqsJobs {
    client: aws_sdk_sqs::Client,
    url: String,
}

/// Messages in one `SendMessageBatch` (SQS's limit).
const BATCH: usize = 10;
/// Sends of the entries a batch refused before the run gives up (and the schedule's own
/// retry runs it again: a job queued twice is done once).
const SEND_ATTEMPTS: usize = 3;

impl SqsJobs {
    pub fn new(client: aws_sdk_sqs::Client, url: impl Into<String>) -> Self {
        Self {
            client,
            url: url.into(),
        }
    }

    pub fn from_env(config: &aws_config::SdkConfig) -> Result<Self, &'static str> {
        let url = std::env::var("PEC_VERIFICA_QUEUE_URL")
            .map_err(|_| "PEC_VERIFICA_QUEUE_URL is not set")?;
        Ok(Self::new(aws_sdk_sqs::Client::new(config), url))
    }

    /// Makes the messages of `receipts` visible again at once, so that the jobs stopped at
    /// their deadline are delivered again now. Best effort: a message this fails for comes
    /// back after the queue's visibility timeout, as any failed job does.
    pub async fn deliver_again(&self, receipts: &[String]) {
        for chunk in receipts.chunks(BATCH) {
            let entries = chunk
                .iter()
                .enumerate()
                .filter_map(|(i, receipt)| {
                    ChangeMessageVisibilityBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(receipt)
                        .visibility_timeout(0)
                        .build()
                        .ok()
                })
                .collect::<Vec<_>>();
            let outcome = self
                .client
                .change_message_visibility_batch()
                .queue_url(&self.url)
                .set_entries(Some(entries))
                .send()
                .await;
            match outcome {
                Ok(changed) if changed.failed().is_empty() => {}
                Ok(changed) => {
                    tracing::warn!(
                        failed = changed.failed().len(),
                        "verifica jobs left to their visibility timeout"
                    )
                }
                Err(e) => tracing::warn!(
                    error = %aws_sdk_sqs::error::DisplayErrorContext(e),
                    "verifica jobs left to their visibility timeout"
                ),
            }
        }
    }
}

#[async_trait]
impl JobQueue for SqsJobs {
    async fn send(&self, jobs: &[VerificaJob]) -> Result<(), QueueError> {
        for chunk in jobs.chunks(BATCH) {
            let mut pending: Vec<(String, String)> = chunk
                .iter()
                .enumerate()
                .map(|(i, job)| {
                    let body = serde_json::to_string(job).expect("a job serializes");
                    (i.to_string(), body)
                })
                .collect();
            for attempt in 1..=SEND_ATTEMPTS {
                let entries = pending
                    .iter()
                    .map(|(id, body)| {
                        SendMessageBatchRequestEntry::builder()
                            .id(id)
                            .message_body(body)
                            .build()
                            .map_err(|e| QueueError::Unreachable(e.to_string()))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let sent = self
                    .client
                    .send_message_batch()
                    .queue_url(&self.url)
                    .set_entries(Some(entries))
                    .send()
                    .await
                    .map_err(|e| {
                        QueueError::Unreachable(
                            aws_sdk_sqs::error::DisplayErrorContext(e).to_string(),
                        )
                    })?;
                let failed = sent.failed();
                if failed.is_empty() {
                    pending.clear();
                    break;
                }
                // An entry refused for what it is (not for SQS's state) would be refused
                // again.
                if attempt == SEND_ATTEMPTS || failed.iter().any(|f| f.sender_fault()) {
                    return Err(QueueError::Refused {
                        refused: failed.len(),
                        reason: failed[0].message().unwrap_or(failed[0].code()).to_owned(),
                    });
                }
                pending.retain(|(id, _)| failed.iter().any(|f| f.id() == id));
                tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
            }
        }
        Ok(())
    }
}

/// Time kept at the end of an invocation for a stopped job to record its counts, make its
/// message visible again and answer the queue: a few writes, each retried by the SDK when
/// throttled.
const RESERVE: Duration = Duration::from_secs(30);

/// When the jobs of an invocation ending at `deadline_ms` (Lambda's deadline, in
/// milliseconds since the epoch) must stop, as seen at `now`.
pub fn stop_before(deadline_ms: u64, now: SystemTime) -> Instant {
    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let left = Duration::from_millis(deadline_ms).saturating_sub(since_epoch);
    Instant::now() + left.saturating_sub(RESERVE)
}

/// What an invocation did with its messages.
#[derive(Debug, Default)]
pub struct Handled {
    /// The jobs to be delivered again, as Lambda reports them to the queue.
    pub response: SqsBatchResponse,
    /// The receipts of the jobs stopped at the deadline, among them: to be made visible
    /// again at once ([`SqsJobs::deliver_again`]).
    pub stopped: Vec<String>,
}

/// Lambda's SQS event: each message is one job. The jobs not finished, or stopped at
/// `deadline`, are reported back, so that the queue delivers them again (after its
/// visibility timeout, or at once for those stopped; after its last receive, to the
/// dead-letter queue).
pub async fn handle(store: &dyn ItemStore, event: SqsEvent, deadline: &dyn Deadline) -> Handled {
    let mut handled = Handled::default();
    let response = &mut handled.response;
    for message in event.records {
        let id = message.message_id.unwrap_or_default();
        let job = match message
            .body
            .as_deref()
            .map(serde_json::from_str::<VerificaJob>)
        {
            Some(Ok(job)) => job,
            // Not a job: reported failed, so that after its last receive it waits in the
            // dead-letter queue to be looked at.
            other => {
                tracing::error!(message = %id, ?other, "not a verifica job");
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = id;
                response.batch_item_failures.push(failure);
                continue;
            }
        };
        let outcome = carry_out(store, job, deadline).await;
        if outcome != Outcome::Finished {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            response.batch_item_failures.push(failure);
        }
        if outcome == Outcome::Stopped
            && let Some(receipt) = message.receipt_handle
        {
            handled.stopped.push(receipt);
        }
    }
    handled
}

/// How a job's delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every mailbox verified, or left for tomorrow's verifica (a mailbox whose writes
    /// cannot be made: a second try would not change it).
    Finished,
    /// To be tried again, after the queue's visibility timeout.
    Again,
    /// Stopped at its deadline: to be delivered again at once.
    Stopped,
}

/// Carries out `job`.
pub async fn carry_out(
    store: &dyn ItemStore,
    job: VerificaJob,
    deadline: &dyn Deadline,
) -> Outcome {
    match super::verify_job(store, job, deadline).await {
        Ok((_, Share::Stopped)) => Outcome::Stopped,
        Ok((counted, _)) if counted.da_riprovare == 0 => Outcome::Finished,
        Ok((counted, _)) => {
            tracing::warn!(ordine = %job.ordine.as_str(), da_riprovare = counted.da_riprovare, "verifica job to be tried again");
            Outcome::Again
        }
        Err(e) => {
            tracing::error!(ordine = %job.ordine.as_str(), error = %e, "verifica job failed");
            Outcome::Again
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_stops_its_reserve_before_the_invocation_ends() {
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let ms = |t: SystemTime| t.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
        let before = Instant::now();
        let stop = stop_before(ms(now + Duration::from_secs(900)), now);
        let after = Instant::now();
        assert!(stop >= before + Duration::from_secs(870));
        assert!(stop <= after + Duration::from_secs(870));
        // Already within the reserve, or past the deadline: stop at once.
        for end in [now + Duration::from_secs(10), now - Duration::from_secs(10)] {
            assert!(stop_before(ms(end), now) <= Instant::now());
        }
    }
}
