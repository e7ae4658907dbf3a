//! The API on AWS Lambda behind an API Gateway HTTP API.

use functions::{AppState, router, telemetry};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init_json();
    let app = router(AppState::from_env());
    lambda_http::run(app).await
}
