//! The provider's HTTP API, as `docs/provider-api.md` documents it:
//! `POST {base}/v1/mailboxes/{address}/commands` with the command as JSON and the outbox
//! command's id as `Idempotency-Key`.

use std::time::Duration;

use async_trait::async_trait;

use shared::lifecycle::prospetto::Occupazione;

use super::{Command, Provider, ProviderError};
use crate::outbound::Outbound;

pub struct HttpProvider {
    base: String,
    http: Outbound,
    token: Option<String>,
}

impl HttpProvider {
    pub fn new(base: impl Into<String>, token: Option<String>) -> Self {
        Self {
            base: base.into().trim_end_matches('/').to_owned(),
            http: Outbound::new(Duration::from_secs(10)),
            token,
        }
    }
}

#[async_trait]
impl Provider for HttpProvider {
    async fn execute(
        &self,
        command_id: &str,
        address: &str,
        command: &Command,
    ) -> Result<(), ProviderError> {
        let mut request = self
            .http
            .client()
            .post(format!("{}/v1/mailboxes/{address}/commands", self.base))
            .header("Idempotency-Key", command_id)
            .json(command);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        let status = response.status();
        match status.as_u16() {
            200..=299 | 409 => Ok(()), // 409: already applied under this key
            // 404: the mailbox is not there yet (its creation may be on its way): later.
            404 | 429 | 500..=599 => Err(ProviderError::Unavailable(format!("HTTP {status}"))),
            _ => Err(ProviderError::Refused(format!(
                "HTTP {status}: {}",
                response.text().await.unwrap_or_default()
            ))),
        }
    }

    async fn occupazione(&self, address: &str) -> Result<Occupazione, ProviderError> {
        let mut request = self
            .http
            .client()
            .get(format!("{}/v1/mailboxes/{address}/usage", self.base));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request
            .send()
            .await
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(ProviderError::Unavailable(format!("HTTP {status}")));
        }
        response
            .json()
            .await
            .map_err(|e| ProviderError::Unavailable(e.to_string()))
    }
}
