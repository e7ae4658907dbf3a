//! `pec-sweep`: the daily verifica on AWS Lambda. Woken by an EventBridge schedule, it
//! reconciles the orders whose payment event never came and queues one job per Ordine on
//! the verifica's queue (`PEC_VERIFICA_QUEUE_URL`); woken by that queue, it verifies one
//! Ordine's mailboxes in `PEC_TABLE` (renewals, expiries, closures), queueing reminders
//! and provider commands in the outbox, whose stream wakes `pec-outbox`.

use std::time::SystemTime;

use aws_config::retry::RetryConfig;
use aws_lambda_events::event::sqs::SqsEvent;
use functions::verifica::queue::{self, SqsJobs};
use functions::{telemetry, verifica};
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::Value;

/// Attempts of each request when DynamoDB throttles a busy partition; adaptive mode also
/// slows this client's requests down after throttling.
const ATTEMPTS: u32 = 6;

// One event at a time, on a fraction of a core (256 MB to 1 GB): one thread, and no
// workers to start.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    telemetry::init_json();
    let config = functions::aws::defaults()
        .retry_config(RetryConfig::adaptive().with_max_attempts(ATTEMPTS))
        .load()
        .await;
    let layout = &functions::lambda::table(&config)?;
    let jobs = &SqsJobs::from_env(&config)?;
    // With Stripe configured, payments whose event never came are reconciled; without,
    // unpaid orders still expire.
    let payments: Box<dyn functions::payment::Payments> =
        match functions::payment::stripe::StripeConfig::from_env() {
            Some(config) => Box::new(functions::payment::stripe::StripePayments::new(config)),
            None => Box::new(functions::payment::Unconfigured),
        };
    let payments = payments.as_ref();
    let venditore = &functions::payment::venditore_from_env();
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let store = layout.passed().await;
        if event.payload.get("Records").is_some() {
            let deadline = queue::stop_before(event.context.deadline, SystemTime::now());
            let event: SqsEvent = serde_json::from_value(event.payload)?;
            let handled = queue::handle(store, event, &deadline).await;
            jobs.deliver_again(&handled.stopped).await;
            return Ok::<_, lambda_runtime::Error>(serde_json::to_value(handled.response)?);
        }
        let now = chrono::Utc::now();
        let report = verifica::dispatch(store, payments, venditore, jobs, now).await?;
        Ok(serde_json::to_value(report)?)
    }))
    .await
}
