//! On Lambda: API Gateway's JWT authorizer (bound to the Cognito user pool) has verified
//! the token; its claims arrive in the request context.

use std::collections::HashMap;

use axum::http::request::Parts;
use lambda_http::request::RequestContext;
use shared::access::Caller;

use super::{AuthError, Authenticator, Claims};

#[derive(Debug, Default, Clone, Copy)]
pub struct ApiGatewayClaims;

pub fn claims_from_map(map: &HashMap<String, String>) -> Result<Claims, AuthError> {
    let value = serde_json::to_value(map).map_err(|e| AuthError::Invalid(e.to_string()))?;
    serde_json::from_value(value).map_err(|e| AuthError::Invalid(e.to_string()))
}

impl Authenticator for ApiGatewayClaims {
    fn authenticate(
        &self,
        parts: &Parts,
        _now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Caller, AuthError> {
        // API Gateway has checked signature and expiry already.
        let claims = match parts.extensions.get::<RequestContext>() {
            Some(RequestContext::ApiGatewayV2(context)) => context
                .authorizer
                .as_ref()
                .and_then(|a| a.jwt.as_ref())
                .map(|jwt| &jwt.claims)
                .ok_or(AuthError::Missing)?,
            _ => return Err(AuthError::Missing),
        };
        claims_from_map(claims)?.caller()
    }
}
