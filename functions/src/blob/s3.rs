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
use base64::engine::general_purpose::STANDARD as BASE64;
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
use tokio::time::{Instant, timeout_at};

use super::{BlobError, BlobStore, UploadUrl, valid_key};

/// How long the function's own requests stay signed: long enough for their retries.
const SIGNED_FOR: Duration = Duration::from_secs(60);
/// An operation's whole time, its retries included, from the first connection to the
/// last byte of the answer: a file of a few MB from inside the region, well within the
/// API's 29 seconds. hyper has no read timeout: a connection gone silent mid-answer ends
/// here, not at the function's own timeout.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);
/// Pooled connections are dropped sooner than S3 closes idle ones, so that a request
/// after a pause (a frozen function) seldom meets a closed connection.
const POOL_IDLE: Duration = Duration::from_secs(15);
/// Tries of a request that failed on its way (a closed pooled connection, a reset, no
/// connection) or that S3 answered busy (500, 503): its reads and its PUTs of the same
/// bytes at the same key are idempotent.
const ATTEMPTS: u32 = 3;
/// How much of a refusal's body the error keeps: S3's error XML, whose
/// `SignatureDoesNotMatch` carries the string it signed.
const REFUSAL_KEPT: usize = 8 * 1024;

pub struct S3Blobs {
    bucket: Bucket,
    credentials: SharedCredentialsProvider,
    http: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl S3Blobs {
    /// `bucket` in the configuration's region and with its credentials: on S3's regional
    /// endpoint by the bucket's host name (path-style for a name with dots, which S3's
    /// certificate, `*.s3.{region}.amazonaws.com`, does not cover), or path-style on the
    /// configuration's endpoint (`AWS_ENDPOINT_URL`: moto in the tests). The endpoint is
    /// the partition `aws`'s: the template deploys to eu-south-1.
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
                if bucket.contains('.') {
                    UrlStyle::Path
                } else {
                    UrlStyle::VirtualHost
                },
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
            http: Client::builder(TokioExecutor::new())
                .pool_idle_timeout(POOL_IDLE)
                .build(https),
        })
    }

    fn key<'a>(&self, key: &'a str) -> Result<&'a str, BlobError> {
        if valid_key(key) {
            Ok(key)
        } else {
            Err(BlobError::Io(format!("invalid key {key:?}")))
        }
    }

    /// The credentials of this moment: Lambda's role session, read from the environment
    /// (`aws::defaults`), so asking at each request costs no call. A URL signed with them
    /// stops working when the session ends, whatever its own expiry: an upload then fails
    /// with S3's `ExpiredToken` and the member asks for a new URL.
    async fn credentials(&self) -> Result<Credentials, BlobError> {
        let credentials = self.credentials.provide_credentials().await.map_err(io)?;
        let (key, secret) = (credentials.access_key_id(), credentials.secret_access_key());
        Ok(match credentials.session_token() {
            Some(token) => Credentials::new_with_token(key, secret, token),
            None => Credentials::new(key, secret),
        })
    }

    /// `action` with `headers` signed, sent with them and `body`, tried again while it
    /// fails on its way or S3 is busy, until `deadline`; the answer whatever its status.
    async fn send<'a, A: S3Action<'a>>(
        &self,
        action: A,
        headers: &[(&'static str, String)],
        body: Bytes,
        deadline: Instant,
    ) -> Result<Response<Incoming>, BlobError> {
        let url = with_headers(action, headers).sign(SIGNED_FOR);
        let mut attempt = 1;
        loop {
            let mut request = Request::builder()
                .method(A::METHOD.to_str())
                .uri(url.as_str());
            for (name, value) in headers {
                request = request.header(*name, value);
            }
            let request = request.body(Full::new(body.clone())).map_err(io)?;
            let sent = timeout_at(deadline, self.http.request(request))
                .await
                .map_err(|_| late())?;
            let failure = match sent {
                Ok(response) if !is_busy(response.status()) || attempt == ATTEMPTS => {
                    return Ok(response);
                }
                Ok(response) => response.status().to_string(),
                Err(failed) if attempt == ATTEMPTS => return Err(io(failed)),
                Err(failed) => failed.to_string(),
            };
            tracing::warn!(attempt, %failure, "S3 request failed: trying again");
            tokio::time::sleep(Duration::from_millis(100 * 4u64.pow(attempt - 1))).await;
            attempt += 1;
        }
    }
}

fn is_busy(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::INTERNAL_SERVER_ERROR | StatusCode::SERVICE_UNAVAILABLE
    )
}

/// `action` with `headers` to sign, which its request must carry.
fn with_headers<'a, A: S3Action<'a>>(mut action: A, headers: &[(&'static str, String)]) -> A {
    for (name, value) in headers {
        action.headers_mut().insert(*name, value.clone());
    }
    action
}

/// The headers of a PUT of a file: its type and its SHA-256, which S3 checks the body
/// against.
fn put_headers(content_type: &str, sha256: &[u8]) -> [(&'static str, String); 2] {
    [
        ("content-type", content_type.to_owned()),
        ("x-amz-checksum-sha256", BASE64.encode(sha256)),
    ]
}

fn io(err: impl std::fmt::Display) -> BlobError {
    BlobError::Io(err.to_string())
}

fn late() -> BlobError {
    BlobError::Io("S3 did not answer in time".into())
}

/// An answer S3 refused with: its status, its request id (for AWS's support) and the
/// start of its body (S3's error XML).
async fn refused(response: Response<Incoming>, deadline: Instant) -> BlobError {
    let status = response.status();
    let request = response
        .headers()
        .get("x-amz-request-id")
        .and_then(|id| id.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let mut body = response.into_body();
    let mut kept = Vec::new();
    let _ = timeout_at(deadline, async {
        while kept.len() < REFUSAL_KEPT {
            match body.frame().await {
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        kept.extend_from_slice(data);
                    }
                }
                _ => break,
            }
        }
    })
    .await;
    kept.truncate(REFUSAL_KEPT);
    let body = String::from_utf8_lossy(&kept);
    tracing::warn!(%status, request, %body, "S3 refused a request");
    BlobError::Io(format!("S3 answered {status} (request {request}): {body}"))
}

#[async_trait]
impl BlobStore for S3Blobs {
    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), BlobError> {
        let deadline = Instant::now() + OPERATION_TIMEOUT;
        let credentials = self.credentials().await?;
        let headers = put_headers(content_type, &Sha256::digest(&bytes));
        let action = self.bucket.put_object(Some(&credentials), self.key(key)?);
        let response = self
            .send(action, &headers, Bytes::from(bytes), deadline)
            .await?;
        if !response.status().is_success() {
            return Err(refused(response, deadline).await);
        }
        Ok(())
    }

    async fn get(&self, key: &str, max: usize) -> Result<Option<Vec<u8>>, BlobError> {
        let deadline = Instant::now() + OPERATION_TIMEOUT;
        let credentials = self.credentials().await?;
        let action = self.bucket.get_object(Some(&credentials), self.key(key)?);
        let response = self.send(action, &[], Bytes::new(), deadline).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(refused(response, deadline).await);
        }
        // Refused before reading when S3 says the size, cut at `max` otherwise.
        let declared = response
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|length| length.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|length| length > max as u64) {
            return Err(BlobError::TooLarge(max));
        }
        let body = timeout_at(deadline, Limited::new(response.into_body(), max).collect())
            .await
            .map_err(|_| late())?
            .map_err(
                |err| match err.downcast::<http_body_util::LengthLimitError>() {
                    Ok(_) => BlobError::TooLarge(max),
                    Err(err) => io(err),
                },
            )?;
        Ok(Some(body.to_bytes().to_vec()))
    }

    /// Signed at `now` by the function's clock; S3 checks the expiry by its own.
    async fn upload_url(
        &self,
        key: &str,
        size: u64,
        sha256: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<UploadUrl, BlobError> {
        let digest = hex::decode(sha256).map_err(io)?;
        let [content_type, checksum] = put_headers("application/octet-stream", &digest);
        let headers = [("content-length", size.to_string()), content_type, checksum];
        let credentials = self.credentials().await?;
        let action = self.bucket.put_object(Some(&credentials), self.key(key)?);
        let now = jiff::Timestamp::from_millisecond(now.timestamp_millis()).map_err(io)?;
        Ok(UploadUrl {
            url: with_headers(action, &headers)
                .sign_with_time(ttl, &now)
                .to_string(),
            // Content-Length is the browser's to send (fetch computes it from the body).
            headers: headers
                .into_iter()
                .filter(|(name, _)| *name != "content-length")
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use aws_config::{BehaviorVersion, Region, SdkConfig};
    use aws_credential_types::Credentials;
    use aws_credential_types::provider::SharedCredentialsProvider;
    use aws_sigv4::http_request::{
        PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
        UriPathNormalizationMode, sign,
    };
    use aws_sigv4::sign::v4;
    use chrono::TimeZone;

    use super::*;

    /// The upload URL, as on AWS (a role session's credentials, the regional endpoint), is
    /// signed as AWS's own signer signs the same request at the same time: moto checks no
    /// signature.
    #[tokio::test]
    async fn upload_url_is_signed_as_the_sdk_signs_it() {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI",
            Some("FwoGZXIvYXdzE".into()),
            None,
            "test",
        );
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-south-1"))
            .credentials_provider(SharedCredentialsProvider::new(credentials.clone()))
            .build();
        let blobs = S3Blobs::new(&config, "pec-contratti").unwrap();
        let sha256 = hex::encode(Sha256::digest(b"%PDF-1.7"));
        let ttl = Duration::from_secs(900);
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 9, 30, 0).unwrap();
        let upload = blobs
            .upload_url("contratti/RSSMRA80A01H501U/1.pdf", 8, &sha256, ttl, now)
            .await
            .unwrap();

        let url = url::Url::parse(&upload.url).unwrap();
        assert_eq!(
            url.host_str(),
            Some("pec-contratti.s3.eu-south-1.amazonaws.com")
        );
        let query = |name: &str| {
            url.query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
                .unwrap_or_else(|| panic!("{name} missing from {url}"))
        };
        assert_eq!(query("X-Amz-Security-Token"), "FwoGZXIvYXdzE");
        assert_eq!(
            query("X-Amz-SignedHeaders"),
            "content-length;content-type;host;x-amz-checksum-sha256"
        );
        assert_eq!(query("X-Amz-Date"), "20261203T093000Z");
        assert_eq!(query("X-Amz-Expires"), "900");

        let mut headers = vec![("host", url.host_str().unwrap()), ("content-length", "8")];
        headers.extend(
            upload
                .headers
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str())),
        );
        let identity = credentials.into();
        let mut settings = SigningSettings::default();
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(ttl);
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region("eu-south-1")
            .name("s3")
            .time(SystemTime::from(now))
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let unsigned = format!("https://{}{}", url.host_str().unwrap(), url.path());
        let request = SignableRequest::new(
            "PUT",
            unsigned,
            headers.into_iter(),
            SignableBody::UnsignedPayload,
        )
        .unwrap();
        let (_, signature) = sign(request, &params).unwrap().into_parts();
        assert_eq!(query("X-Amz-Signature"), signature);
    }

    /// A bucket whose name has dots is addressed by path: S3's certificate covers one
    /// label before `s3.{region}.amazonaws.com`.
    #[tokio::test]
    async fn a_dotted_bucket_is_addressed_by_path() {
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-south-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKIDEXAMPLE",
                "wJalrXUtnFEMI",
                None,
                None,
                "test",
            )))
            .build();
        let blobs = S3Blobs::new(&config, "pec.contratti").unwrap();
        let sha256 = hex::encode(Sha256::digest(b"x"));
        let upload = blobs
            .upload_url("a/b.pdf", 1, &sha256, Duration::from_secs(60), Utc::now())
            .await
            .unwrap();
        let url = url::Url::parse(&upload.url).unwrap();
        assert_eq!(url.host_str(), Some("s3.eu-south-1.amazonaws.com"));
        assert_eq!(url.path(), "/pec.contratti/a/b.pdf");
        assert!(!upload.url.contains("X-Amz-Security-Token"));
    }
}
