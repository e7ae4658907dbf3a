//! The one typed client of the API: DTOs from `shared`, errors pages can match, requests
//! aborted when the page that made them goes away.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::{
    ActivationRequest, ApiError, CatalogResponse, ErrorCode, LoginRequest, LoginResponse,
    MailboxView, MemberDetail, MemberPage, ProfileUpdate, RecoveryUpdate,
};
use shared::catalog::{Quote, QuoteRequest};
use thiserror::Error;
use web_sys::AbortController;

#[derive(Debug, Clone, Error)]
pub enum ClientError {
    #[error("Impossibile contattare il server: controlla la connessione e riprova.")]
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

async fn send<T: DeserializeOwned>(
    builder: RequestBuilder,
    body: Option<String>,
) -> Result<T, ClientError> {
    let controller = AbortController::new().ok();
    let mut builder = builder.abort_signal(controller.as_ref().map(|c| c.signal()).as_ref());
    if let Some(token) = crate::session::token() {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let mut guard = AbortOnDrop(controller);
    let request = match body {
        Some(json) => builder
            .header("Content-Type", "application/json")
            .body(json)
            .map_err(|_| ClientError::Decode)?,
        None => builder.build().map_err(|_| ClientError::Decode)?,
    };
    let response = request.send().await.map_err(|_| ClientError::Network)?;
    guard.0 = None;
    decode(response).await
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ClientError> {
    if response.ok() {
        return response.json::<T>().await.map_err(|_| ClientError::Decode);
    }
    match response.json::<ApiError>().await {
        Ok(api) if api.code == ErrorCode::Unauthorized && crate::session::token().is_some() => {
            Err(ClientError::Unauthorized)
        }
        Ok(api) => Err(ClientError::Api(api)),
        Err(_) => Err(ClientError::Api(ApiError::new(
            match response.status() {
                401 => ErrorCode::Unauthorized,
                403 => ErrorCode::Forbidden,
                404 => ErrorCode::NotFound,
                _ => ErrorCode::Internal,
            },
            format!("Il server ha risposto con l'errore {}.", response.status()),
        ))),
    }
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ClientError> {
    send(Request::get(path), None).await
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ClientError> {
    let json = serde_json::to_string(body).map_err(|_| ClientError::Decode)?;
    send(Request::post(path), Some(json)).await
}

async fn write<B: Serialize, T: DeserializeOwned>(
    builder: RequestBuilder,
    body: &B,
) -> Result<T, ClientError> {
    let json = serde_json::to_string(body).map_err(|_| ClientError::Decode)?;
    send(builder, Some(json)).await
}

pub async fn catalog() -> Result<CatalogResponse, ClientError> {
    get("/api/catalog").await
}

pub async fn quote(request: &QuoteRequest) -> Result<Quote, ClientError> {
    post("/api/quote", request).await
}

pub async fn login(request: &LoginRequest) -> Result<LoginResponse, ClientError> {
    post("/api/auth/login", request).await
}

/// Who is calling; for a member, his data and mailbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Me {
    pub caller: shared::access::Caller,
    pub member: Option<MemberDetail>,
}

pub async fn me() -> Result<Me, ClientError> {
    get("/api/me").await
}

/// A page of the Ordine's members; `query` is the list's URL query (search, filters, cursor).
pub async fn ordine_members(ordine: &str, query: &str) -> Result<MemberPage, ClientError> {
    get(&format!("/api/ordini/{ordine}/members?{query}")).await
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
    let body = ActivationRequest {
        codice_fiscale: codice_fiscale.to_owned(),
    };
    write(
        Request::post(&format!("/api/ordini/{ordine}/activations")).header("Idempotency-Key", key),
        &body,
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

pub async fn update_profile(update: &ProfileUpdate) -> Result<MemberDetail, ClientError> {
    write(Request::patch("/api/me/profile"), update).await
}

pub async fn update_recovery(update: &RecoveryUpdate) -> Result<MemberDetail, ClientError> {
    write(Request::put("/api/me/recovery"), update).await
}
