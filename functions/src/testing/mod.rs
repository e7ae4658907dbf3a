//! Test support: moto, a server for DynamoDB and SES as the SDK speaks them, on a free
//! loopback port.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use aws_config::{Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use tokio::process::{Child, Command};

use crate::store::dynamodb::DynamoStore;

pub mod event_source;
pub mod national;
pub mod throttle;
pub mod worst_day;

/// `moto_server`: `PEC_MOTO_SERVER`, the venv `cargo xtask test` makes, or the PATH.
fn moto_binary() -> PathBuf {
    if let Ok(path) = std::env::var("PEC_MOTO_SERVER") {
        return path.into();
    }
    let cached = std::env::var("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(".cache/pec-ingegneri/moto-venv/bin/moto_server");
    if cached.exists() {
        cached
    } else {
        "moto_server".into()
    }
}

/// The Python that has moto: the interpreter `moto_server` names on its first line (its
/// venv's), or the PATH's.
fn moto_python() -> PathBuf {
    let server = moto_binary();
    let server = if server.is_absolute() {
        server
    } else {
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path)
            .map(|dir| dir.join(&server))
            .find(|candidate| candidate.exists())
            .unwrap_or(server)
    };
    std::fs::read_to_string(&server)
        .ok()
        .and_then(|script| {
            let interpreter = script.lines().next()?.strip_prefix("#!")?.trim().to_owned();
            Some(PathBuf::from(interpreter))
        })
        .filter(|interpreter| interpreter.exists())
        .unwrap_or_else(|| "python3".into())
}

/// moto's server made to answer one request at a time (the script says why).
const MOTO_SERIAL: &str = include_str!("moto_serial.py");

pub struct Moto {
    _child: Child,
    pub endpoint: String,
}

impl Moto {
    pub async fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let python = moto_python();
        let mut child = Command::new(&python)
            .args(["-c", MOTO_SERIAL, "127.0.0.1", &port.to_string()])
            .arg(std::process::id().to_string())
            .env("MOTO_PORT", port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("a Python starts for moto (cargo xtask test installs moto's venv)");
        let endpoint = format!("http://127.0.0.1:{port}");
        for _ in 0..150 {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "moto exited ({status}) before it listened: does {} have moto? \
                     (cargo xtask test installs it)",
                    python.display()
                );
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Self {
                    _child: child,
                    endpoint,
                };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto_server did not start on port {port}");
    }

    /// The SDK's configuration for this server (any service moto emulates).
    pub async fn sdk_config(&self) -> SdkConfig {
        crate::aws::defaults()
            .region(Region::new("eu-south-1"))
            .endpoint_url(&self.endpoint)
            .credentials_provider(Credentials::new("test", "test", None, None, "moto"))
            .load()
            .await
    }

    /// The store of files on S3, in `bucket`, made here (moto serves one host: path-style).
    pub async fn s3(&self, bucket: &str) -> crate::blob::s3::S3Blobs {
        use rusty_s3::S3Action;
        let endpoint = self.endpoint.parse().expect("moto's URL");
        let made = rusty_s3::Bucket::new(
            endpoint,
            rusty_s3::UrlStyle::Path,
            bucket.to_owned(),
            "eu-south-1",
        )
        .expect("a bucket's name")
        .create_bucket(&rusty_s3::Credentials::new("test", "test"))
        .sign(Duration::from_secs(60));
        // Outside us-east-1 the region goes in the body (S3's CreateBucketConfiguration).
        let configuration = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <LocationConstraint>eu-south-1</LocationConstraint></CreateBucketConfiguration>";
        let response = reqwest::Client::new()
            .put(made)
            .body(configuration)
            .send()
            .await
            .expect("moto answers");
        assert!(response.status().is_success(), "moto makes the bucket");
        crate::blob::s3::S3Blobs::new(&self.sdk_config().await, bucket).expect("the S3 store")
    }

    /// SES v2, with `domain` verified as a sender.
    pub async fn ses(&self, domain: &str) -> aws_sdk_sesv2::Client {
        let client = aws_sdk_sesv2::Client::new(&self.sdk_config().await);
        client
            .create_email_identity()
            .email_identity(domain)
            .send()
            .await
            .expect("identity created");
        client
    }

    /// A new, empty table.
    pub async fn store(&self, table: &str) -> DynamoStore {
        let client = aws_sdk_dynamodb::Client::new(&self.sdk_config().await);
        let store = DynamoStore::new(client, table);
        store.create_table().await.expect("table created");
        store
    }
}

/// The local server's state on a fresh in-memory store, at a fixed instant (RFC 3339).
pub fn test_state(now: &str) -> crate::AppState {
    use std::sync::Arc;
    let clock = crate::clock::FixedClock(now.parse().expect("an RFC 3339 instant"));
    let store = crate::store::sqlite::SqliteStore::in_memory().expect("an in-memory store");
    let jwt = crate::auth::local::LocalJwt::with_secret(b"test-secret-test-secret-test-sec");
    crate::AppState::local(Arc::new(clock), Arc::new(store), Arc::new(jwt))
}

/// Prints a figure of `cargo xtask bench` as the line it collects (`FIGURE {json}`):
/// `value` in `unit`, beside `peer` (its name and value) where there is one, `ratio` read
/// the way `target` is, and whether the target is `met`.
pub fn figure(
    name: &str,
    value: f64,
    unit: &str,
    peer: Option<(&str, f64)>,
    ratio: Option<f64>,
    target: &str,
    met: bool,
) {
    let figure = serde_json::json!({
        "name": name,
        "value": value,
        "unit": unit,
        "peer": peer.map(|(p, _)| p),
        "peer_value": peer.map(|(_, v)| v),
        "ratio": ratio,
        "target": target,
        "met": met,
    });
    println!("FIGURE {figure}");
}
