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
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace")
        .to_path_buf()
}

/// The server binary: `PEC_LOCAL_BIN`, or the workspace's debug build (built if missing).
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
    pub async fn start() -> Result<Self> {
        let mut child = Command::new(binary()?)
            .env("PEC_ADDR", "127.0.0.1:0")
            .env("PEC_SPA_DIR", spa_dir())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting pec-local")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        // The server prints its URL once it listens.
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .context("pec-local did not start within 30 s")??
            .context("pec-local exited before listening")?;
        let base = line
            .split_once("http://")
            .map(|(_, addr)| format!("http://{}", addr.trim()))
            .with_context(|| format!("unexpected first line: {line}"))?;
        Ok(Self { child, base })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}
