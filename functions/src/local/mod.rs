//! The local server: the whole product on one laptop. The API (with the local accounts'
//! login), the SPA's `/config.json` and the built SPA on one port, the demo data, the
//! provider and mail sandboxes behind the outbox, and the daily verifica.

pub mod demo_ca;
pub mod routes;
pub mod seed;

use std::path::Path;

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use shared::api::{AuthConfig, SpaConfig};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::{AppState, http};

/// The API, the SPA's `/config.json` (how it signs people in), and the SPA from `spa_dir`:
/// a client-side route gets `index.html`, a missing file a 404. Precompressed `.br`/`.gz`
/// files are served when the browser accepts them.
pub fn app(state: AppState, spa_dir: &Path, auth: AuthConfig) -> Router {
    let assets = ServeDir::new(spa_dir)
        .precompressed_br()
        .precompressed_gzip();
    let shell = ServeFile::new(spa_dir.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let spa = Router::new().fallback(move |request: Request| {
        let (assets, shell) = (assets.clone(), shell.clone());
        async move {
            let served = if is_client_route(request.uri().path()) {
                shell.oneshot(request).await
            } else {
                assets.oneshot(request).await
            };
            match served {
                Ok(response) => response.into_response(),
                Err(never) => match never {},
            }
        }
    });
    let sign_in = http::ThirdParties {
        connect: match &auth {
            AuthConfig::Oidc { authority, .. } => http::origin(authority).into_iter().collect(),
            AuthConfig::Local => Vec::new(),
        },
        ..Default::default()
    };
    let csp = http::app_csp(&sign_in.and(state.payments.browser_origins()));
    let csp = HeaderValue::from_str(&csp).expect("a header value");
    let config = Json(SpaConfig { auth });
    let spa = Router::new()
        .route("/config.json", get(move || async move { config.clone() }))
        .merge(spa)
        .layer(middleware::from_fn(cache_policy))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            let csp = csp.clone();
            async move {
                let mut response = next.run(request).await;
                http::common_headers(response.headers_mut());
                response.headers_mut().insert(CONTENT_SECURITY_POLICY, csp);
                response
            }
        }));
    api(state).merge(spa)
}

/// The API as the local server serves it: the deployed routes and the local login.
pub fn api(state: AppState) -> Router {
    let local = routes::router().with_state(state.clone());
    crate::routes::api(crate::routes::routes(&state).merge(local))
}

/// A path the SPA routes itself (no file extension), as opposed to one of its files.
fn is_client_route(path: &str) -> bool {
    !path.rsplit('/').next().unwrap_or_default().contains('.')
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
    } else if response.status() == StatusCode::NOT_FOUND {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
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
    use super::{is_client_route, is_fingerprinted};

    #[test]
    fn routes_have_no_extension_files_do() {
        assert!(is_client_route("/"));
        assert!(is_client_route("/ordine/iscritti/RSSMRA85T10A562S"));
        assert!(!is_client_route("/pkg/frontend.0123456789abcdef.js"));
        assert!(!is_client_route("/favicon.ico"));
    }

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
