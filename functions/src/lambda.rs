//! What the Lambda binaries do at start: the table, checked, for all of them; the API's
//! state for its two (`pec-api` and `pec-documents`, `routes::Lambda`).

use std::sync::Arc;

use crate::AppState;
use crate::store::dynamodb::DynamoStore;

/// JSON logs, the SDK's configuration, the table (`PEC_TABLE`), and callers verified by
/// API Gateway's JWT authorizer.
pub async fn api_state() -> Result<(aws_config::SdkConfig, AppState), lambda_http::Error> {
    crate::telemetry::init_json();
    let config = crate::aws::defaults().load().await;
    let store = table(&config).await?;
    Ok((config, AppState::lambda(Arc::new(store))))
}

/// The table `PEC_TABLE`; one of another key layout is refused at start, not read
/// wrongly.
pub async fn table(config: &aws_config::SdkConfig) -> Result<DynamoStore, lambda_http::Error> {
    let store = DynamoStore::from_env(config)?;
    crate::repo::layout::refuse_other(&store).await?;
    Ok(store)
}
