//! The CSV flow of *Attivazione massiva* and of the Albo import.

use std::path::Path;

use anyhow::{Context, Result, bail};
use fantoccini::Client;

use super::Screen;

pub struct CsvUploadPage(Screen);

impl CsvUploadPage {
    pub async fn open(client: Client, url: &str) -> Result<Self> {
        client.goto(url).await?;
        let screen = Screen::new(client);
        screen.find("csv-file").await?;
        Ok(Self(screen))
    }

    /// Chooses `file` and asks for the check (dry run); returns the summary shown.
    pub async fn check(&self, file: &Path) -> Result<String> {
        let path = file.to_str().context("a UTF-8 path")?;
        self.0.find("csv-file").await?.send_keys(path).await?;
        self.0.click("csv-check").await?;
        self.0.wait_text("csv-checked").await
    }

    /// The outcome column of the report, in the order shown.
    pub async fn outcomes(&self) -> Result<Vec<String>> {
        let mut outcomes = Vec::new();
        for cell in self
            .0
            .client
            .find_all(fantoccini::Locator::Css(&super::testid("csv-row-outcome")))
            .await?
        {
            outcomes.push(cell.text().await?);
        }
        Ok(outcomes)
    }

    /// Confirms and waits for the end; returns the summary shown.
    pub async fn confirm(&self) -> Result<String> {
        self.0.click("csv-confirm").await?;
        self.0.wait_text("csv-done").await
    }

    pub async fn can_download_report(&self) -> Result<()> {
        if !self.0.exists("csv-download").await {
            bail!("no report to download");
        }
        Ok(())
    }
}
