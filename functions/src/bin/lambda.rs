//! The API on AWS Lambda behind an API Gateway HTTP API with a JWT authorizer; the
//! DynamoDB table is `PEC_TABLE`, the contracts bucket `PEC_CONTRACTS_BUCKET`, the trust
//! store `PEC_TRUST_STORE` and `PEC_TRUST_CRLS`, the provider's API `PEC_PROVIDER_URL`
//! (asked what a mailbox holds) and the key its events are signed with
//! `PEC_PROVIDER_EVENTS_SECRET`.

use std::sync::Arc;

use functions::blob::s3::S3Blobs;
use functions::outbox::provider::http::HttpProvider;
use functions::store::dynamodb::DynamoStore;
use functions::{AppState, router, telemetry};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init_json();
    let config = functions::aws::defaults().load().await;
    let store = DynamoStore::from_env(&config)?;
    // A table of another key layout is refused at start, not read wrongly.
    functions::repo::layout::refuse_other(&store).await?;
    let mut state = AppState::lambda(Arc::new(store));
    if let Ok(bucket) = std::env::var("PEC_CONTRACTS_BUCKET") {
        let s3 = aws_sdk_s3::Client::new(&config);
        state = state.with_files(Arc::new(S3Blobs::new(s3, bucket)));
    }
    if let Ok(url) = std::env::var("PEC_PROVIDER_URL") {
        let token = std::env::var("PEC_PROVIDER_TOKEN").ok();
        state = state.with_provider(Arc::new(HttpProvider::new(url, token)));
    }
    if let Ok(secret) = std::env::var("PEC_PROVIDER_EVENTS_SECRET") {
        state = state.with_provider_events(&secret);
    }
    if let Some(stripe) = functions::payment::stripe::StripeConfig::from_env() {
        state = state.with_stripe(stripe);
    }
    // The trust store packaged with the function (none: every signature to review).
    state = state.with_trust(functions::trust::load(std::path::Path::new("/var/task"))?);
    let app = router(state);
    lambda_http::run(app).await
}
