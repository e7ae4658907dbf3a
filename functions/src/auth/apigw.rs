//! On Lambda: API Gateway's JWT authorizer (bound to the Cognito user pool) has verified
//! the token; its claims arrive in the request context.

use std::collections::HashMap;

use axum::http::request::Parts;
use lambda_http::request::RequestContext;
use shared::access::Caller;

use super::{AuthError, Authenticator, Claims};

#[derive(Debug, Default, Clone, Copy)]
pub struct ApiGatewayClaims;

/// The authorizer hands every claim over as a string, numbers included (`"exp": "1795427600"`).
pub fn claims_from_map(map: &HashMap<String, String>) -> Result<Claims, AuthError> {
    let text = |name: &str| map.get(name).cloned();
    let required =
        |name: &str| text(name).ok_or_else(|| AuthError::Invalid(format!("no {name} claim")));
    let number = |name: &str| map.get(name).and_then(|v| v.parse().ok()).unwrap_or(0);
    Ok(Claims {
        sub: required("sub")?,
        role: required("custom:role")?,
        codice_fiscale: text("custom:codice_fiscale"),
        ordine: text("custom:ordine"),
        exp: number("exp"),
        iat: number("iat"),
        iss: text("iss").unwrap_or_default(),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_arrive_as_strings_numbers_included() {
        let map: HashMap<String, String> = [
            ("sub", "3c1e8f4a"),
            ("custom:role", "segreteria"),
            ("custom:ordine", "MI"),
            ("exp", "1795427600"),
            ("iat", "1795424000"),
            ("token_use", "id"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let claims = claims_from_map(&map).unwrap();
        assert_eq!((claims.exp, claims.iat), (1_795_427_600, 1_795_424_000));
        assert_eq!(claims.caller().unwrap().ordine.unwrap().to_string(), "MI");
    }
}
