//! `Idempotency-Key` on the POSTs that create: the first request runs, a repeat within 24
//! hours gets the stored response again (with `Idempotent-Replayed: true`), a repeat while
//! the first is running gets 409 (for at most the request's own time limit), and the key
//! reused for another request gets 422.

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
    hex::encode(hasher.finalize())
}

/// Runs `work` once per (caller, key); `request` identifies what was asked.
///
/// The work runs in its own task: a client that drops the connection does not cancel it,
/// so it completes and records its response, which the retry with the same key gets.
pub async fn run<T, Fut>(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    request: &[&[u8]],
    success: StatusCode,
    work: Fut,
) -> Result<Response, AppError>
where
    T: Serialize + Send + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    let Some(key) = headers.get(HEADER) else {
        return Ok((success, Json(detached(work).await?)).into_response());
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
        })?
        .to_owned();
    let now = state.clock.now();
    let hash = fingerprint(request);
    match idempotency::claim(state.store.as_ref(), &caller.subject, &key, &hash, now).await? {
        Claim::New { version } => {
            let store = state.store.clone();
            let clock = state.clock.clone();
            let subject = caller.subject.clone();
            // The work is limited; recording its outcome is not, so it always happens.
            let outcome = tokio::spawn(async move {
                let store = store.as_ref();
                match detached(work).await {
                    Ok(value) => {
                        let body = serde_json::to_value(&value).map_err(AppError::internal)?;
                        idempotency::complete(
                            store,
                            &subject,
                            &key,
                            version,
                            &hash,
                            success.as_u16(),
                            body.clone(),
                            clock.now(),
                        )
                        .await?;
                        Ok(body)
                    }
                    Err(err) => {
                        // A failed (or stopped) request frees its key: it may be retried.
                        idempotency::release(store, &subject, &key, version).await?;
                        Err(err)
                    }
                }
            })
            .await
            .map_err(AppError::internal)??;
            Ok((success, Json(outcome)).into_response())
        }
        Claim::Replay { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            Ok((status, [("Idempotent-Replayed", "true")], Json(body)).into_response())
        }
        Claim::InProgress => Err(AppError::new(
            ErrorCode::InProgress,
            "La stessa richiesta è ancora in corso: attendi qualche secondo e riprova.",
        )),
        Claim::Mismatch => Err(AppError::new(
            ErrorCode::IdempotencyMismatch,
            "Questa Idempotency-Key è già stata usata per una richiesta diversa.",
        )),
    }
}

/// A CSV upload: a dry run writes nothing and runs as it is; a commit is keyed like any
/// create-type POST.
pub async fn upload<T, Fut>(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    mode: shared::api::Mode,
    request: &[&[u8]],
    work: Fut,
) -> Result<Response, AppError>
where
    T: Serialize + Send + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    match mode {
        shared::api::Mode::DryRun => Ok(Json(detached(work).await?).into_response()),
        shared::api::Mode::Commit => {
            run(state, caller, headers, request, StatusCode::OK, work).await
        }
    }
}

/// Runs `work` to its end even if the request that started it is dropped, within the
/// request's time limit: past it the work stops (each of its transactions is whole) and the
/// request answers 408, so no work outlives its request (on Lambda it would be frozen).
/// Locally, a commit under way on SQLite's blocking pool (a CSV's window) still ends
/// whole, a fraction of a second later.
pub async fn detached<T, Fut>(work: Fut) -> Result<T, AppError>
where
    T: Send + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    let limited = async move {
        tokio::time::timeout(super::REQUEST_TIME_LIMIT, work)
            .await
            .unwrap_or_else(|_| {
                Err(AppError::new(
                    ErrorCode::Timeout,
                    "La richiesta ha richiesto troppo tempo ed è stata interrotta: quanto già fatto resta. Riprova con un file più piccolo.",
                ))
            })
    };
    tokio::spawn(limited).await.map_err(AppError::internal)?
}
