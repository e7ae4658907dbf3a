//! `Idempotency-Key` on the POSTs that create: the first request runs, a repeat within 24
//! hours gets the stored response again (with `Idempotent-Replayed: true`), a repeat while
//! the first is running gets 409, and the key reused for another request gets 422.

use std::future::Future;

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};
use shared::access::Caller;
use shared::api::ErrorCode;

use crate::AppState;
use crate::error::AppError;
use crate::repo::idempotency::{self, Claim};

pub const HEADER: &str = "Idempotency-Key";

fn fingerprint(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs `work` once per (caller, key); `request` identifies what was asked.
pub async fn run<T, F, Fut>(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    request: &[&[u8]],
    success: StatusCode,
    work: F,
) -> Result<Response, AppError>
where
    T: Serialize,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let Some(key) = headers.get(HEADER) else {
        return Ok((success, Json(work().await?)).into_response());
    };
    let key = key
        .to_str()
        .ok()
        .filter(|k| (1..=128).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::MalformedRequest,
                "L'intestazione Idempotency-Key deve avere da 1 a 128 caratteri visibili.",
            )
        })?;
    let store = state.store.as_ref();
    let now = state.clock.now();
    let hash = fingerprint(request);
    match idempotency::claim(store, &caller.subject, key, &hash, now)
        .await
        .map_err(AppError::internal)?
    {
        Claim::New => match work().await {
            Ok(value) => {
                let body = serde_json::to_value(&value).map_err(AppError::internal)?;
                idempotency::complete(
                    store,
                    &caller.subject,
                    key,
                    &hash,
                    success.as_u16(),
                    body.clone(),
                    now,
                )
                .await
                .map_err(AppError::internal)?;
                Ok((success, Json(body)).into_response())
            }
            Err(err) => {
                // A failed request leaves nothing behind: the same key may be retried.
                idempotency::release(store, &caller.subject, key)
                    .await
                    .map_err(AppError::internal)?;
                Err(err)
            }
        },
        Claim::Replay { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            Ok((status, [("Idempotent-Replayed", "true")], Json(body)).into_response())
        }
        Claim::InProgress => Err(AppError::new(
            ErrorCode::InProgress,
            "La stessa richiesta è ancora in corso: attendi qualche secondo e ricarica.",
        )),
        Claim::Mismatch => Err(AppError::new(
            ErrorCode::IdempotencyMismatch,
            "Questa Idempotency-Key è già stata usata per una richiesta diversa.",
        )),
    }
}
