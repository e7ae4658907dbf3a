//! The payment provider's webhook signature, as Stripe writes it:
//! `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=…]`, each `v1` an
//! HMAC-SHA256 of `"{t}.{body}"` with the endpoint's secret (more than one while a secret
//! is being rolled). An event is trusted only when one `v1` matches, compared in constant
//! time, and `t` is within five minutes of now, so a captured event cannot be replayed
//! later. The local test checkout signs its events the same way, and the mail provider
//! its own (`Gestore-Signature`, `service::gestore`).

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use thiserror::Error;

/// How far an event's time may be from now.
pub const TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("no signature")]
    Missing,
    #[error("malformed signature header")]
    Malformed,
    #[error("signature time outside the tolerance")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Whether `header` signs `body` with `secret`, at a time close to `now`.
pub fn verify(
    header: &str,
    body: &[u8],
    secret: &[u8],
    now: DateTime<Utc>,
) -> Result<(), SignatureError> {
    if header.trim().is_empty() {
        return Err(SignatureError::Missing);
    }
    // Anyone can sign with an empty key: no secret configured trusts no event.
    if secret.is_empty() {
        return Err(SignatureError::Mismatch);
    }
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            "t" => {
                let t = value
                    .parse::<i64>()
                    .map_err(|_| SignatureError::Malformed)?;
                if timestamp.replace(t).is_some() {
                    return Err(SignatureError::Malformed);
                }
            }
            // A signature that is not hex cannot match: skipped, like other schemes.
            "v1" => signatures.extend(hex::decode(value).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Mismatch);
    }
    if now.timestamp().abs_diff(timestamp) > TOLERANCE_SECONDS.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    // One pass over the body, then each candidate compared in constant time.
    let expected = mac(secret, timestamp, body).finalize().into_bytes();
    let matches = signatures
        .iter()
        .any(|given| bool::from(expected.as_slice().ct_eq(given.as_slice())));
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The header that signs `body` with `secret` at `at` (the local test checkout's events,
/// and the tests').
pub fn sign(body: &[u8], secret: &[u8], at: DateTime<Utc>) -> String {
    let signature = hex::encode(mac(secret, at.timestamp(), body).finalize().into_bytes());
    format!("t={},v1={signature}", at.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_796_000_000, 0).unwrap()
    }

    #[test]
    fn a_signed_event_is_trusted_within_five_minutes() {
        let header = sign(BODY, SECRET, now());
        assert_eq!(verify(&header, BODY, SECRET, now()), Ok(()));
        let later = now() + chrono::Duration::seconds(300);
        assert_eq!(verify(&header, BODY, SECRET, later), Ok(()));
        let too_late = now() + chrono::Duration::seconds(301);
        assert_eq!(
            verify(&header, BODY, SECRET, too_late),
            Err(SignatureError::Stale)
        );
        let early = now() - chrono::Duration::seconds(301);
        assert_eq!(
            verify(&header, BODY, SECRET, early),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn any_v1_may_match_while_a_secret_is_rolled() {
        let good = sign(BODY, SECRET, now());
        let v1 = good.split_once(",v1=").unwrap().1;
        let t = now().timestamp();
        let header = format!("t={t},v1={},v1={v1},v0=abc", "00".repeat(32));
        assert_eq!(verify(&header, BODY, SECRET, now()), Ok(()));
    }

    #[test]
    fn tampered_forged_and_malformed_events_are_refused() {
        let header = sign(BODY, SECRET, now());
        let tampered = br#"{"id":"evt_1","type":"payment_intent.succeeded","amount":1}"#;
        assert_eq!(
            verify(&header, tampered, SECRET, now()),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&header, BODY, b"another secret", now()),
            Err(SignatureError::Mismatch)
        );
        // The time is part of what is signed: moved, it no longer matches.
        let moved = header.replacen(
            &format!("t={}", now().timestamp()),
            &format!("t={}", now().timestamp() + 1),
            1,
        );
        assert_eq!(
            verify(&moved, BODY, SECRET, now()),
            Err(SignatureError::Mismatch)
        );
        let v0_only = header.replace("v1=", "v0=");
        assert_eq!(
            verify(&v0_only, BODY, SECRET, now()),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("", BODY, SECRET, now()),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify("t=-9223372036854775808,v1=00", BODY, SECRET, now()),
            Err(SignatureError::Stale)
        );
        for malformed in ["garbage", "t=abc,v1=00", "v1=00", "t=1,t=2,v1=00"] {
            assert_eq!(
                verify(malformed, BODY, SECRET, now()),
                Err(SignatureError::Malformed),
                "{malformed}"
            );
        }
    }
}
