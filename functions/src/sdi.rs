//! The Sistema di Interscambio (SdI), where every e-invoice goes: a port, because the
//! channel (a certified intermediary, an SDICoop web service) is the Fondazione's to
//! choose. [`SandboxSdi`] keeps each file sent in the file store under `sdi/` and answers
//! with an id, as the SdI answers with its `IdentificativoSdI`; sending the same file again
//! is the same delivery.

use std::sync::Arc;

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::blob::{BlobError, BlobStore};

#[derive(Debug, Error)]
pub enum SdiError {
    #[error("il Sistema di Interscambio non è raggiungibile: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait Sdi: Send + Sync {
    /// Sends the invoice file `nome_file`; the SdI's id of the delivery.
    async fn invia(&self, nome_file: &str, xml: &[u8]) -> Result<String, SdiError>;
}

/// No channel to the SdI configured (AWS, until the Fondazione's intermediary is wired):
/// nothing is marked sent.
pub struct Unconfigured;

#[async_trait]
impl Sdi for Unconfigured {
    async fn invia(&self, _: &str, _: &[u8]) -> Result<String, SdiError> {
        Err(SdiError::Unavailable(
            "nessun canale verso il SdI è configurato su questo ambiente".into(),
        ))
    }
}

/// Keeps what it is sent in the file store.
pub struct SandboxSdi {
    files: Arc<dyn BlobStore>,
}

impl SandboxSdi {
    pub fn new(files: Arc<dyn BlobStore>) -> Self {
        Self { files }
    }
}

#[async_trait]
impl Sdi for SandboxSdi {
    async fn invia(&self, nome_file: &str, xml: &[u8]) -> Result<String, SdiError> {
        self.files
            .put(&format!("sdi/{nome_file}"), xml.to_vec(), "application/xml")
            .await
            .map_err(|e: BlobError| SdiError::Unavailable(e.to_string()))?;
        // The same file is the same delivery: its id comes from its content.
        Ok(format!(
            "SANDBOX-{}",
            &hex::encode(Sha256::digest(xml))[..12]
        ))
    }
}
