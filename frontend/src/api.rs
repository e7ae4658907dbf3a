//! The one typed client of the API: DTOs from `shared`, errors pages can match, requests
//! aborted when the page that made them goes away, and safe requests retried when the
//! network fails.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::{
    ActivationPreview, ActivationRequest, ApiError, AuditPage, AuditQuery, CaricamentoPronto,
    CaricamentoRichiesta, CaricamentoView, CatalogResponse, ContrattoView, CsvReport,
    DecisioneRichiesta, ErrorCode, LoginRequest, LoginResponse, MailboxView, MemberDetail,
    MemberFilters, MemberPage, Mode, OrdineMailbox, OrdineOverview, PageQuery, PassoRichiesta,
    PrimoAccessoView, ProfileUpdate, RecoveryUpdate, RevisionePage, SpaConfig, Verifica,
};
use shared::api::{
    BloccatePage, CaselleOrdini, Code, ComandiPage, DecessiPage, DecisioneDisdetta,
    DiffidaRichiesta, DisdettaRichiesta, DisdettaView, DisdettePage, DomicilioReport, EsitoEvento,
    Intent, OrdineRichiesta, OrdiniMese, PagamentoProva, RigaDomicilio,
};
use shared::catalog::{Quote, QuoteRequest};
use shared::disdetta::Disdetta;
use shared::order::Order;
use shared::ordine::{OrdineProfiloUpdate, OrdineProfiloView};
use shared::province::OrdineCode;
use thiserror::Error;
use web_sys::AbortController;

#[derive(Debug, Clone, Error)]
pub enum ClientError {
    #[error(
        "Impossibile contattare il server, anche dopo alcuni tentativi: controlla la connessione e riprova."
    )]
    Network,
    /// No session, or an expired one: the page sends the person to the login.
    #[error("La sessione è scaduta: accedi di nuovo.")]
    Unauthorized,
    #[error("Il server ha risposto in un formato inatteso: riprova tra qualche minuto.")]
    Decode,
    #[error("{0}")]
    Api(ApiError),
}

impl ClientError {
    /// The request field the error is about, to show it beside that field.
    pub fn field(&self) -> Option<&str> {
        match self {
            ClientError::Api(api) => api.field.as_deref(),
            _ => None,
        }
    }
}

/// Aborts the request when dropped: a future dropped before completion (the page was left,
/// a newer request replaced it) cancels its fetch.
struct AbortOnDrop(Option<AbortController>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = &self.0 {
            controller.abort();
        }
    }
}

/// Waits before trying again after a network failure.
const RETRY_DELAYS_MS: [i32; 2] = [400, 1500];

/// Whether a request may be sent again when the network fails: reads, and writes that
/// carry an idempotency key (the server replays them).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Retry {
    Safe,
    Once,
}

/// What a request sends: JSON, CSV, a spreadsheet's bytes, or nothing.
enum Body {
    None,
    Json(String),
    Csv(String),
    File(Vec<u8>),
}

async fn send<T: DeserializeOwned>(
    make: &dyn Fn() -> RequestBuilder,
    body: Body,
    retry: Retry,
) -> Result<T, ClientError> {
    let response = fetch(make, &body, retry).await?;
    decode(response).await
}

/// A request answered with no body (204).
async fn send_no_content(
    make: &dyn Fn() -> RequestBuilder,
    body: Body,
    retry: Retry,
) -> Result<(), ClientError> {
    let response = fetch(make, &body, retry).await?;
    if response.ok() {
        return Ok(());
    }
    Err(failure(response).await)
}

/// `make` is a trait object, not a type parameter: one copy of the request and its retries
/// in the wasm, not one for each call site's closure.
async fn fetch(
    make: &dyn Fn() -> RequestBuilder,
    body: &Body,
    retry: Retry,
) -> Result<Response, ClientError> {
    let mut attempt = 0;
    loop {
        match fetch_once(make(), body).await {
            Err(ClientError::Network)
                if retry == Retry::Safe && attempt < RETRY_DELAYS_MS.len() =>
            {
                sleep(RETRY_DELAYS_MS[attempt]).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

async fn fetch_once(builder: RequestBuilder, body: &Body) -> Result<Response, ClientError> {
    let controller = AbortController::new().ok();
    let mut builder = builder.abort_signal(controller.as_ref().map(|c| c.signal()).as_ref());
    if let Some(token) = crate::session::token() {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let mut guard = AbortOnDrop(controller);
    let request = match body {
        Body::Json(json) => builder
            .header("Content-Type", "application/json")
            .body(json.clone()),
        Body::Csv(csv) => builder
            .header("Content-Type", "text/csv; charset=utf-8")
            .body(csv.clone()),
        Body::File(bytes) => builder
            .header("Content-Type", "application/octet-stream")
            .body(js_sys::Uint8Array::from(bytes.as_slice())),
        Body::None => builder.build(),
    }
    .map_err(|_| ClientError::Decode)?;
    let response = request.send().await.map_err(|_| ClientError::Network)?;
    guard.0 = None;
    Ok(response)
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ClientError> {
    if response.ok() {
        return response.json::<T>().await.map_err(|_| ClientError::Decode);
    }
    Err(failure(response).await)
}

async fn failure(response: Response) -> ClientError {
    match response.json::<ApiError>().await {
        Ok(api) if api.code == ErrorCode::Unauthorized && crate::session::token().is_some() => {
            ClientError::Unauthorized
        }
        Ok(api) => ClientError::Api(api),
        Err(_) => ClientError::Api(ApiError::new(
            match response.status() {
                401 => ErrorCode::Unauthorized,
                403 => ErrorCode::Forbidden,
                404 => ErrorCode::NotFound,
                _ => ErrorCode::Internal,
            },
            format!("Il server ha risposto con l'errore {}.", response.status()),
        )),
    }
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ClientError> {
    send(&|| Request::get(path), Body::None, Retry::Safe).await
}

/// A file the server made, as its bytes (a CSV keeps its BOM, a PDF its binary).
async fn get_bytes(path: &str) -> Result<Vec<u8>, ClientError> {
    let response = fetch(&|| Request::get(path), &Body::None, Retry::Safe).await?;
    if !response.ok() {
        return Err(failure(response).await);
    }
    response.binary().await.map_err(|_| ClientError::Decode)
}

fn json<B: Serialize>(body: &B) -> Result<Body, ClientError> {
    serde_json::to_string(body)
        .map(Body::Json)
        .map_err(|_| ClientError::Decode)
}

pub async fn catalog() -> Result<CatalogResponse, ClientError> {
    get("/api/catalog").await
}

pub async fn quote(request: &QuoteRequest) -> Result<Quote, ClientError> {
    // A quote writes nothing: safe to send again.
    send(&|| Request::post("/api/quote"), json(request)?, Retry::Safe).await
}

pub async fn login(request: &LoginRequest) -> Result<LoginResponse, ClientError> {
    send(
        &|| Request::post("/api/auth/login"),
        json(request)?,
        Retry::Once,
    )
    .await
}

/// How the SPA signs people in; the local accounts when the server says nothing.
pub async fn config() -> SpaConfig {
    get("/config.json").await.unwrap_or(SpaConfig {
        auth: shared::api::AuthConfig::Local,
    })
}

pub use shared::api::Me;

pub async fn me() -> Result<Me, ClientError> {
    get("/api/me").await
}

/// `/api/me` as *La mia PEC* reads it: the caller and his mailbox (the member area's first
/// page then decodes nothing else).
pub async fn own_mailbox() -> Result<shared::api::MeMailbox, ClientError> {
    get("/api/me").await
}

/// `/api/me` with a token not yet kept in the session (just received from the login).
/// Who `token` belongs to (the hosted login's callback): only the caller of `/api/me` is
/// read, so the login's bundle carries no member's data types.
pub async fn caller_with(token: &str) -> Result<shared::access::Caller, ClientError> {
    #[derive(serde::Deserialize)]
    struct Who {
        caller: shared::access::Caller,
    }
    let bearer = format!("Bearer {token}");
    let who: Who = send(
        &|| Request::get("/api/me").header("Authorization", &bearer),
        Body::None,
        Retry::Safe,
    )
    .await?;
    Ok(who.caller)
}

pub async fn history(cursor: Option<&str>) -> Result<AuditPage, ClientError> {
    let query = PageQuery {
        cursor: cursor.map(str::to_owned),
    };
    get(&format!("/api/me/history?{}", query_string(&query))).await
}

/// A query struct of `shared`, as the server reads it.
fn query_string(query: &impl serde::Serialize) -> String {
    serde_urlencoded::to_string(query).unwrap_or_default()
}

/// A page of the Ordine's members matching `filters` (search, filters, cursor).
pub async fn ordine_members(
    ordine: OrdineCode,
    filters: &MemberFilters,
) -> Result<MemberPage, ClientError> {
    get(&format!(
        "/api/ordini/{ordine}/members?{}",
        filters.to_query()
    ))
    .await
}

/// The nationwide search (Fondazione).
pub async fn nationwide(filters: &MemberFilters) -> Result<MemberPage, ClientError> {
    get(&format!("/api/members?{}", filters.to_query())).await
}

pub async fn ordini() -> Result<Vec<OrdineOverview>, ClientError> {
    get("/api/ordini").await
}

pub async fn verifica() -> Result<Option<Verifica>, ClientError> {
    get("/api/verifica").await
}

pub async fn ordine_mailbox(ordine: &str) -> Result<OrdineMailbox, ClientError> {
    get(&format!("/api/ordini/{ordine}/mailbox")).await
}

/// The Ordine's members as the server wrote the CSV (UTF-8 with BOM).
pub async fn export(ordine: &str) -> Result<Vec<u8>, ClientError> {
    get_bytes(&format!("/api/ordini/{ordine}/export")).await
}

/// The Ordine's members and the domicilio-digitale duty.
pub async fn domicilio(ordine: &str) -> Result<DomicilioReport, ClientError> {
    get(&format!("/api/ordini/{ordine}/domicilio")).await
}

/// The same, as CSV.
pub async fn domicilio_export(ordine: &str) -> Result<Vec<u8>, ClientError> {
    get_bytes(&format!("/api/ordini/{ordine}/domicilio/export")).await
}

/// Records the diffida sent to a member.
pub async fn record_diffida(
    ordine: &str,
    codice_fiscale: &str,
    request: &DiffidaRichiesta,
) -> Result<RigaDomicilio, ClientError> {
    let path = format!("/api/ordini/{ordine}/domicilio/{codice_fiscale}/diffida");
    send(&|| Request::post(&path), json(request)?, Retry::Safe).await
}

/// The audit log of a target or of a day.
pub async fn audit(query: &AuditQuery) -> Result<AuditPage, ClientError> {
    get(&format!("/api/audit?{}", query_string(query))).await
}

pub async fn member(codice_fiscale: &str) -> Result<MemberDetail, ClientError> {
    get(&format!("/api/members/{codice_fiscale}")).await
}

/// Activates a member's mailbox; the key makes a retry safe (the server replays).
pub async fn activate(
    ordine: &str,
    codice_fiscale: &str,
    key: &str,
) -> Result<MailboxView, ClientError> {
    let body = json(&ActivationRequest {
        codice_fiscale: codice_fiscale.to_owned(),
    })?;
    let path = format!("/api/ordini/{ordine}/activations");
    send(
        &|| Request::post(&path).header("Idempotency-Key", key),
        body,
        Retry::Safe,
    )
    .await
}

fn mode(mode: Mode) -> &'static str {
    match mode {
        Mode::DryRun => "dry-run",
        Mode::Commit => "commit",
    }
}

/// Sends one part of a CSV to `path` (bulk activation, Albo import). A commit carries
/// `key`, so that sending it again after a network failure applies it once.
/// A part of an uploaded file: CSV text (the app splits a CSV in parts), or a
/// spreadsheet's bytes, sent whole (the server reads it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upload {
    Csv(String),
    Spreadsheet(Vec<u8>),
}

pub async fn csv(path: &str, part: Upload, run: Mode, key: &str) -> Result<CsvReport, ClientError> {
    let url = format!("{path}?mode={}", mode(run));
    let body = match part {
        Upload::Csv(text) => Body::Csv(text),
        Upload::Spreadsheet(bytes) => Body::File(bytes),
    };
    send(
        &|| Request::post(&url).header("Idempotency-Key", key),
        body,
        Retry::Safe,
    )
    .await
}

/// A fresh idempotency key for one user action.
pub fn new_key() -> String {
    format!(
        "{:x}-{:x}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 1e15) as u64
    )
}

pub fn encode(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

pub async fn update_profile(update: &ProfileUpdate) -> Result<MemberDetail, ClientError> {
    // Conditional on the version read: not retried, a second attempt would only conflict.
    send(
        &|| Request::patch("/api/me/profile"),
        json(update)?,
        Retry::Once,
    )
    .await
}

/// The address an activation would create now (nothing is written).
pub async fn activation_preview(
    ordine: &str,
    codice_fiscale: &str,
) -> Result<ActivationPreview, ClientError> {
    let body = json(&ActivationRequest {
        codice_fiscale: codice_fiscale.to_owned(),
    })?;
    let path = format!("/api/ordini/{ordine}/activations/preview");
    send(&|| Request::post(&path), body, Retry::Safe).await
}

pub async fn ordine_profilo(ordine: OrdineCode) -> Result<OrdineProfiloView, ClientError> {
    get(&format!("/api/ordini/{ordine}/profilo")).await
}

pub async fn update_ordine_profilo(
    ordine: OrdineCode,
    update: &OrdineProfiloUpdate,
) -> Result<OrdineProfiloView, ClientError> {
    let path = format!("/api/ordini/{ordine}/profilo");
    // Conditional on the version read: not retried, a second attempt would only conflict.
    send(&|| Request::put(&path), json(update)?, Retry::Once).await
}

pub async fn update_recovery(update: &RecoveryUpdate) -> Result<MemberDetail, ClientError> {
    send(
        &|| Request::put("/api/me/recovery"),
        json(update)?,
        Retry::Once,
    )
    .await
}

/// Where the holder's contract stands.
pub async fn contratto() -> Result<ContrattoView, ClientError> {
    get("/api/me/contratto").await
}

/// The holder's contract PDF, as the server made it.
pub async fn contract_document() -> Result<Vec<u8>, ClientError> {
    get_bytes("/api/me/contratto/documento").await
}

/// Sends the signed contract: asks where, PUTs it there (straight to the file store, so
/// without the session's token), and has it verified. A file already sent is not sent
/// again; each step may be repeated after a network failure.
pub async fn upload_contract(file: Vec<u8>) -> Result<CaricamentoView, ClientError> {
    use sha2::{Digest, Sha256};
    let sha256 = hex::encode(Sha256::digest(&file));
    let request = CaricamentoRichiesta {
        dimensione: file.len() as u64,
        sha256: sha256.clone(),
    };
    let ready: CaricamentoPronto = send(
        &|| Request::post("/api/me/contratto/caricamenti"),
        json(&request)?,
        Retry::Safe,
    )
    .await?;
    if let Some(done) = ready.gia_caricato {
        return Ok(done);
    }
    let url = ready.url.ok_or(ClientError::Decode)?;
    put_to_store(&url, &ready.intestazioni, &file).await?;
    let path = format!("/api/me/contratto/caricamenti/{sha256}/verifica");
    let key = new_key();
    send(
        &|| Request::post(&path).header("Idempotency-Key", &key),
        Body::None,
        Retry::Safe,
    )
    .await
}

/// PUTs `file` to the file store's upload URL (without the session's token: the URL is
/// the permission), with the headers it asks for; a network failure is tried again.
async fn put_to_store(
    url: &str,
    headers: &[shared::api::Intestazione],
    file: &[u8],
) -> Result<(), ClientError> {
    let mut attempt = 0;
    loop {
        let mut put = Request::put(url);
        for header in headers {
            put = put.header(&header.nome, &header.valore);
        }
        let sent = put
            .body(js_sys::Uint8Array::from(file))
            .map_err(|_| ClientError::Decode)?
            .send()
            .await;
        match sent {
            Ok(response) if response.ok() => return Ok(()),
            Ok(response) => return Err(failure(response).await),
            Err(_) if attempt < RETRY_DELAYS_MS.len() => {
                sleep(RETRY_DELAYS_MS[attempt]).await;
                attempt += 1;
            }
            Err(_) => return Err(ClientError::Network),
        }
    }
}

/// Sends a document about the person with `codice_fiscale` (his identity document, a
/// death certificate) for a public request; its SHA-256, which the form then names.
pub async fn send_document(codice_fiscale: &str, file: Vec<u8>) -> Result<String, ClientError> {
    use sha2::{Digest, Sha256};
    let request = shared::api::DocumentoDaInviare {
        codice_fiscale: codice_fiscale.to_owned(),
        sha256: hex::encode(Sha256::digest(&file)),
        dimensione: file.len() as u64,
    };
    let ready: shared::api::DocumentoPronto = send(
        &|| Request::post("/api/documenti"),
        json(&request)?,
        Retry::Safe,
    )
    .await?;
    put_to_store(&ready.url, &ready.intestazioni, &file).await?;
    Ok(ready.sha256)
}

/// Publishes a new price list (the same one again answers it).
pub async fn publish_listino(
    draft: &shared::catalog::NuovoListino,
) -> Result<shared::catalog::CatalogVersion, ClientError> {
    send(
        &|| Request::post("/api/fondazione/listini"),
        json(draft)?,
        Retry::Safe,
    )
    .await
}

/// Files the heirs' disdetta (the same form again answers the request filed).
pub async fn request_heirs_disdetta(
    form: &shared::api::DisdettaErediForm,
) -> Result<shared::api::DisdettaRicevuta, ClientError> {
    send(
        &|| Request::post("/api/disdette-eredi"),
        json(form)?,
        Retry::Safe,
    )
    .await
}

/// One of the documents an heir sent with a disdetta.
pub async fn heirs_document(codice_fiscale: &str, sha256: &str) -> Result<Vec<u8>, ClientError> {
    get_bytes(&format!(
        "/api/fondazione/disdette/{codice_fiscale}/documenti/{sha256}"
    ))
    .await
}

/// Files an activation request (the same form again answers the request filed).
pub async fn request_activation(
    form: &shared::api::RichiestaAttivazioneForm,
) -> Result<shared::api::RichiestaRicevuta, ClientError> {
    send(
        &|| Request::post("/api/richieste-attivazione"),
        json(form)?,
        Retry::Safe,
    )
    .await
}

/// The activation requests waiting for the Ordine.
pub async fn richieste(
    ordine: OrdineCode,
    cursor: Option<&str>,
) -> Result<shared::api::RichiestePage, ClientError> {
    let query = PageQuery {
        cursor: cursor.map(str::to_owned),
    };
    get(&format!(
        "/api/ordini/{ordine}/richieste?{}",
        query_string(&query)
    ))
    .await
}

/// The identity document a request came with.
pub async fn richiesta_document(
    ordine: OrdineCode,
    codice_fiscale: &str,
) -> Result<Vec<u8>, ClientError> {
    get_bytes(&format!(
        "/api/ordini/{ordine}/richieste/{codice_fiscale}/documento"
    ))
    .await
}

/// Activates or declines a request (the same decision again is answered alike).
pub async fn decide_richiesta(
    ordine: OrdineCode,
    codice_fiscale: &str,
    decision: &shared::api::DecisioneAttivazione,
) -> Result<shared::richiesta::RichiestaAttivazione, ClientError> {
    let path = format!("/api/ordini/{ordine}/richieste/{codice_fiscale}/decisione");
    send(&|| Request::post(&path), json(decision)?, Retry::Safe).await
}

/// Every Ordine's requests waiting more than 30 days.
pub async fn richieste_ferme(
    cursor: Option<&str>,
) -> Result<shared::api::RichiestePage, ClientError> {
    let query = PageQuery {
        cursor: cursor.map(str::to_owned),
    };
    get(&format!(
        "/api/fondazione/richieste?{}",
        query_string(&query)
    ))
    .await
}

/// The signed contracts waiting for the Fondazione.
pub async fn review_queue(cursor: Option<&str>) -> Result<RevisionePage, ClientError> {
    let query = PageQuery {
        cursor: cursor.map(str::to_owned),
    };
    get(&format!(
        "/api/contratti/revisione?{}",
        query_string(&query)
    ))
    .await
}

/// A contract in review as the holder uploaded it.
pub async fn review_file(codice_fiscale: &str, sha256: &str) -> Result<Vec<u8>, ClientError> {
    get_bytes(&format!(
        "/api/contratti/revisione/{codice_fiscale}/{sha256}/file"
    ))
    .await
}

/// Approves or rejects a contract in review (the same decision again is answered alike).
pub async fn decide(
    codice_fiscale: &str,
    sha256: &str,
    request: &DecisioneRichiesta,
) -> Result<CaricamentoView, ClientError> {
    let path = format!("/api/contratti/revisione/{codice_fiscale}/{sha256}/decisione");
    send(&|| Request::post(&path), json(request)?, Retry::Safe).await
}

/// Whether the holder may ask to close his mailbox, and his request.
pub async fn disdetta() -> Result<DisdettaView, ClientError> {
    get("/api/me/disdetta").await
}

/// Files the holder's disdetta (a retry answers the request filed).
pub async fn request_disdetta(form: &DisdettaRichiesta) -> Result<Disdetta, ClientError> {
    send(
        &|| Request::post("/api/me/disdetta"),
        json(form)?,
        Retry::Safe,
    )
    .await
}

/// The disdette waiting for the Fondazione.
pub async fn disdette(cursor: Option<&str>) -> Result<DisdettePage, ClientError> {
    let query = PageQuery {
        cursor: cursor.map(str::to_owned),
    };
    get(&format!(
        "/api/fondazione/disdette?{}",
        query_string(&query)
    ))
    .await
}

/// The deceased holders whose mailbox is still open.
pub async fn decessi(cursor: Option<&str>) -> Result<DecessiPage, ClientError> {
    let query = PageQuery {
        cursor: cursor.map(str::to_owned),
    };
    get(&format!("/api/fondazione/decessi?{}", query_string(&query))).await
}

/// The commands the provider or the mail service refused.
pub async fn comandi(cursor: Option<&str>) -> Result<ComandiPage, ClientError> {
    let query = PageQuery {
        cursor: cursor.map(str::to_owned),
    };
    get(&format!("/api/fondazione/comandi?{}", query_string(&query))).await
}

/// Sends a refused command again (`riprova`) or drops it (`scarta`).
pub async fn act_on_command(id: &str, action: &str) -> Result<(), ClientError> {
    let path = format!("/api/fondazione/comandi/{id}/{action}");
    send_no_content(&|| Request::post(&path), Body::None, Retry::Safe).await
}

/// Creates the own mailbox of every Ordine that has none.
pub async fn create_ordini_mailboxes() -> Result<CaselleOrdini, ClientError> {
    send(
        &|| Request::post("/api/fondazione/caselle-ordini"),
        Body::None,
        Retry::Safe,
    )
    .await
}

/// The living holders whose mailbox is blocked.
pub async fn bloccate(cursor: Option<&str>) -> Result<BloccatePage, ClientError> {
    let query = PageQuery {
        cursor: cursor.map(str::to_owned),
    };
    get(&format!(
        "/api/fondazione/bloccate?{}",
        query_string(&query)
    ))
    .await
}

/// Blocks or unblocks a holder's mailbox at the provider.
pub async fn set_blocked(codice_fiscale: &str, block: bool) -> Result<(), ClientError> {
    let action = if block { "blocco" } else { "sblocco" };
    let path = format!("/api/fondazione/caselle/{codice_fiscale}/{action}");
    send_no_content(&|| Request::post(&path), Body::None, Retry::Safe).await
}

/// How much waits in each of the Fondazione's queues.
pub async fn queue_counts() -> Result<Code, ClientError> {
    get("/api/fondazione/code").await
}

/// The Fondazione's decision on the disdetta of `codice_fiscale`.
pub async fn decide_disdetta(
    codice_fiscale: &str,
    request: &DecisioneDisdetta,
) -> Result<Disdetta, ClientError> {
    let path = format!("/api/fondazione/disdette/{codice_fiscale}/decisione");
    send(&|| Request::post(&path), json(request)?, Retry::Safe).await
}

/// The holder's first access: steps taken, the next, the text.
pub async fn primo_accesso() -> Result<PrimoAccessoView, ClientError> {
    get("/api/me/primo-accesso").await
}

/// One step of the first access (a repeat is refused as out of order, not doubled).
pub async fn primo_accesso_passo(
    request: &PassoRichiesta,
) -> Result<PrimoAccessoView, ClientError> {
    send(
        &|| Request::post("/api/me/primo-accesso"),
        json(request)?,
        Retry::Once,
    )
    .await
}

/// The holder's mailbox's timeline.
pub async fn own_timeline() -> Result<shared::api::Prospetto, ClientError> {
    get("/api/me/prospetto").await
}

/// A member's mailbox's timeline (Fondazione).
pub async fn member_timeline(codice_fiscale: &str) -> Result<shared::api::Prospetto, ClientError> {
    get(&format!("/api/members/{codice_fiscale}/prospetto")).await
}

/// The holder's orders, newest first.
pub async fn orders() -> Result<Vec<Order>, ClientError> {
    get("/api/me/ordini").await
}

pub async fn order(id: &str) -> Result<Order, ClientError> {
    get(&format!("/api/me/ordini/{id}")).await
}

/// Orders a paid service; a retry after a network failure gets the same order.
pub async fn create_order(request: &OrdineRichiesta) -> Result<Order, ClientError> {
    let key = new_key();
    send(
        &|| Request::post("/api/me/ordini").header("Idempotency-Key", &key),
        json(request)?,
        Retry::Safe,
    )
    .await
}

pub async fn cancel_order(id: &str) -> Result<Order, ClientError> {
    let path = format!("/api/me/ordini/{id}/annulla");
    send(&|| Request::post(&path), Body::None, Retry::Once).await
}

/// Starts the order's card payment (the same one again on a retry).
pub async fn start_payment(id: &str) -> Result<Intent, ClientError> {
    let path = format!("/api/me/ordini/{id}/pagamento");
    send(&|| Request::post(&path), Body::None, Retry::Safe).await
}

/// Pays at the local test checkout (the same confirmation again is applied once).
pub async fn test_checkout(request: &PagamentoProva) -> Result<EsitoEvento, ClientError> {
    send(
        &|| Request::post("/api/local/checkout"),
        json(request)?,
        Retry::Safe,
    )
    .await
}

/// The receipt of a paid order, as PDF.
pub async fn receipt(id: &str) -> Result<Vec<u8>, ClientError> {
    get_bytes(&format!("/api/me/ordini/{id}/ricevuta")).await
}

/// The FatturaPA XML of a paid order.
pub async fn invoice_xml(id: &str) -> Result<Vec<u8>, ClientError> {
    get_bytes(&format!("/api/me/ordini/{id}/fattura")).await
}

/// A month's orders (Fondazione), `mese` as `YYYY-MM`.
pub async fn month_orders(mese: &str) -> Result<OrdiniMese, ClientError> {
    get(&format!("/api/fondazione/ordini?mese={mese}")).await
}

/// The month's orders as the server's CSV.
pub async fn month_orders_csv(mese: &str) -> Result<Vec<u8>, ClientError> {
    get_bytes(&format!("/api/fondazione/ordini/export?mese={mese}")).await
}

/// A year's invoice register (Fondazione).
pub async fn invoice_register(anno: i32) -> Result<shared::api::RegistroFatture, ClientError> {
    get(&format!("/api/fondazione/fatture?anno={anno}")).await
}

/// Sends the month's invoices not sent yet to the SdI (again: only what is left).
pub async fn send_invoices(mese: &str) -> Result<shared::api::InvioSdi, ClientError> {
    let path = format!("/api/fondazione/fatture/invio?mese={mese}");
    send(&|| Request::post(&path), Body::None, Retry::Safe).await
}

/// Refunds a payment an order could not take (the refund is keyed: a retry refunds once).
pub async fn refund(id: &str, riferimento: &str) -> Result<Order, ClientError> {
    let path = format!("/api/fondazione/ordini/{id}/rimborsi/{riferimento}");
    send(&|| Request::post(&path), Body::None, Retry::Safe).await
}

/// The signature convention: the fees, the member's requests and certificates.
pub async fn firma() -> Result<shared::api::FirmaDigitaleView, ClientError> {
    get("/api/me/firma").await
}

/// Files the member's signature request (the same request again answers the one filed).
pub async fn request_firma(
    form: &shared::api::RichiestaFirmaForm,
) -> Result<shared::firma_digitale::RichiestaFirma, ClientError> {
    send(
        &|| Request::post("/api/me/firma/richieste"),
        json(form)?,
        Retry::Safe,
    )
    .await
}

/// The Ordine's signature requests in one state.
pub async fn firme_ordine(
    ordine: OrdineCode,
    query: &shared::api::FirmeQuery,
) -> Result<shared::api::RichiesteFirmaPage, ClientError> {
    get(&format!(
        "/api/ordini/{ordine}/firme?{}",
        query_string(query)
    ))
    .await
}

/// The register of kits waiting at the Ordine, as CSV.
pub async fn firme_registro(ordine: OrdineCode) -> Result<Vec<u8>, ClientError> {
    get_bytes(&format!("/api/ordini/{ordine}/firme/registro")).await
}

/// Records a step of a signature request (the same step again answers alike).
pub async fn firma_passo(
    ordine: OrdineCode,
    codice_fiscale: &str,
    numero: u32,
    passo: &shared::firma_digitale::PassoFirma,
) -> Result<shared::firma_digitale::RichiestaFirma, ClientError> {
    let path = format!("/api/ordini/{ordine}/firme/{codice_fiscale}/{numero}/passi");
    send(&|| Request::post(&path), json(passo)?, Retry::Safe).await
}

/// Every Ordine's signature requests in one state, under a code if given.
pub async fn firme_nazionali(
    query: &shared::api::FirmeQuery,
) -> Result<shared::api::RichiesteFirmaPage, ClientError> {
    get(&format!("/api/fondazione/firme?{}", query_string(query))).await
}

/// The signature requests counted by state and code.
pub async fn firme_conteggi() -> Result<shared::api::FirmeConteggi, ClientError> {
    get("/api/fondazione/firme/conteggi").await
}
