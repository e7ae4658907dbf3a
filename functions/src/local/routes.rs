//! The local server's login with its own accounts (`POST /api/auth/login`). On AWS,
//! Cognito's hosted login issues the tokens and this route does not exist.

use axum::Json;
use axum::extract::State;
use axum::routing::post;
use shared::api::{LoginRequest, LoginResponse};

use crate::AppState;
use crate::error::AppError;
use crate::http::extract;
use crate::service::login::{self, LoginError};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/auth/login", post(login))
}

/// Logs in with a local account and returns a bearer token (401 for a wrong username or
/// password, 429 after too many attempts).
#[tracing::instrument(skip_all)]
async fn login(
    State(state): State<AppState>,
    extract::Json(request): extract::Json<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    let jwt = state.local_login.as_ref().ok_or(LoginError::NotHere)?;
    let now = state.clock.now();
    let caller = login::authenticate(
        state.store.as_ref(),
        &request.username,
        &request.password,
        now,
    )
    .await?;
    let (token, expires_at) = jwt.issue(&caller, now);
    Ok(Json(LoginResponse {
        token,
        expires_at,
        caller,
    }))
}
