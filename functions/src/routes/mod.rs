//! The API's routes, one module per area.

mod catalog;
mod health;

use axum::Router;
use tower_http::trace::TraceLayer;

use crate::AppState;

/// Every route of the API, under `/api`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::router())
        .merge(catalog::router())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
