//! `pec-api`: the API on AWS Lambda behind an API Gateway HTTP API with a JWT authorizer,
//! every operation but the areas' documents (`pec-documents`). The DynamoDB table is
//! `PEC_TABLE`, the provider's API `PEC_PROVIDER_URL` (asked what a mailbox holds) and the
//! key its events are signed with `PEC_PROVIDER_EVENTS_SECRET`, the card payments
//! `PEC_STRIPE_*`.

use std::sync::Arc;

use functions::outbox::provider::http::HttpProvider;
use functions::routes;

// One event at a time, on a fraction of a core (256 MB to 1 GB): one thread, and no
// workers to start.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    let (_, mut state, layout) = functions::lambda::api_state().await?;
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
    lambda_http::run(routes::api_on_lambda(routes::api_routes(state), layout)).await
}
