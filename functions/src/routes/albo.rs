//! The Albo Unico's feed (system to system, or a Fondazione operator).

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use shared::access::Caller;
use shared::api::{ApiError, ErrorCode, RowOutcome};

use super::ModeQuery;
use super::register::{Routes, operations};
use crate::AppState;
use crate::error::AppError;
use crate::http::extract::{self, CfParam, Query, Upload};
use crate::http::idempotency;
use crate::service::albo::{self, AlboInput, AlboMember};

pub fn router<R: Routes>(routes: R) -> R {
    routes.add(operations!(import)).add(operations!(upsert))
}

/// Imports members from a CSV (Modello Anagrafiche columns plus ordine,
/// numero_iscrizione, stato, data_stato, causa, domicilio_digitale), at most 5,000 rows a
/// request: `dry-run` first, then `commit`. Importing the same rows again changes nothing.
#[utoipa::path(
    post, path = "/api/albo/import", tag = "albo", security(("bearer" = [])),
    params(ModeQuery, ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,128}$")),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "Il resoconto riga per riga", body = shared::api::CsvReport))
)]
async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ModeQuery>,
    headers: HeaderMap,
    Upload(file): Upload,
) -> Result<Response, AppError> {
    let mode = query.mode();
    let fingerprint = [b"albo-import".as_slice(), &file];
    let (store, now, who) = (state.store.clone(), state.clock.now(), caller.clone());
    let body = file.clone();
    let run = async move { Ok(albo::import_csv(store.as_ref(), &who, &body, mode, now).await?) };
    idempotency::upload(&state, &caller, &headers, mode, &fingerprint, run).await
}

/// One member from the Albo: registration, transfer, cancellation, death, domicilio.
#[utoipa::path(
    put, path = "/api/albo/members/{codice_fiscale}", tag = "albo", security(("bearer" = [])),
    params(("codice_fiscale" = String, Path, description = "Codice fiscale, come rilasciato")),
    request_body = AlboMember,
    responses((status = 200, description = "Che cosa è cambiato", body = RowOutcome))
)]
async fn upsert(
    State(state): State<AppState>,
    caller: Caller,
    CfParam(codice_fiscale): CfParam,
    extract::Json(member): extract::Json<AlboMember>,
) -> Result<Json<RowOutcome>, AppError> {
    let input = AlboInput::from(member);
    // The code as issued: an omocodic variant in the body is another person.
    let same = shared::codice_fiscale::CodiceFiscale::parse(&input.anagrafica.codice_fiscale)
        .is_ok_and(|body| body == codice_fiscale);
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
