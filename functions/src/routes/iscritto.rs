//! The member's own area: who he is, his mailbox and anagrafica, his recovery contacts,
//! his history, his contract (the document to sign, the signed upload and its outcome).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::access::{Caller, Role};
use shared::api::{
    AuditPage, CaricamentoPronto, CaricamentoRichiesta, CaricamentoView, ContrattoView,
    DisdettaRichiesta, DisdettaView, FirmaDigitaleView, Intent, Me, MemberDetail, OrdineRichiesta,
    PageQuery, PassoRichiesta, PrimoAccessoView, ProfileUpdate, RecoveryUpdate, RichiestaFirmaForm,
};
use shared::disdetta::Disdetta;
use shared::firma_digitale::RichiestaFirma;
use shared::order::Order;

use super::register::{Routes, operations};
use crate::AppState;
use crate::error::AppError;
use crate::http::extract::{self, Query};
use crate::http::idempotency;
use crate::service::contratto::{self, Deps};
use crate::service::{acquisti, disdetta, firme, primo_accesso, profile};

pub fn router<R: Routes>(routes: R) -> R {
    routes
        .add(operations!(me))
        .add(operations!(update_profile))
        .add(operations!(update_recovery))
        .add(operations!(history))
        .add(operations!(first_access, first_access_step))
        .add(operations!(contract))
        .add(operations!(own_orders, create_order))
        .add(operations!(own_order))
        .add(operations!(cancel_order))
        .add(operations!(pay_order))
        .add(operations!(order_invoice))
        .add(operations!(timeline))
        .add(operations!(disdetta_view, disdetta_request))
        .add(operations!(firma_view))
        .add(operations!(firma_request))
}

/// The member's documents: the contract to sign as PDF, the signed file's upload and
/// check, an order's receipt as PDF.
pub fn documents<R: Routes>(routes: R) -> R {
    routes
        .add(operations!(contract_document))
        .add(operations!(prepare_upload))
        .add(operations!(verify_upload))
        .add(operations!(order_receipt))
}

/// The digital-signature convention: the fees in force, the member's requests and his
/// certificates' expiry.
#[utoipa::path(get, path = "/api/me/firma", tag = "iscritto", security(("bearer" = [])), responses((status = 200, description = "La firma digitale in convenzione", body = FirmaDigitaleView)))]
async fn firma_view(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<FirmaDigitaleView>, AppError> {
    Ok(Json(
        firme::view(state.store.as_ref(), &caller, state.clock.now()).await?,
    ))
}

/// Requests a kit or a remote signature under the convention; the data declared must be
/// the Albo's (the same request again answers the one in progress).
#[utoipa::path(post, path = "/api/me/firma/richieste", tag = "iscritto", security(("bearer" = [])), request_body = RichiestaFirmaForm, responses((status = 200, description = "La richiesta presentata", body = RichiestaFirma)))]
async fn firma_request(
    State(state): State<AppState>,
    caller: Caller,
    extract::Json(form): extract::Json<RichiestaFirmaForm>,
) -> Result<Json<RichiestaFirma>, AppError> {
    Ok(Json(
        firme::submit(state.store.as_ref(), &caller, &form, state.clock.now()).await?,
    ))
}

/// Whether the holder may ask to close his mailbox, the Albo's domicilio digitale, and
/// his request.
#[utoipa::path(get, path = "/api/me/disdetta", tag = "iscritto", security(("bearer" = [])), responses((status = 200, description = "La disdetta della casella", body = DisdettaView)))]
async fn disdetta_view(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DisdettaView>, AppError> {
    Ok(Json(
        disdetta::view(state.store.as_ref(), &caller, state.clock.today()).await?,
    ))
}

/// Files the holder's request to close his mailbox at once (the same request again
/// answers the one waiting).
#[utoipa::path(post, path = "/api/me/disdetta", tag = "iscritto", security(("bearer" = [])), request_body = DisdettaRichiesta, responses((status = 200, description = "La richiesta di disdetta", body = Disdetta)))]
async fn disdetta_request(
    State(state): State<AppState>,
    caller: Caller,
    extract::Json(form): extract::Json<DisdettaRichiesta>,
) -> Result<Json<Disdetta>, AppError> {
    Ok(Json(
        disdetta::request(state.store.as_ref(), &caller, &form, state.clock.now()).await?,
    ))
}

/// The mailbox's coming events with dates and amounts, and what will not fit when space
/// lapses.
#[utoipa::path(get, path = "/api/me/prospetto", tag = "iscritto", security(("bearer" = [])), responses((status = 200, description = "Il prospetto della casella", body = shared::api::Prospetto)))]
async fn timeline(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<shared::api::Prospetto>, AppError> {
    Ok(Json(
        crate::service::prospetto::own(
            state.store.as_ref(),
            state.provider.as_ref(),
            &caller,
            state.clock.today(),
        )
        .await?,
    ))
}

/// The receipt of a paid order, as PDF/A.
#[utoipa::path(
    get, path = "/api/me/ordini/{id}/ricevuta", tag = "iscritto", security(("bearer" = [])),
    params(("id" = String, Path, description = "L'ordine")),
    responses((status = 200, description = "La ricevuta", body = Vec<u8>, content_type = "application/pdf"))
)]
async fn order_receipt(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (name, pdf) = acquisti::own_receipt(state.store.as_ref(), &caller, &id).await?;
    Ok(crate::http::download("application/pdf", &name, pdf))
}

/// The invoice of a paid order, as the FatturaPA XML sent to the SdI.
#[utoipa::path(
    get, path = "/api/me/ordini/{id}/fattura", tag = "iscritto", security(("bearer" = [])),
    params(("id" = String, Path, description = "L'ordine")),
    responses((status = 200, description = "La fattura elettronica", body = String, content_type = "application/xml"))
)]
async fn order_invoice(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let fattura = acquisti::own_invoice(state.store.as_ref(), &caller, &id).await?;
    Ok(crate::http::download(
        "application/xml",
        &fattura.nome_file(),
        acquisti::fattura_xml::render(&fattura),
    ))
}

/// The holder's orders, newest first.
#[utoipa::path(get, path = "/api/me/ordini", tag = "iscritto", security(("bearer" = [])), responses((status = 200, description = "Gli ordini", body = Vec<Order>)))]
async fn own_orders(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Order>>, AppError> {
    Ok(Json(
        acquisti::own(state.store.as_ref(), &caller, state.clock.now()).await?,
    ))
}

/// Orders a paid service for the holder's mailbox, priced at today's catalog; it waits an
/// hour for its payment. With an `Idempotency-Key`, a retry gets the same order.
#[utoipa::path(
    post, path = "/api/me/ordini", tag = "iscritto", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,128}$")),
    request_body = OrdineRichiesta,
    responses((status = 201, description = "L'ordine, in attesa di pagamento", body = Order))
)]
async fn create_order(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    extract::Json(request): extract::Json<OrdineRichiesta>,
) -> Result<Response, AppError> {
    let fingerprint = serde_json::to_vec(&request).map_err(AppError::internal)?;
    let key = headers
        .get(idempotency::HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (task_state, who) = (state.clone(), caller.clone());
    let work = async move {
        let order = acquisti::create(
            task_state.store.as_ref(),
            &who,
            &request,
            key.as_deref(),
            task_state.clock.now(),
        )
        .await?;
        Ok::<_, AppError>(order)
    };
    idempotency::run(
        &state,
        &caller,
        &headers,
        &[b"order", &fingerprint],
        StatusCode::CREATED,
        work,
    )
    .await
}

/// One of the holder's orders.
#[utoipa::path(
    get, path = "/api/me/ordini/{id}", tag = "iscritto", security(("bearer" = [])),
    params(("id" = String, Path, description = "L'ordine")),
    responses((status = 200, description = "L'ordine", body = Order))
)]
async fn own_order(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Order>, AppError> {
    Ok(Json(
        acquisti::own_one(state.store.as_ref(), &caller, &id, state.clock.now()).await?,
    ))
}

/// Cancels an unpaid order.
#[utoipa::path(
    post, path = "/api/me/ordini/{id}/annulla", tag = "iscritto", security(("bearer" = [])),
    params(("id" = String, Path, description = "L'ordine")),
    responses((status = 200, description = "L'ordine annullato", body = Order))
)]
async fn cancel_order(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Order>, AppError> {
    Ok(Json(
        acquisti::cancel(
            state.store.as_ref(),
            state.payments.as_ref(),
            &caller,
            &id,
            state.clock.now(),
        )
        .await?,
    ))
}

/// Starts the card payment of an unpaid order (the same one again on a retry).
#[utoipa::path(
    post, path = "/api/me/ordini/{id}/pagamento", tag = "iscritto", security(("bearer" = [])),
    params(("id" = String, Path, description = "L'ordine")),
    responses((status = 200, description = "Il pagamento da completare", body = Intent))
)]
async fn pay_order(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Intent>, AppError> {
    Ok(Json(
        acquisti::pay(
            state.store.as_ref(),
            state.payments.as_ref(),
            &caller,
            &id,
            state.clock.now(),
        )
        .await?,
    ))
}

/// The holder's first access: the steps taken, the next one, the text to read.
#[utoipa::path(get, path = "/api/me/primo-accesso", tag = "iscritto", security(("bearer" = [])), responses((status = 200, description = "Il primo accesso", body = PrimoAccessoView)))]
async fn first_access(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<PrimoAccessoView>, AppError> {
    Ok(Json(
        primo_accesso::view(state.store.as_ref(), &caller, state.clock.now()).await?,
    ))
}

/// One step of the first access, in order, on the text shown (its version and SHA-256).
#[utoipa::path(
    post, path = "/api/me/primo-accesso", tag = "iscritto", security(("bearer" = [])),
    request_body = PassoRichiesta,
    responses((status = 200, description = "Il primo accesso dopo il passo", body = PrimoAccessoView))
)]
async fn first_access_step(
    State(state): State<AppState>,
    caller: Caller,
    extract::Json(request): extract::Json<PassoRichiesta>,
) -> Result<Json<PrimoAccessoView>, AppError> {
    Ok(Json(
        primo_accesso::step(state.store.as_ref(), &caller, &request, state.clock.now()).await?,
    ))
}

fn deps(state: &AppState) -> Deps<'_> {
    Deps {
        store: state.store.as_ref(),
        blobs: state.blobs.as_ref(),
        fiducia: &state.fiducia,
    }
}

/// Where the holder's contract stands, and his latest upload with its outcome.
#[utoipa::path(get, path = "/api/me/contratto", tag = "iscritto", security(("bearer" = [])), responses((status = 200, description = "Il contratto", body = ContrattoView)))]
async fn contract(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ContrattoView>, AppError> {
    Ok(Json(
        contratto::view(state.store.as_ref(), &caller, state.clock.now()).await?,
    ))
}

/// The holder's contract as PDF/A, to sign: issued now, or the one issued before for the
/// same data and text.
#[utoipa::path(
    get, path = "/api/me/contratto/documento", tag = "iscritto", security(("bearer" = [])),
    responses((status = 200, description = "Il contratto da firmare", body = Vec<u8>, content_type = "application/pdf"))
)]
async fn contract_document(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, AppError> {
    let (issued, pdf) = contratto::document(deps(&state), &caller, state.clock.now()).await?;
    let filename = format!(
        "attachment; filename=\"contratto-pec-{}.pdf\"",
        issued.documento
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, filename),
        ],
        pdf,
    )
        .into_response())
}

/// Where to send the signed file: one PUT of its size and SHA-256, for ten minutes. A
/// file already uploaded is not sent again: its outcome comes back.
#[utoipa::path(
    post, path = "/api/me/contratto/caricamenti", tag = "iscritto", security(("bearer" = [])),
    request_body = CaricamentoRichiesta,
    responses((status = 200, description = "Dove inviare il file", body = CaricamentoPronto))
)]
async fn prepare_upload(
    State(state): State<AppState>,
    caller: Caller,
    extract::Json(request): extract::Json<CaricamentoRichiesta>,
) -> Result<Json<CaricamentoPronto>, AppError> {
    Ok(Json(
        contratto::prepare(deps(&state), &caller, &request, state.clock.now()).await?,
    ))
}

/// Verifies the signed file sent, records it and answers with the outcome: *firmato*, in
/// review, or refused with the reason. The same file again gets the same answer.
#[utoipa::path(
    post, path = "/api/me/contratto/caricamenti/{sha256}/verifica", tag = "iscritto", security(("bearer" = [])),
    params(("sha256" = String, Path, description = "SHA-256 del file", pattern = "^[0-9a-fA-F]{64}$"), ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,128}$")),
    responses((status = 200, description = "L'esito della verifica", body = CaricamentoView))
)]
async fn verify_upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(sha256): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (task_state, who, sha) = (state.clone(), caller.clone(), sha256.clone());
    let work = async move {
        let view = contratto::verify(deps(&task_state), &who, &sha, task_state.clock.now()).await?;
        Ok::<_, AppError>(view)
    };
    idempotency::run(
        &state,
        &caller,
        &headers,
        &[b"contract-verify", sha256.as_bytes()],
        StatusCode::OK,
        work,
    )
    .await
}

/// Who is calling; a member also gets his data and mailbox.
#[utoipa::path(get, path = "/api/me", tag = "iscritto", security(("bearer" = [])), responses((status = 200, description = "Il chiamante", body = Me)))]
async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<Me>, AppError> {
    let member = match caller.role {
        Role::Iscritto => Some(profile::me(state.store.as_ref(), &caller).await?),
        _ => None,
    };
    let oggi = crate::clock::rome_date(state.clock.now());
    Ok(Json(Me {
        caller,
        member,
        oggi,
    }))
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
