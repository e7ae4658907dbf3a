//! What the sandboxes keep in the store, for local runs and tests: the provider's mailboxes
//! (each command applied once, its id recorded in the same transaction) and the notices
//! the mail sandbox sent (each once, under its outbox id), and the test checkout's payments.

use serde::{Deserialize, Serialize};
use shared::catalog::Space;

use super::Versioned;
use crate::outbox::mailer::Notice;
use crate::outbox::provider::{Command, Titolare};
use crate::store::{Condition, Item, ItemStore, Query, SortKey, StoreError, WriteOp, keys};

/// A mailbox as the provider sandbox holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxMailbox {
    pub address: String,
    pub status: String,
    pub space: Space,
    /// The holder's data as last sent: what a locked-out holder's recovery would use.
    #[serde(default)]
    pub titolare: Option<Titolare>,
    /// The version of the holder's data last applied.
    #[serde(default)]
    pub titolare_version: u64,
    pub commands: u32,
    /// The address a renamed mailbox took: commands still sent here apply there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_to: Option<String>,
    /// What the holder keeps in it (the tests and the demo data set it).
    #[serde(default)]
    pub occupazione: shared::lifecycle::prospetto::Occupazione,
}

/// Sets what the mailbox at `address` holds, as the holder's mail would fill it.
pub async fn fill(
    store: &dyn ItemStore,
    address: &str,
    occupazione: shared::lifecycle::prospetto::Occupazione,
) -> Result<bool, StoreError> {
    let Some(current) = mailbox(store, address).await? else {
        return Ok(false);
    };
    let mut after = current.value.clone();
    after.occupazione = occupazione;
    let item = Item::new(
        keys::provider_mailbox(address),
        keys::PROVIDER_MAILBOX,
        &after,
    )?
    .with_version(current.version + 1);
    store.put(item, Condition::Version(current.version)).await?;
    Ok(true)
}

pub async fn mailbox(
    store: &dyn ItemStore,
    address: &str,
) -> Result<Option<Versioned<SandboxMailbox>>, StoreError> {
    super::get_versioned(store, &keys::provider_mailbox(address)).await
}

/// Records `command` as applied with the mailbox's new state, once: `Ok(false)` when the
/// command was applied before.
pub async fn apply(
    store: &dyn ItemStore,
    command_id: &str,
    command: &Command,
    before: Option<&Versioned<SandboxMailbox>>,
    after: &SandboxMailbox,
) -> Result<bool, StoreError> {
    let (version, condition) = match before {
        None => (1, Condition::NotExists),
        Some(b) => (b.version + 1, Condition::Version(b.version)),
    };
    let state = Item::new(
        keys::provider_mailbox(&after.address),
        keys::PROVIDER_MAILBOX,
        after,
    )?
    .with_version(version);
    applied_once(
        store,
        command_id,
        command,
        vec![WriteOp::Put(state, condition)],
    )
    .await
}

/// Records a rename as applied, once: the mailbox `old` becomes `after` under its new
/// address, and the old address forwards there; `Ok(false)` when the command was applied
/// before.
pub async fn rename(
    store: &dyn ItemStore,
    command_id: &str,
    command: &Command,
    old: &Versioned<SandboxMailbox>,
    after: &SandboxMailbox,
) -> Result<bool, StoreError> {
    let state = Item::new(
        keys::provider_mailbox(&after.address),
        keys::PROVIDER_MAILBOX,
        after,
    )?
    .with_version(1);
    // The old address keeps only where the mailbox went.
    let forward = SandboxMailbox {
        status: "renamed".into(),
        renamed_to: Some(after.address.clone()),
        ..old.value.clone()
    };
    let forward = Item::new(
        keys::provider_mailbox(&old.value.address),
        keys::PROVIDER_MAILBOX,
        &forward,
    )?
    .with_version(old.version + 1);
    let changes = vec![
        WriteOp::Put(state, Condition::NotExists),
        WriteOp::Put(forward, Condition::Version(old.version)),
    ];
    applied_once(store, command_id, command, changes).await
}

/// Commits `changes` with the record that `command` was applied, unless it was:
/// `Ok(false)` then, and nothing written.
async fn applied_once(
    store: &dyn ItemStore,
    command_id: &str,
    command: &Command,
    changes: Vec<WriteOp>,
) -> Result<bool, StoreError> {
    let applied = Item::new(
        keys::provider_command(command_id),
        keys::PROVIDER_COMMAND,
        command,
    )?;
    let mut ops = vec![WriteOp::Put(applied, Condition::NotExists)];
    ops.extend(changes);
    match store.transact(ops).await {
        Ok(()) => Ok(true),
        Err(StoreError::ConditionFailed { failed }) if failed.contains(&0) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A notice the mail sandbox sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentNotice {
    pub id: String,
    pub from: String,
    pub notice: Notice,
}

/// Keeps `sent`; `Ok(false)` when it was kept before (sent on an earlier attempt).
pub async fn keep_sent(store: &dyn ItemStore, sent: &SentNotice) -> Result<bool, StoreError> {
    let item = Item::new(keys::sent_mail(&sent.id), keys::SENT, sent)?;
    match store.put(item, Condition::NotExists).await {
        Ok(()) => Ok(true),
        Err(e) if e.is_condition_failed() => Ok(false),
        Err(e) => Err(e),
    }
}

/// Every notice sent, oldest first.
pub async fn sent(store: &dyn ItemStore) -> Result<Vec<SentNotice>, StoreError> {
    let mut sent = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .query(
                &Query::new(None, keys::SENT_MAIL, SortKey::All)
                    .limit(1000)
                    .after(cursor),
            )
            .await?;
        for item in &page.items {
            sent.push(item.decode()?);
        }
        cursor = page.cursor;
        if cursor.is_none() {
            return Ok(sent);
        }
    }
}

/// A payment as the local test checkout holds it (what Stripe keeps of a PaymentIntent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxPayment {
    pub riferimento: String,
    pub ordine: String,
    pub importo: shared::money::Money,
    pub client_secret: String,
    /// When the card was charged.
    #[serde(default)]
    pub riuscito_il: Option<chrono::DateTime<chrono::Utc>>,
    /// Refunds made, by their idempotency key.
    #[serde(default)]
    pub rimborsi: Vec<(String, shared::money::Money)>,
}

pub async fn payment(
    store: &dyn ItemStore,
    riferimento: &str,
) -> Result<Option<Versioned<SandboxPayment>>, StoreError> {
    super::get_versioned(store, &keys::payment_sandbox(riferimento)).await
}

/// Saves `after`, created or over the version read.
pub async fn save_payment(
    store: &dyn ItemStore,
    before: Option<&Versioned<SandboxPayment>>,
    after: &SandboxPayment,
) -> Result<(), StoreError> {
    let (version, condition) = match before {
        None => (1, Condition::NotExists),
        Some(b) => (b.version + 1, Condition::Version(b.version)),
    };
    let item = Item::new(
        keys::payment_sandbox(&after.riferimento),
        keys::PAYMENT_SANDBOX,
        after,
    )?
    .with_version(version);
    store.put(item, condition).await
}
