//! *La mia PEC*, and the header's account links.

use anyhow::Result;
use fantoccini::Client;

use super::Screen;

pub struct MailboxPage(Screen);

impl MailboxPage {
    /// The page as it is after a member's login.
    pub fn after_login(client: Client) -> Self {
        Self(Screen::new(client))
    }

    /// Signs the demo member `username` in at `login_url` and waits for his mailbox.
    pub async fn signed_in(client: Client, login_url: &str, username: &str) -> Result<Self> {
        super::login::LoginPage::open(client.clone(), login_url)
            .await?
            .log_in(username, super::login::DEMO_PASSWORD)
            .await?;
        let page = Self::after_login(client);
        page.text("mailbox-address").await?;
        Ok(page)
    }

    pub async fn text(&self, id: &str) -> Result<String> {
        self.0.text(id).await
    }

    pub async fn log_out(&self) -> Result<()> {
        self.0.click("nav-logout").await
    }

    pub async fn current_path(&self) -> Result<String> {
        Ok(self.0.client.current_url().await?.path().to_owned())
    }
}
