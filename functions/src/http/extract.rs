//! Extractors that give handlers typed values (an `OrdineCode`, a `CodiceFiscale`, a
//! query struct) and whose rejections speak the API's envelope, in Italian, instead of
//! axum's plain text.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use shared::api::{ApiError, CSV_MAX_BYTES, ErrorCode};
use shared::codice_fiscale::CodiceFiscale;
use shared::province::OrdineCode;

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
    let (code, message) = match rejection {
        JsonRejection::MissingJsonContentType(_) => (
            ErrorCode::UnsupportedMediaType,
            "La richiesta deve avere il tipo di contenuto application/json.",
        ),
        JsonRejection::JsonSyntaxError(_) => (
            ErrorCode::MalformedRequest,
            "Il corpo della richiesta non è un JSON valido.",
        ),
        JsonRejection::BytesRejection(_) => (
            ErrorCode::PayloadTooLarge,
            "Il corpo della richiesta è troppo grande o non è stato ricevuto per intero.",
        ),
        _ => (
            ErrorCode::MalformedRequest,
            "Alcuni dati della richiesta non sono nel formato atteso.",
        ),
    };
    let api = ApiError::new(code, message);
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

/// The URL query as `T`; a parameter that does not parse is named in the error.
#[derive(Debug, Clone, Default)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Query)
            .map_err(|e| {
                let field = e.path().to_string();
                let message = italian_reason(&e.inner().to_string());
                let field = if field == "." { None } else { Some(field) };
                let message = match &field {
                    Some(f) => format!("Il parametro «{f}» non è valido: {message}"),
                    None => format!("I parametri della richiesta non sono validi: {message}"),
                };
                let api = ApiError::new(ErrorCode::InvalidInput, message);
                match field {
                    Some(f) => api.with_field(f),
                    None => api,
                }
                .into()
            })
    }
}

/// serde's reasons, as people read them.
fn italian_reason(reason: &str) -> String {
    if let Some((_, expected)) = reason.split_once("expected one of ") {
        return format!("i valori ammessi sono {}.", expected.replace('`', ""));
    }
    if reason.contains("invalid digit") || reason.contains("invalid type") {
        return "deve essere un numero intero.".into();
    }
    if reason.contains("too large") || reason.contains("too small") {
        return "il numero è fuori dall'intervallo ammesso.".into();
    }
    if reason.contains("`true` or `false`") {
        return "deve essere true o false.".into();
    }
    if reason.contains("premature end of input")
        || reason.contains("input contains invalid characters")
    {
        return "deve essere una data nel formato AAAA-MM-GG.".into();
    }
    if reason.starts_with("duplicate field") {
        return "compare più di una volta.".into();
    }
    // Our own types (a code, a sigla) fail with an Italian message already.
    reason.to_owned()
}

/// The raw value of the path parameter `name`.
async fn path_param<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
    name: &str,
) -> Result<String, AppError> {
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| {
            AppError::Domain(
                ApiError::new(
                    ErrorCode::MalformedRequest,
                    "L'indirizzo della richiesta contiene caratteri non validi.",
                )
                .with_field(name),
            )
        })?;
    params
        .iter()
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .ok_or_else(|| {
            AppError::internal(std::io::Error::other(format!("no path parameter {name}")))
        })
}

/// The Ordine named by the path's `{ordine}`.
#[derive(Debug, Clone, Copy)]
pub struct OrdineParam(pub OrdineCode);

impl<S: Send + Sync> FromRequestParts<S> for OrdineParam {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let sigla = path_param(parts, state, "ordine").await?;
        OrdineCode::parse(&sigla)
            .map(OrdineParam)
            .map_err(|e| ApiError::ordine(&e, "ordine").into())
    }
}

/// The member named by the path's `{codice_fiscale}`.
#[derive(Debug, Clone)]
pub struct CfParam(pub CodiceFiscale);

impl<S: Send + Sync> FromRequestParts<S> for CfParam {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let cf = path_param(parts, state, "codice_fiscale").await?;
        CodiceFiscale::parse(&cf)
            .map(CfParam)
            .map_err(|e| ApiError::codice_fiscale(&e, "codice_fiscale").into())
    }
}

/// A request's number in its holder's list, from the path's `{numero}`.
#[derive(Debug, Clone, Copy)]
pub struct NumeroParam(pub u32);

impl<S: Send + Sync> FromRequestParts<S> for NumeroParam {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let text = path_param(parts, state, "numero").await?;
        text.parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .map(NumeroParam)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidInput,
                    "Il numero della richiesta non è valido.",
                )
                .with_field("numero")
                .into()
            })
    }
}

/// An uploaded file's bytes (a CSV), up to [`CSV_MAX_BYTES`]; its content is checked by
/// the use case, whatever the declared type.
#[derive(Debug, Clone)]
pub struct Upload(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state)
            .await
            .map(Upload)
            .map_err(|rejection| {
                let too_large = matches!(rejection, BytesRejection::FailedToBufferBody(_))
                    && rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE;
                if too_large {
                    AppError::new(
                        ErrorCode::PayloadTooLarge,
                        format!(
                            "Il file è troppo grande (più di {} MB): dividilo in più parti.",
                            CSV_MAX_BYTES / 1024 / 1024
                        ),
                    )
                } else {
                    AppError::new(
                        ErrorCode::MalformedRequest,
                        "Il file non è stato ricevuto per intero: riprova.",
                    )
                }
            })
    }
}
