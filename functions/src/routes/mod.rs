//! The API's routes, one module per area.

mod catalog;
mod health;

use axum::Router;
use axum::routing::any;
use shared::api::ErrorCode;
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::error::AppError;

/// Every route of the API, under `/api`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(catalog::router())
        // Below /api, an unknown path is an API error, never the SPA's shell.
        .route("/api", any(no_such_route))
        .route("/api/{*rest}", any(no_such_route))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn no_such_route() -> AppError {
    AppError::new(ErrorCode::NotFound, "Questa operazione non esiste.")
}
