//! The member's own area: who he is, his mailbox and anagrafica, his recovery contacts,
//! his history.

use axum::Json;
use axum::extract::State;
use shared::access::{Caller, Role};
use shared::api::{AuditPage, Me, MemberDetail, PageQuery, ProfileUpdate, RecoveryUpdate};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::AppError;
use crate::http::extract::{self, Query};
use crate::service::profile;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(update_profile))
        .routes(routes!(update_recovery))
        .routes(routes!(history))
}

/// Who is calling; a member also gets his data and mailbox.
#[utoipa::path(get, path = "/api/me", tag = "iscritto", security(("bearer" = [])), responses((status = 200, description = "Il chiamante", body = Me)))]
async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<Me>, AppError> {
    let member = match caller.role {
        Role::Iscritto => Some(profile::me(state.store.as_ref(), &caller).await?),
        _ => None,
    };
    Ok(Json(Me { caller, member }))
}

/// Changes the holder's anagrafica (not name, surname, codice fiscale).
#[utoipa::path(
    patch, path = "/api/me/profile", tag = "iscritto", security(("bearer" = [])),
    request_body = ProfileUpdate,
    responses((status = 200, description = "I dati aggiornati", body = MemberDetail))
)]
async fn update_profile(
    State(state): State<AppState>,
    caller: Caller,
    extract::Json(update): extract::Json<ProfileUpdate>,
) -> Result<Json<MemberDetail>, AppError> {
    Ok(Json(
        profile::update_profile(state.store.as_ref(), &caller, &update, state.clock.now()).await?,
    ))
}

/// Changes the recovery email and mobile: only the holder.
#[utoipa::path(
    put, path = "/api/me/recovery", tag = "iscritto", security(("bearer" = [])),
    request_body = RecoveryUpdate,
    responses((status = 200, description = "I dati aggiornati", body = MemberDetail))
)]
async fn update_recovery(
    State(state): State<AppState>,
    caller: Caller,
    extract::Json(update): extract::Json<RecoveryUpdate>,
) -> Result<Json<MemberDetail>, AppError> {
    Ok(Json(
        profile::update_recovery(state.store.as_ref(), &caller, &update, state.clock.now()).await?,
    ))
}

/// The history of the holder's mailbox and data, newest first; the first page says
/// whether the whole log is intact.
#[utoipa::path(get, path = "/api/me/history", tag = "iscritto", security(("bearer" = [])), params(PageQuery), responses((status = 200, description = "Le operazioni", body = AuditPage)))]
async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<AuditPage>, AppError> {
    Ok(Json(
        profile::history(state.store.as_ref(), &caller, page.cursor).await?,
    ))
}
