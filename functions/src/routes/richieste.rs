//! The public requests of people without an account: an engineer asks his Ordine for a
//! mailbox, with his identity document; an heir asks for a deceased holder's mailbox to
//! close, with the death certificate. No token: the Albo's check and the reading of the
//! documents by the secretariat or the Fondazione stand for it.

use axum::Json;
use axum::extract::State;
use shared::api::{
    DisdettaErediForm, DisdettaRicevuta, DocumentoDaInviare, DocumentoPronto,
    RichiestaAttivazioneForm, RichiestaRicevuta,
};

use super::register::{Routes, operations};
use crate::AppState;
use crate::error::AppError;
use crate::http::extract;
use crate::service::{documenti, eredi, richieste};

/// Every request comes with documents sent to the file store.
pub fn documents<R: Routes>(routes: R) -> R {
    routes
        .add(operations!(prepare_document))
        .add(operations!(submit))
        .add(operations!(heirs_disdetta))
}

/// Files the heirs' request to close a deceased holder's mailbox, with the death
/// certificate and the heir's identity document sent; its receipt is mailed to the heir
/// (at most three a day to one address). The same form again answers the request filed,
/// and mails nothing.
#[utoipa::path(
    post, path = "/api/disdette-eredi", tag = "richieste",
    request_body = DisdettaErediForm,
    responses((status = 200, description = "La richiesta presentata", body = DisdettaRicevuta))
)]
async fn heirs_disdetta(
    State(state): State<AppState>,
    extract::Json(form): extract::Json<DisdettaErediForm>,
) -> Result<Json<DisdettaRicevuta>, AppError> {
    Ok(Json(
        eredi::request(
            state.store.as_ref(),
            state.blobs.as_ref(),
            &form,
            state.clock.now(),
        )
        .await?,
    ))
}

/// Where to send a document (an identity document, a death certificate) about the
/// person with the codice fiscale given: one PUT of its size and SHA-256, for ten
/// minutes.
#[utoipa::path(
    post, path = "/api/documenti", tag = "richieste",
    request_body = DocumentoDaInviare,
    responses((status = 200, description = "Dove inviare il documento", body = DocumentoPronto))
)]
async fn prepare_document(
    State(state): State<AppState>,
    extract::Json(request): extract::Json<DocumentoDaInviare>,
) -> Result<Json<DocumentoPronto>, AppError> {
    Ok(Json(
        documenti::prepare(state.blobs.as_ref(), &request, state.clock.now()).await?,
    ))
}

/// Files a request for a mailbox with the Ordine chosen, and mails its receipt to the email
/// given (at most three a day to one address). The same form again answers the request
/// filed, and mails nothing.
#[utoipa::path(
    post, path = "/api/richieste-attivazione", tag = "richieste",
    request_body = RichiestaAttivazioneForm,
    responses((status = 200, description = "La richiesta presentata", body = RichiestaRicevuta))
)]
async fn submit(
    State(state): State<AppState>,
    extract::Json(form): extract::Json<RichiestaAttivazioneForm>,
) -> Result<Json<RichiestaRicevuta>, AppError> {
    Ok(Json(
        richieste::submit(
            state.store.as_ref(),
            state.blobs.as_ref(),
            &form,
            state.clock.now(),
        )
        .await?,
    ))
}
