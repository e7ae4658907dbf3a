//! Files in the contracts bucket (private, encrypted by KMS, versioned: the SAM template).
//! The browser's upload is a presigned PUT whose signature covers the declared size and
//! SHA-256 (`x-amz-checksum-sha256`): S3 refuses any other body.
//!
//! S3's REST API, not the SDK's client: each request is a URL that rusty-s3 signs (SigV4 in
//! the query, no I/O), sent on hyper with the SDK client's trust (`aws::tls`). The SDK's
//! S3 client and crc-fast's tables, for checksums this store does not use (the function's
//! own PUTs carry their SHA-256, which S3 checks), were a fifth of the documents'
//! function zip.

use std::time::Duration;

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use axum::body::Bytes;
use base64::Engine;
use chrono::{DateTime, Utc};
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use sha2::{Digest, Sha256};

use super::{BlobError, BlobStore, UploadUrl, valid_key};

/// How long the function's own requests stay signed: long enough for their retries.
const SIGNED_FOR: Duration = Duration::from_secs(60);
/// A request's whole time, from its connection to the last byte of its answer: a file
/// of a few MB from inside the region, well within the API's 29 seconds.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);
/// Tries of a request that failed to connect or that S3 answered busy (500, 503): its
/// reads and its PUTs of the same bytes at the same key are idempotent.
const ATTEMPTS: u32 = 3;

pub struct S3Blobs {
    bucket: Bucket,
    credentials: SharedCredentialsProvider,
    http: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl S3Blobs {
    /// `bucket` in the configuration's region and with its credentials: on S3's regional
    /// endpoint by the bucket's host name, or path-style on the configuration's endpoint
    /// (`AWS_ENDPOINT_URL`: moto in the tests).
    pub fn new(config: &SdkConfig, bucket: &str) -> Result<Self, BlobError> {
        let region = config
            .region()
            .ok_or_else(|| BlobError::Io("no AWS region is configured".into()))?
            .to_string();
        let credentials = config
            .credentials_provider()
            .ok_or_else(|| BlobError::Io("no AWS credentials are configured".into()))?;
        let (endpoint, style) = match config.endpoint_url() {
            Some(url) => (url.to_owned(), UrlStyle::Path),
            None => (
                format!("https://s3.{region}.amazonaws.com"),
                UrlStyle::VirtualHost,
            ),
        };
        let endpoint = endpoint.parse().map_err(io)?;
        let bucket = Bucket::new(endpoint, style, bucket.to_owned(), region).map_err(io)?;
        let mut connector = HttpConnector::new();
        connector.enforce_http(false);
        connector.set_connect_timeout(Some(CONNECT_TIMEOUT));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(crate::aws::tls())
            .https_or_http()
            .enable_http1()
            .wrap_connector(connector);
        Ok(Self {
            bucket,
            credentials,
            http: Client::builder(TokioExecutor::new()).build(https),
        })
    }

    fn key<'a>(&self, key: &'a str) -> Result<&'a str, BlobError> {
        if valid_key(key) {
            Ok(key)
        } else {
            Err(BlobError::Io(format!("invalid key {key:?}")))
        }
    }

    /// The credentials of this moment (the provider's: Lambda's role session).
    async fn credentials(&self) -> Result<Credentials, BlobError> {
        let credentials = self.credentials.provide_credentials().await.map_err(io)?;
        let (key, secret) = (credentials.access_key_id(), credentials.secret_access_key());
        Ok(match credentials.session_token() {
            Some(token) => Credentials::new_with_token(key, secret, token),
            None => Credentials::new(key, secret),
        })
    }

    /// `action` with `headers` signed, sent with them and `body`, tried again while it
    /// fails to connect or S3 is busy; the answer whatever its status.
    async fn send<'a, A: S3Action<'a>>(
        &self,
        action: A,
        headers: &[(&'static str, String)],
        body: Bytes,
    ) -> Result<Response<Incoming>, BlobError> {
        let url = signed(action, headers, SIGNED_FOR);
        let mut attempt = 1;
        loop {
            let mut request = Request::builder()
                .method(A::METHOD.to_str())
                .uri(url.as_str());
            for (name, value) in headers {
                request = request.header(*name, value);
            }
            let request = request.body(Full::new(body.clone())).map_err(io)?;
            let sent = tokio::time::timeout(REQUEST_TIMEOUT, self.http.request(request)).await;
            let retry = match &sent {
                Ok(Ok(response)) => matches!(
                    response.status(),
                    StatusCode::INTERNAL_SERVER_ERROR | StatusCode::SERVICE_UNAVAILABLE
                ),
                Ok(Err(failed)) => failed.is_connect(),
                Err(_) => false,
            };
            if !retry || attempt == ATTEMPTS {
                return match sent {
                    Ok(Ok(response)) => Ok(response),
                    Ok(Err(failed)) => Err(io(failed)),
                    Err(_) => Err(BlobError::Io("S3 did not answer in time".into())),
                };
            }
            tracing::warn!(attempt, "S3 busy or unreachable: trying again");
            tokio::time::sleep(Duration::from_millis(100 * 4u64.pow(attempt - 1))).await;
            attempt += 1;
        }
    }
}

/// The URL of `action`, signed for `ttl` with `headers`, which its request must carry.
fn signed<'a>(
    mut action: impl S3Action<'a>,
    headers: &[(&'static str, String)],
    ttl: Duration,
) -> url::Url {
    for (name, value) in headers {
        action.headers_mut().insert(*name, value.clone());
    }
    action.sign(ttl)
}

fn io(err: impl std::fmt::Display) -> BlobError {
    BlobError::Io(err.to_string())
}

/// An answer S3 refused with: its status and the start of its body (S3's error XML).
async fn refused(response: Response<Incoming>) -> BlobError {
    let status = response.status();
    let body = Limited::new(response.into_body(), 1024)
        .collect()
        .await
        .map(|body| String::from_utf8_lossy(&body.to_bytes()).into_owned())
        .unwrap_or_default();
    BlobError::Io(format!("S3 answered {status}: {body}"))
}

#[async_trait]
impl BlobStore for S3Blobs {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        let credentials = self.credentials().await?;
        let checksum = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&bytes));
        let headers = [
            ("content-type", content_type.to_owned()),
            ("x-amz-checksum-sha256", checksum),
        ];
        let action = self.bucket.put_object(Some(&credentials), self.key(key)?);
        let response = self.send(action, &headers, Bytes::from(bytes)).await?;
        if !response.status().is_success() {
            return Err(refused(response).await);
        }
        Ok(())
    }

    async fn get(&self, key: &str, max: usize) -> Result<Option<Vec<u8>>, BlobError> {
        let credentials = self.credentials().await?;
        let action = self.bucket.get_object(Some(&credentials), self.key(key)?);
        let response = self.send(action, &[], Bytes::new()).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(refused(response).await);
        }
        // Refused before reading when S3 says the size, cut at `max` otherwise.
        let declared = response
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|length| length.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|length| length > max as u64) {
            return Err(BlobError::TooLarge(max));
        }
        let body = Limited::new(response.into_body(), max)
            .collect()
            .await
            .map_err(
                |err| match err.downcast::<http_body_util::LengthLimitError>() {
                    Ok(_) => BlobError::TooLarge(max),
                    Err(err) => io(err),
                },
            )?;
        Ok(Some(body.to_bytes().to_vec()))
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
        let headers = [
            ("content-length", size.to_string()),
            ("content-type", "application/octet-stream".to_owned()),
            (
                "x-amz-checksum-sha256",
                base64::engine::general_purpose::STANDARD.encode(digest),
            ),
        ];
        let credentials = self.credentials().await?;
        let action = self.bucket.put_object(Some(&credentials), self.key(key)?);
        Ok(UploadUrl {
            url: signed(action, &headers, ttl).to_string(),
            // Content-Length is the browser's to send (fetch computes it from the body).
            headers: headers
                .into_iter()
                .filter(|(name, _)| *name != "content-length")
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        })
    }
}
