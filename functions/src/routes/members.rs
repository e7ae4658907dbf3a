//! Members across Ordini: the Fondazione's nationwide search, and a member's page for
//! whoever may see him.

use axum::Json;
use axum::extract::{Path, Query, State};
use shared::access::Caller;
use shared::api::{MemberDetail, MemberPage};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::AppError;
use crate::service::directory::{self, Filters};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(member))
}

/// Nationwide search by codice fiscale, PEC address or surname (Fondazione).
#[utoipa::path(get, path = "/api/members", tag = "fondazione", security(("bearer" = [])), params(Filters), responses((status = 200, description = "Gli iscritti trovati", body = MemberPage)))]
async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Query(filters): Query<Filters>,
) -> Result<Json<MemberPage>, AppError> {
    Ok(Json(
        directory::nationwide(state.store.as_ref(), &caller, &filters, state.clock.today()).await?,
    ))
}

/// A member's data and mailbox.
#[utoipa::path(
    get, path = "/api/members/{codice_fiscale}", tag = "ordine", security(("bearer" = [])),
    params(("codice_fiscale" = String, Path)),
    responses((status = 200, description = "L'iscritto", body = MemberDetail), (status = 404, description = "Non trovato o non visibile", body = shared::api::ApiError))
)]
async fn member(
    State(state): State<AppState>,
    caller: Caller,
    Path(codice_fiscale): Path<String>,
) -> Result<Json<MemberDetail>, AppError> {
    Ok(Json(
        directory::member(state.store.as_ref(), &caller, &codice_fiscale).await?,
    ))
}
