//! The digests and signature schemes a signature may use: SHA-1 to SHA-512; RSA PKCS#1
//! v1.5, RSA-PSS, ECDSA on P-256 and P-384. Anything else is named, not guessed at.

use const_oid::ObjectIdentifier;
use der::{Decode, Encode};
use rsa::RsaPublicKey;
use rsa::pkcs1::{DecodeRsaPublicKey, RsaPssParams};
use rsa::traits::PublicKeyParts;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use signature::hazmat::PrehashVerifier;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use thiserror::Error;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

/// Shorter RSA keys are not accepted for a qualified signature today.
pub const MIN_RSA_BITS: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AlgorithmError {
    #[error("unsupported algorithm {0}")]
    Unsupported(String),
    #[error("an RSA key of {0} bits")]
    WeakKey(usize),
    #[error("the key cannot be read")]
    BadKey,
    #[error("the signature does not verify")]
    Mismatch,
}

/// A digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Hash> {
        Some(match oid.to_string().as_str() {
            "1.3.14.3.2.26" => Hash::Sha1,
            "2.16.840.1.101.3.4.2.4" => Hash::Sha224,
            "2.16.840.1.101.3.4.2.1" => Hash::Sha256,
            "2.16.840.1.101.3.4.2.2" => Hash::Sha384,
            "2.16.840.1.101.3.4.2.3" => Hash::Sha512,
            _ => return None,
        })
    }

    pub fn nome(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha224 => "SHA-224",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }

    /// The digest of the concatenated `parts` (a PDF's signed byte ranges).
    pub fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut hasher = D::new();
            for part in parts {
                hasher.update(part);
            }
            hasher.finalize().to_vec()
        }
        match self {
            Hash::Sha1 => run::<Sha1>(parts),
            Hash::Sha224 => run::<Sha224>(parts),
            Hash::Sha256 => run::<Sha256>(parts),
            Hash::Sha384 => run::<Sha384>(parts),
            Hash::Sha512 => run::<Sha512>(parts),
        }
    }
}

/// The digest a signature algorithm names (`sha256WithRSAEncryption`, `ecdsa-with-SHA384`);
/// `None` for one that names none (`rsaEncryption`, `id-ecPublicKey`, RSA-PSS's own
/// parameters).
fn implied_hash(oid: &ObjectIdentifier) -> Option<Hash> {
    Some(match oid.to_string().as_str() {
        "1.2.840.113549.1.1.5" | "1.2.840.10045.4.1" => Hash::Sha1,
        "1.2.840.113549.1.1.14" | "1.2.840.10045.4.3.1" => Hash::Sha224,
        "1.2.840.113549.1.1.11" | "1.2.840.10045.4.3.2" => Hash::Sha256,
        "1.2.840.113549.1.1.12" | "1.2.840.10045.4.3.3" => Hash::Sha384,
        "1.2.840.113549.1.1.13" | "1.2.840.10045.4.3.4" => Hash::Sha512,
        _ => return None,
    })
}

/// What a key is, for the report: "RSA 2048", "ECDSA P-256".
pub fn key_description(key: &SubjectPublicKeyInfoOwned) -> String {
    let algorithm = key.algorithm.oid;
    if algorithm == RSA_ENCRYPTION || algorithm == RSASSA_PSS {
        return match rsa_key(key) {
            Ok(rsa) => format!("RSA {}", rsa.size() * 8),
            Err(_) => "RSA".to_owned(),
        };
    }
    match curve(key) {
        Some(c) if c == SECP256R1 => "ECDSA P-256".to_owned(),
        Some(c) if c == SECP384R1 => "ECDSA P-384".to_owned(),
        _ => algorithm.to_string(),
    }
}

fn rsa_key(key: &SubjectPublicKeyInfoOwned) -> Result<RsaPublicKey, AlgorithmError> {
    let bits = key
        .subject_public_key
        .as_bytes()
        .ok_or(AlgorithmError::BadKey)?;
    RsaPublicKey::from_pkcs1_der(bits).map_err(|_| AlgorithmError::BadKey)
}

fn curve(key: &SubjectPublicKeyInfoOwned) -> Option<ObjectIdentifier> {
    key.algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
}

/// Checks `signature` over `message` (its parts concatenated) by `key`, with the scheme
/// `algorithm` names; `digest` is the digest to use when the algorithm names none (a
/// CMS signer's digestAlgorithm). Returns the digest used.
pub fn verify(
    key: &SubjectPublicKeyInfoOwned,
    algorithm: &AlgorithmIdentifierOwned,
    digest: Option<Hash>,
    message: &[&[u8]],
    signature: &[u8],
) -> Result<Hash, AlgorithmError> {
    let unsupported = || AlgorithmError::Unsupported(algorithm.oid.to_string());
    if algorithm.oid == RSASSA_PSS {
        return verify_pss(key, algorithm, message, signature);
    }
    let hash = implied_hash(&algorithm.oid)
        .or(
            if algorithm.oid == RSA_ENCRYPTION || algorithm.oid == EC_PUBLIC_KEY {
                digest
            } else {
                None
            },
        )
        .ok_or_else(unsupported)?;
    let hashed = hash.digest(message);
    let key_kind = key.algorithm.oid;
    if key_kind == RSA_ENCRYPTION {
        if algorithm.oid == EC_PUBLIC_KEY || algorithm.oid.to_string().starts_with("1.2.840.10045")
        {
            return Err(unsupported());
        }
        let rsa = rsa_key(key)?;
        if rsa.size() * 8 < MIN_RSA_BITS {
            return Err(AlgorithmError::WeakKey(rsa.size() * 8));
        }
        let signature = left_pad(signature, rsa.size()).ok_or(AlgorithmError::Mismatch)?;
        let scheme = match hash {
            Hash::Sha1 => rsa::Pkcs1v15Sign::new::<Sha1>(),
            Hash::Sha224 => rsa::Pkcs1v15Sign::new::<Sha224>(),
            Hash::Sha256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
            Hash::Sha384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
            Hash::Sha512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
        };
        rsa.verify(scheme, &hashed, &signature)
            .map_err(|_| AlgorithmError::Mismatch)?;
        return Ok(hash);
    }
    if key_kind == EC_PUBLIC_KEY {
        if algorithm.oid == RSA_ENCRYPTION {
            return Err(unsupported());
        }
        let point = key
            .subject_public_key
            .as_bytes()
            .ok_or(AlgorithmError::BadKey)?;
        match curve(key) {
            Some(c) if c == SECP256R1 => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                    .map_err(|_| AlgorithmError::BadKey)?;
                let sig = p256::ecdsa::Signature::from_der(signature)
                    .map_err(|_| AlgorithmError::Mismatch)?;
                key.verify_prehash(&widen(&hashed, 32), &sig)
                    .map_err(|_| AlgorithmError::Mismatch)?;
            }
            Some(c) if c == SECP384R1 => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                    .map_err(|_| AlgorithmError::BadKey)?;
                let sig = p384::ecdsa::Signature::from_der(signature)
                    .map_err(|_| AlgorithmError::Mismatch)?;
                key.verify_prehash(&widen(&hashed, 48), &sig)
                    .map_err(|_| AlgorithmError::Mismatch)?;
            }
            other => {
                return Err(AlgorithmError::Unsupported(
                    other.map_or_else(|| "EC".to_owned(), |c| c.to_string()),
                ));
            }
        }
        return Ok(hash);
    }
    Err(AlgorithmError::Unsupported(key_kind.to_string()))
}

/// RSA-PSS, with the digest, MGF1 and salt length its parameters name (one digest for
/// both: the only form signers use, and the only one the rsa crate verifies).
fn verify_pss(
    key: &SubjectPublicKeyInfoOwned,
    algorithm: &AlgorithmIdentifierOwned,
    message: &[&[u8]],
    signature: &[u8],
) -> Result<Hash, AlgorithmError> {
    let unsupported = |what: &str| AlgorithmError::Unsupported(format!("RSA-PSS {what}"));
    let params = algorithm
        .parameters
        .as_ref()
        .ok_or_else(|| unsupported("without parameters"))?
        .to_der()
        .map_err(|_| unsupported("parameters"))?;
    let params = RsaPssParams::from_der(&params).map_err(|_| unsupported("parameters"))?;
    let hash = Hash::from_oid(&params.hash.oid).ok_or_else(|| unsupported("digest"))?;
    let mgf_hash = params
        .mask_gen
        .parameters
        .as_ref()
        .and_then(|p| Hash::from_oid(&p.oid));
    if params.mask_gen.oid != MGF1 || mgf_hash != Some(hash) {
        return Err(unsupported("mask"));
    }
    let rsa = rsa_key(key)?;
    if rsa.size() * 8 < MIN_RSA_BITS {
        return Err(AlgorithmError::WeakKey(rsa.size() * 8));
    }
    let signature = left_pad(signature, rsa.size()).ok_or(AlgorithmError::Mismatch)?;
    let hashed = hash.digest(message);
    let salt = usize::from(params.salt_len);
    let outcome = match hash {
        Hash::Sha1 => rsa.verify(rsa::Pss::new_with_salt::<Sha1>(salt), &hashed, &signature),
        Hash::Sha224 => rsa.verify(rsa::Pss::new_with_salt::<Sha224>(salt), &hashed, &signature),
        Hash::Sha256 => rsa.verify(rsa::Pss::new_with_salt::<Sha256>(salt), &hashed, &signature),
        Hash::Sha384 => rsa.verify(rsa::Pss::new_with_salt::<Sha384>(salt), &hashed, &signature),
        Hash::Sha512 => rsa.verify(rsa::Pss::new_with_salt::<Sha512>(salt), &hashed, &signature),
    };
    outcome.map_err(|_| AlgorithmError::Mismatch)?;
    Ok(hash)
}

/// An RSA signature as long as the modulus: some signers drop its leading zero bytes.
fn left_pad(signature: &[u8], size: usize) -> Option<Vec<u8>> {
    if signature.len() > size {
        return None;
    }
    let mut padded = vec![0; size - signature.len()];
    padded.extend_from_slice(signature);
    Some(padded)
}

/// A digest shorter than the curve's field, widened with leading zeros (the same
/// number): ECDSA with SHA-1 on P-384 is legal, and the curve crates refuse short input.
fn widen(digest: &[u8], field: usize) -> Vec<u8> {
    if digest.len() >= field {
        return digest.to_vec();
    }
    let mut wide = vec![0; field - digest.len()];
    wide.extend_from_slice(digest);
    wide
}
