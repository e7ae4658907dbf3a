//! *Accedi*, and the header's account links.

use std::time::Duration;

use anyhow::Result;
use fantoccini::{Client, Locator};

use super::testid;

pub struct LoginPage {
    client: Client,
}

impl LoginPage {
    pub async fn open(client: Client, url: &str) -> Result<Self> {
        client.goto(url).await?;
        let page = Self { client };
        page.find("login-username").await?;
        Ok(page)
    }

    async fn find(&self, id: &str) -> Result<fantoccini::elements::Element> {
        Ok(self
            .client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(&testid(id)))
            .await?)
    }

    pub async fn log_in(&self, username: &str, password: &str) -> Result<()> {
        self.find("login-username")
            .await?
            .send_keys(username)
            .await?;
        self.find("login-password")
            .await?
            .send_keys(password)
            .await?;
        self.find("login-submit").await?.click().await?;
        Ok(())
    }

    pub async fn error(&self) -> Result<String> {
        Ok(self.find("login-error").await?.text().await?)
    }
}
