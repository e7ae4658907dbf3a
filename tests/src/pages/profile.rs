//! *Dati anagrafici* and *Recupero credenziali*: the same form shape.

use anyhow::Result;
use fantoccini::Client;

use super::Screen;

pub struct ProfileForm(Screen);

impl ProfileForm {
    pub async fn open(client: Client, url: &str) -> Result<Self> {
        client.goto(url).await?;
        let screen = Screen::new(client);
        screen.find("save").await?;
        Ok(Self(screen))
    }

    pub async fn fill(&self, id: &str, value: &str) -> Result<()> {
        self.0.fill(id, value).await
    }

    pub async fn value(&self, id: &str) -> Result<String> {
        Ok(self
            .0
            .find(id)
            .await?
            .prop("value")
            .await?
            .unwrap_or_default())
    }

    pub async fn text(&self, id: &str) -> Result<String> {
        self.0.text(id).await
    }

    pub async fn save(&self) -> Result<()> {
        self.0.click("save").await
    }

    pub async fn wait_text(&self, id: &str) -> Result<String> {
        self.0.wait_text(id).await
    }
}
