//! A provider that lives in the store: what Aruba would hold, per mailbox, so that the
//! local product and the tests see real effects. A command applies once: its id is
//! recorded in the same transaction as the change.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;

use shared::lifecycle::prospetto::Occupazione;

use super::{Command, Provider, ProviderError};
use crate::repo::sandbox::{self, SandboxMailbox};
use crate::store::{ItemStore, StoreError};

pub struct SandboxProvider {
    store: Arc<dyn ItemStore>,
    /// While set, every call fails as an outage would (tests of the outbox's retries).
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
        Ok(sandbox::mailbox(self.store.as_ref(), address)
            .await?
            .map(|m| m.value))
    }
}

fn unavailable(e: StoreError) -> ProviderError {
    ProviderError::Unavailable(e.to_string())
}

impl SandboxProvider {
    /// The mailbox at `from` moves to `to`, with all it has; `from` only forwards there.
    async fn rename(
        &self,
        command_id: &str,
        command: &Command,
        to: &str,
        from: &str,
    ) -> Result<(), ProviderError> {
        let store = self.store.as_ref();
        let Some(old) = sandbox::mailbox(store, from).await.map_err(unavailable)? else {
            // Its creation may still be on its way through the outbox.
            return Err(ProviderError::Unavailable(format!(
                "{from} does not exist yet"
            )));
        };
        let mut moved = old.value.clone();
        moved.address = to.to_owned();
        moved.commands += 1;
        sandbox::rename(store, command_id, command, &old, &moved)
            .await
            .map(|_| ())
            .map_err(unavailable)
    }
}

#[async_trait]
impl Provider for SandboxProvider {
    async fn execute(
        &self,
        command_id: &str,
        address: &str,
        command: &Command,
    ) -> Result<(), ProviderError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(ProviderError::Unavailable("sandbox is down".into()));
        }
        let store = self.store.as_ref();
        let mut current = sandbox::mailbox(store, address)
            .await
            .map_err(unavailable)?;
        // Renamed: a command queued for the old address applies to the mailbox where it is
        // now (a rename of it, or its creation, was already done).
        if let Some(to) = current.as_ref().and_then(|m| m.value.renamed_to.clone()) {
            if matches!(command, Command::Create { .. } | Command::Rename { .. }) {
                return Ok(());
            }
            current = sandbox::mailbox(store, &to).await.map_err(unavailable)?;
        }
        if let (None, Command::Rename { from }) = (&current, command) {
            return self
                .rename(command_id, command, address, from.as_str())
                .await;
        }
        let mut mailbox = match (&current, command) {
            (None, Command::Create { space, titolare }) => SandboxMailbox {
                address: address.to_owned(),
                status: "active".into(),
                space: *space,
                titolare: Some(titolare.clone()),
                titolare_version: 0,
                commands: 0,
                renamed_to: None,
                occupazione: Occupazione::default(),
            },
            // Not created yet: its creation may still be on its way through the outbox.
            (None, _) => {
                return Err(ProviderError::Unavailable(format!(
                    "{address} does not exist yet"
                )));
            }
            (Some(current), _) => current.value.clone(),
        };
        match command {
            // Created (renamed) before: this command's id was already applied, or another's.
            Command::Create { .. } | Command::Rename { .. } => {}
            Command::Resize { space } => mailbox.space = *space,
            Command::Block => mailbox.status = "blocked".into(),
            Command::Unblock => mailbox.status = "active".into(),
            Command::Close => mailbox.status = "closed".into(),
            Command::UpdateHolder { titolare, version } => {
                // An older change arriving late is not applied.
                if *version > mailbox.titolare_version {
                    mailbox.titolare = Some(titolare.clone());
                    mailbox.titolare_version = *version;
                }
            }
        }
        mailbox.commands += 1;
        sandbox::apply(store, command_id, command, current.as_ref(), &mailbox)
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    async fn occupazione(&self, address: &str) -> Result<Occupazione, ProviderError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(ProviderError::Unavailable("sandbox is down".into()));
        }
        let mut current = sandbox::mailbox(self.store.as_ref(), address)
            .await
            .map_err(unavailable)?;
        if let Some(to) = current.as_ref().and_then(|m| m.value.renamed_to.clone()) {
            current = sandbox::mailbox(self.store.as_ref(), &to)
                .await
                .map_err(unavailable)?;
        }
        current
            .map(|m| m.value.occupazione)
            .ok_or_else(|| ProviderError::Unavailable(format!("{address} does not exist yet")))
    }
}
