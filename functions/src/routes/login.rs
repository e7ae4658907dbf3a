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
use crate::repo::{accounts, login_failures};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login))
}

/// Logs in with a local account and returns a bearer token.
#[utoipa::path(
    post, path = "/api/auth/login", tag = "accesso",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Token e profilo", body = LoginResponse),
        (status = 401, description = "Credenziali errate", body = shared::api::ApiError),
        (status = 429, description = "Troppi tentativi non riusciti", body = shared::api::ApiError)
    )
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
    let store = state.store.as_ref();
    let now = state.clock.now();
    let locked = |until: chrono::DateTime<chrono::Utc>| {
        let minutes = ((until - now).num_seconds() + 59) / 60;
        AppError::new(
            ErrorCode::TooManyAttempts,
            format!(
                "Troppi tentativi non riusciti: per sicurezza l'accesso con questo nome utente è sospeso. Riprova tra {minutes} minuti."
            ),
        )
    };
    let failures = login_failures::get(store, &request.username)
        .await
        .map_err(AppError::internal)?;
    if let Some(until) = failures.and_then(|f| f.value.locked_at(now)) {
        return Err(locked(until));
    }
    let refused = || async {
        let failures = login_failures::record(store, &request.username, now)
            .await
            .map_err(AppError::internal)?;
        tracing::warn!(count = failures.count, "failed local login");
        Err(match failures.locked_at(now) {
            Some(until) => locked(until),
            None => AppError::new(
                ErrorCode::Unauthorized,
                "Nome utente o password non corretti.",
            ),
        })
    };
    let account = accounts::get(store, &request.username)
        .await
        .map_err(AppError::internal)?;
    // Verify (slowly) even for an unknown user, so timing does not tell which users exist.
    let account = match account {
        Some(account) => account,
        None => {
            let _ = accounts::Account::new("x", "x", shared::access::Role::Iscritto, None, None)
                .verify(&request.password);
            return refused().await;
        }
    };
    let password = request.password.clone();
    let checked = account.clone();
    let ok = tokio::task::spawn_blocking(move || checked.verify(&password))
        .await
        .map_err(AppError::internal)?;
    if !ok {
        return refused().await;
    }
    login_failures::clear(store, &request.username)
        .await
        .map_err(AppError::internal)?;
    let caller = Caller {
        subject: account.username.clone(),
        role: account.role,
        codice_fiscale: account.codice_fiscale,
        ordine: account.ordine,
    };
    let (token, expires_at) = jwt.issue(&caller, now);
    tracing::info!(user = %account.username, "local login");
    Ok(Json(LoginResponse {
        token,
        expires_at,
        caller,
    }))
}
