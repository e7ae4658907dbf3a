//! What the Lambda binaries do at start: the table, with its check for the first event,
//! for all of them; the API's state for its two (`pec-api` and `pec-documents`,
//! `routes::Lambda`).
//!
//! The start makes no network call: it is the time Lambda's init phase takes on every
//! cold start, before any event. The table's key layout is read when the first event
//! arrives, before that event touches the table; that read opens the connection the
//! event's own requests then reuse.

use std::sync::Arc;

use axum::extract::State;
use tokio::sync::OnceCell;

use crate::AppState;
use crate::store::dynamodb::DynamoStore;

/// JSON logs, the SDK's configuration, the table (`PEC_TABLE`) with its layout check to
/// run, and callers verified by API Gateway's JWT authorizer.
pub async fn api_state()
-> Result<(aws_config::SdkConfig, AppState, LayoutCheck), lambda_http::Error> {
    crate::telemetry::init_json();
    let config = crate::aws::defaults().load().await;
    let check = table(&config)?;
    // The routes reach the store only after [`LayoutCheck::wait`].
    let state = AppState::lambda(check.store.clone());
    Ok((config, state, check))
}

/// The table `PEC_TABLE`, behind the check of its key layout, still to run: an event
/// has the table from [`LayoutCheck::passed`].
pub fn table(config: &aws_config::SdkConfig) -> Result<LayoutCheck, lambda_http::Error> {
    Ok(LayoutCheck {
        store: Arc::new(DynamoStore::from_env(config)?),
        passed: Arc::new(OnceCell::new()),
    })
}

/// The read of the table's layout mark, made once, by the first event. A table of
/// another layout, or one that cannot be read, ends the process as a failed start would:
/// Lambda reports the event as failed and starts the function again for the next one.
/// No event reads or writes before it, since each waits for [`passed`].
///
/// [`passed`]: LayoutCheck::passed
#[derive(Clone)]
pub struct LayoutCheck {
    store: Arc<DynamoStore>,
    passed: Arc<OnceCell<()>>,
}

impl LayoutCheck {
    /// The table, once its layout is known to be this code's: the first event reads it
    /// (those arriving meanwhile wait for that read), the others have it at once.
    pub async fn passed(&self) -> &DynamoStore {
        self.passed
            .get_or_init(|| async {
                if let Err(refused) = crate::repo::layout::refuse_other(self.store.as_ref()).await {
                    tracing::error!(error = %refused, "the table cannot be served");
                    std::process::exit(1);
                }
            })
            .await;
        &self.store
    }

    /// A request, once the check has passed: the middleware `routes::api_on_lambda` puts
    /// inside the API's layers.
    pub async fn wait(
        State(check): State<LayoutCheck>,
        request: axum::extract::Request,
        next: axum::middleware::Next,
    ) -> axum::response::Response {
        check.passed().await;
        next.run(request).await
    }
}
