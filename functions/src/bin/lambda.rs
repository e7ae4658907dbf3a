//! The API on AWS Lambda behind an API Gateway HTTP API with a JWT authorizer; the
//! DynamoDB table is `PEC_TABLE`.

use std::sync::Arc;

use aws_config::BehaviorVersion;
use functions::store::dynamodb::DynamoStore;
use functions::{AppState, router, telemetry};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init_json();
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let store = DynamoStore::from_env(&config)?;
    // A table of another key layout is refused at start, not read wrongly.
    functions::repo::layout::refuse_other(&store).await?;
    let app = router(AppState::lambda(Arc::new(store)));
    lambda_http::run(app).await
}
