//! *Accedi*.

use anyhow::Result;
use fantoccini::Client;

use super::Screen;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "pec-demo";

pub struct LoginPage(Screen);

impl LoginPage {
    pub async fn open(client: Client, url: &str) -> Result<Self> {
        client.goto(url).await?;
        let screen = Screen::new(client);
        screen.find("login-username").await?;
        Ok(Self(screen))
    }

    pub async fn log_in(&self, username: &str, password: &str) -> Result<()> {
        self.0.fill("login-username", username).await?;
        self.0.fill("login-password", password).await?;
        self.0.click("login-submit").await
    }

    pub async fn error(&self) -> Result<String> {
        self.0.text("login-error").await
    }
}
