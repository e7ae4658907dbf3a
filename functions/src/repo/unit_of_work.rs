//! One unit of work per change of an audited aggregate (a member, an Ordine): from the
//! state before and after and the lifecycle's effects, every write of the one transaction:
//! the item (created, or replaced at the version read), the provider commands and the
//! notices for the outbox, and the audit entry chained after the aggregate's head, which
//! the item keeps. Callers never assemble these by hand.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shared::address::EmailAddress;
use shared::audit::{Actor, AuditTarget, Draft};
use shared::lifecycle::{Effect, Mailbox, ProviderCommand};

use super::outbox::{self, OutboxCommand};
use super::{Ops, Versioned, audit};
use crate::outbox::mailer::Notice;
use crate::outbox::provider::{Command, Titolare};
use crate::store::{Condition, Item, StoreError, WriteOp};

/// Fields of an aggregate's JSON that are bookkeeping, not data: left out of the audit.
const BOOKKEEPING: [&str; 1] = ["audit_head"];

/// An aggregate whose changes are audited in a chain kept on its own item.
pub trait Audited: Serialize + Clone {
    fn target(&self) -> AuditTarget;
    /// The hash of the newest audit entry of this aggregate.
    fn audit_head(&self) -> Option<&str>;
    fn set_audit_head(&mut self, head: String);
    /// The stored item at `version`.
    fn item(&self, version: u64) -> Result<Item, StoreError>;
    fn mailbox(&self) -> Option<&Mailbox>;
    fn set_mailbox(&mut self, mailbox: Mailbox);
    /// Whose mailbox it is, as the provider must know.
    fn titolare(&self) -> Titolare;
    /// Where notices go besides the mailbox itself.
    fn recovery_email(&self) -> Option<&EmailAddress>;
}

/// A change of one aggregate.
#[derive(Debug)]
pub struct Change<T> {
    /// As read, with its version; `None` when the change creates it.
    pub before: Option<Versioned<T>>,
    pub after: T,
    /// What the lifecycle says to carry out (provider commands, reminders).
    pub effects: Vec<Effect>,
    pub actor: Actor,
    /// What was done, in Italian, for the audit.
    pub action: String,
}

/// How many outbox entries a change queued, by kind (the verifica's report).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Queued {
    pub comandi: usize,
    pub avvisi: usize,
}

impl<T: Audited> Change<T> {
    /// An entry in `aggregate`'s audit chain that changes nothing of it: a request filed
    /// about it, an operator's decision on one of its commands.
    pub fn note(aggregate: Versioned<T>, actor: Actor, action: String) -> Self {
        let after = aggregate.value.clone();
        Self {
            before: Some(aggregate),
            after,
            effects: Vec::new(),
            actor,
            action,
        }
    }

    /// Every write of the change, and the aggregate as it will be once they commit.
    pub fn into_ops(self, now: DateTime<Utc>) -> Result<(Ops, Versioned<T>, Queued), StoreError> {
        self.into_ops_for(now, None)
    }

    /// As [`Self::into_ops`], for a paid `order`: its last provider command carries the
    /// order's id, so the dispatcher marks the order activated when the provider is done.
    pub fn into_ops_for(
        self,
        now: DateTime<Utc>,
        order: Option<&str>,
    ) -> Result<(Ops, Versioned<T>, Queued), StoreError> {
        let Change {
            before,
            mut after,
            effects,
            actor,
            action,
        } = self;
        let json =
            |value: &T| serde_json::to_value(value).map_err(|e| StoreError::Encode(e.to_string()));
        let before_json = before.as_ref().map(|b| json(&b.value)).transpose()?;
        let draft = Draft {
            actor,
            target: after.target(),
            action,
            changes: shared::audit::changes(
                before_json.as_ref(),
                Some(&json(&after)?),
                &BOOKKEEPING,
            ),
        };
        let prev = before
            .as_ref()
            .and_then(|b| b.value.audit_head())
            .map(str::to_owned);
        let entry = draft.seal(uuid::Uuid::now_v7().to_string(), now, prev);
        after.set_audit_head(entry.hash.clone());

        let mut ops = Vec::new();
        let mut queued = Queued::default();
        let version = match &before {
            None => {
                ops.push(WriteOp::Put(after.item(1)?, Condition::NotExists));
                1
            }
            Some(b) => {
                ops.push(WriteOp::Put(
                    after.item(b.version + 1)?,
                    Condition::Version(b.version),
                ));
                b.version + 1
            }
        };
        if let Some(mailbox) = after.mailbox() {
            let address = mailbox.address.as_str();
            let titolare = after.titolare();
            let mut creates = false;
            let last_command = effects
                .iter()
                .rposition(|e| matches!(e, Effect::Provider(_)));
            for (index, effect) in effects.iter().enumerate() {
                let command = match effect {
                    Effect::Provider(command) => {
                        creates |= matches!(command, ProviderCommand::Create { .. });
                        queued.comandi += 1;
                        let mut queued_command =
                            OutboxCommand::provider(address, Command::of(command, &titolare), now);
                        if Some(index) == last_command {
                            queued_command.order = order.map(str::to_owned);
                        }
                        queued_command
                    }
                    Effect::Reminder(reminder) => {
                        queued.avvisi += 1;
                        let recovery = after.recovery_email().map(EmailAddress::as_str);
                        let notice = Notice::reminder(reminder, address, recovery, mailbox.space());
                        OutboxCommand::avviso(notice, now)
                    }
                    _ => continue,
                };
                ops.push(outbox::enqueue(&command)?);
            }
            let holder_changed = before.as_ref().is_some_and(|b| {
                b.value.mailbox().is_some_and(|m| m.status.is_open())
                    && b.value.titolare() != titolare
            });
            if holder_changed && !creates && mailbox.status.is_open() {
                queued.comandi += 1;
                let command = Command::UpdateHolder { titolare, version };
                ops.push(outbox::enqueue(&OutboxCommand::provider(
                    address, command, now,
                ))?);
            }
        }
        ops.push(audit::write(&entry)?);
        Ok((
            ops,
            Versioned {
                value: after,
                version,
            },
            queued,
        ))
    }
}
