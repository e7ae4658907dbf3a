//! The local server's login with the seeded accounts. On AWS, Cognito's hosted login
//! issues the tokens and this route answers 404.

use axum::Json;
use axum::extract::State;
use shared::access::Caller;
use shared::api::{ErrorCode, LoginRequest, LoginResponse};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::AppError;
use crate::extract;
use crate::repo::accounts;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login))
}

/// Logs in with a local account and returns a bearer token.
#[utoipa::path(
    post, path = "/api/auth/login", tag = "accesso",
    request_body = LoginRequest,
    responses((status = 200, description = "Token e profilo", body = LoginResponse), (status = 401, description = "Credenziali errate", body = shared::api::ApiError))
)]
#[tracing::instrument(skip_all)]
async fn login(
    State(state): State<AppState>,
    extract::Json(request): extract::Json<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    let jwt = state.local_login.as_ref().ok_or_else(|| {
        AppError::new(
            ErrorCode::NotFound,
            "Su questo ambiente si accede dalla pagina di login della Fondazione.",
        )
    })?;
    let refused = || {
        AppError::new(
            ErrorCode::Unauthorized,
            "Nome utente o password non corretti.",
        )
    };
    let account = accounts::get(state.store.as_ref(), &request.username)
        .await
        .map_err(AppError::internal)?;
    // Verify (slowly) even for an unknown user, so timing does not tell which users exist.
    let account = match account {
        Some(account) => account,
        None => {
            let _ = accounts::Account::new("x", "x", shared::access::Role::Iscritto, None, None)
                .verify(&request.password);
            return Err(refused());
        }
    };
    let password = request.password.clone();
    let checked = account.clone();
    let ok = tokio::task::spawn_blocking(move || checked.verify(&password))
        .await
        .map_err(AppError::internal)?;
    if !ok {
        return Err(refused());
    }
    let caller = Caller {
        subject: account.username.clone(),
        role: account.role,
        codice_fiscale: account.codice_fiscale,
        ordine: account.ordine,
    };
    let (token, expires_at) = jwt.issue(&caller, state.clock.now());
    tracing::info!(user = %account.username, "local login");
    Ok(Json(LoginResponse {
        token,
        expires_at,
        caller,
    }))
}
