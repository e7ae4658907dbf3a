//! A stand-in for Cognito's hosted login, to drive the SPA's authorization-code + PKCE
//! flow in the browser: `/oauth2/authorize` redirects back at once with a code, and
//! `/oauth2/token` hands out the token it was given only for the verifier whose SHA-256 is
//! the challenge sent with that code (RFC 7636, S256).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Result;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "pec-spa";

#[derive(Clone)]
struct Idp {
    /// The token to issue (a local login's token, which the local server verifies).
    token: Arc<Mutex<String>>,
    /// Code → (challenge, redirect URI).
    codes: Arc<Mutex<HashMap<String, (String, String)>>>,
    /// Whether a token was issued after a verified exchange.
    exchanged: Arc<Mutex<bool>>,
}

pub struct FakeIdp {
    pub authority: String,
    token: Arc<Mutex<String>>,
    exchanged: Arc<Mutex<bool>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeIdp {
    pub async fn start() -> Result<Self> {
        let exchanged = Arc::new(Mutex::new(false));
        let token = Arc::new(Mutex::new(String::new()));
        let idp = Idp {
            token: token.clone(),
            codes: Arc::default(),
            exchanged: exchanged.clone(),
        };
        let app = Router::new()
            .route("/oauth2/authorize", get(authorize))
            .route("/oauth2/token", post(exchange))
            .with_state(idp);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let authority = format!("http://{}", listener.local_addr()?);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            authority,
            token,
            exchanged,
            task,
        })
    }

    /// The token the next verified exchange hands out.
    pub fn issue(&self, token: String) {
        *self.token.lock().expect("not poisoned") = token;
    }

    pub fn exchanged(&self) -> bool {
        *self.exchanged.lock().expect("not poisoned")
    }
}

impl Drop for FakeIdp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn authorize(
    State(idp): State<Idp>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let param = |name: &str| params.get(name).cloned().unwrap_or_default();
    if param("response_type") != "code"
        || param("client_id") != CLIENT_ID
        || param("code_challenge_method") != "S256"
        || param("code_challenge").len() != 43
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let code = format!("code-{}", idp.codes.lock().expect("not poisoned").len() + 1);
    idp.codes.lock().expect("not poisoned").insert(
        code.clone(),
        (param("code_challenge"), param("redirect_uri")),
    );
    Redirect::to(&format!(
        "{}?code={code}&state={}",
        param("redirect_uri"),
        param("state")
    ))
    .into_response()
}

async fn exchange(State(idp): State<Idp>, Form(form): Form<HashMap<String, String>>) -> Response {
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let issued = idp
        .codes
        .lock()
        .expect("not poisoned")
        .remove(&field("code"));
    let verified = issued.is_some_and(|(challenge, redirect)| {
        let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(field("code_verifier").as_bytes()));
        field("grant_type") == "authorization_code"
            && field("client_id") == CLIENT_ID
            && field("redirect_uri") == redirect
            && computed == challenge
    });
    let mut response = if verified {
        *idp.exchanged.lock().expect("not poisoned") = true;
        Json(serde_json::json!({
            "id_token": *idp.token.lock().expect("not poisoned"),
            "access_token": "unused",
            "token_type": "Bearer",
            "expires_in": 3600
        }))
        .into_response()
    } else {
        (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({ "error": "invalid_grant" })),
        )
            .into_response()
    };
    // The SPA calls the token endpoint from its own origin, as with Cognito.
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}
