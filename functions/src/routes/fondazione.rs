//! The Fondazione's console: the nationwide search, the Ordini overview, the last daily
//! verifica, the audit log, the signed contracts to review.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::access::Caller;
use shared::api::{
    AuditPage, AuditQuery, BloccatePage, CaricamentoView, CaselleOrdini, Code, ComandiPage,
    DecessiPage, DecisioneDisdetta, DecisioneRichiesta, DisdettePage, MemberFilters, MemberPage,
    OrdineOverview, OrdiniMese, PageQuery, RevisionePage, Verifica,
};
use shared::codice_fiscale::CodiceFiscale;
use shared::disdetta::Disdetta;
use shared::order::Order;

use super::register::{Routes, operations};
use crate::AppState;
use crate::error::AppError;
use crate::http::extract::{self, Query};
use crate::service::contratto::{Deps, revisione};
use crate::service::{acquisti, audit, code, directory, disdetta, overview};
use crate::verifica;

pub fn router<R: Routes>(routes: R) -> R {
    routes
        .add(operations!(search))
        .add(operations!(ordini))
        .add(operations!(last_verifica))
        .add(operations!(audit_log))
        .add(operations!(review_queue))
        .add(operations!(review_decision))
        .add(operations!(orders_of_month))
        .add(operations!(orders_export))
        .add(operations!(refund))
        .add(operations!(invoice_register))
        .add(operations!(member_timeline))
        .add(operations!(send_invoices))
        .add(operations!(disdette_queue))
        .add(operations!(deaths_queue))
        .add(operations!(queue_counts))
        .add(operations!(parked_commands))
        .add(operations!(create_ordini_mailboxes))
        .add(operations!(blocked_mailboxes))
        .add(operations!(block_mailbox))
        .add(operations!(unblock_mailbox))
        .add(operations!(retry_command))
        .add(operations!(discard_command))
        .add(operations!(disdetta_decision))
        .add(operations!(late_requests))
        .add(operations!(firme_nationwide))
        .add(operations!(firme_counts))
        .add(operations!(publish_listino))
        .add(operations!(import_pannello))
}

/// The files the Fondazione reads: a signed contract in review, an heir's documents.
pub fn documents<R: Routes>(routes: R) -> R {
    routes
        .add(operations!(review_file))
        .add(operations!(heirs_document))
}

/// The deceased holders whose mailbox is still open, oldest death first (Fondazione).
#[utoipa::path(get, path = "/api/fondazione/decessi", tag = "fondazione", security(("bearer" = [])), params(PageQuery), responses((status = 200, description = "I decessi con la casella ancora aperta", body = DecessiPage)))]
async fn deaths_queue(
    State(state): State<AppState>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<DecessiPage>, AppError> {
    Ok(Json(
        code::deaths(state.store.as_ref(), &caller, page.cursor).await?,
    ))
}

/// The living holders whose mailbox is blocked (Fondazione).
#[utoipa::path(get, path = "/api/fondazione/bloccate", tag = "fondazione", security(("bearer" = [])), params(PageQuery), responses((status = 200, description = "Le caselle bloccate", body = BloccatePage)))]
async fn blocked_mailboxes(
    State(state): State<AppState>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<BloccatePage>, AppError> {
    Ok(Json(
        code::blocked(state.store.as_ref(), &caller, page.cursor).await?,
    ))
}

/// Blocks a holder's mailbox at the provider (Fondazione).
#[utoipa::path(
    post, path = "/api/fondazione/caselle/{codice_fiscale}/blocco", tag = "fondazione", security(("bearer" = [])),
    params(("codice_fiscale" = String, Path, description = "Codice fiscale del titolare")),
    responses((status = 204, description = "Bloccata"))
)]
async fn block_mailbox(
    State(state): State<AppState>,
    caller: Caller,
    Path(cf): Path<String>,
) -> Result<StatusCode, AppError> {
    let cf = codice_fiscale(&cf)?;
    code::set_blocked(state.store.as_ref(), &caller, &cf, true, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unblocks a holder's mailbox at the provider (Fondazione).
#[utoipa::path(
    post, path = "/api/fondazione/caselle/{codice_fiscale}/sblocco", tag = "fondazione", security(("bearer" = [])),
    params(("codice_fiscale" = String, Path, description = "Codice fiscale del titolare")),
    responses((status = 204, description = "Sbloccata"))
)]
async fn unblock_mailbox(
    State(state): State<AppState>,
    caller: Caller,
    Path(cf): Path<String>,
) -> Result<StatusCode, AppError> {
    let cf = codice_fiscale(&cf)?;
    code::set_blocked(state.store.as_ref(), &caller, &cf, false, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creates the own mailbox of every Ordine that has none (Fondazione).
#[utoipa::path(post, path = "/api/fondazione/caselle-ordini", tag = "fondazione", security(("bearer" = [])), responses((status = 200, description = "Le caselle create", body = CaselleOrdini)))]
async fn create_ordini_mailboxes(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<CaselleOrdini>, AppError> {
    Ok(Json(
        crate::service::ordine::create_missing_mailboxes(
            state.store.as_ref(),
            &caller,
            state.clock.now(),
        )
        .await?,
    ))
}

/// The commands the provider or the mail service refused, with the refusal (Fondazione).
#[utoipa::path(get, path = "/api/fondazione/comandi", tag = "fondazione", security(("bearer" = [])), params(PageQuery), responses((status = 200, description = "I comandi fermi", body = ComandiPage)))]
async fn parked_commands(
    State(state): State<AppState>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<ComandiPage>, AppError> {
    Ok(Json(
        code::parked(state.store.as_ref(), &caller, page.cursor).await?,
    ))
}

/// Sends a refused command again now (Fondazione).
#[utoipa::path(
    post, path = "/api/fondazione/comandi/{id}/riprova", tag = "fondazione", security(("bearer" = [])),
    params(("id" = String, Path, description = "Il comando")),
    responses((status = 204, description = "Di nuovo in coda"))
)]
async fn retry_command(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    code::retry(state.store.as_ref(), &caller, &id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Drops a refused command for good (Fondazione).
#[utoipa::path(
    post, path = "/api/fondazione/comandi/{id}/scarta", tag = "fondazione", security(("bearer" = [])),
    params(("id" = String, Path, description = "Il comando")),
    responses((status = 204, description = "Scartato"))
)]
async fn discard_command(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    code::discard(state.store.as_ref(), &caller, &id, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes over the mailboxes that exist today from the current panel's CSV export (at most
/// 1,000 rows a request): `dry-run` first, then `commit`; a second run changes nothing
/// (Fondazione).
#[utoipa::path(
    post, path = "/api/fondazione/pannello/import", tag = "fondazione", security(("bearer" = [])),
    params(super::ModeQuery, ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,128}$")),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "Il resoconto riga per riga", body = shared::api::CsvReport))
)]
async fn import_pannello(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<super::ModeQuery>,
    headers: HeaderMap,
    crate::http::extract::Upload(file): crate::http::extract::Upload,
) -> Result<Response, AppError> {
    let mode = query.mode();
    let fingerprint = [b"pannello-import".as_slice(), &file];
    let (store, now, who) = (state.store.clone(), state.clock.now(), caller.clone());
    let body = file.clone();
    let run = async move {
        Ok(crate::service::pannello::import_csv(store.as_ref(), &who, &body, mode, now).await?)
    };
    crate::http::idempotency::upload(&state, &caller, &headers, mode, &fingerprint, run).await
}

/// Publishes a new price list of the current contract's plans, in force from a date after
/// today and after every list there is (Fondazione).
#[utoipa::path(
    post, path = "/api/fondazione/listini", tag = "fondazione", security(("bearer" = [])),
    request_body = shared::catalog::NuovoListino,
    responses((status = 201, description = "Il listino pubblicato", body = shared::catalog::CatalogVersion))
)]
async fn publish_listino(
    State(state): State<AppState>,
    caller: Caller,
    extract::Json(draft): extract::Json<shared::catalog::NuovoListino>,
) -> Result<(StatusCode, Json<shared::catalog::CatalogVersion>), AppError> {
    let version =
        crate::service::catalogo::publish(state.store.as_ref(), &caller, &draft, state.clock.now())
            .await?;
    Ok((StatusCode::CREATED, Json(version)))
}

/// One of the documents an heir sent with a disdetta (Fondazione).
#[utoipa::path(
    get, path = "/api/fondazione/disdette/{codice_fiscale}/documenti/{sha256}", tag = "fondazione", security(("bearer" = [])),
    params(("codice_fiscale" = String, Path, description = "Codice fiscale del titolare"), ("sha256" = String, Path, description = "SHA-256 del documento", pattern = "^[0-9a-fA-F]{64}$")),
    responses((status = 200, description = "Il documento (PDF, JPEG o PNG)", content_type = "application/octet-stream"))
)]
async fn heirs_document(
    State(state): State<AppState>,
    caller: Caller,
    Path((cf, sha256)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let cf = codice_fiscale(&cf)?;
    let (tipo, bytes) = crate::service::eredi::document(
        state.store.as_ref(),
        state.blobs.as_ref(),
        &caller,
        &cf,
        &sha256,
    )
    .await?;
    // Always a download: a file from the public is never rendered on the portal's origin.
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"disdetta-{cf}-{}.{}\"",
                    sha256.get(..8).unwrap_or_default(),
                    tipo.estensione()
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Every Ordine's activation requests waiting more than 30 days, oldest first
/// (Fondazione).
#[utoipa::path(get, path = "/api/fondazione/richieste", tag = "fondazione", security(("bearer" = [])), params(PageQuery), responses((status = 200, description = "Le richieste di attivazione ferme da più di 30 giorni", body = shared::api::RichiestePage)))]
async fn late_requests(
    State(state): State<AppState>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<shared::api::RichiestePage>, AppError> {
    Ok(Json(
        crate::service::richieste::late(
            state.store.as_ref(),
            &caller,
            page.cursor,
            state.clock.now(),
        )
        .await?,
    ))
}

/// Every Ordine's digital-signature requests in one state, under one convention code if
/// asked (Fondazione).
#[utoipa::path(get, path = "/api/fondazione/firme", tag = "fondazione", security(("bearer" = [])), params(shared::api::FirmeQuery), responses((status = 200, description = "Le richieste di firma digitale", body = shared::api::RichiesteFirmaPage)))]
async fn firme_nationwide(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<shared::api::FirmeQuery>,
) -> Result<Json<shared::api::RichiesteFirmaPage>, AppError> {
    Ok(Json(
        crate::service::firme::nationwide(state.store.as_ref(), &caller, query, state.clock.now())
            .await?,
    ))
}

/// How many digital-signature requests stand in each state under each code (Fondazione).
#[utoipa::path(get, path = "/api/fondazione/firme/conteggi", tag = "fondazione", security(("bearer" = [])), responses((status = 200, description = "Le richieste per stato e codice convenzione", body = shared::api::FirmeConteggi)))]
async fn firme_counts(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<shared::api::FirmeConteggi>, AppError> {
    Ok(Json(
        crate::service::firme::counts(state.store.as_ref(), &caller).await?,
    ))
}

/// How much waits in each of the Fondazione's queues (Fondazione).
#[utoipa::path(get, path = "/api/fondazione/code", tag = "fondazione", security(("bearer" = [])), responses((status = 200, description = "Quanto attende in ogni coda", body = Code)))]
async fn queue_counts(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Code>, AppError> {
    Ok(Json(
        code::counts(state.store.as_ref(), &caller, state.clock.now()).await?,
    ))
}

/// The disdette waiting for a decision, oldest first, with the Albo as it is now
/// (Fondazione).
#[utoipa::path(get, path = "/api/fondazione/disdette", tag = "fondazione", security(("bearer" = [])), params(PageQuery), responses((status = 200, description = "Le disdette da decidere", body = DisdettePage)))]
async fn disdette_queue(
    State(state): State<AppState>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<DisdettePage>, AppError> {
    Ok(Json(
        disdetta::queue(state.store.as_ref(), &caller, page.cursor).await?,
    ))
}

/// Approves a disdetta, which closes the mailbox, or rejects it with a reason
/// (Fondazione).
#[utoipa::path(
    post, path = "/api/fondazione/disdette/{codice_fiscale}/decisione", tag = "fondazione", security(("bearer" = [])),
    params(("codice_fiscale" = String, Path, description = "Codice fiscale del titolare")),
    request_body = DecisioneDisdetta,
    responses((status = 200, description = "La disdetta dopo la decisione", body = Disdetta))
)]
async fn disdetta_decision(
    State(state): State<AppState>,
    caller: Caller,
    Path(cf): Path<String>,
    extract::Json(request): extract::Json<DecisioneDisdetta>,
) -> Result<Json<Disdetta>, AppError> {
    let cf = codice_fiscale(&cf)?;
    Ok(Json(
        disdetta::decide(
            state.store.as_ref(),
            &caller,
            &cf,
            &request,
            state.clock.now(),
        )
        .await?,
    ))
}

/// A member's mailbox's coming events (Fondazione).
#[utoipa::path(
    get, path = "/api/members/{codice_fiscale}/prospetto", tag = "fondazione", security(("bearer" = [])),
    params(("codice_fiscale" = String, Path, description = "Codice fiscale del titolare")),
    responses((status = 200, description = "Il prospetto della casella", body = shared::api::Prospetto))
)]
async fn member_timeline(
    State(state): State<AppState>,
    caller: Caller,
    Path(cf): Path<String>,
) -> Result<Json<shared::api::Prospetto>, AppError> {
    let cf = codice_fiscale(&cf)?;
    Ok(Json(
        crate::service::prospetto::of_member(
            state.store.as_ref(),
            state.provider.as_ref(),
            &caller,
            &cf,
            state.clock.today(),
        )
        .await?,
    ))
}

/// The year of an invoice register.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AnnoQuery {
    /// This year if absent.
    anno: Option<i32>,
}

/// A year's invoice register, in number order (Fondazione).
#[utoipa::path(get, path = "/api/fondazione/fatture", tag = "fondazione", security(("bearer" = [])), params(AnnoQuery), responses((status = 200, description = "Il registro delle fatture", body = shared::api::RegistroFatture)))]
async fn invoice_register(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AnnoQuery>,
) -> Result<Json<shared::api::RegistroFatture>, AppError> {
    use chrono::Datelike;
    let anno = query.anno.unwrap_or_else(|| state.clock.today().year());
    Ok(Json(
        acquisti::register(state.store.as_ref(), &caller, anno).await?,
    ))
}

/// Sends the month's invoices not yet sent to the SdI (Fondazione); sending again sends
/// only what is left.
#[utoipa::path(post, path = "/api/fondazione/fatture/invio", tag = "fondazione", security(("bearer" = [])), params(MeseQuery), responses((status = 200, description = "Che cosa è stato inviato", body = shared::api::InvioSdi)))]
async fn send_invoices(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<MeseQuery>,
) -> Result<Json<shared::api::InvioSdi>, AppError> {
    let now = state.clock.now();
    let mese = query
        .mese
        .unwrap_or_else(|| crate::clock::rome_date(now).format("%Y-%m").to_string());
    Ok(Json(
        acquisti::send_month(
            state.store.as_ref(),
            state.sdi.as_ref(),
            &caller,
            &mese,
            now,
        )
        .await?,
    ))
}

/// The month to read orders of.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct MeseQuery {
    /// `AAAA-MM`, in Italian time; this month if absent.
    mese: Option<String>,
}

/// A month's orders with their payments and refunds (Fondazione).
#[utoipa::path(get, path = "/api/fondazione/ordini", tag = "fondazione", security(("bearer" = [])), params(MeseQuery), responses((status = 200, description = "Gli ordini del mese", body = OrdiniMese)))]
async fn orders_of_month(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<MeseQuery>,
) -> Result<Json<OrdiniMese>, AppError> {
    let now = state.clock.now();
    let mese = query
        .mese
        .unwrap_or_else(|| crate::clock::rome_date(now).format("%Y-%m").to_string());
    Ok(Json(
        acquisti::month(state.store.as_ref(), &caller, &mese, now).await?,
    ))
}

/// A month's orders as CSV (Fondazione).
#[utoipa::path(
    get, path = "/api/fondazione/ordini/export", tag = "fondazione", security(("bearer" = [])), params(MeseQuery),
    responses((status = 200, description = "CSV", body = String, content_type = "text/csv"))
)]
async fn orders_export(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<MeseQuery>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mese = query
        .mese
        .unwrap_or_else(|| crate::clock::rome_date(now).format("%Y-%m").to_string());
    let csv = acquisti::month_csv(state.store.as_ref(), &caller, &mese, now).await?;
    Ok(crate::http::download(
        "text/csv; charset=utf-8",
        &format!("ordini-{mese}.csv"),
        csv,
    ))
}

/// Refunds a payment an order could not take (Fondazione): through the payment
/// provider, once, then recorded on the order.
#[utoipa::path(
    post, path = "/api/fondazione/ordini/{id}/rimborsi/{riferimento}", tag = "fondazione", security(("bearer" = [])),
    params(("id" = String, Path, description = "L'ordine"), ("riferimento" = String, Path, description = "Il pagamento da rimborsare")),
    responses((status = 200, description = "L'ordine con il rimborso", body = Order))
)]
async fn refund(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, riferimento)): Path<(String, String)>,
) -> Result<Json<Order>, AppError> {
    Ok(Json(
        acquisti::refund(
            state.store.as_ref(),
            state.payments.as_ref(),
            &caller,
            &id,
            &riferimento,
            state.clock.now(),
        )
        .await?,
    ))
}

/// A member's code in a path, as issued.
fn codice_fiscale(value: &str) -> Result<CodiceFiscale, AppError> {
    CodiceFiscale::parse(value)
        .map_err(|e| shared::api::ApiError::codice_fiscale(&e, "codice_fiscale").into())
}

/// The signed contracts waiting for a decision, oldest first (Fondazione).
#[utoipa::path(get, path = "/api/contratti/revisione", tag = "fondazione", security(("bearer" = [])), params(PageQuery), responses((status = 200, description = "I contratti in revisione", body = RevisionePage)))]
async fn review_queue(
    State(state): State<AppState>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<RevisionePage>, AppError> {
    Ok(Json(
        revisione::queue(state.store.as_ref(), &caller, page.cursor).await?,
    ))
}

/// A signed contract in review as the holder uploaded it (Fondazione).
#[utoipa::path(
    get, path = "/api/contratti/revisione/{codice_fiscale}/{sha256}/file", tag = "fondazione", security(("bearer" = [])),
    params(("codice_fiscale" = String, Path, description = "Codice fiscale del titolare"), ("sha256" = String, Path, description = "SHA-256 del file", pattern = "^[0-9a-fA-F]{64}$")),
    responses((status = 200, description = "Il file caricato", body = Vec<u8>, content_type = "application/octet-stream"))
)]
async fn review_file(
    State(state): State<AppState>,
    caller: Caller,
    Path((cf, sha256)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let cf = codice_fiscale(&cf)?;
    let deps = Deps {
        store: state.store.as_ref(),
        blobs: state.blobs.as_ref(),
        fiducia: &state.fiducia,
    };
    let bytes = revisione::file(deps, &caller, &cf, &sha256).await?;
    let name = if bytes.starts_with(b"%PDF-") {
        "pdf"
    } else {
        "p7m"
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"contratto-{cf}.{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Approves or rejects a signed contract in review; a rejection says why (Fondazione).
#[utoipa::path(
    post, path = "/api/contratti/revisione/{codice_fiscale}/{sha256}/decisione", tag = "fondazione", security(("bearer" = [])),
    params(("codice_fiscale" = String, Path, description = "Codice fiscale del titolare"), ("sha256" = String, Path, description = "SHA-256 del file", pattern = "^[0-9a-fA-F]{64}$")),
    request_body = DecisioneRichiesta,
    responses((status = 200, description = "Il contratto dopo la decisione", body = CaricamentoView))
)]
async fn review_decision(
    State(state): State<AppState>,
    caller: Caller,
    Path((cf, sha256)): Path<(String, String)>,
    extract::Json(request): extract::Json<DecisioneRichiesta>,
) -> Result<Json<CaricamentoView>, AppError> {
    let cf = codice_fiscale(&cf)?;
    Ok(Json(
        revisione::decide(
            state.store.as_ref(),
            &caller,
            &cf,
            &sha256,
            &request,
            state.clock.now(),
        )
        .await?,
    ))
}

/// Nationwide search by codice fiscale, PEC address or surname (Fondazione).
#[utoipa::path(get, path = "/api/members", tag = "fondazione", security(("bearer" = [])), params(MemberFilters), responses((status = 200, description = "Gli iscritti trovati", body = MemberPage)))]
async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Query(filters): Query<MemberFilters>,
) -> Result<Json<MemberPage>, AppError> {
    Ok(Json(
        directory::nationwide(state.store.as_ref(), &caller, &filters, state.clock.today()).await?,
    ))
}

/// Every Ordine with its members and mailboxes counted (Fondazione).
#[utoipa::path(
    get, path = "/api/ordini", tag = "fondazione", security(("bearer" = [])),
    responses((status = 200, description = "Gli Ordini", body = Vec<OrdineOverview>))
)]
async fn ordini(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<OrdineOverview>>, AppError> {
    Ok(Json(
        overview::ordini(state.store.as_ref(), &caller, state.clock.today()).await?,
    ))
}

/// The last daily verifica's report, `null` before the first (Fondazione).
#[utoipa::path(
    get, path = "/api/verifica", tag = "fondazione", security(("bearer" = [])),
    responses((status = 200, description = "L'ultima verifica giornaliera", body = Option<Verifica>))
)]
async fn last_verifica(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Option<Verifica>>, AppError> {
    Ok(Json(verifica::last(state.store.as_ref(), &caller).await?))
}

/// The audit log of a target (with the check of its chain), or of an Italian day, newest
/// first.
#[utoipa::path(get, path = "/api/audit", tag = "fondazione", security(("bearer" = [])), params(AuditQuery), responses((status = 200, description = "Le operazioni", body = AuditPage)))]
async fn audit_log(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    Ok(Json(
        audit::search(state.store.as_ref(), &caller, &query, state.clock.today()).await?,
    ))
}
