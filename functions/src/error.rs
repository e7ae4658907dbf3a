//! The API's errors: each becomes the shared envelope (stable code, Italian message,
//! field) with its HTTP status. Unexpected failures log their cause chain and show none of it.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shared::api::{ApiError, ErrorCode};
use shared::catalog::QuoteError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    /// A rule of the domain refused the request; the message says why.
    #[error("{0}")]
    Domain(ApiError),
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Domain(ApiError::new(code, message))
    }

    pub fn internal(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        AppError::Internal(Box::new(err))
    }
}

impl From<ApiError> for AppError {
    fn from(err: ApiError) -> Self {
        AppError::Domain(err)
    }
}

impl From<QuoteError> for AppError {
    fn from(err: QuoteError) -> Self {
        AppError::Domain(ApiError::from(&err))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = match self {
            AppError::Domain(api) => api,
            AppError::Internal(cause) => {
                let mut chain = cause.to_string();
                let mut source = cause.source();
                while let Some(s) = source {
                    chain.push_str(": ");
                    chain.push_str(&s.to_string());
                    source = s.source();
                }
                tracing::error!(error = %chain, "request failed");
                ApiError::new(
                    ErrorCode::Internal,
                    "Si è verificato un errore imprevisto. Riprova tra qualche minuto; se il problema continua, scrivi a assistenzapec@fondazionecni.it.",
                )
            }
        };
        let status = StatusCode::from_u16(body.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(body)).into_response()
    }
}
