//! Files in memory, for tests.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{BlobError, BlobStore, UploadUrl};

#[derive(Debug, Default)]
pub struct MemoryBlobs {
    files: Mutex<HashMap<String, Vec<u8>>>,
}

#[async_trait]
impl BlobStore for MemoryBlobs {
    async fn put(&self, key: &str, bytes: Vec<u8>, _: &str) -> Result<(), BlobError> {
        self.files
            .lock()
            .map_err(|_| BlobError::Io("poisoned".into()))?
            .insert(key.to_owned(), bytes);
        Ok(())
    }

    async fn get(&self, key: &str, max: usize) -> Result<Option<Vec<u8>>, BlobError> {
        let files = self
            .files
            .lock()
            .map_err(|_| BlobError::Io("poisoned".into()))?;
        match files.get(key) {
            Some(bytes) if bytes.len() > max => Err(BlobError::TooLarge(max)),
            other => Ok(other.cloned()),
        }
    }

    async fn upload_url(
        &self,
        key: &str,
        size: u64,
        sha256: &str,
        _: Duration,
        _: DateTime<Utc>,
    ) -> Result<UploadUrl, BlobError> {
        Ok(UploadUrl {
            url: format!("memory://{key}?size={size}&sha256={sha256}"),
            headers: Vec::new(),
        })
    }
}
