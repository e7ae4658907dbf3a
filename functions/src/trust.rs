//! The trust store a contract's signature must lead to: the Italian qualified CAs as a
//! PEM bundle the Fondazione keeps (`PEC_TRUST_STORE`), and the CRLs in a folder beside
//! it (`PEC_TRUST_CRLS`, DER or PEM files). Without a bundle no CA is trusted, and every
//! valid signature goes to the Fondazione's review.

use std::path::{Path, PathBuf};

use shared::firma::{Fiducia, FiduciaError};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum TrustError {
    #[error("reading the trust store {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the trust store {path}: {source}")]
    Invalid { path: PathBuf, source: FiduciaError },
}

/// The store named by the environment; locally `PEC_DATA_DIR/fiducia.pem` and
/// `PEC_DATA_DIR/crl/` when the variables are not set and the files exist.
pub fn load(data_dir: &Path) -> Result<Fiducia, TrustError> {
    let bundle = std::env::var_os("PEC_TRUST_STORE")
        .map(PathBuf::from)
        .unwrap_or_else(|| data_dir.join("fiducia.pem"));
    let crls = std::env::var_os("PEC_TRUST_CRLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| data_dir.join("crl"));
    from_files(&bundle, &crls)
}

/// The CAs of `bundle` (none if it does not exist) and the CRLs in `crls`.
pub fn from_files(bundle: &Path, crls: &Path) -> Result<Fiducia, TrustError> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|source| TrustError::Read {
            path: path.to_owned(),
            source,
        })
    };
    let mut store = if bundle.exists() {
        let pem = String::from_utf8_lossy(&read(bundle)?).into_owned();
        Fiducia::from_pem(&pem).map_err(|source| TrustError::Invalid {
            path: bundle.to_owned(),
            source,
        })?
    } else {
        Fiducia::default()
    };
    if let Ok(entries) = std::fs::read_dir(crls) {
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for file in files.into_iter().filter(|f| f.is_file()) {
            store
                .add_crl(&read(&file)?)
                .map_err(|source| TrustError::Invalid { path: file, source })?;
        }
    }
    tracing::info!(cas = store.anchors(), "trust store loaded");
    Ok(store)
}
