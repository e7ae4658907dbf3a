//! The local server's demo certification authorities. The first stands for an Italian
//! qualified CA: the local trust store holds it, and the demo holders' contracts it signs
//! are verified by the same code as real uploads, so the demo shows contracts *firmati*.
//! The second is a valid CA outside the trust store, whose signatures go to the
//! Fondazione's review. Keys are derived from fixed labels (ECDSA P-256, deterministic
//! signatures), so the CAs are the same at every start; never used on AWS.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use cms::builder::{SignedDataBuilder, SignerInfoBuilder, create_signing_time_attribute};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use const_oid::{AssociatedOid, ObjectIdentifier};
use der::asn1::{Any, OctetString};
use der::{Encode, EncodePem, Sequence};
use p256::ecdsa::{DerSignature, SigningKey};
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use thiserror::Error;
use x509_cert::Certificate;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::AsExtension;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;

/// The CA in the local trust store.
const QUALIFIED: &str = "CN=CA qualificata di prova,O=PEC Ingegneri (solo locale),C=IT";
/// A CA the trust store does not hold.
const OUTSIDE: &str = "CN=CA estera di prova,O=PEC Ingegneri (solo locale),C=IT";

/// How long the CAs and the holders' certificates are valid from their making.
const CA_YEARS: u64 = 20;
const SIGNER_YEARS: u64 = 3;

#[derive(Debug, Error)]
pub enum DemoCaError {
    #[error("demo certificate: {0}")]
    Certificate(#[from] x509_cert::builder::Error),
    #[error("demo signature: {0}")]
    Der(#[from] der::Error),
    #[error("demo key: {0}")]
    Key(String),
}

/// A CA of the demo, with its key.
pub struct DemoCa {
    key: SigningKey,
    cert: Certificate,
}

/// ETSI EN 319 412-5 QCStatements with QcCompliance: the holder's certificate is an EU
/// qualified one, as the verifier requires of a signature with legal value.
#[derive(Sequence)]
struct QcStatement {
    statement_id: ObjectIdentifier,
}

struct QcStatements(Vec<QcStatement>);

impl AssociatedOid for QcStatements {
    const OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.3");
}

impl Encode for QcStatements {
    fn encoded_len(&self) -> der::Result<der::Length> {
        self.0.encoded_len()
    }

    fn encode(&self, writer: &mut impl der::Writer) -> der::Result<()> {
        self.0.encode(writer)
    }
}

impl AsExtension for QcStatements {
    fn critical(&self, _: &Name, _: &[x509_cert::ext::Extension]) -> bool {
        false
    }
}

const QC_COMPLIANCE: ObjectIdentifier = ObjectIdentifier::new_unwrap("0.4.0.1862.1.1");

/// The key named `label`: the same at every start.
fn key(label: &str) -> Result<SigningKey, DemoCaError> {
    let seed = Sha256::digest(format!("pec-ingegneri demo key: {label}").as_bytes());
    SigningKey::from_slice(&seed).map_err(|e| DemoCaError::Key(e.to_string()))
}

fn spki(key: &SigningKey) -> Result<SubjectPublicKeyInfoOwned, DemoCaError> {
    SubjectPublicKeyInfoOwned::from_key(*key.verifying_key())
        .map_err(|e| DemoCaError::Certificate(e.into()))
}

/// A validity from `from` (to the second) for `years`.
fn validity(from: DateTime<Utc>, years: u64) -> Result<Validity, DemoCaError> {
    let start = Duration::from_secs(u64::try_from(from.timestamp()).unwrap_or_default());
    let end = start + Duration::from_secs(years * 365 * 24 * 3600);
    Ok(Validity {
        not_before: x509_cert::time::Time::GeneralTime(
            der::asn1::GeneralizedTime::from_unix_duration(start)?,
        ),
        not_after: x509_cert::time::Time::GeneralTime(
            der::asn1::GeneralizedTime::from_unix_duration(end)?,
        ),
    })
}

impl DemoCa {
    /// The CA the local trust store holds.
    pub fn qualified() -> Result<DemoCa, DemoCaError> {
        DemoCa::root(QUALIFIED)
    }

    /// A valid CA outside the trust store.
    pub fn outside() -> Result<DemoCa, DemoCaError> {
        DemoCa::root(OUTSIDE)
    }

    fn root(subject: &str) -> Result<DemoCa, DemoCaError> {
        let key = key(subject)?;
        // A fixed start, so that the certificate is the same at every start.
        let from = DateTime::from_timestamp(1_735_689_600, 0).unwrap_or_default(); // 2025-01-01
        let builder = CertificateBuilder::new(
            Profile::Root,
            SerialNumber::from(1u32),
            validity(from, CA_YEARS)?,
            Name::from_str(subject)?,
            spki(&key)?,
            &key,
        )?;
        let cert = builder.build::<DerSignature>()?;
        Ok(DemoCa { key, cert })
    }

    /// The CA's certificate as the trust store's PEM bundle holds it.
    pub fn pem(&self) -> Result<String, DemoCaError> {
        Ok(self.cert.to_pem(der::pem::LineEnding::LF)?)
    }

    /// `content` signed as CAdES (an attached `.p7m`, DER) by a qualified certificate this
    /// CA issues to `nome cognome` with codice fiscale `cf`, valid from `now`.
    pub fn sign(
        &self,
        nome: &str,
        cognome: &str,
        cf: &str,
        serial: u32,
        content: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>, DemoCaError> {
        let holder = key(&format!("{}:{cf}", self.cert.tbs_certificate.subject))?;
        let subject = format!(
            "CN={},2.5.4.42={},2.5.4.4={},2.5.4.5=TINIT-{cf},C=IT",
            escape(&format!("{nome} {cognome}")),
            escape(nome),
            escape(cognome),
        );
        let issuer = self.cert.tbs_certificate.subject.clone();
        let mut builder = CertificateBuilder::new(
            Profile::Leaf {
                issuer: issuer.clone(),
                enable_key_agreement: false,
                enable_key_encipherment: false,
            },
            SerialNumber::from(serial),
            validity(now - chrono::Duration::days(1), SIGNER_YEARS)?,
            Name::from_str(&subject)?,
            spki(&holder)?,
            &self.key,
        )?;
        builder.add_extension(&QcStatements(vec![QcStatement {
            statement_id: QC_COMPLIANCE,
        }]))?;
        let cert = builder.build::<DerSignature>()?;

        let content = EncapsulatedContentInfo {
            econtent_type: const_oid::db::rfc5911::ID_DATA,
            econtent: Some(Any::encode_from(&OctetString::new(content)?)?),
        };
        let sha256 = AlgorithmIdentifierOwned {
            oid: const_oid::db::rfc5912::ID_SHA_256,
            parameters: None,
        };
        let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer,
            serial_number: cert.tbs_certificate.serial_number.clone(),
        });
        let mut signer = SignerInfoBuilder::new(&holder, sid, sha256.clone(), &content, None)
            .map_err(cms_error)?;
        signer
            .add_signed_attribute(create_signing_time_attribute().map_err(cms_error)?)
            .map_err(cms_error)?;
        let signed = SignedDataBuilder::new(&content)
            .add_digest_algorithm(sha256)
            .map_err(cms_error)?
            .add_certificate(CertificateChoices::Certificate(cert))
            .map_err(cms_error)?
            .add_signer_info::<SigningKey, DerSignature>(signer)
            .map_err(cms_error)?
            .build()
            .map_err(cms_error)?;
        Ok(signed.to_der()?)
    }
}

fn cms_error(e: cms::builder::Error) -> DemoCaError {
    DemoCaError::Key(e.to_string())
}

/// A value for an RFC 4514 name: its special characters escaped.
fn escape(value: &str) -> String {
    value
        .chars()
        .flat_map(|c| {
            let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=');
            special.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use shared::codice_fiscale::CodiceFiscale;
    use shared::firma::{self, Esito, Fiducia, Verifica};

    use sha2::Digest;

    use super::DemoCa;

    #[test]
    fn the_trusted_ca_signs_contracts_the_verifier_accepts() {
        let now = Utc::now();
        let ca = DemoCa::qualified().expect("a CA");
        let again = DemoCa::qualified().expect("a CA");
        assert_eq!(
            ca.pem().unwrap(),
            again.pem().unwrap(),
            "the same at every start"
        );
        let fiducia = Fiducia::from_pem(&ca.pem().unwrap()).expect("a trust store");
        let cf = CodiceFiscale::parse("RSSMRA85T10A562S").expect("a codice fiscale");
        let pdf = b"%PDF-1.7 a contract".to_vec();
        let emessi: [[u8; 32]; 1] = [sha2::Sha256::digest(&pdf).into()];
        let p7m = ca
            .sign("Mario", "Rossi", cf.as_str(), 7, &pdf, now)
            .expect("signed");
        let verifica = |fiducia: &Fiducia| {
            firma::verifica(
                &p7m,
                &Verifica {
                    titolare: &cf,
                    emessi: &emessi,
                    fiducia,
                    al: now,
                },
            )
            .esito
        };
        assert_eq!(verifica(&fiducia), Esito::Verificato);
        let outside = Fiducia::from_pem(&DemoCa::outside().unwrap().pem().unwrap()).unwrap();
        assert!(matches!(verifica(&outside), Esito::InRevisione { .. }));
    }
}
