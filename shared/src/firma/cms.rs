//! CMS SignedData (RFC 5652) as CAdES and PAdES signers write it, read from its own bytes,
//! and each signer's signature checked: the digest of what was signed against the
//! messageDigest attribute, the signer's key over the signed attributes as written, and
//! the ESS signing-certificate attribute against the certificate that verified.

use chrono::{DateTime, Utc};
use cms::signed_data::{SignerIdentifier, SignerInfo};
use const_oid::ObjectIdentifier;
use der::asn1::{Any, OctetString, OctetStringRef};
use der::{Decode, Encode, Sequence};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;

use super::algoritmi::{AlgorithmError, Hash};
use super::certificato::{Cert, time};
use super::tlv;

const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
const SIGNING_CERTIFICATE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.12");
const SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// The structure is not a SignedData, or not one that can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmsError {
    NotSignedData,
    Malformed,
}

impl From<der::Error> for CmsError {
    fn from(_: der::Error) -> Self {
        CmsError::Malformed
    }
}

/// Why one signer's signature does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerError {
    /// The signed content's digest is not the one the signer signed.
    Altered,
    /// The signature does not verify with the certificate it names.
    BadSignature,
    /// The certificate the signer names is not in the file.
    NoCertificate,
    /// The signing-certificate attribute names another certificate.
    OtherCertificate,
    Algorithm(String),
    WeakKey(usize),
    Malformed,
}

/// A SignedData's parts, as slices of the file.
#[derive(Debug)]
pub struct SignedData<'a> {
    pub content_type: ObjectIdentifier,
    /// The encapsulated content; `None` for a detached signature (PAdES).
    pub content: Option<&'a [u8]>,
    /// The certificates it carries that can be read.
    pub certificates: Vec<Cert>,
    signer_infos: Vec<&'a [u8]>,
}

/// A signer whose signature holds.
#[derive(Debug, Clone)]
pub struct Signer {
    pub cert: Cert,
    pub digest: Hash,
    /// When the signer says he signed (not proof of it).
    pub signing_time: Option<DateTime<Utc>>,
}

impl<'a> SignedData<'a> {
    /// The SignedData in the DER `bytes` (one TLV; what follows it is the caller's).
    pub fn parse(bytes: &'a [u8]) -> Result<SignedData<'a>, CmsError> {
        let (_, content_info) = tlv::children(bytes)?;
        let [oid, explicit] = content_info[..] else {
            return Err(CmsError::NotSignedData);
        };
        if ObjectIdentifier::from_der(oid).map_err(|_| CmsError::NotSignedData)? != SIGNED_DATA {
            return Err(CmsError::NotSignedData);
        }
        let (_, inner) = tlv::children(explicit)?;
        let [signed_data] = inner[..] else {
            return Err(CmsError::Malformed);
        };
        let (_, fields) = tlv::children(signed_data)?;
        let encap = fields.get(2).ok_or(CmsError::Malformed)?;
        let (_, encap) = tlv::children(encap)?;
        let content_type = ObjectIdentifier::from_der(encap.first().ok_or(CmsError::Malformed)?)?;
        let content = match encap.get(1) {
            Some(explicit) => {
                let (_, octets) = tlv::children(explicit)?;
                match octets[..] {
                    [octets] if octets.first() == Some(&0x04) => Some(tlv::value(octets)?),
                    _ => return Err(CmsError::Malformed),
                }
            }
            None => None,
        };
        let mut certificates = Vec::new();
        let mut signer_infos = Vec::new();
        for field in &fields[3..] {
            match field.first() {
                Some(0xA0) => {
                    let (_, certs) = tlv::children(field)?;
                    certificates.extend(
                        certs
                            .iter()
                            .filter(|c| c.first() == Some(&0x30))
                            .filter_map(|c| Cert::from_der(c).ok()),
                    );
                }
                Some(0x31) => signer_infos = tlv::children(field)?.1,
                _ => {}
            }
        }
        if signer_infos.is_empty() {
            return Err(CmsError::Malformed);
        }
        Ok(SignedData {
            content_type,
            content,
            certificates,
            signer_infos,
        })
    }

    /// Each signer, his signature checked over `signed` (the content's parts).
    pub fn signers(&self, signed: &[&[u8]]) -> Vec<Result<Signer, SignerError>> {
        self.signer_infos
            .iter()
            .map(|info| self.verify(info, signed))
            .collect()
    }

    fn verify(&self, info: &[u8], signed: &[&[u8]]) -> Result<Signer, SignerError> {
        let si = SignerInfo::from_der(info).map_err(|_| SignerError::Malformed)?;
        let digest = Hash::from_oid(&si.digest_alg.oid)
            .ok_or_else(|| SignerError::Algorithm(si.digest_alg.oid.to_string()))?;
        let cert = self
            .certificate(&si.sid)
            .ok_or(SignerError::NoCertificate)?;
        let signature = si.signature.as_bytes();
        let Some(attrs) = &si.signed_attrs else {
            // Without signed attributes the signature is over the content itself.
            cert.verify(&si.signature_algorithm, Some(digest), signed, signature)
                .map_err(signature_error)?;
            return Ok(Signer {
                cert: cert.clone(),
                digest,
                signing_time: None,
            });
        };
        let claimed = first_value(attrs.iter(), MESSAGE_DIGEST)
            .and_then(|v| v.decode_as::<OctetStringRef<'_>>().ok())
            .ok_or(SignerError::Malformed)?;
        if claimed.as_bytes() != digest.digest(signed).as_slice() {
            return Err(SignerError::Altered);
        }
        if let Some(kind) = first_value(attrs.iter(), CONTENT_TYPE)
            && kind.decode_as::<ObjectIdentifier>().ok() != Some(self.content_type)
        {
            return Err(SignerError::Malformed);
        }
        // The signature covers the attributes as a SET, written as the signer wrote them;
        // some signers do not sort them, so DER's sorted form is tried second.
        let (_, fields) = tlv::children(info).map_err(|_| SignerError::Malformed)?;
        let mut as_written = fields
            .iter()
            .find(|f| f.first() == Some(&0xA0))
            .ok_or(SignerError::Malformed)?
            .to_vec();
        as_written[0] = 0x31;
        let verified = cert.verify(
            &si.signature_algorithm,
            Some(digest),
            &[&as_written],
            signature,
        );
        if let Err(AlgorithmError::Mismatch) = verified {
            let sorted = attrs.to_der().map_err(|_| SignerError::Malformed)?;
            cert.verify(&si.signature_algorithm, Some(digest), &[&sorted], signature)
                .map_err(signature_error)?;
        } else {
            verified.map_err(signature_error)?;
        }
        if !names_certificate(attrs.iter(), cert)? {
            return Err(SignerError::OtherCertificate);
        }
        let signing_time = first_value(attrs.iter(), SIGNING_TIME)
            .and_then(|v| v.to_der().ok())
            .and_then(|der| x509_cert::time::Time::from_der(&der).ok())
            .map(|t| time(&t));
        Ok(Signer {
            cert: cert.clone(),
            digest,
            signing_time,
        })
    }

    fn certificate(&self, sid: &SignerIdentifier) -> Option<&Cert> {
        self.certificates.iter().find(|c| match sid {
            SignerIdentifier::IssuerAndSerialNumber(isn) => {
                c.serial() == isn.serial_number.as_bytes() && c.issuer() == &isn.issuer
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => {
                c.subject_key_id().as_deref() == Some(ski.0.as_bytes())
            }
        })
    }
}

fn signature_error(error: AlgorithmError) -> SignerError {
    match error {
        AlgorithmError::Unsupported(name) => SignerError::Algorithm(name),
        AlgorithmError::WeakKey(bits) => SignerError::WeakKey(bits),
        AlgorithmError::BadKey | AlgorithmError::Mismatch => SignerError::BadSignature,
    }
}

fn first_value<'a>(
    mut attrs: impl Iterator<Item = &'a Attribute>,
    oid: ObjectIdentifier,
) -> Option<&'a Any> {
    attrs.find(|a| a.oid == oid)?.values.iter().next()
}

#[derive(Sequence)]
struct EssCertIdV2 {
    /// Absent means SHA-256.
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<Any>,
}

#[derive(Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

#[derive(Sequence)]
struct EssCertId {
    /// SHA-1.
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<Any>,
}

#[derive(Sequence)]
struct SigningCertificate {
    certs: Vec<EssCertId>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

/// Whether the ESS signing-certificate attribute, where there is one, names `cert` (its
/// first entry is the signer's). Without it, any certificate with the key would do; CAdES
/// makes it mandatory, and it is checked wherever it is.
fn names_certificate<'a>(
    attrs: impl Iterator<Item = &'a Attribute> + Clone,
    cert: &Cert,
) -> Result<bool, SignerError> {
    if let Some(value) = first_value(attrs.clone(), SIGNING_CERTIFICATE_V2) {
        let attr = value
            .decode_as::<SigningCertificateV2>()
            .map_err(|_| SignerError::Malformed)?;
        let first = attr.certs.first().ok_or(SignerError::Malformed)?;
        let hash = match &first.hash_algorithm {
            None => Hash::Sha256,
            Some(alg) => Hash::from_oid(&alg.oid)
                .ok_or_else(|| SignerError::Algorithm(alg.oid.to_string()))?,
        };
        return Ok(first.cert_hash.as_bytes() == hash.digest(&[&cert.raw]).as_slice());
    }
    if let Some(value) = first_value(attrs, SIGNING_CERTIFICATE) {
        let attr = value
            .decode_as::<SigningCertificate>()
            .map_err(|_| SignerError::Malformed)?;
        let first = attr.certs.first().ok_or(SignerError::Malformed)?;
        return Ok(first.cert_hash.as_bytes() == Hash::Sha1.digest(&[&cert.raw]).as_slice());
    }
    Ok(true)
}
