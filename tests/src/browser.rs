//! Debian's Chromium, headless, driven by chromedriver over WebDriver. A failing check
//! leaves a screenshot in `target/e2e-screenshots/`.

use std::future::Future;
use std::net::TcpListener;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use tokio::process::{Child, Command};

use crate::server::workspace_root;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub struct Browser {
    driver: Child,
    pub client: Client,
    _profile: TempDir,
}

/// A fresh Chromium profile, removed afterwards.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Browser {
    pub async fn start() -> Result<Self> {
        for tool in [CHROMIUM, CHROMEDRIVER] {
            if !std::path::Path::new(tool).exists() {
                bail!(
                    "{tool} is missing: `cargo xtask test` installs Debian's chromium and chromium-driver"
                );
            }
        }
        let port = free_port()?;
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting chromedriver")?;
        let webdriver = format!("http://127.0.0.1:{port}");
        let profile = std::env::temp_dir().join(format!("pec-e2e-chromium-{port}"));
        let capabilities: Capabilities = serde_json::from_value(serde_json::json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    "--window-size=1280,1024", "--lang=it-IT",
                    format!("--user-data-dir={}", profile.display()),
                ],
                // Downloads land in the profile's folder, unasked (`Browser::downloads`).
                "prefs": {
                    "download.default_directory": profile.join("downloads").display().to_string(),
                    "download.prompt_for_download": false,
                }
            }
        }))?;
        let mut last_error = None;
        // chromedriver needs a moment before it accepts sessions.
        for _ in 0..50 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&webdriver)
                .await
            {
                Ok(client) => {
                    return Ok(Self {
                        driver,
                        client,
                        _profile: TempDir(profile),
                    });
                }
                Err(err) => last_error = Some(err),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        bail!("no WebDriver session: {last_error:?}")
    }

    /// Where the browser saves downloads.
    pub fn downloads(&self) -> std::path::PathBuf {
        self._profile.0.join("downloads")
    }

    /// Waits for a download whose name starts with `prefix` to complete; its bytes.
    pub async fn downloaded(&self, prefix: &str) -> Result<Vec<u8>> {
        for _ in 0..100 {
            if let Ok(entries) = std::fs::read_dir(self.downloads()) {
                for entry in entries.flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    // Chromium writes `.crdownload` until the file is whole.
                    if name.starts_with(prefix) && !name.ends_with(".crdownload") {
                        return Ok(std::fs::read(entry.path())?);
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!(
            "no download named {prefix}… in {}",
            self.downloads().display()
        )
    }

    /// Runs one scenario; on failure saves a screenshot named after it.
    pub async fn scenario<F, Fut>(&self, name: &str, body: F) -> Result<()>
    where
        F: FnOnce(Client) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        let outcome = body(self.client.clone()).await;
        if outcome.is_err() {
            let dir = workspace_root().join("target/e2e-screenshots");
            if let Ok(png) = self.client.screenshot().await {
                let _ = std::fs::create_dir_all(&dir);
                let path = dir.join(format!("{name}.png"));
                if std::fs::write(&path, png).is_ok() {
                    eprintln!("screenshot of the failure: {}", path.display());
                }
            }
        }
        outcome
    }

    pub async fn close(mut self) -> Result<()> {
        self.client.clone().close().await?;
        let _ = self.driver.start_kill();
        Ok(())
    }
}
