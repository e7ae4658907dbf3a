//! The mail provider (Aruba PEC) as a port: create, resize, block, unblock, close.
//! [`sandbox::SandboxProvider`] keeps the provider's state in the store (local runs and
//! tests); [`http::HttpProvider`] calls the provider's API (contract in `docs/provider-api.md`).
//! Every call carries the outbox command's id, and both adapters apply a command once.

pub mod http;
pub mod sandbox;

use async_trait::async_trait;
use shared::lifecycle::ProviderCommand;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ProviderError {
    /// Worth retrying later (outage, timeout, 5xx, throttling).
    #[error("provider unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the command; retrying will not help.
    #[error("provider refused the command: {0}")]
    Refused(String),
}

#[async_trait]
pub trait Provider: Send + Sync {
    async fn execute(
        &self,
        command_id: &str,
        address: &str,
        command: &ProviderCommand,
    ) -> Result<(), ProviderError>;
}
