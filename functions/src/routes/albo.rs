//! The Albo Unico's feed (system to system, or a Fondazione operator).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use shared::access::Caller;
use shared::api::{ApiError, ErrorCode, Mode, RowOutcome};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ordini::{ModeQuery, mode};
use crate::AppState;
use crate::error::AppError;
use crate::service::albo::{self, AlboInput};
use crate::{extract, idempotency};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import))
        .routes(routes!(upsert))
}

/// Imports members from a CSV (Modello Anagrafiche columns plus ordine,
/// numero_iscrizione, stato, data_stato, causa, domicilio_digitale), at most 5,000 rows a
/// request: `dry-run` first, then `commit`. Importing the same rows again changes nothing.
#[utoipa::path(
    post, path = "/api/albo/import", tag = "albo", security(("bearer" = [])),
    params(ModeQuery, ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "Il resoconto riga per riga", body = shared::api::CsvReport), (status = 403, description = "Solo Fondazione e Albo", body = ApiError))
)]
async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ModeQuery>,
    headers: HeaderMap,
    body: String,
) -> Result<Response, AppError> {
    let mode = mode(&query)?;
    let run = || {
        albo::import_csv(
            state.store.as_ref(),
            &caller,
            &body,
            mode,
            state.clock.now(),
        )
    };
    match mode {
        Mode::DryRun => Ok(Json(run().await?).into_response()),
        Mode::Commit => {
            let fingerprint = [b"albo-import".as_slice(), body.as_bytes()];
            idempotency::run(&state, &caller, &headers, &fingerprint, StatusCode::OK, run).await
        }
    }
}

/// One member from the Albo: registration, transfer, cancellation, death, domicilio.
#[utoipa::path(
    put, path = "/api/albo/members/{codice_fiscale}", tag = "albo", security(("bearer" = [])),
    params(("codice_fiscale" = String, Path)),
    request_body = AlboInput,
    responses((status = 200, description = "Che cosa è cambiato", body = RowOutcome), (status = 422, description = "Dati non validi", body = ApiError))
)]
async fn upsert(
    State(state): State<AppState>,
    caller: Caller,
    Path(codice_fiscale): Path<String>,
    extract::Json(input): extract::Json<AlboInput>,
) -> Result<Json<RowOutcome>, AppError> {
    let same = shared::codice_fiscale::CodiceFiscale::parse(&codice_fiscale)
        .ok()
        .zip(shared::codice_fiscale::CodiceFiscale::parse(&input.anagrafica.codice_fiscale).ok())
        .is_some_and(|(a, b)| a.same_person(&b));
    if !same {
        return Err(AppError::Domain(
            ApiError::new(
                ErrorCode::InvalidInput,
                "Il codice fiscale del corpo non corrisponde a quello dell'indirizzo.",
            )
            .with_field("codice_fiscale"),
        ));
    }
    Ok(Json(
        albo::upsert_one(state.store.as_ref(), &caller, &input, state.clock.now()).await?,
    ))
}
