//! A provider that lives in the store: what Aruba would hold, per mailbox, so that the
//! local product and the tests see real effects. A command applies once: its id is
//! recorded in the same transaction as the change.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use shared::catalog::Space;
use shared::lifecycle::ProviderCommand;

use super::{Provider, ProviderError};
use crate::store::{Condition, Item, ItemStore, StoreError, WriteOp, keys};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxMailbox {
    pub address: String,
    pub status: String,
    pub space: Space,
    /// How many commands were applied (each once).
    pub commands: u32,
}

pub struct SandboxProvider {
    store: Arc<dyn ItemStore>,
    /// Simulates an outage: every call fails as unavailable.
    pub down: AtomicBool,
}

impl SandboxProvider {
    pub fn new(store: Arc<dyn ItemStore>) -> Self {
        Self {
            store,
            down: AtomicBool::new(false),
        }
    }

    pub async fn mailbox(&self, address: &str) -> Result<Option<SandboxMailbox>, StoreError> {
        self.store
            .get(&keys::provider_mailbox(address))
            .await?
            .map(|i| i.decode())
            .transpose()
    }
}

fn unavailable(e: StoreError) -> ProviderError {
    ProviderError::Unavailable(e.to_string())
}

#[async_trait]
impl Provider for SandboxProvider {
    async fn execute(
        &self,
        command_id: &str,
        address: &str,
        command: &ProviderCommand,
    ) -> Result<(), ProviderError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(ProviderError::Unavailable("sandbox is down".into()));
        }
        let current = self
            .store
            .get(&keys::provider_mailbox(address))
            .await
            .map_err(unavailable)?;
        let (mut mailbox, condition, version) = match (&current, command) {
            (None, ProviderCommand::Create { space }) => (
                SandboxMailbox {
                    address: address.to_owned(),
                    status: "active".into(),
                    space: *space,
                    commands: 0,
                },
                Condition::NotExists,
                1,
            ),
            (None, _) => return Err(ProviderError::Refused(format!("{address} does not exist"))),
            (Some(item), _) => (
                item.decode::<SandboxMailbox>().map_err(unavailable)?,
                Condition::Version(item.version),
                item.version + 1,
            ),
        };
        match command {
            ProviderCommand::Create { .. } if current.is_some() => {}
            ProviderCommand::Create { .. } => {}
            ProviderCommand::Resize { space } => mailbox.space = *space,
            ProviderCommand::Block => mailbox.status = "blocked".into(),
            ProviderCommand::Unblock => mailbox.status = "active".into(),
            ProviderCommand::Close => mailbox.status = "closed".into(),
        }
        mailbox.commands += 1;
        let applied = Item::new(
            keys::provider_command(command_id),
            keys::PROVIDER_COMMAND,
            &command,
        )
        .map_err(unavailable)?;
        let state = Item::new(
            keys::provider_mailbox(address),
            keys::PROVIDER_MAILBOX,
            &mailbox,
        )
        .map_err(unavailable)?
        .with_version(version);
        match self
            .store
            .transact(vec![
                WriteOp::Put(applied, Condition::NotExists),
                WriteOp::Put(state, condition),
            ])
            .await
        {
            Ok(()) => Ok(()),
            // Already applied: the same command again is a success, not a second change.
            Err(StoreError::TransactionCancelled { failed }) if failed.contains(&0) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}
