//! A certificate as the verifier reads it: kept with its own bytes (its signature covers
//! the TBS as written), with what a qualified signature needs to know of it.

use chrono::{DateTime, Utc};
use const_oid::ObjectIdentifier;
use der::asn1::Any;
use der::{Decode, Sequence, Tag, Tagged};
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, SubjectKeyIdentifier};
use x509_cert::name::Name;

use super::algoritmi::{self, AlgorithmError};
use super::tlv;

const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
const ORGANIZATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const QC_STATEMENTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.3");
/// ETSI EN 319 412-5: the certificate is an EU qualified certificate.
const QC_COMPLIANCE: ObjectIdentifier = ObjectIdentifier::new_unwrap("0.4.0.1862.1.1");

/// The subject's serialNumber of an Italian natural person (ETSI EN 319 412-1).
const TIN_PREFIX: &str = "TINIT-";

/// A certificate and the bytes it came in.
#[derive(Debug, Clone)]
pub struct Cert {
    pub raw: Vec<u8>,
    pub parsed: Certificate,
}

#[derive(Sequence)]
struct QcStatement {
    statement_id: ObjectIdentifier,
    #[asn1(optional = "true")]
    statement_info: Option<Any>,
}

/// The same certificate is the same bytes.
impl PartialEq for Cert {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl Eq for Cert {}

impl Cert {
    pub fn from_der(raw: &[u8]) -> der::Result<Cert> {
        Ok(Cert {
            raw: raw.to_vec(),
            parsed: Certificate::from_der(raw)?,
        })
    }

    fn tbs(&self) -> &x509_cert::TbsCertificate {
        &self.parsed.tbs_certificate
    }

    pub fn subject(&self) -> &Name {
        &self.tbs().subject
    }

    pub fn issuer(&self) -> &Name {
        &self.tbs().issuer
    }

    pub fn serial(&self) -> &[u8] {
        self.tbs().serial_number.as_bytes()
    }

    /// Whether `self` issued `cert`: its subject is the issuer `cert` names, and its key
    /// verifies `cert`'s signature over the TBS bytes as written.
    pub fn issued(&self, cert: &Cert) -> bool {
        if self.subject() != cert.issuer() {
            return false;
        }
        let Ok((_, parts)) = tlv::children(&cert.raw) else {
            return false;
        };
        let (Some(tbs), Some(signature)) = (parts.first(), cert.parsed.signature.as_bytes()) else {
            return false;
        };
        algoritmi::verify(
            &self.tbs().subject_public_key_info,
            &cert.parsed.signature_algorithm,
            None,
            &[tbs],
            signature,
        )
        .is_ok()
    }

    /// Checks `signature` over `message` by this certificate's key.
    pub fn verify(
        &self,
        algorithm: &spki::AlgorithmIdentifierOwned,
        digest: Option<algoritmi::Hash>,
        message: &[&[u8]],
        signature: &[u8],
    ) -> Result<algoritmi::Hash, AlgorithmError> {
        algoritmi::verify(
            &self.tbs().subject_public_key_info,
            algorithm,
            digest,
            message,
            signature,
        )
    }

    pub fn not_before(&self) -> DateTime<Utc> {
        time(&self.tbs().validity.not_before)
    }

    pub fn not_after(&self) -> DateTime<Utc> {
        time(&self.tbs().validity.not_after)
    }

    /// The codice fiscale the subject's serialNumber carries as `TINIT-<CF>`, as written.
    pub fn codice_fiscale(&self) -> Option<String> {
        attribute(self.subject(), SERIAL_NUMBER)?
            .strip_prefix(TIN_PREFIX)
            .map(str::to_owned)
    }

    /// The subject's common name (or else its whole name), for people.
    pub fn nome(&self) -> String {
        attribute(self.subject(), COMMON_NAME).unwrap_or_else(|| self.subject().to_string())
    }

    /// Who issued it, for people: the issuer's organization or common name.
    pub fn emittente(&self) -> String {
        attribute(self.issuer(), ORGANIZATION)
            .or_else(|| attribute(self.issuer(), COMMON_NAME))
            .unwrap_or_else(|| self.issuer().to_string())
    }

    pub fn key_description(&self) -> String {
        algoritmi::key_description(&self.tbs().subject_public_key_info)
    }

    /// Its key may make signatures with legal value (keyUsage nonRepudiation, which
    /// X.509 now calls contentCommitment). A CNS authentication certificate has not.
    pub fn for_non_repudiation(&self) -> bool {
        matches!(self.tbs().get::<KeyUsage>(), Ok(Some((_, usage))) if usage.non_repudiation())
    }

    /// It states that it is an EU qualified certificate (QCStatements, QcCompliance).
    pub fn qualified(&self) -> bool {
        self.tbs()
            .extensions
            .iter()
            .flatten()
            .filter(|e| e.extn_id == QC_STATEMENTS)
            .filter_map(|e| Vec::<QcStatement>::from_der(e.extn_value.as_bytes()).ok())
            .flatten()
            .any(|s| s.statement_id == QC_COMPLIANCE)
    }

    /// It may issue certificates: a CA by its basic constraints (and its key usage, where
    /// it has one).
    pub fn is_ca(&self) -> bool {
        let ca = matches!(self.tbs().get::<BasicConstraints>(), Ok(Some((_, bc))) if bc.ca);
        let signs = match self.tbs().get::<KeyUsage>() {
            Ok(Some((_, usage))) => usage.key_cert_sign(),
            Ok(None) => true,
            Err(_) => false,
        };
        ca && signs
    }

    pub fn subject_key_id(&self) -> Option<Vec<u8>> {
        match self.tbs().get::<SubjectKeyIdentifier>() {
            Ok(Some((_, id))) => Some(id.0.as_bytes().to_vec()),
            _ => None,
        }
    }

    pub fn valid_at(&self, at: DateTime<Utc>) -> bool {
        self.not_before() <= at && at <= self.not_after()
    }
}

pub fn time(t: &x509_cert::time::Time) -> DateTime<Utc> {
    let secs = t.to_unix_duration().as_secs();
    DateTime::from_timestamp(i64::try_from(secs).unwrap_or(i64::MAX), 0).unwrap_or_default()
}

/// The first value of the attribute `oid` in `name`, when it is a string.
fn attribute(name: &Name, oid: ObjectIdentifier) -> Option<String> {
    name.0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == oid)
        .and_then(|atv| text(&atv.value))
}

fn text(value: &Any) -> Option<String> {
    match value.tag() {
        Tag::PrintableString | Tag::Utf8String | Tag::Ia5String | Tag::TeletexString => {
            std::str::from_utf8(value.value()).ok().map(str::to_owned)
        }
        _ => None,
    }
}
