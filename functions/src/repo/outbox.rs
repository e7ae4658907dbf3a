//! Work for the outside world (provider commands, notices by email), written in the same
//! transaction as the change that needs it and carried out later by the dispatcher, so an
//! outage never loses or doubles an activation or a reminder. Pending entries are on GSI2
//! by the time they are due; refused ones in the Fondazione's queue.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Versioned;
use crate::outbox::mailer::Notice;
use crate::outbox::provider::Command;
use crate::store::{Condition, Index, Item, ItemStore, Query, SortKey, StoreError, WriteOp, keys};

/// What an outbox entry carries out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Task {
    /// A command for the provider about the mailbox `address`.
    Provider {
        address: String,
        command: Box<Command>,
    },
    /// A notice by ordinary email from the official sender.
    Avviso { notice: Notice },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxCommand {
    /// Also the idempotency key the provider sees.
    pub id: String,
    pub task: Task,
    pub created_at: DateTime<Utc>,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    /// The paid order this command carries out: activated when it is done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    /// Refused by the provider or the mail service: it waits for the Fondazione to retry
    /// or discard it.
    #[serde(default)]
    pub parcheggiato: bool,
    /// Who discarded it instead of carrying it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scartato_da: Option<String>,
}

impl OutboxCommand {
    pub fn provider(address: &str, command: Command, now: DateTime<Utc>) -> Self {
        Self::new(
            Task::Provider {
                address: address.to_owned(),
                command: Box::new(command),
            },
            now,
        )
    }

    pub fn avviso(notice: Notice, now: DateTime<Utc>) -> Self {
        Self::new(Task::Avviso { notice }, now)
    }

    fn new(task: Task, now: DateTime<Utc>) -> Self {
        Self {
            id: uuid::Uuid::now_v7().to_string(),
            task,
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            done_at: None,
            order: None,
            parcheggiato: false,
            scartato_da: None,
        }
    }
}

fn item(command: &OutboxCommand, version: u64) -> Result<Item, StoreError> {
    let item = Item::new(keys::outbox(&command.id), keys::OUTBOX, command)?.with_version(version);
    Ok(match command.done_at {
        None if command.parcheggiato => {
            item.with_gsi2(keys::outbox_parked(command.created_at, &command.id))
        }
        None => item.with_gsi2(keys::outbox_pending(command.next_attempt_at, &command.id)),
        // Done: off the pending index, and gone after 30 days.
        Some(done) => item.expiring_at(done.timestamp() + 30 * 86_400),
    })
}

pub fn enqueue(command: &OutboxCommand) -> Result<WriteOp, StoreError> {
    Ok(WriteOp::Put(item(command, 1)?, Condition::NotExists))
}

/// Leases a due command until `until` for one attempt, unless another dispatcher changed it
/// since it was read (`None`: leave it alone).
pub async fn lease(
    store: &dyn ItemStore,
    due: &Versioned<OutboxCommand>,
    until: DateTime<Utc>,
) -> Result<Option<Versioned<OutboxCommand>>, StoreError> {
    let mut leased = due.value.clone();
    leased.attempts += 1;
    leased.next_attempt_at = until;
    match store
        .put(
            item(&leased, due.version + 1)?,
            Condition::Version(due.version),
        )
        .await
    {
        Ok(()) => Ok(Some(Versioned {
            value: leased,
            version: due.version + 1,
        })),
        Err(e) if e.is_condition_failed() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Saves the outcome of an attempt; fails if another dispatcher got there first.
pub async fn update(
    store: &dyn ItemStore,
    command: &Versioned<OutboxCommand>,
) -> Result<(), StoreError> {
    store
        .put(
            item(&command.value, command.version + 1)?,
            Condition::Version(command.version),
        )
        .await
}

/// The write of [`update`], to commit with what the outcome changes.
pub fn update_op(command: &Versioned<OutboxCommand>) -> Result<WriteOp, StoreError> {
    Ok(WriteOp::Put(
        item(&command.value, command.version + 1)?,
        Condition::Version(command.version),
    ))
}

/// Commands due by `now`, oldest first.
pub async fn due(
    store: &dyn ItemStore,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Versioned<OutboxCommand>>, StoreError> {
    let page = store
        .query(
            &Query::new(
                Some(Index::Gsi2),
                keys::OUTBOX_PENDING,
                SortKey::UpTo(keys::outbox_due_until(now)),
            )
            .limit(limit),
        )
        .await?;
    page.items.iter().map(Versioned::decode).collect()
}

/// The refused commands, oldest first, a page at a time.
pub fn parked(limit: usize) -> Query {
    Query::new(Some(Index::Gsi2), keys::OUTBOX_PARKED, SortKey::All).limit(limit)
}

pub async fn get(
    store: &dyn ItemStore,
    id: &str,
) -> Result<Option<Versioned<OutboxCommand>>, StoreError> {
    super::get_versioned(store, &keys::outbox(id)).await
}
