//! The local server's own tokens: HS256 JWTs signed with a key kept in the data folder,
//! issued after a login with a local account.

use std::path::Path;

use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use shared::access::Caller;

use super::{AuthError, Authenticator, Claims};

const ISSUER: &str = "pec-ingegneri-local";
pub const SESSION: Duration = Duration::hours(8);
/// Tokens whose check is remembered: more than the sessions a laptop's server sees.
const VERIFIED_TOKENS: usize = 1024;

pub struct LocalJwt {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Tokens already verified, with their caller and expiry. A session sends the same
    /// token with every request, and checking its signature and reading its claims again
    /// was a tenth of a member's `GET /api/me`. Only the whole token, byte for byte, finds
    /// its entry, and the expiry is checked at each use.
    verified: quick_cache::sync::Cache<String, (Caller, i64)>,
}

impl LocalJwt {
    pub fn with_secret(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            verified: quick_cache::sync::Cache::new(VERIFIED_TOKENS),
        }
    }

    /// The key in `dir/jwt-secret`, made on first use (readable by the owner only).
    pub fn load_or_create(dir: &Path) -> std::io::Result<Self> {
        Ok(Self::with_secret(&load_or_create_secret(
            &dir.join("jwt-secret"),
        )?))
    }

    pub fn issue(&self, caller: &Caller, now: DateTime<Utc>) -> (String, DateTime<Utc>) {
        let expires_at = now + SESSION;
        let claims = Claims {
            exp: expires_at.timestamp(),
            iat: now.timestamp(),
            iss: ISSUER.into(),
            ..Claims::of(caller)
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signs any claims");
        (token, expires_at)
    }

    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Caller, AuthError> {
        let (caller, exp) = match self.verified.get(token) {
            Some(verified) => verified,
            None => {
                let verified = self.check(token)?;
                self.verified.insert(token.to_owned(), verified.clone());
                verified
            }
        };
        if exp <= now.timestamp() {
            return Err(AuthError::Invalid("expired".into()));
        }
        Ok(caller)
    }

    /// The caller a token names and its expiry, if this key signed it.
    fn check(&self, token: &str) -> Result<(Caller, i64), AuthError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        // Expiry against the app's clock, not the library's.
        validation.validate_exp = false;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|e| AuthError::Invalid(e.to_string()))?;
        Ok((data.claims.caller()?, data.claims.exp))
    }
}

impl Authenticator for LocalJwt {
    fn authenticate(&self, parts: &Parts, now: DateTime<Utc>) -> Result<Caller, AuthError> {
        let header = parts.headers.get(AUTHORIZATION).ok_or(AuthError::Missing)?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or_else(|| AuthError::Invalid("not a bearer token".into()))?;
        self.verify(token.trim(), now)
    }
}

/// The 32-byte secret kept at `path`, made (readable by its owner only) on first use.
pub fn load_or_create_secret(path: &Path) -> std::io::Result<Vec<u8>> {
    match std::fs::read(path) {
        Ok(secret) if secret.len() >= 32 => Ok(secret),
        _ => {
            let mut secret = vec![0u8; 32];
            rand::rng().fill_bytes(&mut secret);
            std::fs::write(path, &secret)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
            }
            Ok(secret)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::access::Role;

    fn caller() -> Caller {
        Caller {
            subject: "segreteria.mi".into(),
            role: Role::Segreteria,
            codice_fiscale: None,
            ordine: Some(shared::province::OrdineCode::parse("MI").unwrap()),
        }
    }

    #[test]
    fn tokens_round_trip_and_expire() {
        let jwt = LocalJwt::with_secret(&[7u8; 32]);
        let now = Utc::now();
        let (token, _) = jwt.issue(&caller(), now);
        assert_eq!(jwt.verify(&token, now), Ok(caller()));
        assert!(matches!(
            jwt.verify(&token, now + Duration::hours(9)),
            Err(AuthError::Invalid(_))
        ));
        // Remembered once verified, but never past its expiry, nor for another token.
        assert_eq!(jwt.verify(&token, now), Ok(caller()));
        assert!(jwt.verify(&token, now + SESSION).is_err());
        let mut forged = token.clone();
        forged.pop();
        assert!(jwt.verify(&forged, now).is_err());
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let (token, _) = LocalJwt::with_secret(&[1u8; 32]).issue(&caller(), Utc::now());
        assert!(
            LocalJwt::with_secret(&[2u8; 32])
                .verify(&token, Utc::now())
                .is_err()
        );
    }

    #[test]
    fn claims_must_carry_the_scope_of_their_role() {
        let claims = Claims {
            ordine: None,
            ..Claims::of(&caller())
        };
        assert!(claims.caller().is_err());
    }
}
