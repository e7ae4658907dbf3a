//! Page objects: what a person reads and does on each screen, by `data-testid`.

pub mod csv_upload;
pub mod login;
pub mod mailbox;
pub mod ordine;
pub mod plans;
pub mod profile;

use std::time::Duration;

use anyhow::{Context, Result, bail};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};

/// What chromedriver answers to a command that a page load interrupted.
const NAVIGATION: &str = "aborted by navigation";

fn aborted_by_navigation(error: &fantoccini::error::CmdError) -> bool {
    error.to_string().contains(NAVIGATION)
}

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

    /// Waits (15 s at most) for `id`. A page that loads another one (a redirect to the
    /// login, the login to the area) can end a lookup with "aborted by navigation": the
    /// lookup is made again on the page that follows.
    pub async fn find(&self, id: &str) -> Result<Element> {
        let mut attempts = 0;
        loop {
            match self
                .client
                .wait()
                .at_most(Duration::from_secs(15))
                .for_element(Locator::Css(&testid(id)))
                .await
            {
                Err(e) if aborted_by_navigation(&e) && attempts < 5 => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                outcome => return Ok(outcome?),
            }
        }
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

    /// Waits (5 s at most) until the text of `id` says what `wanted` checks; returns it.
    pub async fn text_when(&self, id: &str, wanted: impl Fn(&str) -> bool) -> Result<String> {
        let mut text = String::new();
        for _ in 0..50 {
            if let Ok(element) = self
                .client
                .find(fantoccini::Locator::Css(&format!("[data-testid='{id}']")))
                .await
            {
                text = element.text().await.unwrap_or_default();
                if wanted(&text) {
                    return Ok(text);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{id} still says {text:?}")
    }

    /// Ticks or unticks the checkbox `id` as people do: by its label (Bootstrap Italia
    /// draws the box on the label and hides the input under it).
    pub async fn tick(&self, id: &str) -> Result<()> {
        let input = self.find(id).await?;
        let element_id = input
            .attr("id")
            .await?
            .context("a checkbox without an id")?;
        let label = self
            .client
            .find(fantoccini::Locator::Css(&format!(
                "label[for='{element_id}']"
            )))
            .await?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
                vec![serde_json::to_value(&label)?],
            )
            .await?;
        label.click().await?;
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

    /// Chooses the option `value` of the select `id`, by clicking it as people do.
    pub async fn choose(&self, id: &str, value: &str) -> Result<()> {
        self.find(id).await?;
        self.client
            .find(Locator::Css(&format!(
                "{} option[value='{value}']",
                testid(id)
            )))
            .await?
            .click()
            .await?;
        Ok(())
    }

    /// Sets the date field `id` to `iso` (YYYY-MM-DD): typed dates follow the browser's
    /// locale, so the value is set and announced as typing would.
    pub async fn set_date(&self, id: &str, iso: &str) -> Result<()> {
        let field = self.find(id).await?;
        self.client
            .execute(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
                vec![serde_json::to_value(&field)?, serde_json::Value::from(iso)],
            )
            .await?;
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

/// The keyboard alone: what has the focus, Tab until a control has it, keys to it.
impl Screen {
    /// The `data-testid` of the focused element ("" for one without).
    pub async fn focused(&self) -> Result<String> {
        let mut attempts = 0;
        loop {
            match self
                .client
                .execute(
                    "return document.activeElement ? (document.activeElement.getAttribute('data-testid') || '') : '';",
                    vec![],
                )
                .await
            {
                Err(e) if aborted_by_navigation(&e) && attempts < 5 => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                outcome => return Ok(outcome?.as_str().unwrap_or_default().to_owned()),
            }
        }
    }

    /// Sends `key` to the focused element (the page's body when none has it). A key that
    /// loads another page (Enter on a login) ends chromedriver's wait with "aborted by
    /// navigation": the key was pressed.
    pub async fn press(&self, key: Key) -> Result<()> {
        match self.type_keys(&String::from(char::from(key))).await {
            Err(e) if e.chain().any(|e| e.to_string().contains(NAVIGATION)) => Ok(()),
            outcome => outcome,
        }
    }

    /// Waits until `id` has the focus (moved there once it is drawn).
    pub async fn focus_on(&self, id: &str) -> Result<()> {
        let mut focused = String::new();
        for _ in 0..20 {
            focused = self.focused().await?;
            if focused == id {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("the focus is on {focused:?}, not on {id}")
    }

    /// Types `text` into the focused element.
    pub async fn type_keys(&self, text: &str) -> Result<()> {
        self.client.active_element().await?.send_keys(text).await?;
        Ok(())
    }

    /// Presses Tab until `id` has the focus, at most `max` times; returns how many.
    pub async fn tab_to(&self, id: &str, max: usize) -> Result<usize> {
        for presses in 1..=max {
            self.press(Key::Tab).await?;
            if self.focused().await? == id {
                return Ok(presses);
            }
        }
        bail!("{id} not reached with {max} Tab presses")
    }
}
