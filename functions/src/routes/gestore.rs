//! The mail provider's events: no caller, only a signature. Any error tells the provider
//! to send the event again; an event processed before is acknowledged.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use shared::api::EsitoEventoGestore;

use super::register::{Routes, operations};
use crate::AppState;
use crate::error::AppError;
use crate::service::gestore;

pub fn router<R: Routes>(routes: R) -> R {
    routes.add(operations!(event))
}

/// A mailbox the provider blocked or unblocked, signed in `Gestore-Signature`.
#[utoipa::path(
    post, path = "/api/gestore/eventi", tag = "gestore",
    params(("Gestore-Signature" = String, Header, description = "t=<secondi>,v1=<HMAC-SHA256 esadecimale>")),
    request_body(content = shared::api::EventoGestore, content_type = "application/json", description = "L'evento del gestore"),
    responses(
        (status = 200, description = "Che cosa ha fatto l'evento", body = EsitoEventoGestore),
        (status = 401, description = "Firma assente, non valida o scaduta", body = shared::api::ApiError),
    )
)]
async fn event(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<EsitoEventoGestore>, AppError> {
    let signature = headers
        .get("gestore-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Ok(Json(
        gestore::receive(
            state.store.as_ref(),
            &state.provider_events_secret,
            signature,
            &body,
            state.clock.now(),
        )
        .await?,
    ))
}
