//! *Dati anagrafici* and *Recupero credenziali*: the same form shape.

use std::time::Duration;

use anyhow::{Result, bail};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use super::testid;

pub struct ProfileForm {
    client: Client,
}

impl ProfileForm {
    pub async fn open(client: Client, url: &str) -> Result<Self> {
        client.goto(url).await?;
        let form = Self { client };
        form.find("save").await?;
        Ok(form)
    }

    async fn find(&self, id: &str) -> Result<fantoccini::elements::Element> {
        Ok(self
            .client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(&testid(id)))
            .await?)
    }

    /// Replaces a field's text as a person would.
    pub async fn fill(&self, id: &str, value: &str) -> Result<()> {
        let field = self.find(id).await?;
        field.send_keys(&(Key::Control + "a")).await?;
        field
            .send_keys(&String::from(char::from(Key::Backspace)))
            .await?;
        field.send_keys(value).await?;
        Ok(())
    }

    pub async fn value(&self, id: &str) -> Result<String> {
        Ok(self
            .find(id)
            .await?
            .prop("value")
            .await?
            .unwrap_or_default())
    }

    pub async fn text(&self, id: &str) -> Result<String> {
        Ok(self.find(id).await?.text().await?)
    }

    pub async fn save(&self) -> Result<()> {
        self.find("save").await?.click().await?;
        Ok(())
    }

    /// Waits until `id` shows some text, and returns it.
    pub async fn wait_text(&self, id: &str) -> Result<String> {
        for _ in 0..75 {
            if let Ok(element) = self.client.find(Locator::Css(&testid(id))).await {
                let text = element.text().await?;
                if !text.trim().is_empty() {
                    return Ok(text);
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        bail!("nothing shown in {id}")
    }
}
