//! The local server: the whole API and the built SPA on one port, so that the product runs
//! on a laptop with one command.

use std::path::Path;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::middleware::{self, Next};
use axum::response::Response;
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
    let spa = Router::new()
        .fallback_service(spa)
        .layer(middleware::from_fn(cache_policy));
    let config = Json(SpaConfig { auth });
    crate::router(state)
        .route("/config.json", get(move || async move { config.clone() }))
        .merge(spa)
}

/// Fingerprinted files never change under their name; everything else is revalidated, so
/// a new build shows at the next load (as the README's S3 upload sets it on AWS).
async fn cache_policy(request: Request, next: Next) -> Response {
    let immutable = is_fingerprinted(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() {
        let policy = if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// `name.{16 hex digits}.ext`, as the SPA build names code and stylesheets.
fn is_fingerprinted(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[parts.len() - 2].len() == 16
        && parts[parts.len() - 2]
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
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

#[cfg(test)]
mod tests {
    use super::is_fingerprinted;

    #[test]
    fn only_hashed_names_are_fingerprinted() {
        assert!(is_fingerprinted("/pkg/frontend_bg.541b085076c0b882.wasm"));
        assert!(is_fingerprinted(
            "/bootstrap-italia/css/bootstrap-italia.min.0f5fc9a092cd008e.css"
        ));
        assert!(!is_fingerprinted("/index.html"));
        assert!(!is_fingerprinted("/pkg/frontend.js"));
        assert!(!is_fingerprinted("/fonts/a.latin-ext12345678.woff2"));
    }
}
