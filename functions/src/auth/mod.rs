//! Who is calling. One extractor yields a [`Caller`]; how the token was checked depends on
//! where the API runs: on Lambda, API Gateway's JWT authorizer (Cognito) has verified it and
//! passes its claims; locally, the server verifies tokens it issued itself.
//! Both read the same claims, named as Cognito names custom attributes.

pub mod apigw;
pub mod local;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use shared::access::{Caller, Role};
use shared::api::ErrorCode;
use shared::codice_fiscale::CodiceFiscale;
use shared::province::OrdineCode;
use thiserror::Error;

use crate::AppState;
use crate::error::AppError;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("missing credentials")]
    Missing,
    #[error("invalid credentials: {0}")]
    Invalid(String),
}

impl From<AuthError> for AppError {
    fn from(err: AuthError) -> Self {
        tracing::debug!(error = %err, "unauthenticated request");
        AppError::new(
            ErrorCode::Unauthorized,
            match err {
                AuthError::Missing => "Accedi per continuare.",
                AuthError::Invalid(_) => "La sessione non è valida o è scaduta: accedi di nuovo.",
            },
        )
    }
}

pub trait Authenticator: Send + Sync {
    /// The caller of a request at `now` (from the app's clock, so expiry is testable).
    fn authenticate(
        &self,
        parts: &Parts,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Caller, AuthError>;
}

/// The claims both kinds of token carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(rename = "custom:role")]
    pub role: String,
    #[serde(
        rename = "custom:codice_fiscale",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub codice_fiscale: Option<String>,
    #[serde(
        rename = "custom:ordine",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ordine: Option<String>,
    #[serde(default)]
    pub exp: i64,
    #[serde(default)]
    pub iat: i64,
    #[serde(default)]
    pub iss: String,
}

impl Claims {
    pub fn of(caller: &Caller) -> Self {
        Self {
            sub: caller.subject.clone(),
            role: shared::serde_name::of(caller.role),
            codice_fiscale: caller.codice_fiscale.as_ref().map(|c| c.to_string()),
            ordine: caller.ordine.map(|o| o.to_string()),
            exp: 0,
            iat: 0,
            iss: String::new(),
        }
    }

    /// The caller these claims describe; each role must carry what it is scoped to.
    pub fn caller(&self) -> Result<Caller, AuthError> {
        let role: Role = serde_json::from_value(serde_json::Value::String(self.role.clone()))
            .map_err(|_| AuthError::Invalid(format!("unknown role {}", self.role)))?;
        let codice_fiscale = self
            .codice_fiscale
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(CodiceFiscale::parse)
            .transpose()
            .map_err(|e| AuthError::Invalid(e.to_string()))?;
        let ordine = self
            .ordine
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(OrdineCode::parse)
            .transpose()
            .map_err(|e| AuthError::Invalid(e.to_string()))?;
        match (role, &codice_fiscale, &ordine) {
            (Role::Iscritto, None, _) => {
                Err(AuthError::Invalid("a member without codice fiscale".into()))
            }
            (Role::Segreteria, _, None) => {
                Err(AuthError::Invalid("a secretariat without Ordine".into()))
            }
            _ => Ok(Caller {
                subject: self.sub.clone(),
                role,
                codice_fiscale,
                ordine,
            }),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(state.auth.authenticate(parts, state.clock.now())?)
    }
}
