//! An Ordine's panel: its members (paged, searched, filtered), a member's page, the CSV
//! export, the Ordine's own mailbox and profile, and activations one at a time or from a
//! CSV.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use shared::access::Caller;
use shared::api::{
    ActivationPreview, ActivationRequest, DecisioneAttivazione, DiffidaRichiesta, DomicilioReport,
    FirmeQuery, MemberDetail, MemberFilters, MemberPage, OrdineMailbox, PageQuery,
    RichiesteFirmaPage, RichiestePage, RigaDomicilio,
};
use shared::firma_digitale::{PassoFirma, RichiestaFirma};
use shared::ordine::{OrdineProfiloUpdate, OrdineProfiloView};
use shared::richiesta::RichiestaAttivazione;

use super::ModeQuery;
use super::register::{Routes, operations};
use crate::AppState;
use crate::error::AppError;
use crate::http::extract::{self, CfParam, NumeroParam, OrdineParam, Query, Upload};
use crate::http::idempotency;
use crate::service::{activation, directory, domicilio, firme, ordine, richieste};

pub fn router<R: Routes>(routes: R) -> R {
    routes
        .add(operations!(list))
        .add(operations!(member))
        .add(operations!(export))
        .add(operations!(mailbox))
        .add(operations!(profilo, update_profilo))
        .add(operations!(activate))
        .add(operations!(preview))
        .add(operations!(bulk))
        .add(operations!(domicilio_report))
        .add(operations!(domicilio_export))
        .add(operations!(record_diffida))
        .add(operations!(richieste_queue))
        .add(operations!(richiesta_decision))
        .add(operations!(firme_list))
        .add(operations!(firme_register))
        .add(operations!(firma_step))
}

/// The identity document a request came with.
pub fn documents<R: Routes>(routes: R) -> R {
    routes.add(operations!(richiesta_document))
}

/// The Ordine's digital-signature requests in one state (`in-attesa` by default), the
/// longest in it first.
#[utoipa::path(
    get, path = "/api/ordini/{ordine}/firme", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla dell'Ordine"), FirmeQuery),
    responses((status = 200, description = "Le richieste di firma digitale", body = RichiesteFirmaPage))
)]
async fn firme_list(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
    Query(query): Query<FirmeQuery>,
) -> Result<Json<RichiesteFirmaPage>, AppError> {
    Ok(Json(
        firme::of_ordine(
            state.store.as_ref(),
            &caller,
            ordine,
            query,
            state.clock.now(),
        )
        .await?,
    ))
}

/// The pickup register as CSV: the kits waiting at the Ordine, oldest first.
#[utoipa::path(
    get, path = "/api/ordini/{ordine}/firme/registro", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla dell'Ordine")),
    responses((status = 200, description = "CSV", body = String, content_type = "text/csv"))
)]
async fn firme_register(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
) -> Result<Response, AppError> {
    let csv = firme::register_csv(state.store.as_ref(), &caller, ordine, state.clock.now()).await?;
    let filename = format!("registro-kit-firma-{}-{}.csv", ordine, state.clock.today());
    Ok(crate::http::download(
        "text/csv; charset=utf-8",
        &filename,
        csv,
    ))
}

/// Records the next step of a signature request: validation (or refusal with a reason),
/// produced, shipped, arrived, picked up (with the document shown) or delivered.
#[utoipa::path(
    post, path = "/api/ordini/{ordine}/firme/{codice_fiscale}/{numero}/passi", tag = "ordine", security(("bearer" = [])),
    params(
        ("ordine" = String, Path, description = "Sigla dell'Ordine"),
        ("codice_fiscale" = String, Path, description = "Codice fiscale dell'iscritto"),
        ("numero" = u32, Path, description = "Il numero della richiesta dell'iscritto"),
    ),
    request_body = PassoFirma,
    responses((status = 200, description = "La richiesta dopo il passo", body = RichiestaFirma))
)]
async fn firma_step(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
    CfParam(cf): CfParam,
    NumeroParam(numero): NumeroParam,
    extract::Json(passo): extract::Json<PassoFirma>,
) -> Result<Json<RichiestaFirma>, AppError> {
    Ok(Json(
        firme::step(
            state.store.as_ref(),
            &caller,
            ordine,
            &cf,
            numero,
            &passo,
            state.clock.now(),
        )
        .await?,
    ))
}

/// The activation requests waiting for the Ordine, oldest first, each with the Albo's
/// check today.
#[utoipa::path(
    get, path = "/api/ordini/{ordine}/richieste", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla dell'Ordine"), PageQuery),
    responses((status = 200, description = "Le richieste di attivazione in attesa", body = RichiestePage))
)]
async fn richieste_queue(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
    Query(page): Query<PageQuery>,
) -> Result<Json<RichiestePage>, AppError> {
    Ok(Json(
        richieste::queue(
            state.store.as_ref(),
            &caller,
            ordine,
            page.cursor,
            state.clock.now(),
        )
        .await?,
    ))
}

/// The identity document a request came with, as it was sent.
#[utoipa::path(
    get, path = "/api/ordini/{ordine}/richieste/{codice_fiscale}/documento", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla dell'Ordine"), ("codice_fiscale" = String, Path, description = "Codice fiscale di chi chiede")),
    responses((status = 200, description = "Il documento d'identità (PDF, JPEG o PNG)", content_type = "application/octet-stream"))
)]
async fn richiesta_document(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
    CfParam(cf): CfParam,
) -> Result<Response, AppError> {
    let (tipo, bytes) = richieste::document(
        state.store.as_ref(),
        state.blobs.as_ref(),
        &caller,
        ordine,
        &cf,
    )
    .await?;
    // Always a download: a file from the public is never rendered on the portal's origin.
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"documento-{cf}.{}\"",
                    tipo.estensione()
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Activates the requester's mailbox, or declines the request with a reason; the
/// requester is told by email.
#[utoipa::path(
    post, path = "/api/ordini/{ordine}/richieste/{codice_fiscale}/decisione", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla dell'Ordine"), ("codice_fiscale" = String, Path, description = "Codice fiscale di chi chiede")),
    request_body = DecisioneAttivazione,
    responses((status = 200, description = "La richiesta dopo la decisione", body = RichiestaAttivazione))
)]
async fn richiesta_decision(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
    CfParam(cf): CfParam,
    extract::Json(decision): extract::Json<DecisioneAttivazione>,
) -> Result<Json<RichiestaAttivazione>, AppError> {
    Ok(Json(
        richieste::decide(
            state.store.as_ref(),
            &caller,
            ordine,
            &cf,
            &decision,
            state.clock.now(),
        )
        .await?,
    ))
}

/// The Ordine's members and the domicilio-digitale duty (DL 76/2020): who has none, or one
/// that is not a working mailbox of ours, and the diffide.
#[utoipa::path(
    get, path = "/api/ordini/{ordine}/domicilio", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla della provincia")),
    responses((status = 200, description = "Il domicilio digitale degli iscritti", body = DomicilioReport))
)]
async fn domicilio_report(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
) -> Result<Json<DomicilioReport>, AppError> {
    Ok(Json(
        domicilio::report(state.store.as_ref(), &caller, ordine, state.clock.today()).await?,
    ))
}

/// The same, as CSV.
#[utoipa::path(
    get, path = "/api/ordini/{ordine}/domicilio/export", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla della provincia")),
    responses((status = 200, description = "Il CSV", content_type = "text/csv"))
)]
async fn domicilio_export(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
) -> Result<Response, AppError> {
    let today = state.clock.today();
    let csv = domicilio::export_csv(state.store.as_ref(), &caller, ordine, today).await?;
    let filename = format!("domicilio-digitale-{ordine}-{today}.csv");
    Ok(crate::http::download(
        "text/csv; charset=utf-8",
        &filename,
        csv,
    ))
}

/// Records the diffida the Ordine sent a member without a working domicilio digitale.
#[utoipa::path(
    post, path = "/api/ordini/{ordine}/domicilio/{codice_fiscale}/diffida", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla della provincia"), ("codice_fiscale" = String, Path, description = "Codice fiscale, come rilasciato")),
    request_body = DiffidaRichiesta,
    responses((status = 200, description = "L'iscritto con la diffida", body = RigaDomicilio))
)]
async fn record_diffida(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
    CfParam(codice_fiscale): CfParam,
    extract::Json(request): extract::Json<DiffidaRichiesta>,
) -> Result<Json<RigaDomicilio>, AppError> {
    Ok(Json(
        domicilio::record_diffida(
            state.store.as_ref(),
            &caller,
            ordine,
            &codice_fiscale,
            &request,
            state.clock.now(),
            state.clock.today(),
        )
        .await?,
    ))
}

/// The members currently registered in the Ordine.
#[utoipa::path(
    get, path = "/api/ordini/{ordine}/members", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla della provincia"), MemberFilters),
    responses((status = 200, description = "Una pagina di iscritti", body = MemberPage))
)]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
    Query(filters): Query<MemberFilters>,
) -> Result<Json<MemberPage>, AppError> {
    Ok(Json(
        directory::ordine_members(
            state.store.as_ref(),
            &caller,
            ordine,
            &filters,
            state.clock.today(),
        )
        .await?,
    ))
}

/// A member's data and mailbox: the holder, his Ordine while he is registered there, the
/// Fondazione.
#[utoipa::path(
    get, path = "/api/members/{codice_fiscale}", tag = "ordine", security(("bearer" = [])),
    params(("codice_fiscale" = String, Path, description = "Codice fiscale, come rilasciato")),
    responses((status = 200, description = "L'iscritto", body = MemberDetail))
)]
async fn member(
    State(state): State<AppState>,
    caller: Caller,
    CfParam(codice_fiscale): CfParam,
) -> Result<Json<MemberDetail>, AppError> {
    Ok(Json(
        directory::member(state.store.as_ref(), &caller, &codice_fiscale).await?,
    ))
}

/// Every member the caller sees in the Ordine, as CSV.
#[utoipa::path(
    get, path = "/api/ordini/{ordine}/export", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla della provincia")),
    responses((status = 200, description = "CSV", body = String, content_type = "text/csv"))
)]
async fn export(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
) -> Result<Response, AppError> {
    let csv = directory::export_csv(state.store.as_ref(), &caller, ordine).await?;
    let filename = format!("iscritti-{}-{}.csv", ordine, state.clock.today());
    Ok(crate::http::download(
        "text/csv; charset=utf-8",
        &filename,
        csv,
    ))
}

/// The Ordine's own mailbox.
#[utoipa::path(
    get, path = "/api/ordini/{ordine}/mailbox", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla della provincia")),
    responses((status = 200, description = "La casella dell'Ordine", body = OrdineMailbox))
)]
async fn mailbox(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
) -> Result<Json<OrdineMailbox>, AppError> {
    Ok(Json(
        ordine::mailbox(state.store.as_ref(), &caller, ordine).await?,
    ))
}

/// The Ordine's profile: the secretariat's email (which stands in for members without
/// one), phone and address.
#[utoipa::path(
    get, path = "/api/ordini/{ordine}/profilo", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla della provincia")),
    responses((status = 200, description = "Il profilo dell'Ordine", body = OrdineProfiloView))
)]
async fn profilo(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
) -> Result<Json<OrdineProfiloView>, AppError> {
    Ok(Json(
        ordine::profilo(state.store.as_ref(), &caller, ordine).await?,
    ))
}

/// Changes the Ordine's profile, at the version read (0 for the first time).
#[utoipa::path(
    put, path = "/api/ordini/{ordine}/profilo", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla della provincia")),
    request_body = OrdineProfiloUpdate,
    responses((status = 200, description = "Il profilo aggiornato", body = OrdineProfiloView))
)]
async fn update_profilo(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
    extract::Json(update): extract::Json<OrdineProfiloUpdate>,
) -> Result<Json<OrdineProfiloView>, AppError> {
    Ok(Json(
        ordine::update_profilo(
            state.store.as_ref(),
            &caller,
            ordine,
            &update,
            state.clock.now(),
        )
        .await?,
    ))
}

/// Activates one member's mailbox. Send an `Idempotency-Key` to retry safely.
#[utoipa::path(
    post, path = "/api/ordini/{ordine}/activations", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla della provincia"), ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,128}$")),
    request_body = ActivationRequest,
    responses((status = 201, description = "La casella attivata", body = shared::api::MailboxView))
)]
async fn activate(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
    headers: HeaderMap,
    extract::Json(request): extract::Json<ActivationRequest>,
) -> Result<Response, AppError> {
    let fingerprint = [
        b"activate".as_slice(),
        ordine.as_str().as_bytes(),
        request.codice_fiscale.trim().as_bytes(),
    ];
    let (store, now, who) = (state.store.clone(), state.clock.now(), caller.clone());
    let codice_fiscale = request.codice_fiscale.clone();
    let work = async move {
        Ok(activation::activate(store.as_ref(), &who, ordine, &codice_fiscale, now).await?)
    };
    idempotency::run(
        &state,
        &caller,
        &headers,
        &fingerprint,
        StatusCode::CREATED,
        work,
    )
    .await
}

/// The address activating a member's mailbox would create now, to show before confirming.
#[utoipa::path(
    post, path = "/api/ordini/{ordine}/activations/preview", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla della provincia")),
    request_body = ActivationRequest,
    responses((status = 200, description = "L'indirizzo che sarebbe creato", body = ActivationPreview))
)]
async fn preview(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
    extract::Json(request): extract::Json<ActivationRequest>,
) -> Result<Json<ActivationPreview>, AppError> {
    Ok(Json(
        activation::preview(
            state.store.as_ref(),
            &caller,
            ordine,
            &request.codice_fiscale,
        )
        .await?,
    ))
}

/// Activates the mailboxes of a CSV in the Modello Anagrafiche columns (at most 1,000
/// rows a request): `dry-run` first, then `commit`.
#[utoipa::path(
    post, path = "/api/ordini/{ordine}/activations/bulk", tag = "ordine", security(("bearer" = [])),
    params(("ordine" = String, Path, description = "Sigla della provincia"), ModeQuery, ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,128}$")),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "Il resoconto riga per riga", body = shared::api::CsvReport))
)]
async fn bulk(
    State(state): State<AppState>,
    caller: Caller,
    OrdineParam(ordine): OrdineParam,
    Query(query): Query<ModeQuery>,
    headers: HeaderMap,
    Upload(file): Upload,
) -> Result<Response, AppError> {
    let mode = query.mode();
    let fingerprint = [b"bulk".as_slice(), ordine.as_str().as_bytes(), &file];
    let (store, now, who) = (state.store.clone(), state.clock.now(), caller.clone());
    let body = file.clone();
    let run =
        async move { Ok(activation::bulk(store.as_ref(), &who, ordine, &body, mode, now).await?) };
    idempotency::upload(&state, &caller, &headers, mode, &fingerprint, run).await
}
