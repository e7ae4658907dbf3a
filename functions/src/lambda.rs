//! The API's start on Lambda, shared by its two binaries: `pec-api` and `pec-documents`
//! (`routes::Lambda`).

use std::sync::Arc;

use crate::AppState;
use crate::store::dynamodb::DynamoStore;

/// JSON logs, the SDK's configuration, the table (`PEC_TABLE`), and callers verified by
/// API Gateway's JWT authorizer.
pub async fn api_state() -> Result<(aws_config::SdkConfig, AppState), lambda_http::Error> {
    crate::telemetry::init_json();
    let config = crate::aws::defaults().load().await;
    let store = DynamoStore::from_env(&config)?;
    // A table of another key layout is refused at start, not read wrongly.
    crate::repo::layout::refuse_other(&store).await?;
    Ok((config, AppState::lambda(Arc::new(store))))
}
