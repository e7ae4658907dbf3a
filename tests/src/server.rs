//! Starts the `pec-local` binary on a free loopback port and stops it when dropped.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct LocalServer {
    child: Child,
    base: String,
    data_dir: PathBuf,
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace")
        .to_path_buf()
}

/// The server binary: `PEC_LOCAL_BIN` (`cargo xtask test` sets it), or else the workspace's
/// debug build, built now.
fn binary() -> Result<PathBuf> {
    if let Ok(bin) = std::env::var("PEC_LOCAL_BIN") {
        return Ok(bin.into());
    }
    let root = workspace_root();
    let status = std::process::Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "--package",
            "functions",
            "--bin",
            "pec-local",
        ])
        .current_dir(&root)
        .status()
        .context("building pec-local")?;
    if !status.success() {
        bail!("could not build pec-local");
    }
    Ok(root.join("target/debug/pec-local"))
}

/// The built SPA: `PEC_SPA_DIR`, or the workspace's `dist/` (`cargo xtask spa` makes it).
pub fn spa_dir() -> PathBuf {
    std::env::var("PEC_SPA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| workspace_root().join("dist"))
}

impl LocalServer {
    /// A server on a fresh store with the demo data.
    pub async fn start() -> Result<Self> {
        Self::start_with(&[]).await
    }

    /// As `start`, with more settings in the environment.
    pub async fn start_with(envs: &[(&str, &str)]) -> Result<Self> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let data_dir = std::env::temp_dir().join(format!(
            "pec-e2e-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&data_dir);
        let mut child = Command::new(binary()?)
            .env("PEC_ADDR", "127.0.0.1:0")
            .env("PEC_DATA_DIR", &data_dir)
            .env("PEC_SPA_DIR", spa_dir())
            .env("RUST_LOG", "warn")
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting pec-local")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        // The server prints its URL once it listens.
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .context("pec-local did not start within 60 s")??
            .context("pec-local exited before listening")?;
        let base = line
            .split_once("http://")
            .map(|(_, addr)| format!("http://{}", addr.trim()))
            .with_context(|| format!("unexpected first line: {line}"))?;
        // Keep reading what it prints, so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self {
            child,
            base,
            data_dir,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A bearer token for a demo account, from the local login.
    pub async fn token(&self, username: &str) -> Result<String> {
        let response: serde_json::Value = reqwest::Client::new()
            .post(self.url("/api/auth/login"))
            .json(&serde_json::json!({ "username": username, "password": "pec-demo" }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        response["token"]
            .as_str()
            .map(str::to_owned)
            .context("no token in the login response")
    }

    /// `GET path` with `token`, as JSON.
    pub async fn get(&self, path: &str, token: &str) -> Result<serde_json::Value> {
        Ok(reqwest::Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}
