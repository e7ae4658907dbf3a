//! *Piani e prezzi*.

use std::time::Duration;

use anyhow::Result;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use super::testid;

pub struct PlansPage {
    client: Client,
}

impl PlansPage {
    pub async fn open(client: Client, url: &str) -> Result<Self> {
        client.goto(url).await?;
        let page = Self { client };
        page.wait_for("plan-base").await?;
        Ok(page)
    }

    async fn wait_for(&self, id: &str) -> Result<fantoccini::elements::Element> {
        Ok(self
            .client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(&testid(id)))
            .await?)
    }

    pub async fn plan_card(&self, code: &str) -> Result<String> {
        Ok(self.wait_for(&format!("plan-{code}")).await?.text().await?)
    }

    pub async fn set_extra(&self, inbox: &str, archivio: &str) -> Result<()> {
        for (id, value) in [("extra-inbox", inbox), ("extra-archivio", archivio)] {
            let field = self.wait_for(id).await?;
            // As a person does it: select all, delete, type (WebDriver's clear() fires no input event).
            field.send_keys(&(Key::Control + "a")).await?;
            field
                .send_keys(&String::from(char::from(Key::Backspace)))
                .await?;
            field.send_keys(value).await?;
        }
        Ok(())
    }

    pub async fn choose_upgrade(&self) -> Result<()> {
        self.wait_for("upgrade").await?.click().await?;
        Ok(())
    }

    pub async fn submit(&self) -> Result<()> {
        self.wait_for("quote-submit").await?.click().await?;
        Ok(())
    }

    /// The total of the quote shown, once it is there.
    pub async fn total(&self) -> Result<String> {
        Ok(self.wait_for("quote-total").await?.text().await?)
    }

    /// The error shown beside a field, once there is one.
    pub async fn field_error(&self, id: &str) -> Result<String> {
        let locator = testid(&format!("{id}-error"));
        for _ in 0..75 {
            let text = self
                .client
                .find(Locator::Css(&locator))
                .await?
                .text()
                .await?;
            if !text.trim().is_empty() {
                return Ok(text);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        anyhow::bail!("no error shown for {id}")
    }

    pub async fn has_quote(&self) -> Result<bool> {
        Ok(self
            .client
            .find(Locator::Css(&testid("quote-table")))
            .await
            .is_ok())
    }
}
