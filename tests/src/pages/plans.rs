//! *Piani e prezzi*.

use anyhow::Result;
use fantoccini::Client;

use super::Screen;

pub struct PlansPage(Screen);

impl PlansPage {
    pub async fn open(client: Client, url: &str) -> Result<Self> {
        client.goto(url).await?;
        let screen = Screen::new(client);
        screen.find("plan-base").await?;
        Ok(Self(screen))
    }

    pub async fn plan_card(&self, code: &str) -> Result<String> {
        self.0.text(&format!("plan-{code}")).await
    }

    pub async fn set_extra(&self, inbox: &str, archivio: &str) -> Result<()> {
        self.0.fill("extra-inbox", inbox).await?;
        self.0.fill("extra-archivio", archivio).await
    }

    pub async fn choose_upgrade(&self) -> Result<()> {
        self.0.click("upgrade").await
    }

    pub async fn submit(&self) -> Result<()> {
        self.0.click("quote-submit").await
    }

    /// The total of the quote shown, once it is there.
    pub async fn total(&self) -> Result<String> {
        self.0.text("quote-total").await
    }

    /// The error shown beside a field, once there is one.
    pub async fn field_error(&self, id: &str) -> Result<String> {
        self.0.wait_text(&format!("{id}-error")).await
    }

    /// What a field says it accepts.
    pub async fn hint(&self, id: &str) -> Result<String> {
        self.0.wait_text(&format!("{id}-hint")).await
    }

    pub async fn focused(&self) -> Result<String> {
        self.0.focused().await
    }

    /// Waits for the focus to reach the element `id` (the app moves it after drawing).
    pub async fn focus_on(&self, id: &str) -> Result<()> {
        self.0.focus_on(id).await
    }

    pub async fn has_quote(&self) -> Result<bool> {
        Ok(self.0.exists("quote-table").await)
    }
}
