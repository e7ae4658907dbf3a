//! `pec-outbox`: the outbox dispatcher on AWS Lambda. The table's stream wakes it when an
//! entry is written, and a schedule wakes it to retry what is still due; either way it
//! carries out every due entry: provider commands to the provider (`PEC_PROVIDER_URL`,
//! with the bearer token `PEC_PROVIDER_TOKEN` if set), notices through SES from
//! `PEC_MAIL_FROM` (an official sender). Each outcome is recorded on its entry.

use functions::outbox::mailer::{self, ses::SesMailer};
use functions::outbox::provider::http::HttpProvider;
use functions::outbox::{self, Channels};
use functions::telemetry;
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};

// One event at a time, on a fraction of a core (256 MB to 1 GB): one thread, and no
// workers to start.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    telemetry::init_json();
    let config = functions::aws::defaults().load().await;
    let url = std::env::var("PEC_PROVIDER_URL").map_err(|_| "PEC_PROVIDER_URL is not set")?;
    let from = std::env::var("PEC_MAIL_FROM").unwrap_or_else(|_| mailer::DEFAULT_SENDER.into());
    let layout = &functions::lambda::table(&config)?;
    let provider = HttpProvider::new(url, std::env::var("PEC_PROVIDER_TOKEN").ok());
    let mailer = SesMailer::new(
        aws_sdk_sesv2::Client::new(&config),
        mailer::official_sender(&from)?,
    );
    let channels = Channels {
        provider: &provider,
        mailer: &mailer,
    };
    lambda_runtime::run(service_fn(
        move |_event: LambdaEvent<serde_json::Value>| async move {
            let store = layout.passed().await;
            // The event only says "look now": the outbox itself says what is due.
            let run = outbox::run_once(store, channels, chrono::Utc::now()).await?;
            tracing::info!(done = run.done, retried = run.retried, "outbox dispatched");
            Ok::<_, lambda_runtime::Error>(
                serde_json::json!({ "done": run.done, "retried": run.retried }),
            )
        },
    ))
    .await
}
