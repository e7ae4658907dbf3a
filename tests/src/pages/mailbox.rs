//! *La mia PEC*.

use std::time::Duration;

use anyhow::Result;
use fantoccini::{Client, Locator};

use super::testid;

pub struct MailboxPage {
    client: Client,
}

impl MailboxPage {
    /// The page as it is after a member's login.
    pub fn after_login(client: Client) -> Self {
        Self { client }
    }

    pub async fn text(&self, id: &str) -> Result<String> {
        Ok(self
            .client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(&testid(id)))
            .await?
            .text()
            .await?)
    }

    pub async fn log_out(&self) -> Result<()> {
        self.client
            .find(Locator::Css(&testid("nav-logout")))
            .await?
            .click()
            .await?;
        Ok(())
    }

    pub async fn current_path(&self) -> Result<String> {
        Ok(self.client.current_url().await?.path().to_owned())
    }
}
