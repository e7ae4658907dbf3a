//! Extractors whose rejections speak the API's envelope instead of axum's plain text.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use shared::api::{ApiError, ErrorCode};

use crate::error::AppError;

/// `axum::Json`, but a body that does not parse gets a `malformed_request` envelope with
/// the field that failed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(malformed(&rejection).into()),
        }
    }
}

fn malformed(rejection: &JsonRejection) -> ApiError {
    let detail = rejection.body_text();
    tracing::debug!(%detail, "malformed request body");
    let message = match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "La richiesta deve avere il tipo di contenuto application/json."
        }
        JsonRejection::JsonSyntaxError(_) => "Il corpo della richiesta non è un JSON valido.",
        _ => "Alcuni dati della richiesta non sono nel formato atteso.",
    };
    let api = ApiError::new(ErrorCode::MalformedRequest, message);
    // serde_path_to_error's text: "Failed to deserialize …: extra.inbox_gb: invalid type …"
    match detail
        .split(": ")
        .nth(1)
        .filter(|path| !path.contains(' ') && !path.is_empty() && *path != ".")
    {
        Some(path) => api.with_field(path),
        None => api,
    }
}
