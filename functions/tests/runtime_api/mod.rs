//! A Lambda runtime API on loopback (the `2018-06-01` interface a `provided.al2023`
//! bootstrap talks to): it hands out queued events on `next`, with the headers Lambda
//! sends, and records what the function answers. Shared by the bootstrap test and the
//! cold-start measurement.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::{get, post};
use serde_json::Value;
use tokio::sync::Notify;

const PREFIX: &str = "/2018-06-01/runtime";

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Response(Value),
    Error(Value),
}

#[derive(Default)]
struct Shared {
    /// Each invocation's id, event and time limit.
    queue: Mutex<VecDeque<(String, Value, Duration)>>,
    outcomes: Mutex<HashMap<String, Outcome>>,
    init_error: Mutex<Option<Value>>,
    first_next: Mutex<Option<Instant>>,
    queued: Notify,
    answered: Notify,
}

pub struct Emulator {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn next(State(shared): State<Arc<Shared>>) -> (HeaderMap, String) {
    shared
        .first_next
        .lock()
        .unwrap()
        .get_or_insert_with(Instant::now);
    let (id, event, limit) = loop {
        let waiting = shared.queued.notified();
        if let Some(item) = shared.queue.lock().unwrap().pop_front() {
            break item;
        }
        waiting.await;
    };
    let deadline = chrono::Utc::now().timestamp_millis() + limit.as_millis() as i64;
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        headers.insert(name, HeaderValue::from_str(&value).expect("a header value"));
    };
    set("lambda-runtime-aws-request-id", id);
    set("lambda-runtime-deadline-ms", deadline.to_string());
    set(
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:eu-south-1:123456789012:function:pec-test".into(),
    );
    set(
        "lambda-runtime-trace-id",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1".into(),
    );
    (headers, event.to_string())
}

fn record(shared: &Shared, id: String, outcome: Outcome) -> StatusCode {
    shared.outcomes.lock().unwrap().insert(id, outcome);
    shared.answered.notify_waiters();
    StatusCode::ACCEPTED
}

async fn response(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: String,
) -> StatusCode {
    let value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    record(&shared, id, Outcome::Response(value))
}

async fn error(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: String,
) -> StatusCode {
    let value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    record(&shared, id, Outcome::Error(value))
}

async fn init_error(State(shared): State<Arc<Shared>>, body: String) -> StatusCode {
    let value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    *shared.init_error.lock().unwrap() = Some(value);
    shared.answered.notify_waiters();
    StatusCode::ACCEPTED
}

impl Emulator {
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let app = Router::new()
            .route(&format!("{PREFIX}/invocation/next"), get(next))
            .route(
                &format!("{PREFIX}/invocation/{{id}}/response"),
                post(response),
            )
            .route(&format!("{PREFIX}/invocation/{{id}}/error"), post(error))
            .route(&format!("{PREFIX}/init/error"), post(init_error))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            addr,
            shared,
            server,
        }
    }

    /// The environment Lambda gives a function, pointing at this emulator.
    pub fn lambda_env(&self, function: &str) -> Vec<(String, String)> {
        [
            ("AWS_LAMBDA_RUNTIME_API", self.addr.to_string()),
            ("AWS_LAMBDA_FUNCTION_NAME", function.to_owned()),
            ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256".to_owned()),
            (
                "AWS_LAMBDA_LOG_GROUP_NAME",
                format!("/aws/lambda/{function}"),
            ),
            (
                "AWS_LAMBDA_LOG_STREAM_NAME",
                "2026/11/23/[$LATEST]test".to_owned(),
            ),
            ("AWS_REGION", "eu-south-1".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// Queues an invocation with 30 seconds to run (about the API's 29 s in the template;
    /// a verifica job given as little stops at once: use [`Self::invoke_within`]); returns
    /// its request id.
    pub fn invoke(&self, event: Value) -> String {
        self.invoke_within(event, Duration::from_secs(30))
    }

    /// Queues an invocation that Lambda would end after `limit`; returns its request id.
    pub fn invoke_within(&self, event: Value, limit: Duration) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        self.shared
            .queue
            .lock()
            .unwrap()
            .push_back((id.clone(), event, limit));
        self.shared.queued.notify_waiters();
        id
    }

    /// Waits for the function's answer to invocation `id`; panics on an init error.
    pub async fn outcome(&self, id: &str, timeout: Duration) -> Outcome {
        let until = Instant::now() + timeout;
        loop {
            let answered = self.shared.answered.notified();
            if let Some(error) = self.shared.init_error.lock().unwrap().clone() {
                panic!("the function failed to start: {error}");
            }
            if let Some(outcome) = self.shared.outcomes.lock().unwrap().get(id) {
                return outcome.clone();
            }
            let left = until.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "no answer to {id} within {timeout:?}");
            let _ = tokio::time::timeout(left, answered).await;
        }
    }

    /// What the function answered to `id`, if it has.
    pub fn answer(&self, id: &str) -> Option<Outcome> {
        self.shared.outcomes.lock().unwrap().get(id).cloned()
    }

    /// When the function first asked for an event.
    pub async fn first_next(&self, timeout: Duration) -> Instant {
        let until = Instant::now() + timeout;
        loop {
            if let Some(at) = *self.shared.first_next.lock().unwrap() {
                return at;
            }
            assert!(
                Instant::now() < until,
                "the function never asked for an event"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
}
