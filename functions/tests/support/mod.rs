//! An API client over the router (no network), with tokens for every role.

#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use functions::AppState;
use functions::auth::local::LocalJwt;
use functions::clock::FixedClock;
use functions::store::sqlite::SqliteStore;
use functions::store::{Condition, Item, ItemStore, Key, Page, Query, StoreError, WriteOp};
use http_body_util::BodyExt;
use serde_json::Value;
use shared::access::{Caller, Role};
use shared::codice_fiscale::CodiceFiscale;
use shared::province::OrdineCode;
use tower::ServiceExt;

pub const NOW: &str = "2026-11-22T10:00:00Z";

pub struct Api {
    pub app: Router,
    pub state: AppState,
    jwt: Arc<LocalJwt>,
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Api {
    pub fn new(store: Arc<dyn ItemStore>) -> Self {
        Self::at(store, NOW)
    }

    /// The API as it answers at `now` (RFC 3339).
    pub fn at(store: Arc<dyn ItemStore>, now: &str) -> Self {
        let jwt = Arc::new(LocalJwt::with_secret(b"api-tests-secret-api-tests-secre"));
        let clock = Arc::new(FixedClock(now.parse().unwrap()));
        let state = AppState::local(clock, store, jwt.clone());
        Self {
            app: functions::local::api(state.clone()),
            state,
            jwt,
        }
    }

    pub fn token(&self, caller: &Caller) -> String {
        self.jwt.issue(caller, self.state.clock.now()).0
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Body>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = self
            .app
            .clone()
            .oneshot(request.body(body.unwrap_or_default()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Response {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.send("GET", path, Some(token), None, &[]).await
    }

    pub async fn json(&self, method: &str, path: &str, token: &str, body: &Value) -> Response {
        self.send(
            method,
            path,
            Some(token),
            Some(Body::from(body.to_string())),
            &[("content-type", "application/json")],
        )
        .await
    }

    /// Commits Albo rows (`albo_row`) as the Albo's import.
    pub async fn register(&self, rows: &[String]) {
        let albo = self.token(&caller(Role::Albo, None, None));
        let csv = format!("{ALBO_HEADER}\n{}", rows.join("\n"));
        let import = self.csv("/api/albo/import?mode=commit", &albo, &csv).await;
        assert_eq!(import.status, 200, "{}", import.text);
    }

    /// Activates the mailbox of `cf` as the secretariat of `ordine`.
    pub async fn activate(&self, ordine: &str, cf: &str) {
        let secretariat = self.token(&caller(Role::Segreteria, None, Some(ordine)));
        let body = serde_json::json!({ "codice_fiscale": cf });
        let path = format!("/api/ordini/{ordine}/activations");
        let activated = self.json("POST", &path, &secretariat, &body).await;
        assert_eq!(activated.status, 201, "{}", activated.text);
    }

    /// A POST of `body` without a token (the public pages).
    pub async fn public(&self, path: &str, body: &Value) -> Response {
        self.send(
            "POST",
            path,
            None,
            Some(Body::from(body.to_string())),
            &[("content-type", "application/json")],
        )
        .await
    }

    /// Sends `bytes` as a document about `cf`, as the public pages do: asks where, PUTs it
    /// there (the tests' file store is in memory: the URL names the key). Its SHA-256.
    pub async fn send_document(&self, cf: &str, bytes: &[u8]) -> String {
        use sha2::Digest;
        let sha256 = hex::encode(sha2::Sha256::digest(bytes));
        let body = serde_json::json!({ "codice_fiscale": cf, "sha256": sha256, "dimensione": bytes.len() });
        let ready = self.public("/api/documenti", &body).await;
        assert_eq!(ready.status, 200, "{}", ready.text);
        let url = ready.body["url"].as_str().unwrap();
        let key = url
            .strip_prefix("memory://")
            .and_then(|rest| rest.split('?').next())
            .unwrap();
        self.state
            .blobs
            .put(key, bytes.to_vec(), "application/octet-stream")
            .await
            .unwrap();
        sha256
    }

    pub async fn csv(&self, path: &str, token: &str, csv: &str) -> Response {
        self.send(
            "POST",
            path,
            Some(token),
            Some(Body::from(csv.to_owned())),
            &[("content-type", "text/csv")],
        )
        .await
    }
}

/// Runs the outbox once at `at` (RFC 3339) against the sandbox provider and mailer.
pub async fn dispatch(store: &Arc<dyn ItemStore>, at: &str) {
    use functions::outbox::mailer::sandbox::SandboxMailer;
    use functions::outbox::provider::sandbox::SandboxProvider;
    let provider = SandboxProvider::new(store.clone());
    let mailer = SandboxMailer::new(store.clone(), "avvisi@ingpec.eu".into());
    let channels = functions::outbox::Channels {
        provider: &provider,
        mailer: &mailer,
    };
    functions::outbox::run_once(store.as_ref(), channels, at.parse().unwrap())
        .await
        .unwrap();
}

pub fn caller(role: Role, cf: Option<&str>, ordine: Option<&str>) -> Caller {
    Caller {
        subject: format!("{role:?}-{}", cf.or(ordine).unwrap_or("x")).to_lowercase(),
        role,
        codice_fiscale: cf.map(|c| CodiceFiscale::parse(c).unwrap()),
        ordine: ordine.map(|o| OrdineCode::parse(o).unwrap()),
    }
}

/// A valid codice fiscale for a person.
pub fn cf(cognome: &str, nome: &str, day: u32) -> String {
    CodiceFiscale::compute(&shared::codice_fiscale::DatiNascita {
        cognome,
        nome,
        data: chrono::NaiveDate::from_ymd_opt(1980, 5, day).unwrap(),
        sesso: shared::codice_fiscale::Sesso::M,
        codice_catastale: "F205",
    })
    .unwrap()
    .to_string()
}

pub const ALBO_HEADER: &str = "nome;cognome;codice_fiscale;indirizzo;comune;provincia;cap;email;telefono;ordine;numero_iscrizione;stato;data_stato;causa;domicilio_digitale";

pub fn albo_row(nome: &str, cognome: &str, cf: &str, ordine: &str, numero: &str) -> String {
    format!(
        "{nome};{cognome};{cf};Via Roma 1;Milano;MI;20121;{}@example.it;02 1234567;{ordine};{numero};iscritto;;;",
        cf.to_lowercase()
    )
}

/// Another writer, acting at the very moment a transaction is sent, before it is written.
#[async_trait::async_trait]
pub trait Interloper: Send + Sync {
    async fn before(&self, store: &dyn ItemStore, ops: &[WriteOp]) -> Result<(), StoreError>;
}

/// A store that hands every call to `inner`, and lets `interloper` write first at each
/// transaction.
pub struct Racing<I> {
    pub inner: Arc<dyn ItemStore>,
    pub interloper: I,
    /// Transactions a commit, if not the store's beneath (1: as DynamoDB writes them).
    pub per_commit: Option<usize>,
}

impl<I> Racing<I> {
    /// Over a new store in memory.
    pub fn new(interloper: I) -> Arc<Self> {
        Arc::new(Self {
            inner: Arc::new(SqliteStore::in_memory().unwrap()),
            interloper,
            per_commit: None,
        })
    }

    /// Over a new store in memory, sent `per_commit` transactions at once.
    pub fn with_per_commit(interloper: I, per_commit: usize) -> Arc<Self> {
        Arc::new(Self {
            per_commit: Some(per_commit),
            ..Arc::into_inner(Self::new(interloper)).expect("just made")
        })
    }
}

#[async_trait::async_trait]
impl<I: Interloper> ItemStore for Racing<I> {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.inner.get(key).await
    }
    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        self.inner.put(item, condition).await
    }
    async fn delete(&self, key: &Key, condition: Condition) -> Result<(), StoreError> {
        self.inner.delete(key, condition).await
    }
    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        self.inner.query(query).await
    }
    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), StoreError> {
        self.interloper.before(self.inner.as_ref(), &ops).await?;
        self.inner.transact(ops).await
    }
    /// As many at once as the store beneath commits together (or `per_commit`), each
    /// through the interloper.
    fn transactions_per_commit(&self) -> usize {
        self.per_commit
            .unwrap_or_else(|| self.inner.transactions_per_commit())
    }
    async fn batch_put(&self, items: Vec<Item>) -> Result<(), StoreError> {
        self.inner.batch_put(items).await
    }
}
