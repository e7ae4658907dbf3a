//! The payment provider's webhook: no caller, only a signature. Its answer tells the
//! provider whether to send the event again (any error does; an event processed before
//! is acknowledged).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use shared::api::EsitoEvento;

use super::register::{Routes, operations};
use crate::AppState;
use crate::error::AppError;
use crate::payment::webhook;

pub fn router<R: Routes>(routes: R) -> R {
    routes.add(operations!(event))
}

/// A payment event, signed by the provider in `Stripe-Signature`.
#[utoipa::path(
    post, path = "/api/pagamenti/webhook", tag = "pagamenti",
    params(("Stripe-Signature" = String, Header, description = "t=<secondi>,v1=<HMAC-SHA256 esadecimale>")),
    request_body(content = String, content_type = "application/json", description = "L'evento del gestore dei pagamenti"),
    responses(
        (status = 200, description = "Che cosa ha fatto l'evento", body = EsitoEvento),
        (status = 401, description = "Firma assente, non valida o scaduta", body = shared::api::ApiError),
    )
)]
async fn event(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<EsitoEvento>, AppError> {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Ok(Json(
        webhook::receive(
            state.store.as_ref(),
            &state.venditore,
            state.payments.webhook_secret(),
            signature,
            &body,
            state.clock.now(),
        )
        .await?,
    ))
}
