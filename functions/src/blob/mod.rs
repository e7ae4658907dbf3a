//! Files kept beside the table: the contracts issued and the signed ones uploaded. The
//! browser sends an upload straight to the store, through a URL that allows one PUT of
//! exactly the declared size and SHA-256 for a few minutes (S3's presigned PUT on AWS,
//! an HMAC-signed URL of the local server here); the API then reads what was stored.

pub mod local;
pub mod memory;
pub mod s3;

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum BlobError {
    #[error("the file store is not configured here")]
    NotConfigured,
    #[error("the stored file is larger than {0} bytes")]
    TooLarge(usize),
    #[error("file store: {0}")]
    Io(String),
}

/// Where and how the browser sends a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadUrl {
    pub url: String,
    /// Headers the PUT must carry as they are.
    pub headers: Vec<(String, String)>,
}

#[async_trait]
pub trait BlobStore: Send + Sync {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError>;
    /// The file at `key`, refused if larger than `max` bytes.
    async fn get(&self, key: &str, max: usize) -> Result<Option<Vec<u8>>, BlobError>;
    /// A URL for one PUT of `size` bytes whose SHA-256 is `sha256` (hex) to `key`, valid
    /// for `ttl` from `now`.
    async fn upload_url(
        &self,
        key: &str,
        size: u64,
        sha256: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<UploadUrl, BlobError>;
}

/// No file store (a deployment not configured for contracts): every use says so.
#[derive(Debug, Default)]
pub struct Unconfigured;

#[async_trait]
impl BlobStore for Unconfigured {
    async fn put(&self, _: &str, _: Vec<u8>, _: &str) -> Result<(), BlobError> {
        Err(BlobError::NotConfigured)
    }

    async fn get(&self, _: &str, _: usize) -> Result<Option<Vec<u8>>, BlobError> {
        Err(BlobError::NotConfigured)
    }

    async fn upload_url(
        &self,
        _: &str,
        _: u64,
        _: &str,
        _: Duration,
        _: DateTime<Utc>,
    ) -> Result<UploadUrl, BlobError> {
        Err(BlobError::NotConfigured)
    }
}

/// A key the stores accept: letters, digits and `/_.-`, no empty or dot segment.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 512
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_.-".contains(&b))
        && key
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}

#[cfg(test)]
mod tests {
    use super::valid_key;

    #[test]
    fn keys_cannot_leave_the_store() {
        assert!(valid_key("contratti/RSSMRA85T10A562S/firmati/ab12.p7m"));
        for bad in [
            "", "../x", "a/../b", "/abs", "a//b", "a/./b", "a b", "a\\b", "é",
        ] {
            assert!(!valid_key(bad), "{bad}");
        }
    }
}
