//! The signed contract's verification, in pure Rust so that the server decides and the
//! browser pre-checks with the same code. A file is accepted (*verificato*) only when it is
//! a qualified signature by the holder over a contract issued to him and unchanged
//! (DOMAIN.md, Lifecycle 2): his codice fiscale as issued in the certificate's
//! `TINIT-<CF>`, a certificate for non-repudiation, qualified, valid at the upload and not
//! revoked, issued under a CA of the trust store. A valid signature under another CA, a
//! PDF without a signature (a scan) or with changes after its signature goes to the
//! Fondazione's review; anything else is refused with the reason.

mod aggiornamento;
mod algoritmi;
mod ber;
mod certificato;
mod cms;
mod fiducia;
mod oggetti;
mod pdf;
mod tlv;

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::codice_fiscale::CodiceFiscale;
use crate::lifecycle::StatoContratto;
use certificato::Cert;
use cms::{CmsError, SignedData, Signer, SignerError};
use fiducia::Percorso;
pub use fiducia::{Fiducia, FiduciaError};

/// The largest signed contract accepted (a few pages of text, signed: far less).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// A `.p7m` inside a `.p7m` inside…: signers nest one per countersigning, not more.
const MAX_NESTING: usize = 4;

/// What the verification is asked: whose contract, which documents were issued to him,
/// which CAs are trusted, and when (the upload's time).
#[derive(Debug, Clone, Copy)]
pub struct Verifica<'a> {
    pub titolare: &'a CodiceFiscale,
    /// The SHA-256 of every contract PDF issued to the holder.
    pub emessi: &'a [[u8; 32]],
    pub fiducia: &'a Fiducia,
    pub al: DateTime<Utc>,
}

/// The outcome and what the verifier found, kept with the stored file.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referto {
    pub esito: Esito,
    pub formato: Formato,
    /// The signers whose signature holds, the holder first where he is one.
    pub firmatari: Vec<Firmatario>,
    /// The SHA-256 (hex) of the signed document, where it could be read.
    pub documento_sha256: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Esito {
    /// The contract is signed.
    Verificato,
    /// The Fondazione decides.
    InRevisione {
        motivo: Revisione,
    },
    Rifiutato {
        motivo: Rifiuto,
    },
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Formato {
    /// A `.p7m` (CMS SignedData with the document inside).
    Cades,
    /// A PDF with its signature inside.
    Pades,
    /// A PDF without a signature.
    Pdf,
    /// Neither.
    Altro,
}

/// A signer whose signature holds, as his certificate says.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Firmatario {
    pub nome: String,
    pub codice_fiscale: Option<String>,
    pub emittente: String,
    /// "RSA 2048, SHA-256".
    pub algoritmo: String,
    pub valido_dal: DateTime<Utc>,
    pub valido_al: DateTime<Utc>,
    /// When he says he signed.
    pub firmato_il: Option<DateTime<Utc>>,
}

/// Why a file waits for the Fondazione.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Error)]
#[serde(rename_all = "kebab-case")]
pub enum Revisione {
    #[error(
        "La firma è valida, ma il certificato è rilasciato da un certificatore che non è nell'elenco di fiducia: la Fondazione la verifica."
    )]
    CertificatoreNonInElenco,
    #[error(
        "Il PDF non contiene una firma digitale: se è il contratto firmato a mano e scansionato, la Fondazione lo verifica."
    )]
    SenzaFirmaDigitale,
    #[error(
        "Il PDF firmato è stato modificato dopo la firma: la Fondazione verifica che le modifiche non tocchino il contratto."
    )]
    ModificheDopoLaFirma,
    #[error(
        "La firma del PDF è valida: la Fondazione verifica che la firma non abbia cambiato il testo del contratto."
    )]
    FirmaPdf,
    #[error(
        "La firma è valida, ma l'elenco dei certificati revocati del certificatore non è aggiornato: la Fondazione verifica che il certificato non sia stato revocato."
    )]
    RevocaNonVerificabile,
}

/// Why a file is refused, in the words the holder reads.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Error)]
#[serde(rename_all = "kebab-case")]
pub enum Rifiuto {
    #[error("Il file supera il limite di 10 MB: carica il contratto firmato, non altri documenti.")]
    TroppoGrande,
    #[error(
        "Il file non è un documento firmato digitalmente: carica il file .p7m o il PDF firmato che il programma di firma ha creato."
    )]
    NonFirmato,
    #[error(
        "Il file firmato è danneggiato o incompleto: salvalo di nuovo dal programma di firma e ricaricalo."
    )]
    Danneggiato,
    #[error(
        "Il PDF contiene codice eseguibile o file allegati: carica il contratto come è stato scaricato, firmato."
    )]
    ContenutoAttivo,
    #[error(
        "Il documento è stato modificato dopo la firma: firma di nuovo il contratto scaricato e ricaricalo."
    )]
    Alterato,
    #[error("La firma non è valida: non corrisponde al certificato del firmatario.")]
    FirmaNonValida,
    #[error("Il file non contiene il certificato del firmatario.")]
    SenzaCertificato,
    #[error(
        "La firma usa un algoritmo che non è accettato ({algoritmo}): firma con un dispositivo di firma qualificata aggiornato."
    )]
    AlgoritmoNonAccettato { algoritmo: String },
    #[error(
        "Il certificato di firma non riporta il codice fiscale del firmatario: serve un certificato di firma qualificata personale."
    )]
    SenzaCodiceFiscale,
    #[error(
        "Il file è firmato da {firmatario} (codice fiscale {codice_fiscale}), non dal titolare della casella: deve firmarlo il titolare."
    )]
    AltroFirmatario {
        firmatario: String,
        codice_fiscale: String,
    },
    #[error(
        "Il documento firmato non è il contratto emesso per questa casella: scarica il contratto dalla tua area riservata, firmalo e ricaricalo."
    )]
    AltroDocumento,
    #[error(
        "Il certificato usato non è un certificato di firma (per esempio è quello di autenticazione della CNS): firma con il certificato di firma digitale."
    )]
    NonDiFirma,
    #[error("Il certificato di firma non è qualificato: serve una firma digitale qualificata.")]
    NonQualificato,
    #[error("Il certificato di firma è scaduto il {}.", .il.format("%d/%m/%Y"))]
    Scaduto { il: NaiveDate },
    #[error("Il certificato di firma è valido solo dal {}.", .dal.format("%d/%m/%Y"))]
    NonAncoraValido { dal: NaiveDate },
    #[error("Il certificato di {chi} è stato revocato il {}.", .il.format("%d/%m/%Y"))]
    Revocato { chi: String, il: NaiveDate },
    #[error("Il certificato del certificatore {chi} non era valido al momento del caricamento.")]
    CertificatoreNonValido { chi: String },
}

impl Esito {
    pub fn rifiutato(motivo: Rifiuto) -> Esito {
        Esito::Rifiutato { motivo }
    }

    /// Where the holder's contract stands after an upload with this outcome.
    pub fn contratto(&self) -> StatoContratto {
        match self {
            Esito::Verificato => StatoContratto::Firmato,
            Esito::InRevisione { .. } => StatoContratto::InVerifica,
            Esito::Rifiutato { .. } => StatoContratto::Respinto,
        }
    }
}

/// Verifies the uploaded `file` as `v` asks.
pub fn verifica(file: &[u8], v: &Verifica<'_>) -> Referto {
    let refused = |formato, motivo| Referto {
        esito: Esito::rifiutato(motivo),
        formato,
        firmatari: Vec::new(),
        documento_sha256: None,
    };
    if file.len() > MAX_BYTES {
        return refused(Formato::Altro, Rifiuto::TroppoGrande);
    }
    if file.starts_with(b"%PDF-") {
        return pdf::verifica(file, v);
    }
    let Some(der) = cms_bytes(file) else {
        return refused(Formato::Altro, Rifiuto::NonFirmato);
    };
    match cades(&der, 0) {
        Err(motivo) => refused(Formato::Cades, motivo),
        Ok(layers) => {
            let sha = Sha256::digest(&layers.content);
            let issued = v.emessi.iter().any(|i| i[..] == sha[..]);
            judge(
                Formato::Cades,
                &layers.signers,
                &layers.certificates,
                issued,
                Some(hex::encode(sha)),
                v,
            )
        }
    }
}

/// What the browser can tell before sending a file: the refusals that need neither the
/// trust store, nor the list of issued documents, nor a right clock (not a signature,
/// damaged, altered, a signature that does not hold, another signer, a certificate not
/// for signing). `None`: worth sending; the server decides.
pub fn precheck(file: &[u8], titolare: &CodiceFiscale, al: DateTime<Utc>) -> Option<Rifiuto> {
    let referto = verifica(
        file,
        &Verifica {
            titolare,
            emessi: &[],
            fiducia: &Fiducia::default(),
            al,
        },
    );
    match referto.esito {
        // Reached only once every other check held: the server knows the documents.
        Esito::Rifiutato {
            motivo: Rifiuto::AltroDocumento,
        } => None,
        // The issued contract's own compressed bytes are not searched, which only the
        // server, knowing them, can leave out.
        Esito::Rifiutato {
            motivo: Rifiuto::ContenutoAttivo,
        } => None,
        // Judged by the browser's clock, which may be wrong (or a few minutes behind a
        // certificate made for this very signature): the server's clock decides.
        Esito::Rifiutato {
            motivo:
                Rifiuto::Scaduto { .. }
                | Rifiuto::NonAncoraValido { .. }
                | Rifiuto::CertificatoreNonValido { .. },
        } => None,
        Esito::Rifiutato { motivo } => Some(motivo),
        _ => None,
    }
}

/// The DER of a `.p7m` as signers save it: DER or BER, PEM, or bare base64.
fn cms_bytes(file: &[u8]) -> Option<Vec<u8>> {
    if file.first() == Some(&0x30) {
        return Some(file.to_vec());
    }
    let text = std::str::from_utf8(file).ok()?;
    if text.contains("-----BEGIN") {
        let start = text.find("-----BEGIN")?;
        let (_, der) = pem_rfc7468::decode_vec(text[start..].trim().as_bytes()).ok()?;
        return Some(der);
    }
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()?;
    (der.first() == Some(&0x30)).then_some(der)
}

/// The signed document, every signer of every nesting level, and the certificates the
/// file carries (the path from a signer to his CA).
struct Layers {
    content: Vec<u8>,
    signers: Vec<Signer>,
    certificates: Vec<Cert>,
}

/// A CAdES file: the signers of this level, then those of the `.p7m` inside, if the
/// content is one.
fn cades(der: &[u8], depth: usize) -> Result<Layers, Rifiuto> {
    let normalised;
    let parsed = match parse_whole(der) {
        Ok(parsed) => parsed,
        Err(CmsError::NotSignedData) => return Err(Rifiuto::NonFirmato),
        Err(CmsError::Malformed) => {
            normalised = ber::to_der(der).map_err(|_| Rifiuto::Danneggiato)?;
            parse_whole(&normalised).map_err(|e| match e {
                CmsError::NotSignedData => Rifiuto::NonFirmato,
                CmsError::Malformed => Rifiuto::Danneggiato,
            })?
        }
    };
    let content = parsed.content.ok_or(Rifiuto::Danneggiato)?;
    let signers = holding(parsed.signers(&[content]))?;
    let inner = (depth + 1 < MAX_NESTING && content.first() == Some(&0x30))
        .then(|| cades(content, depth + 1));
    match inner {
        Some(Ok(mut layers)) => {
            layers.signers.splice(0..0, signers);
            layers.certificates.extend(parsed.certificates);
            Ok(layers)
        }
        // Content that merely starts like DER is a document, not a nested signature.
        Some(Err(Rifiuto::NonFirmato | Rifiuto::Danneggiato)) | None => Ok(Layers {
            content: content.to_vec(),
            signers,
            certificates: parsed.certificates,
        }),
        Some(Err(other)) => Err(other),
    }
}

/// A SignedData that is the whole of `der` (zero padding aside).
fn parse_whole(der: &[u8]) -> Result<SignedData<'_>, CmsError> {
    let first = tlv::first_tlv(der).map_err(|_| CmsError::Malformed)?;
    if der[first.len()..].iter().any(|b| *b != 0) {
        return Err(CmsError::Malformed);
    }
    SignedData::parse(first)
}

/// Every signer's signature must hold: one that does not is a tampered file.
fn holding(results: Vec<Result<Signer, SignerError>>) -> Result<Vec<Signer>, Rifiuto> {
    results
        .into_iter()
        .map(|r| {
            r.map_err(|e| match e {
                SignerError::Altered => Rifiuto::Alterato,
                SignerError::BadSignature | SignerError::OtherCertificate => {
                    Rifiuto::FirmaNonValida
                }
                SignerError::NoCertificate => Rifiuto::SenzaCertificato,
                SignerError::Algorithm(algoritmo) => Rifiuto::AlgoritmoNonAccettato { algoritmo },
                SignerError::WeakKey(bits) => Rifiuto::AlgoritmoNonAccettato {
                    algoritmo: format!("RSA {bits} bit"),
                },
                SignerError::Malformed => Rifiuto::Danneggiato,
            })
        })
        .collect()
}

/// The outcome for signatures that hold over a document (`issued` if it is one issued
/// to the holder): the holder among the signers, his certificate fit, its CA trusted.
fn judge(
    formato: Formato,
    signers: &[Signer],
    certificates: &[Cert],
    issued: bool,
    documento_sha256: Option<String>,
    v: &Verifica<'_>,
) -> Referto {
    let mut referto = Referto {
        esito: Esito::Verificato,
        formato,
        firmatari: Vec::new(),
        documento_sha256,
    };
    let holder = signers
        .iter()
        .position(|s| s.cert.codice_fiscale().as_deref() == Some(v.titolare.as_str()));
    let mut ordered = signers.to_vec();
    if let Some(i) = holder {
        ordered[..=i].rotate_right(1);
    }
    referto.firmatari = ordered.iter().map(firmatario).collect();
    let Some(signer) = holder.map(|_| &ordered[0]) else {
        let other = ordered
            .iter()
            .find_map(|s| s.cert.codice_fiscale().map(|cf| (s.cert.nome(), cf)));
        referto.esito = Esito::rifiutato(match other {
            Some((firmatario, codice_fiscale)) => Rifiuto::AltroFirmatario {
                firmatario,
                codice_fiscale,
            },
            None => Rifiuto::SenzaCodiceFiscale,
        });
        return referto;
    };
    referto.esito = match fitness(&signer.cert, v) {
        Err(motivo) => Esito::rifiutato(motivo),
        Ok(()) if !issued => Esito::rifiutato(Rifiuto::AltroDocumento),
        Ok(()) => trust(&signer.cert, certificates, v),
    };
    referto
}

/// The holder's certificate is one for signatures with legal value, valid at the upload.
fn fitness(cert: &Cert, v: &Verifica<'_>) -> Result<(), Rifiuto> {
    if !cert.for_non_repudiation() {
        return Err(Rifiuto::NonDiFirma);
    }
    if v.al < cert.not_before() {
        return Err(Rifiuto::NonAncoraValido {
            dal: cert.not_before().date_naive(),
        });
    }
    if v.al > cert.not_after() {
        return Err(Rifiuto::Scaduto {
            il: cert.not_after().date_naive(),
        });
    }
    Ok(())
}

/// Where the holder's certificate leads: a trusted CA (then it must be qualified), none
/// or one whose revocations are not known now (review), or a CA certificate not valid or
/// a revocation (refused).
fn trust(cert: &Cert, carried: &[Cert], v: &Verifica<'_>) -> Esito {
    match v.fiducia.percorso(cert, carried, v.al) {
        Percorso::Fidato(_) if cert.qualified() => Esito::Verificato,
        Percorso::Fidato(_) => Esito::rifiutato(Rifiuto::NonQualificato),
        Percorso::Sconosciuto => Esito::InRevisione {
            motivo: Revisione::CertificatoreNonInElenco,
        },
        Percorso::NonValido { cert: ca } => {
            Esito::rifiutato(Rifiuto::CertificatoreNonValido { chi: ca.nome() })
        }
        Percorso::Revocato { cert: revoked, il } => Esito::rifiutato(Rifiuto::Revocato {
            chi: if *revoked == *cert {
                "firma".to_owned()
            } else {
                format!("certificazione {}", revoked.nome())
            },
            il: il.date_naive(),
        }),
        Percorso::RevocaIgnota { .. } if !cert.qualified() => {
            Esito::rifiutato(Rifiuto::NonQualificato)
        }
        Percorso::RevocaIgnota { .. } => Esito::InRevisione {
            motivo: Revisione::RevocaNonVerificabile,
        },
    }
}

fn firmatario(signer: &Signer) -> Firmatario {
    Firmatario {
        nome: signer.cert.nome(),
        codice_fiscale: signer.cert.codice_fiscale(),
        emittente: signer.cert.emittente(),
        algoritmo: format!(
            "{}, {}",
            signer.cert.key_description(),
            signer.digest.nome()
        ),
        valido_dal: signer.cert.not_before(),
        valido_al: signer.cert.not_after(),
        firmato_il: signer.signing_time,
    }
}
