//! Cognito's hosted login: OAuth2 authorization code with PKCE (RFC 7636), for a public
//! client (no secret in the browser).
//!
//! `begin` keeps a random verifier and state in the tab's sessionStorage and goes to the
//! authorization endpoint with the verifier's SHA-256 as challenge; `finish`, on the way
//! back, checks the state and trades the code and verifier for tokens. The ID token (it
//! carries the role, codice fiscale and Ordine claims) is the API's bearer token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gloo_net::http::Request;
use serde::Deserialize;
use wasm_bindgen::JsCast;

use crate::api::encode;

const PENDING: &str = "pec.oidc";

/// Where the authorization server sends people back.
pub const CALLBACK: &str = "/accesso/callback";

#[derive(Debug, Clone, thiserror::Error)]
pub enum OidcError {
    #[error("Il browser non consente un accesso sicuro (manca la crittografia Web).")]
    NoCrypto,
    #[error("La risposta del servizio di accesso non corrisponde alla richiesta: accedi di nuovo.")]
    State,
    #[error("Il servizio di accesso non ha confermato le credenziali: accedi di nuovo.")]
    Token,
    #[error("Impossibile contattare il servizio di accesso: controlla la connessione e riprova.")]
    Network,
}

#[derive(serde::Serialize, Deserialize)]
struct Pending {
    state: String,
    verifier: String,
}

fn window() -> Result<web_sys::Window, OidcError> {
    web_sys::window().ok_or(OidcError::NoCrypto)
}

fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

fn random(bytes: usize) -> Result<String, OidcError> {
    let mut buffer = vec![0u8; bytes];
    window()?
        .crypto()
        .map_err(|_| OidcError::NoCrypto)?
        .get_random_values_with_u8_array(&mut buffer)
        .map_err(|_| OidcError::NoCrypto)?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}

/// BASE64URL(SHA-256(verifier)), by the browser's SubtleCrypto.
async fn challenge(verifier: &str) -> Result<String, OidcError> {
    let subtle = window()?
        .crypto()
        .map_err(|_| OidcError::NoCrypto)?
        .subtle();
    let promise = subtle
        .digest_with_str_and_u8_array("SHA-256", verifier.as_bytes())
        .map_err(|_| OidcError::NoCrypto)?;
    let digest = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| OidcError::NoCrypto)?;
    let bytes = js_sys::Uint8Array::new(digest.unchecked_ref::<js_sys::ArrayBuffer>()).to_vec();
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Goes to the authorization endpoint.
pub async fn begin(authority: &str, client_id: &str) -> Result<(), OidcError> {
    let pending = Pending {
        state: random(16)?,
        verifier: random(32)?,
    };
    let challenge = challenge(&pending.verifier).await?;
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(&pending)) {
        let _ = storage.set_item(PENDING, &text);
    }
    let url = format!(
        "{authority}/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}&scope={}&state={}&code_challenge={challenge}&code_challenge_method=S256",
        encode(client_id),
        encode(&format!("{}{CALLBACK}", origin())),
        encode("openid email profile"),
        encode(&pending.state),
    );
    window()?
        .location()
        .assign(&url)
        .map_err(|_| OidcError::Network)
}

#[derive(Deserialize)]
struct Tokens {
    id_token: String,
    expires_in: i64,
}

/// Trades the code for tokens: the ID token and how many seconds it lasts.
pub async fn finish(
    authority: &str,
    client_id: &str,
    code: &str,
    state: &str,
) -> Result<(String, i64), OidcError> {
    let storage = storage();
    let pending: Pending = storage
        .as_ref()
        .and_then(|s| s.get_item(PENDING).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .ok_or(OidcError::State)?;
    if let Some(storage) = storage {
        // One use only, whatever happens next.
        let _ = storage.remove_item(PENDING);
    }
    if pending.state != state {
        return Err(OidcError::State);
    }
    let form = format!(
        "grant_type=authorization_code&client_id={}&code={}&redirect_uri={}&code_verifier={}",
        encode(client_id),
        encode(code),
        encode(&format!("{}{CALLBACK}", origin())),
        encode(&pending.verifier),
    );
    let response = Request::post(&format!("{authority}/oauth2/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .map_err(|_| OidcError::Network)?
        .send()
        .await
        .map_err(|_| OidcError::Network)?;
    if !response.ok() {
        return Err(OidcError::Token);
    }
    let tokens: Tokens = response.json().await.map_err(|_| OidcError::Token)?;
    Ok((tokens.id_token, tokens.expires_in))
}

/// The hosted login's logout, which comes back to the home page.
pub fn logout_url(authority: &str, client_id: &str) -> String {
    format!(
        "{authority}/logout?client_id={}&logout_uri={}",
        encode(client_id),
        encode(&format!("{}/", origin())),
    )
}
