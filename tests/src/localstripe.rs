//! `localstripe` (PyPI), a stateful Stripe stand-in, on a free port of 127.0.0.1 for one
//! test, stopped (and its state file removed) when dropped. `cargo xtask test` installs it
//! and names it in `PEC_LOCALSTRIPE`.

use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tokio::process::{Child, Command};

/// Where localstripe always keeps its state (it has no option for it).
const STATE_FILE: &str = "/tmp/localstripe.pickle";

pub struct LocalStripe {
    child: Child,
    pub base: String,
}

impl LocalStripe {
    pub async fn start() -> Result<Self> {
        let binary = std::env::var("PEC_LOCALSTRIPE").unwrap_or_else(|_| {
            let home = std::env::var("HOME").unwrap_or_default();
            format!("{home}/.cache/pec-ingegneri/localstripe-venv/bin/localstripe")
        });
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(&binary)
            .args(["--port", &port.to_string(), "--from-scratch"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {binary}"))?;
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..100 {
            if http
                .get(format!("{base}/js.stripe.com/v3/"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(Self { child, base });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("localstripe did not answer on {base}")
    }

    /// Sends the events of `types` to `url`, signed with `secret`.
    pub async fn webhook(&self, name: &str, url: &str, secret: &str, types: &[&str]) -> Result<()> {
        let mut form = vec![("url", url.to_owned()), ("secret", secret.to_owned())];
        form.extend(types.iter().map(|t| ("events[]", (*t).to_owned())));
        let response = reqwest::Client::new()
            .post(format!("{}/_config/webhooks/{name}", self.base))
            .form(&form)
            .send()
            .await?;
        if !response.status().is_success() {
            bail!("webhook not registered: {}", response.status());
        }
        Ok(())
    }

    /// Pays a PaymentIntent with a card, as Stripe.js does once the holder has typed it:
    /// the card attached, then the intent confirmed.
    pub async fn pay(
        &self,
        secret_key: &str,
        intent: &str,
        payment_method: &str,
    ) -> Result<String> {
        let http = reqwest::Client::new();
        let url = format!("{}/v1/payment_intents/{intent}", self.base);
        http.post(&url)
            .bearer_auth(secret_key)
            .form(&[("payment_method", payment_method)])
            .send()
            .await?
            .error_for_status()?;
        let confirmed: serde_json::Value = http
            .post(format!("{url}/confirm"))
            .bearer_auth(secret_key)
            .send()
            .await?
            .json()
            .await?;
        Ok(confirmed["status"].as_str().unwrap_or_default().to_owned())
    }

    /// The PaymentIntent made for the order `ordine` (its `metadata[ordine]`).
    pub async fn intent_of(&self, secret_key: &str, ordine: &str) -> Result<String> {
        let list: serde_json::Value = reqwest::Client::new()
            .get(format!("{}/v1/payment_intents", self.base))
            .bearer_auth(secret_key)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        list["data"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|pi| pi["metadata"]["ordine"] == ordine)
            .and_then(|pi| pi["id"].as_str())
            .map(str::to_owned)
            .with_context(|| format!("no PaymentIntent for order {ordine}: {list}"))
    }

    /// A card payment method of `number` (say, one whose bank asks for 3-D Secure).
    pub async fn card(&self, secret_key: &str, number: &str) -> Result<String> {
        let method: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/v1/payment_methods", self.base))
            .bearer_auth(secret_key)
            .form(&[
                ("type", "card"),
                ("card[number]", number),
                ("card[exp_month]", "12"),
                ("card[exp_year]", "2030"),
                ("card[cvc]", "123"),
            ])
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        method["id"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("no payment method: {method}"))
    }
}

impl Drop for LocalStripe {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_file(STATE_FILE);
    }
}
