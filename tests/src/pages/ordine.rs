//! The secretariat's *Iscritti* list and a member's page.

use std::time::Duration;

use anyhow::{Result, bail};
use fantoccini::{Client, Locator};

use super::{Screen, testid};

pub struct MembersPage(pub Screen);

impl MembersPage {
    pub fn after_login(client: Client) -> Self {
        Self(Screen::new(client))
    }

    /// The rows' text as shown now (empty while the table is being replaced).
    async fn rows_now(&self) -> Vec<String> {
        let mut out = Vec::new();
        let Ok(rows) = self
            .0
            .client
            .find_all(Locator::Css(&testid("member-row")))
            .await
        else {
            return out;
        };
        for row in rows {
            match row.text().await {
                Ok(text) => out.push(text),
                // Re-rendered under our feet: read again.
                Err(_) => return Vec::new(),
            }
        }
        out
    }

    /// Waits until the rows satisfy `expected` (the list reloads after each search).
    pub async fn rows_when(&self, expected: impl Fn(&[String]) -> bool) -> Result<Vec<String>> {
        let mut rows = Vec::new();
        for _ in 0..75 {
            rows = self.rows_now().await;
            if expected(&rows) {
                return Ok(rows);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        bail!("the list never showed what was expected: {rows:?}")
    }

    pub async fn search(&self, q: &str, casella: &str) -> Result<()> {
        self.0.fill("members-q", q).await?;
        self.0
            .find("members-casella")
            .await?
            .select_by_value(casella)
            .await?;
        self.0.click("members-search").await
    }

    /// Opens the first member whose row shows every one of `texts`.
    pub async fn open_row_with(&self, texts: &[&str]) -> Result<()> {
        let matches = |row: &String| texts.iter().all(|t| row.contains(t));
        let rows = self.rows_when(|rows| rows.iter().any(matches)).await?;
        let index = rows.iter().position(matches).expect("a matching row");
        let links = self
            .0
            .client
            .find_all(Locator::Css(&format!("{} a", testid("member-row"))))
            .await?;
        links[index].click().await?;
        Ok(())
    }

    pub async fn url(&self) -> Result<String> {
        Ok(self.0.client.current_url().await?.to_string())
    }
}

pub struct MemberPage(pub Screen);

impl MemberPage {
    pub fn new(client: Client) -> Self {
        Self(Screen::new(client))
    }

    /// *Attiva PEC*: the address it will create is shown first; confirming activates.
    /// Returns the address shown and the confirmation's text.
    pub async fn activate(&self) -> Result<(String, String)> {
        self.0.click("activate").await?;
        let address = self.0.wait_text("activation-address").await?;
        self.0.click("activate-confirm").await?;
        Ok((address, self.0.wait_text("activated").await?))
    }
}
