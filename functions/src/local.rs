//! The local server: the whole API and the built SPA on one port, so that the product runs
//! on a laptop with one command.

use std::path::Path;

use axum::routing::get;
use axum::{Json, Router};
use shared::api::{AuthConfig, SpaConfig};
use tower_http::services::{ServeDir, ServeFile};

use crate::AppState;

/// The API, the SPA's `/config.json` (how it signs people in), and the SPA from `spa_dir`
/// for every other path (client-side routes fall back to `index.html`). Precompressed
/// `.br`/`.gz` files are served when the browser accepts them.
pub fn app(state: AppState, spa_dir: &Path, auth: AuthConfig) -> Router {
    let spa = ServeDir::new(spa_dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(spa_dir.join("index.html")));
    let config = Json(SpaConfig { auth });
    crate::router(state)
        .route("/config.json", get(move || async move { config.clone() }))
        .fallback_service(spa)
}

/// The sign-in the SPA uses: the local accounts, unless `PEC_OIDC_AUTHORITY` and
/// `PEC_OIDC_CLIENT_ID` name an OAuth2 authorization server (the hosted-login flow, tried
/// locally against a stand-in that issues this server's tokens).
pub fn auth_from_env() -> AuthConfig {
    match (
        std::env::var("PEC_OIDC_AUTHORITY"),
        std::env::var("PEC_OIDC_CLIENT_ID"),
    ) {
        (Ok(authority), Ok(client_id)) if !authority.is_empty() && !client_id.is_empty() => {
            AuthConfig::Oidc {
                authority,
                client_id,
            }
        }
        _ => AuthConfig::Local,
    }
}
