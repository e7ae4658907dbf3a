//! The audit log, for the Fondazione.

use axum::Json;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use serde::Deserialize;
use shared::access::Caller;
use shared::api::{ApiError, AuditPage, ErrorCode};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::AppError;
use crate::repo::audit;
use crate::service::ensure;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// A member (`member:{codice fiscale}`) or another target; without it, a day.
    pub target: Option<String>,
    /// The day (AAAA-MM-GG), today if omitted.
    pub day: Option<NaiveDate>,
    pub cursor: Option<String>,
}

/// The audit log of a target, or of a day, newest first.
#[utoipa::path(get, path = "/api/audit", tag = "fondazione", security(("bearer" = [])), params(AuditQuery), responses((status = 200, description = "Le operazioni", body = AuditPage)))]
async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    ensure(caller.can_read_audit())?;
    let store = state.store.as_ref();
    let bad_cursor = |e: crate::store::StoreError| match e {
        crate::store::StoreError::BadCursor => AppError::Domain(
            ApiError::new(ErrorCode::InvalidInput, "Riferimento di pagina non valido.")
                .with_field("cursor"),
        ),
        e => AppError::internal(e),
    };
    let (items, cursor) = match query.target.as_deref().filter(|t| !t.is_empty()) {
        Some(target) => audit::of_target(store, target, query.cursor, 50)
            .await
            .map_err(bad_cursor)?,
        None => {
            let day = query.day.unwrap_or_else(|| state.clock.now().date_naive());
            audit::of_day(store, day, query.cursor, 50)
                .await
                .map_err(bad_cursor)?
        }
    };
    Ok(Json(AuditPage { items, cursor }))
}
