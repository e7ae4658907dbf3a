//! What every HTTP response of the product shares: the error envelope (even for the
//! rejections axum and tower produce themselves), the security headers, the request time
//! limit, and the extractors and idempotency of the routes.

pub mod extract;
pub mod idempotency;

use std::time::Duration;

use axum::Json;
use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shared::api::{ApiError, CSV_MAX_BYTES, ErrorCode};

/// How long a request may run: below the functions' 29 s timeout (and API Gateway's), so
/// the API itself answers, with the envelope. Detached work stops at the same limit, and
/// an idempotency claim lapses after it (`repo::idempotency::IN_PROGRESS`).
pub const REQUEST_TIME_LIMIT: Duration = Duration::from_secs(25);

/// What every answer of the API goes through, in one layer (each layer costs its request
/// a boxed future): the time limit, the envelope on every error, the security headers.
pub async fn api_response(request: Request, next: Next) -> Response {
    let mut response = envelope(time_limit(next.run(request)).await);
    api_headers(response.headers_mut());
    response
}

/// Every error the API answers has the envelope: a response that left a handler, an
/// extractor or a layer without one (axum's 405, tower's 408 and 413, a rejection in plain
/// text) gets it here, by its status.
fn envelope(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "Questa operazione non esiste."),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::MethodNotAllowed,
            "Questa operazione non accetta il metodo HTTP usato.",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            ErrorCode::Timeout,
            "La richiesta ha richiesto troppo tempo: potrebbe essere stata eseguita comunque. Ricarica la pagina prima di riprovare.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::PayloadTooLarge,
            "I dati inviati sono troppo grandi.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            ErrorCode::UnsupportedMediaType,
            "Il tipo di contenuto della richiesta non è accettato.",
        ),
        StatusCode::UNAUTHORIZED => (
            ErrorCode::Unauthorized,
            "Accesso richiesto: effettua il login.",
        ),
        StatusCode::FORBIDDEN => (
            ErrorCode::Forbidden,
            "Non hai i permessi per questa operazione.",
        ),
        s if s.is_client_error() => (ErrorCode::MalformedRequest, "La richiesta non è valida."),
        _ => (
            ErrorCode::Internal,
            "Si è verificato un errore imprevisto. Riprova tra qualche minuto.",
        ),
    };
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        format!(
            "{message} Il limite è di {} MB: dividi il file in più parti.",
            CSV_MAX_BYTES / 1024 / 1024
        )
    } else {
        message.to_owned()
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(CONTENT_TYPE);
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let body = Json(ApiError::new(code, message));
    (parts.status, parts.headers, body).into_response()
}

/// The API's answers: personal data, never stored by a cache, never framed or sniffed.
fn api_headers(headers: &mut HeaderMap) {
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    common_headers(headers);
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
}

/// The headers every response carries, the app's and the API's.
pub fn common_headers(headers: &mut HeaderMap) {
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
}

/// A file the API made, offered for download as `filename` (`type` its media type).
pub fn download(
    content_type: &str,
    filename: &str,
    body: impl axum::response::IntoResponse,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Other origins the single-page app's page reaches, by CSP directive: the sign-in
/// server, the payment provider's script, its frames and its API.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThirdParties {
    pub script: Vec<String>,
    pub frame: Vec<String>,
    pub connect: Vec<String>,
}

impl ThirdParties {
    /// These and `other`'s.
    pub fn and(mut self, other: ThirdParties) -> Self {
        self.script.extend(other.script);
        self.frame.extend(other.frame);
        self.connect.extend(other.connect);
        self
    }
}

/// The single-page app's Content-Security-Policy: its own code only (the wasm needs
/// `wasm-unsafe-eval`), nothing inline, no framing of it; `others` adds the origins of the
/// sign-in server and of the payment provider.
pub fn app_csp(others: &ThirdParties) -> String {
    let with = |sources: &[String]| -> String { sources.iter().map(|s| format!(" {s}")).collect() };
    let frame = if others.frame.is_empty() {
        "'none'".to_owned()
    } else {
        with(&others.frame).trim_start().to_owned()
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'{}; frame-src {frame}; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        with(&others.script),
        with(&others.connect),
    )
}

/// The origin (`scheme://host[:port]`) of `url`, for a CSP source.
pub fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

/// Answers 408 (to which the envelope is added) when a request runs past
/// [`REQUEST_TIME_LIMIT`] (a second later than detached work stops, so that work answers
/// first).
async fn time_limit(response: impl Future<Output = Response>) -> Response {
    let limit = REQUEST_TIME_LIMIT + Duration::from_secs(1);
    match tokio::time::timeout(limit, response).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

/// A handler that panicked answers the 500 envelope; the panic is logged.
pub fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic");
    tracing::error!(%detail, "request handler panicked");
    let body = Json(ApiError::new(
        ErrorCode::Internal,
        "Si è verificato un errore imprevisto. Riprova tra qualche minuto.",
    ));
    (StatusCode::INTERNAL_SERVER_ERROR, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_policy_allows_no_inline_code_and_names_the_third_parties() {
        let sign_in = ThirdParties {
            connect: origin("https://pec.auth.eu-south-1.amazoncognito.com/oauth2")
                .into_iter()
                .collect(),
            ..Default::default()
        };
        let csp = app_csp(&sign_in);
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("connect-src 'self' https://pec.auth.eu-south-1.amazoncognito.com;"));
        assert!(csp.contains("frame-src 'none';"));
        assert!(csp.contains("frame-ancestors 'none'"));
        let stripe = ThirdParties {
            script: vec!["https://js.stripe.com".into()],
            frame: vec![
                "https://js.stripe.com".into(),
                "https://hooks.stripe.com".into(),
            ],
            connect: vec!["https://api.stripe.com".into()],
        };
        let csp = app_csp(&sign_in.and(stripe));
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' https://js.stripe.com;"));
        assert!(csp.contains("frame-src https://js.stripe.com https://hooks.stripe.com;"));
        assert!(csp.contains(
            "connect-src 'self' https://pec.auth.eu-south-1.amazoncognito.com https://api.stripe.com;"
        ));
        assert_eq!(
            origin("http://127.0.0.1:9/x").as_deref(),
            Some("http://127.0.0.1:9")
        );
        assert_eq!(origin("nonsense"), None);
    }
}
