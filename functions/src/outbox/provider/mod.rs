//! The mail provider (Aruba PEC) as a port: create, resize, block, unblock, close, rename, and
//! the holder's data (anagrafica and password-recovery contacts) kept current.
//! [`sandbox::SandboxProvider`] keeps the provider's state in the store (local runs and
//! tests); [`http::HttpProvider`] calls the provider's API (contract in `docs/provider-api.md`).
//! Every call carries the outbox command's id, and both adapters apply a command once.

pub mod http;
pub mod sandbox;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use shared::address::EmailAddress;
use shared::catalog::Space;
use shared::codice_fiscale::CodiceFiscale;
use shared::lifecycle::ProviderCommand;
use shared::lifecycle::prospetto::Occupazione;
use shared::member::{RecoveryContacts, Telefono};
use shared::province::OrdineCode;
use thiserror::Error;

/// Whose mailbox it is, as the provider must know: the contract's holder, and where a
/// locked-out holder gets his new password (recovery email and mobile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "tipo")]
pub enum Titolare {
    /// A member engineer.
    Persona {
        nome: String,
        cognome: String,
        codice_fiscale: CodiceFiscale,
        indirizzo: String,
        comune: String,
        provincia: String,
        cap: String,
        email: EmailAddress,
        telefono: Option<Telefono>,
        recupero: RecoveryContacts,
    },
    /// An Ordine, for its own mailbox: its secretariat's contacts, once it gives them.
    Ordine {
        ordine: OrdineCode,
        denominazione: String,
        email: Option<EmailAddress>,
        telefono: Option<Telefono>,
        indirizzo: Option<String>,
    },
}

/// One request to the provider about one mailbox (`docs/provider-api.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "command")]
pub enum Command {
    Create {
        space: Space,
        titolare: Titolare,
    },
    Resize {
        space: Space,
    },
    Block,
    Unblock,
    Close,
    /// Sent to the corrected address: the mailbox at `from` takes it (the holder's surname
    /// or alias corrected at his first access). `from` stays reserved to him.
    Rename {
        from: EmailAddress,
    },
    /// The holder's data changed (his anagrafica, his recovery contacts). `version` grows
    /// with each change: the provider keeps the highest, so a late retry of an older one
    /// never overwrites a newer one.
    UpdateHolder {
        titolare: Titolare,
        version: u64,
    },
}

impl Command {
    /// The request that carries out a lifecycle command for `titolare`'s mailbox.
    pub fn of(command: &ProviderCommand, titolare: &Titolare) -> Self {
        match command {
            ProviderCommand::Create { space } => Command::Create {
                space: *space,
                titolare: titolare.clone(),
            },
            ProviderCommand::Resize { space } => Command::Resize { space: *space },
            ProviderCommand::Block => Command::Block,
            ProviderCommand::Unblock => Command::Unblock,
            ProviderCommand::Close => Command::Close,
            ProviderCommand::Rename { from } => Command::Rename { from: from.clone() },
        }
    }
}

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
        command: &Command,
    ) -> Result<(), ProviderError>;

    /// What the mailbox holds now, as the provider measures it.
    async fn occupazione(&self, address: &str) -> Result<Occupazione, ProviderError>;
}

/// No provider configured here: nothing to ask.
pub struct Unconfigured;

#[async_trait]
impl Provider for Unconfigured {
    async fn execute(&self, _: &str, _: &str, _: &Command) -> Result<(), ProviderError> {
        Err(ProviderError::Unavailable("no provider configured".into()))
    }

    async fn occupazione(&self, _: &str) -> Result<Occupazione, ProviderError> {
        Err(ProviderError::Unavailable("no provider configured".into()))
    }
}
