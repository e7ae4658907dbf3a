//! The documents people send without an account (an identity document, a death
//! certificate), filed under the codice fiscale of the person the request is about. The
//! browser PUTs one straight to the file store through a URL for its size and SHA-256;
//! the request then names it and the server reads it, recognising it by content.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use shared::api::{DocumentoDaInviare, DocumentoPronto, Intestazione};
use shared::codice_fiscale::{CodiceFiscale, CodiceFiscaleError};
use shared::documento::{DOCUMENTO_MAX_BYTES, Documento, TipoDocumento};
use thiserror::Error;

use crate::blob::{BlobError, BlobStore};

/// How long the URL for sending a document lasts.
const UPLOAD_WINDOW: std::time::Duration = std::time::Duration::from_secs(600);

#[derive(Debug, Error)]
pub enum DocumentoError {
    #[error(transparent)]
    CodiceFiscale(#[from] CodiceFiscaleError),
    #[error("Allega il documento prima di inviare la richiesta.")]
    Missing,
    #[error("Il file del documento è vuoto.")]
    Empty,
    #[error(
        "Il documento supera gli {} MB: invia una scansione o una foto più leggera.",
        DOCUMENTO_MAX_BYTES / 1024 / 1024
    )]
    TooLarge,
    #[error("Il documento non è arrivato: allegalo di nuovo.")]
    NotArrived,
    #[error("Il documento deve essere un PDF o una foto JPEG o PNG.")]
    NotADocument,
    #[error(transparent)]
    Blob(#[from] BlobError),
}

/// A SHA-256 as the API takes it: 64 hex digits, any case.
pub fn sha256_of(text: &str) -> Result<String, DocumentoError> {
    let sha256 = text.trim().to_ascii_lowercase();
    if sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(sha256)
    } else {
        Err(DocumentoError::Missing)
    }
}

fn file(cf: &CodiceFiscale, sha256: &str) -> String {
    format!("documenti/{cf}/{sha256}")
}

/// Where the browser sends a document about the person with `request.codice_fiscale`.
pub async fn prepare(
    blobs: &dyn BlobStore,
    request: &DocumentoDaInviare,
    now: DateTime<Utc>,
) -> Result<DocumentoPronto, DocumentoError> {
    let cf = CodiceFiscale::parse(&request.codice_fiscale)?;
    let sha256 = sha256_of(&request.sha256)?;
    match request.dimensione {
        0 => return Err(DocumentoError::Empty),
        n if n > DOCUMENTO_MAX_BYTES as u64 => return Err(DocumentoError::TooLarge),
        _ => {}
    }
    let url = blobs
        .upload_url(
            &file(&cf, &sha256),
            request.dimensione,
            &sha256,
            UPLOAD_WINDOW,
            now,
        )
        .await?;
    Ok(DocumentoPronto {
        sha256,
        url: url.url,
        intestazioni: url
            .headers
            .into_iter()
            .map(|(nome, valore)| Intestazione { nome, valore })
            .collect(),
    })
}

/// The document sent about `cf` with content `sha256` (as the request names it), checked
/// by content: a PDF, a JPEG or a PNG.
pub async fn received(
    blobs: &dyn BlobStore,
    cf: &CodiceFiscale,
    sha256: &str,
) -> Result<Documento, DocumentoError> {
    let sha256 = sha256_of(sha256)?;
    let bytes = match blobs.get(&file(cf, &sha256), DOCUMENTO_MAX_BYTES).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(DocumentoError::NotArrived),
        Err(BlobError::TooLarge(_)) => return Err(DocumentoError::TooLarge),
        Err(e) => return Err(e.into()),
    };
    if hex::encode(Sha256::digest(&bytes)) != sha256 {
        return Err(DocumentoError::NotArrived);
    }
    let tipo = TipoDocumento::riconosci(&bytes).ok_or(DocumentoError::NotADocument)?;
    Ok(Documento {
        sha256,
        dimensione: bytes.len() as u64,
        tipo,
    })
}

/// The bytes of `documento`, filed about `cf`, if the store still has them.
pub async fn read(
    blobs: &dyn BlobStore,
    cf: &CodiceFiscale,
    documento: &Documento,
) -> Result<Option<Vec<u8>>, BlobError> {
    blobs
        .get(&file(cf, &documento.sha256), DOCUMENTO_MAX_BYTES)
        .await
}
