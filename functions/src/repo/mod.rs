//! Repositories: each entity's reads and writes, written once on the item-store port.
//! Writes that belong together are returned as [`WriteOp`]s so use cases can commit them
//! in one transaction (a member, its address reservation, the outbox command, the audit).

pub mod accounts;
pub mod addresses;
pub mod audit;
pub mod idempotency;
pub mod login_failures;
pub mod members;
pub mod outbox;

use crate::store::WriteOp;

/// A value and the version it was read at.
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned<T> {
    pub value: T,
    pub version: u64,
}

/// Writes to commit together.
pub type Ops = Vec<WriteOp>;
