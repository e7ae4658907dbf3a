//! Page objects: what a person reads and does on each screen, by `data-testid`.

pub mod csv_upload;
pub mod login;
pub mod mailbox;
pub mod ordine;
pub mod plans;
pub mod profile;

use std::time::Duration;

use anyhow::{Result, bail};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

/// The CSS selector of a `data-testid`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// What every page object does: find by test id (waiting for the app to render), type
/// as a person does, read what is shown.
#[derive(Clone)]
pub struct Screen {
    pub client: Client,
}

impl Screen {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    pub async fn find(&self, id: &str) -> Result<Element> {
        Ok(self
            .client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(&testid(id)))
            .await?)
    }

    /// The text of `id`, once it is rendered (read again if it is re-rendered meanwhile).
    pub async fn text(&self, id: &str) -> Result<String> {
        let mut last = None;
        for _ in 0..5 {
            match self.find(id).await?.text().await {
                Ok(text) => return Ok(text),
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(last.expect("an error after the retries").into())
    }

    /// Clicks `id`, scrolled into view first at once (Bootstrap's smooth scrolling would
    /// still be moving it when WebDriver clicks).
    pub async fn click(&self, id: &str) -> Result<()> {
        let element = self.find(id).await?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
                vec![serde_json::to_value(&element)?],
            )
            .await?;
        element.click().await?;
        Ok(())
    }

    /// Replaces a field's text: select all, delete, type (WebDriver's clear() fires no
    /// input event, so the app would not see it).
    pub async fn fill(&self, id: &str, value: &str) -> Result<()> {
        let field = self.find(id).await?;
        field.send_keys(&(Key::Control + "a")).await?;
        field
            .send_keys(&String::from(char::from(Key::Backspace)))
            .await?;
        field.send_keys(value).await?;
        Ok(())
    }

    /// Waits until `id` shows some text, and returns it.
    pub async fn wait_text(&self, id: &str) -> Result<String> {
        for _ in 0..75 {
            // The element may be re-rendered between finding and reading it: poll again.
            if let Ok(element) = self.client.find(Locator::Css(&testid(id))).await
                && let Ok(text) = element.text().await
                && !text.trim().is_empty()
            {
                return Ok(text);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        bail!("nothing shown in {id}")
    }

    pub async fn exists(&self, id: &str) -> bool {
        self.client.find(Locator::Css(&testid(id))).await.is_ok()
    }
}
