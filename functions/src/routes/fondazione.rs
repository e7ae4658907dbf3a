//! The Fondazione's console: the nationwide search, the Ordini overview, the last daily
//! verifica, the audit log.

use axum::Json;
use axum::extract::State;
use shared::access::Caller;
use shared::api::{AuditPage, AuditQuery, MemberFilters, MemberPage, OrdineOverview, Verifica};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::AppError;
use crate::http::extract::Query;
use crate::service::{audit, directory, overview};
use crate::verifica;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(ordini))
        .routes(routes!(last_verifica))
        .routes(routes!(audit_log))
}

/// Nationwide search by codice fiscale, PEC address or surname (Fondazione).
#[utoipa::path(get, path = "/api/members", tag = "fondazione", security(("bearer" = [])), params(MemberFilters), responses((status = 200, description = "Gli iscritti trovati", body = MemberPage)))]
async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Query(filters): Query<MemberFilters>,
) -> Result<Json<MemberPage>, AppError> {
    Ok(Json(
        directory::nationwide(state.store.as_ref(), &caller, &filters, state.clock.today()).await?,
    ))
}

/// Every Ordine with its members and mailboxes counted (Fondazione).
#[utoipa::path(
    get, path = "/api/ordini", tag = "fondazione", security(("bearer" = [])),
    responses((status = 200, description = "Gli Ordini", body = Vec<OrdineOverview>))
)]
async fn ordini(
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
    responses((status = 200, description = "L'ultima verifica giornaliera", body = Option<Verifica>))
)]
async fn last_verifica(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Option<Verifica>>, AppError> {
    Ok(Json(verifica::last(state.store.as_ref(), &caller).await?))
}

/// The audit log of a target (with the check of its chain), or of an Italian day, newest
/// first.
#[utoipa::path(get, path = "/api/audit", tag = "fondazione", security(("bearer" = [])), params(AuditQuery), responses((status = 200, description = "Le operazioni", body = AuditPage)))]
async fn audit_log(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    Ok(Json(
        audit::search(state.store.as_ref(), &caller, &query, state.clock.today()).await?,
    ))
}
