//! `pec-sweep`: the daily verifica on AWS Lambda, woken by an EventBridge schedule. It
//! renews, expires and closes what is due in `PEC_TABLE` and queues the reminders and
//! provider commands in the outbox, whose stream wakes `pec-outbox`; first, it reconciles
//! the orders whose payment event never came.

use aws_config::BehaviorVersion;
use functions::store::dynamodb::DynamoStore;
use functions::{telemetry, verifica};
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    telemetry::init_json();
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let store = DynamoStore::from_env(&config)?;
    // A table of another key layout is refused at start, not read wrongly.
    functions::repo::layout::refuse_other(&store).await?;
    let store = &store;
    // With Stripe configured, payments whose event never came are reconciled; without,
    // unpaid orders still expire.
    let payments: Box<dyn functions::payment::Payments> =
        match functions::payment::stripe::StripeConfig::from_env() {
            Some(config) => Box::new(functions::payment::stripe::StripePayments::new(config)),
            None => Box::new(functions::payment::Unconfigured),
        };
    let payments = payments.as_ref();
    let venditore = &functions::payment::venditore_from_env();
    lambda_runtime::run(service_fn(
        move |_event: LambdaEvent<serde_json::Value>| async move {
            let now = chrono::Utc::now();
            Ok::<_, lambda_runtime::Error>(verifica::daily(store, payments, venditore, now).await?)
        },
    ))
    .await
}
