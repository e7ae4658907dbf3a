//! The trust store: the qualified CAs of the trusted list (a PEM file the Fondazione keeps)
//! and the CRLs beside it. Every certificate in the file is trusted as it stands, as a
//! trusted list's service certificates are; the path from a signer to one of them is built
//! from the certificates the signature carries.

use chrono::{DateTime, Utc};
use der::Decode;
use thiserror::Error;
use x509_cert::crl::CertificateList;

use super::certificato::{Cert, time};
use super::tlv;

/// No Italian qualified certificate hangs this deep under its trusted CA.
const MAX_PATH: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FiduciaError {
    #[error("the trust store's PEM block {0} cannot be read")]
    Pem(usize),
    #[error("the trust store's certificate {0} cannot be read")]
    Certificate(usize),
    #[error("a CRL cannot be read")]
    Crl,
}

#[derive(Debug, Clone)]
struct Crl {
    /// The TBS as written, which the CRL's signature covers.
    tbs: Vec<u8>,
    parsed: CertificateList,
}

/// The trusted CAs and their CRLs.
#[derive(Debug, Clone, Default)]
pub struct Fiducia {
    anchors: Vec<Cert>,
    crls: Vec<Crl>,
}

/// Where a signer's certificate leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Percorso {
    /// To a trusted CA, through these certificates (the signer's first, the CA's last),
    /// each valid at the time asked and none revoked.
    Fidato(Vec<Cert>),
    /// To no trusted CA.
    Sconosciuto,
    /// This certificate of the path was not valid at the time asked.
    NonValido { cert: Box<Cert> },
    /// This certificate of the path was revoked, on this date.
    Revocato { cert: Box<Cert>, il: DateTime<Utc> },
    /// The store has CRLs of this certificate's issuer, but none current at the time
    /// asked (past its nextUpdate): whether it was revoked since is not known.
    RevocaIgnota { cert: Box<Cert> },
}

impl Fiducia {
    /// The certificates of a PEM bundle (`-----BEGIN CERTIFICATE-----` blocks).
    pub fn from_pem(pem: &str) -> Result<Fiducia, FiduciaError> {
        let mut store = Fiducia::default();
        for (i, block) in pem_blocks(pem).enumerate() {
            let (label, der) =
                pem_rfc7468::decode_vec(block.as_bytes()).map_err(|_| FiduciaError::Pem(i + 1))?;
            if label != "CERTIFICATE" {
                continue;
            }
            store
                .anchors
                .push(Cert::from_der(&der).map_err(|_| FiduciaError::Certificate(i + 1))?);
        }
        Ok(store)
    }

    /// Adds a CRL (DER, or PEM `X509 CRL`). Its signature is checked when it is used,
    /// against the CA it names.
    pub fn add_crl(&mut self, bytes: &[u8]) -> Result<(), FiduciaError> {
        let der = match std::str::from_utf8(bytes) {
            Ok(text) if text.contains("-----BEGIN") => {
                pem_rfc7468::decode_vec(text.trim().as_bytes())
                    .map_err(|_| FiduciaError::Crl)?
                    .1
            }
            _ => bytes.to_vec(),
        };
        let (_, parts) = tlv::children(&der).map_err(|_| FiduciaError::Crl)?;
        let tbs = parts.first().ok_or(FiduciaError::Crl)?.to_vec();
        let parsed = CertificateList::from_der(&der).map_err(|_| FiduciaError::Crl)?;
        self.crls.push(Crl { tbs, parsed });
        Ok(())
    }

    pub fn anchors(&self) -> usize {
        self.anchors.len()
    }

    /// The path from `signer` to a trusted CA through the `carried` certificates, checked
    /// at `at`: every certificate valid then, every CA one a CA, none revoked by a CRL of
    /// the store, and, where the store has an issuer's CRLs, one of them current (a CRL
    /// packaged once and never refreshed would hide every later revocation).
    pub fn percorso(&self, signer: &Cert, carried: &[Cert], at: DateTime<Utc>) -> Percorso {
        let mut path = vec![signer.clone()];
        loop {
            let current = path.last().cloned().unwrap_or_else(|| signer.clone());
            if self.anchors.contains(&current) {
                // The signer's own certificate in the store is no CA's work.
                if path.len() == 1 {
                    return Percorso::Sconosciuto;
                }
                return self.checked(path, at);
            }
            if let Some(anchor) = self.anchors.iter().find(|a| a.issued(&current)) {
                path.push(anchor.clone());
                return self.checked(path, at);
            }
            if path.len() >= MAX_PATH {
                return Percorso::Sconosciuto;
            }
            let next = carried
                .iter()
                .find(|c| !path.contains(c) && c.is_ca() && c.issued(&current));
            match next {
                Some(ca) => path.push(ca.clone()),
                None => return Percorso::Sconosciuto,
            }
        }
    }

    /// A path to a trusted CA, checked for validity at `at` and revocation.
    fn checked(&self, path: Vec<Cert>, at: DateTime<Utc>) -> Percorso {
        if let Some(cert) = path.iter().find(|c| !c.valid_at(at)) {
            return Percorso::NonValido {
                cert: Box::new(cert.clone()),
            };
        }
        for pair in path.windows(2) {
            let (cert, issuer) = (&pair[0], &pair[1]);
            if let Some(il) = self.revoked(cert, issuer, at) {
                return Percorso::Revocato {
                    cert: Box::new(cert.clone()),
                    il,
                };
            }
        }
        for pair in path.windows(2) {
            let (cert, issuer) = (&pair[0], &pair[1]);
            let crls: Vec<&Crl> = self.crls_of(issuer).collect();
            let current = crls.iter().any(|crl| {
                crl.parsed
                    .tbs_cert_list
                    .next_update
                    .as_ref()
                    .is_none_or(|next| at <= time(next))
            });
            if !crls.is_empty() && !current {
                return Percorso::RevocaIgnota {
                    cert: Box::new(cert.clone()),
                };
            }
        }
        Percorso::Fidato(path)
    }

    /// The CRLs of the store that `issuer` signed.
    fn crls_of<'a>(&'a self, issuer: &'a Cert) -> impl Iterator<Item = &'a Crl> + 'a {
        self.crls
            .iter()
            .filter(|crl| &crl.parsed.tbs_cert_list.issuer == issuer.subject())
            .filter(|crl| {
                crl.parsed.signature.as_bytes().is_some_and(|signature| {
                    issuer
                        .verify(
                            &crl.parsed.signature_algorithm,
                            None,
                            &[&crl.tbs],
                            signature,
                        )
                        .is_ok()
                })
            })
    }

    /// When `issuer` revoked `cert`, by a CRL of the store that `issuer` signed, if it
    /// did so by `at`.
    fn revoked(&self, cert: &Cert, issuer: &Cert, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.crls_of(issuer)
            .flat_map(|crl| {
                crl.parsed
                    .tbs_cert_list
                    .revoked_certificates
                    .iter()
                    .flatten()
            })
            .filter(|entry| entry.serial_number.as_bytes() == cert.serial())
            .map(|entry| time(&entry.revocation_date))
            .find(|il| *il <= at)
    }
}

/// The `-----BEGIN …-----` … `-----END …-----` blocks of a PEM text.
fn pem_blocks(pem: &str) -> impl Iterator<Item = &str> {
    pem.match_indices("-----BEGIN ")
        .filter_map(move |(start, _)| {
            let rest = &pem[start..];
            let end_marker = rest.find("-----END ")?;
            let after = rest[end_marker + 9..].find("-----")? + end_marker + 9 + 5;
            Some(&rest[..after])
        })
}
