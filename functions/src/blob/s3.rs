//! Files in the contracts bucket (private, encrypted by KMS, versioned: the SAM template).
//! The browser's upload is a presigned PUT whose signature covers the declared size and
//! SHA-256 (`x-amz-checksum-sha256`): S3 refuses any other body.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use base64::Engine;
use chrono::{DateTime, Utc};

use super::{BlobError, BlobStore, UploadUrl, valid_key};

pub struct S3Blobs {
    client: Client,
    bucket: String,
}

impl S3Blobs {
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
        }
    }

    fn key<'a>(&self, key: &'a str) -> Result<&'a str, BlobError> {
        if valid_key(key) {
            Ok(key)
        } else {
            Err(BlobError::Io(format!("invalid key {key:?}")))
        }
    }
}

fn io(err: impl std::fmt::Display) -> BlobError {
    BlobError::Io(err.to_string())
}

#[async_trait]
impl BlobStore for S3Blobs {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(self.key(key)?)
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(|e| io(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(())
    }

    async fn get(&self, key: &str, max: usize) -> Result<Option<Vec<u8>>, BlobError> {
        let head = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(self.key(key)?)
            .send()
            .await;
        let head = match head {
            Ok(head) => head,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => return Ok(None),
            Err(e) => return Err(io(aws_sdk_s3::error::DisplayErrorContext(e))),
        };
        if head.content_length().unwrap_or(0) as u64 > max as u64 {
            return Err(BlobError::TooLarge(max));
        }
        let object = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| io(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        let bytes = object.body.collect().await.map_err(io)?.into_bytes();
        if bytes.len() > max {
            return Err(BlobError::TooLarge(max));
        }
        Ok(Some(bytes.to_vec()))
    }

    async fn upload_url(
        &self,
        key: &str,
        size: u64,
        sha256: &str,
        ttl: Duration,
        _now: DateTime<Utc>,
    ) -> Result<UploadUrl, BlobError> {
        let digest = hex::decode(sha256).map_err(io)?;
        let checksum = base64::engine::general_purpose::STANDARD.encode(digest);
        let presigned = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(self.key(key)?)
            .content_length(i64::try_from(size).map_err(io)?)
            .content_type("application/octet-stream")
            .checksum_sha256(checksum)
            .presigned(PresigningConfig::expires_in(ttl).map_err(io)?)
            .await
            .map_err(|e| io(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(UploadUrl {
            url: presigned.uri().to_owned(),
            // Content-Length is the browser's to send (fetch computes it from the body).
            headers: presigned
                .headers()
                .filter(|(name, _)| !name.eq_ignore_ascii_case("content-length"))
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect(),
        })
    }
}
