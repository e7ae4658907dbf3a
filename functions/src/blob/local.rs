//! Files in a folder (`PEC_DATA_DIR/files`), uploaded through the local server's own
//! signed URLs: `PUT /api/local/files/{key}?size=…&sha256=…&expires=…&signature=…`, the
//! signature an HMAC-SHA256 of the rest with a key kept in the data folder. Like S3's
//! presigned PUT, the URL allows one size and one content, for a few minutes. Like the
//! contracts bucket (KMS), files are encrypted at rest: AES-256-GCM with a key derived
//! from the same secret, a random nonce per file, the file's key as associated data (a
//! file moved under another name does not open).

use std::path::{Path, PathBuf};
use std::time::Duration;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::{BlobError, BlobStore, UploadUrl, valid_key};

/// Where the local server receives uploads.
pub const UPLOAD_PATH: &str = "/api/local/files";

/// What an encrypted file starts with, then its nonce, then the ciphertext and its tag.
const MAGIC: &[u8] = b"PECENC1\0";
const NONCE: usize = 12;
const TAG: usize = 16;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LocalUploadError {
    #[error("l'indirizzo di caricamento non è valido")]
    BadSignature,
    #[error("l'indirizzo di caricamento è scaduto")]
    Expired,
    #[error("il file non è quello dichiarato")]
    NotDeclared,
}

/// An upload URL's query.
#[derive(Debug, Deserialize)]
pub struct Signed {
    pub size: u64,
    pub sha256: String,
    pub expires: i64,
    pub signature: String,
}

pub struct LocalBlobs {
    root: PathBuf,
    secret: Vec<u8>,
    cipher: Aes256Gcm,
}

impl LocalBlobs {
    /// The files under `root`, the URL key in `secret_file` (made on first use).
    pub fn open(root: &Path, secret_file: &Path) -> std::io::Result<LocalBlobs> {
        std::fs::create_dir_all(root)?;
        let secret = crate::auth::local::load_or_create_secret(secret_file)?;
        // Its own key for encryption, not the URLs' one.
        let mut derive = <Hmac<Sha256> as Mac>::new_from_slice(&secret).expect("any key length");
        derive.update(b"pec-ingegneri: files at rest");
        let cipher = Aes256Gcm::new(&derive.finalize().into_bytes());
        Ok(LocalBlobs {
            root: root.to_owned(),
            secret,
            cipher,
        })
    }

    fn seal(&self, key: &str, plain: &[u8]) -> Result<Vec<u8>, BlobError> {
        let nonce: [u8; NONCE] = rand::random();
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: key.as_bytes(),
                },
            )
            .map_err(|_| BlobError::Io("encryption failed".into()))?;
        Ok([MAGIC, &nonce, &sealed].concat())
    }

    fn open_sealed(&self, key: &str, file: &[u8]) -> Result<Vec<u8>, BlobError> {
        // A file written before files were encrypted (an older data folder) reads as is.
        let Some(sealed) = file.strip_prefix(MAGIC) else {
            return Ok(file.to_vec());
        };
        if sealed.len() < NONCE + TAG {
            return Err(BlobError::Io(format!("{key} is cut short")));
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE);
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: key.as_bytes(),
                },
            )
            .map_err(|_| BlobError::Io(format!("{key} does not decrypt")))
    }

    fn path(&self, key: &str) -> Result<PathBuf, BlobError> {
        if !valid_key(key) {
            return Err(BlobError::Io(format!("invalid key {key:?}")));
        }
        Ok(self.root.join(key))
    }

    /// The MAC of what an upload URL allows.
    fn mac(&self, key: &str, size: u64, sha256: &str, expires: i64) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.secret).expect("any key length");
        mac.update(format!("PUT\n{key}\n{size}\n{sha256}\n{expires}").as_bytes());
        mac
    }

    /// Stores `body` at `key` if the URL's signature holds, it has not expired, and the
    /// body is the size and content it names.
    pub async fn accept(
        &self,
        key: &str,
        signed: &Signed,
        body: Vec<u8>,
        now: DateTime<Utc>,
    ) -> Result<(), AcceptError> {
        let given = hex::decode(&signed.signature).map_err(|_| LocalUploadError::BadSignature)?;
        // Compared in constant time.
        self.mac(key, signed.size, &signed.sha256, signed.expires)
            .verify_slice(&given)
            .map_err(|_| LocalUploadError::BadSignature)?;
        if now.timestamp() > signed.expires {
            return Err(LocalUploadError::Expired.into());
        }
        if body.len() as u64 != signed.size || hex::encode(Sha256::digest(&body)) != signed.sha256 {
            return Err(LocalUploadError::NotDeclared.into());
        }
        self.put(key, body, "application/octet-stream").await?;
        Ok(())
    }
}

/// Why an upload to the local store was not kept.
#[derive(Debug, Error)]
pub enum AcceptError {
    #[error(transparent)]
    Refused(#[from] LocalUploadError),
    #[error(transparent)]
    Store(#[from] BlobError),
}

#[async_trait]
impl BlobStore for LocalBlobs {
    async fn put(&self, key: &str, bytes: Vec<u8>, _: &str) -> Result<(), BlobError> {
        let path = self.path(key)?;
        let bytes = self.seal(key, &bytes)?;
        tokio::task::spawn_blocking(move || {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            // Written whole or not at all.
            let partial = path.with_extension("partial");
            std::fs::write(&partial, bytes)?;
            std::fs::rename(&partial, &path)
        })
        .await
        .map_err(|e| BlobError::Io(e.to_string()))?
        .map_err(|e| BlobError::Io(e.to_string()))
    }

    async fn get(&self, key: &str, max: usize) -> Result<Option<Vec<u8>>, BlobError> {
        let path = self.path(key)?;
        let overhead = (MAGIC.len() + NONCE + TAG) as u64;
        match tokio::fs::metadata(&path).await {
            Ok(meta) if meta.len() > max as u64 + overhead => Err(BlobError::TooLarge(max)),
            Ok(_) => {
                let file = tokio::fs::read(&path)
                    .await
                    .map_err(|e| BlobError::Io(e.to_string()))?;
                self.open_sealed(key, &file).map(Some)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(BlobError::Io(e.to_string())),
        }
    }

    async fn upload_url(
        &self,
        key: &str,
        size: u64,
        sha256: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<UploadUrl, BlobError> {
        self.path(key)?;
        let expires = now.timestamp() + ttl.as_secs() as i64;
        let signature = hex::encode(self.mac(key, size, sha256, expires).finalize().into_bytes());
        Ok(UploadUrl {
            url: format!(
                "{UPLOAD_PATH}/{key}?size={size}&sha256={sha256}&expires={expires}&signature={signature}"
            ),
            headers: vec![("Content-Type".into(), "application/octet-stream".into())],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blobs(name: &str) -> (LocalBlobs, PathBuf) {
        let dir = std::env::temp_dir().join(format!("pec-blobs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let blobs = LocalBlobs::open(&dir.join("files"), &dir.join("files-key")).unwrap();
        (blobs, dir)
    }

    fn query(url: &str) -> Signed {
        serde_urlencoded::from_str(url.split_once('?').unwrap().1).unwrap()
    }

    #[tokio::test]
    async fn a_signed_url_takes_one_size_one_content_until_it_expires() {
        let (blobs, dir) = blobs("url");
        let now = Utc::now();
        let body = b"contratto firmato".to_vec();
        let sha = hex::encode(Sha256::digest(&body));
        let key = "contratti/X/firmati/a.p7m";
        let url = blobs
            .upload_url(key, body.len() as u64, &sha, Duration::from_secs(600), now)
            .await
            .unwrap();
        let signed = query(&url.url);
        let refused = |r: Result<(), AcceptError>| match r {
            Err(AcceptError::Refused(e)) => Some(e),
            _ => None,
        };
        // Another content of the same size, a bigger one, a forged signature, too late.
        let other = b"contratto FIRMATO".to_vec();
        assert_eq!(
            refused(blobs.accept(key, &signed, other, now).await),
            Some(LocalUploadError::NotDeclared)
        );
        let bigger = [&body[..], b"!"].concat();
        assert_eq!(
            refused(blobs.accept(key, &signed, bigger, now).await),
            Some(LocalUploadError::NotDeclared)
        );
        let forged = Signed {
            size: signed.size + 1,
            ..query(&url.url)
        };
        assert_eq!(
            refused(blobs.accept(key, &forged, body.clone(), now).await),
            Some(LocalUploadError::BadSignature)
        );
        assert_eq!(
            refused(
                blobs
                    .accept("contratti/Y/firmati/a.p7m", &signed, body.clone(), now)
                    .await
            ),
            Some(LocalUploadError::BadSignature)
        );
        let late = now + chrono::Duration::seconds(601);
        assert_eq!(
            refused(blobs.accept(key, &signed, body.clone(), late).await),
            Some(LocalUploadError::Expired)
        );
        assert_eq!(blobs.get(key, 1000).await.unwrap(), None);

        blobs.accept(key, &signed, body.clone(), now).await.unwrap();
        assert_eq!(blobs.get(key, 1000).await.unwrap(), Some(body.clone()));
        assert!(matches!(
            blobs.get(key, 3).await,
            Err(BlobError::TooLarge(3))
        ));
        // Encrypted at rest, and only under its own name.
        let on_disk = std::fs::read(dir.join("files").join(key)).unwrap();
        assert!(!on_disk.windows(body.len()).any(|w| w == body.as_slice()));
        let moved = "contratti/Y/firmati/a.p7m";
        std::fs::create_dir_all(dir.join("files/contratti/Y/firmati")).unwrap();
        std::fs::write(dir.join("files").join(moved), &on_disk).unwrap();
        assert!(matches!(
            blobs.get(moved, 1000).await,
            Err(BlobError::Io(_))
        ));
        let _ = std::fs::remove_dir_all(dir);
    }
}
