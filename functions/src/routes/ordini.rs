//! An Ordine's panel: its members (paged, searched, filtered), the CSV export, the
//! Ordine's own mailbox, and activations one at a time or from a CSV.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::access::Caller;
use shared::api::{ActivationRequest, MemberPage, Mode, OrdineMailbox, OrdineOverview, Verifica};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::ordine;
use crate::AppState;
use crate::error::AppError;
use crate::service::directory::{self, Filters};
use crate::service::{activation, ordine_mailbox, overview, sweep};
use crate::{extract, idempotency};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(overview))
        .routes(routes!(verifica))
        .routes(routes!(list))
        .routes(routes!(export))
        .routes(routes!(mailbox))
        .routes(routes!(activate))
        .routes(routes!(bulk))
}

/// Every Ordine with its members and mailboxes counted (Fondazione).
#[utoipa::path(
    get, path = "/api/ordini", tag = "fondazione", security(("bearer" = [])),
    responses((status = 200, description = "Gli Ordini", body = Vec<OrdineOverview>), (status = 403, description = "Solo Fondazione", body = shared::api::ApiError))
)]
async fn overview(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<OrdineOverview>>, AppError> {
    Ok(Json(
        overview::ordini(state.store.as_ref(), &caller, state.clock.today()).await?,
    ))
}

/// The last daily verifica's report, `null` before the first (Fondazione).
#[utoipa::path(
    get, path = "/api/verifica", tag = "fondazione", security(("bearer" = [])),
    responses((status = 200, description = "L'ultima verifica giornaliera", body = Option<Verifica>), (status = 403, description = "Solo Fondazione", body = shared::api::ApiError))
)]
async fn verifica(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Option<Verifica>>, AppError> {
    Ok(Json(sweep::last(state.store.as_ref(), &caller).await?))
}

/// The members currently registered in the Ordine.
#[utoipa::path(
    get, path = "/api/ordini/{ordine}/members", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla della provincia"), Filters),
    responses((status = 200, description = "Una pagina di iscritti", body = MemberPage), (status = 403, description = "Un altro Ordine", body = shared::api::ApiError))
)]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(sigla): Path<String>,
    Query(filters): Query<Filters>,
) -> Result<Json<MemberPage>, AppError> {
    let ordine = ordine(&sigla)?;
    Ok(Json(
        directory::ordine_members(
            state.store.as_ref(),
            &caller,
            ordine,
            &filters,
            state.clock.today(),
        )
        .await?,
    ))
}

/// Every member of the Ordine as CSV.
#[utoipa::path(
    get, path = "/api/ordini/{ordine}/export", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path)),
    responses((status = 200, description = "CSV", content_type = "text/csv"))
)]
async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Path(sigla): Path<String>,
) -> Result<Response, AppError> {
    let ordine = ordine(&sigla)?;
    let csv = directory::export_csv(state.store.as_ref(), &caller, ordine).await?;
    let filename = format!(
        "attachment; filename=\"iscritti-{}-{}.csv\"",
        ordine,
        state.clock.today()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, filename),
        ],
        csv,
    )
        .into_response())
}

/// The Ordine's own mailbox.
#[utoipa::path(
    get, path = "/api/ordini/{ordine}/mailbox", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path)),
    responses((status = 200, description = "La casella dell'Ordine", body = OrdineMailbox), (status = 404, description = "Non ancora attivata", body = shared::api::ApiError))
)]
async fn mailbox(
    State(state): State<AppState>,
    caller: Caller,
    Path(sigla): Path<String>,
) -> Result<Json<OrdineMailbox>, AppError> {
    let ordine = ordine(&sigla)?;
    Ok(Json(
        ordine_mailbox::get(state.store.as_ref(), &caller, ordine).await?,
    ))
}

/// Activates one member's mailbox. Send an `Idempotency-Key` to retry safely.
#[utoipa::path(
    post, path = "/api/ordini/{ordine}/activations", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = ActivationRequest,
    responses(
        (status = 201, description = "La casella attivata", body = shared::api::MailboxView),
        (status = 409, description = "Già in corso"),
        (status = 422, description = "Non iscritto a questo Ordine, casella già attiva, dati non validi", body = shared::api::ApiError)
    )
)]
async fn activate(
    State(state): State<AppState>,
    caller: Caller,
    Path(sigla): Path<String>,
    headers: HeaderMap,
    extract::Json(request): extract::Json<ActivationRequest>,
) -> Result<Response, AppError> {
    let ordine = ordine(&sigla)?;
    let fingerprint = [
        b"activate".as_slice(),
        ordine.as_str().as_bytes(),
        request.codice_fiscale.trim().as_bytes(),
    ];
    idempotency::run(
        &state,
        &caller,
        &headers,
        &fingerprint,
        StatusCode::CREATED,
        || {
            activation::activate(
                state.store.as_ref(),
                &caller,
                ordine,
                &request.codice_fiscale,
                state.clock.now(),
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ModeQuery {
    /// `dry-run` (default) checks and reports; `commit` applies.
    pub mode: Option<String>,
}

pub fn mode(query: &ModeQuery) -> Result<Mode, AppError> {
    match query.mode.as_deref().unwrap_or("dry-run") {
        "dry-run" => Ok(Mode::DryRun),
        "commit" => Ok(Mode::Commit),
        _ => Err(AppError::new(
            shared::api::ErrorCode::InvalidInput,
            "La modalità può essere dry-run (verifica) o commit (esecuzione).",
        )),
    }
}

/// Activates the mailboxes of a CSV in the Modello Anagrafiche columns (at most 1,000
/// rows a request): `dry-run` first, then `commit`.
#[utoipa::path(
    post, path = "/api/ordini/{ordine}/activations/bulk", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path), ModeQuery, ("Idempotency-Key" = Option<String>, Header)),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "Il resoconto riga per riga", body = shared::api::CsvReport), (status = 400, description = "File non leggibile", body = shared::api::ApiError))
)]
async fn bulk(
    State(state): State<AppState>,
    caller: Caller,
    Path(sigla): Path<String>,
    Query(query): Query<ModeQuery>,
    headers: HeaderMap,
    body: String,
) -> Result<Response, AppError> {
    let ordine = ordine(&sigla)?;
    let mode = mode(&query)?;
    let run = || {
        activation::bulk(
            state.store.as_ref(),
            &caller,
            ordine,
            &body,
            mode,
            state.clock.now(),
        )
    };
    match mode {
        Mode::DryRun => Ok(Json(run().await?).into_response()),
        Mode::Commit => {
            let fingerprint = [
                b"bulk".as_slice(),
                ordine.as_str().as_bytes(),
                body.as_bytes(),
            ];
            idempotency::run(&state, &caller, &headers, &fingerprint, StatusCode::OK, run).await
        }
    }
}
