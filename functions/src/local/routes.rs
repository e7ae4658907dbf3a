//! Routes only the local server has: the login with its own accounts
//! (`POST /api/auth/login`; on AWS, Cognito's hosted login issues the tokens), and the
//! file store's upload URLs (`PUT /api/local/files/…`; on AWS, S3's presigned PUT), and
//! the test checkout's card form (`POST /api/local/checkout`; on AWS, Stripe.js).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::routing::{post, put};
use shared::api::{ErrorCode, EsitoEvento, LoginRequest, LoginResponse, PagamentoProva};

use crate::AppState;
use crate::blob::local::{AcceptError, Signed, UPLOAD_PATH};
use crate::error::AppError;
use crate::http::extract::{self, Query};
use crate::payment::webhook;
use crate::service::login::{self, LoginError};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/auth/login", post(login))
        .route("/api/local/checkout", post(checkout))
        .route(
            &format!("{UPLOAD_PATH}/{{*key}}"),
            // The URL's own size is checked; the limit only stops a body far beyond any.
            put(upload).layer(DefaultBodyLimit::max(shared::firma::MAX_BYTES + 1)),
        )
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

/// The test checkout's card form: pays with a test card, then hands the signed event to
/// the webhook, as the provider would.
#[tracing::instrument(skip_all)]
async fn checkout(
    State(state): State<AppState>,
    extract::Json(request): extract::Json<PagamentoProva>,
) -> Result<Json<EsitoEvento>, AppError> {
    let checkout = state
        .checkout
        .as_ref()
        .ok_or_else(|| AppError::new(ErrorCode::NotFound, "Non trovato."))?;
    let now = state.clock.now();
    let event = checkout
        .confirm(&request.client_secret, &request.numero_carta, now)
        .await?;
    Ok(Json(
        webhook::receive(
            state.store.as_ref(),
            &state.venditore,
            state.payments.webhook_secret(),
            &event.header,
            &event.body,
            now,
        )
        .await?,
    ))
}

/// Receives a file at a URL the API signed: its signature, time, size and content must
/// hold, as S3 checks a presigned PUT's.
#[tracing::instrument(skip_all)]
async fn upload(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(signed): Query<Signed>,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    let files = state
        .local_blobs
        .as_ref()
        .ok_or_else(|| AppError::new(ErrorCode::NotFound, "Non trovato."))?;
    match files
        .accept(&key, &signed, body.to_vec(), state.clock.now())
        .await
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(AcceptError::Refused(refused)) => Err(AppError::new(
            ErrorCode::Forbidden,
            format!("Caricamento non accettato: {refused}. Riprova dalla pagina del contratto."),
        )),
        Err(AcceptError::Store(e)) => Err(AppError::internal(e)),
    }
}
