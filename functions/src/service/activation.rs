//! Activation of a member's mailbox by his Ordine's secretariat (or the Fondazione), one
//! at a time or from a CSV. The address is reserved in the same transaction as the
//! mailbox, its provider command and its audit entry: all or nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::address::{AddressError, EmailAddress, LocalPart};
use shared::api::{ActivationPreview, MailboxView};
use shared::catalog::Catalog;
use shared::codice_fiscale::{CodiceFiscale, CodiceFiscaleError};
use shared::lifecycle::{Mailbox, activation_eligibility};
use shared::province::OrdineCode;
use thiserror::Error;

use super::upload::CsvError;
use super::{Forbidden, ensure};
use crate::repo::members::{self, MemberRecord};
use crate::repo::unit_of_work::Change;
use crate::repo::{self, Ops, Versioned, addresses};
use crate::store::{ItemStore, StoreError};

/// Attempts when another activation takes the same address at the same moment.
const ATTEMPTS: usize = 8;

/// What the audit trail says of an activation by the secretariat.
const ACTIVATION: &str = "attivazione casella";

mod bulk;
pub use bulk::bulk;

#[derive(Debug, Error)]
pub enum ActivationError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    CodiceFiscale(#[from] CodiceFiscaleError),
    /// Also for another Ordine's member: nothing leaks across Ordini.
    #[error("Il codice fiscale non risulta tra gli iscritti dell'{}.", .0.nome())]
    NotInOrdine(OrdineCode),
    #[error(transparent)]
    Refused(#[from] shared::lifecycle::ActivationError),
    #[error(transparent)]
    Address(#[from] AddressError),
    #[error(transparent)]
    Csv(#[from] CsvError),
    /// Others kept taking the address or changing the member: tried enough.
    #[error(
        "L'iscritto o il suo indirizzo sono stati modificati più volte nel frattempo: riprova tra poco."
    )]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<addresses::AddressOrStore> for ActivationError {
    fn from(err: addresses::AddressOrStore) -> Self {
        match err {
            addresses::AddressOrStore::Address(e) => e.into(),
            addresses::AddressOrStore::Store(e) => e.into(),
        }
    }
}

/// The member of `ordine` with this code, if the Ordine may act on him: registered there now.
async fn member_of(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    cf: &CodiceFiscale,
) -> Result<Versioned<MemberRecord>, ActivationError> {
    match members::get(store, cf).await? {
        Some(member)
            if member.value.albo.ordine == ordine
                && caller.can_read_member(cf, member.value.standing()) =>
        {
            Ok(member)
        }
        _ => Err(ActivationError::NotInOrdine(ordine)),
    }
}

/// Activates the mailbox of the member with `codice_fiscale`, registered in `ordine`.
pub async fn activate(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    codice_fiscale: &str,
    now: DateTime<Utc>,
) -> Result<MailboxView, ActivationError> {
    let cf = CodiceFiscale::parse(codice_fiscale)?;
    let mailbox = activate_with(store, caller, ordine, &cf, now, ACTIVATION, |_| {
        Ok(Vec::new())
    })
    .await?;
    Ok(MailboxView::of(&mailbox))
}

/// Activates `cf`'s mailbox, recording `action`; `also` gives, for the mailbox made, more
/// writes of the same transaction (the decision on his request, its notice).
pub(crate) async fn activate_with(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    cf: &CodiceFiscale,
    now: DateTime<Utc>,
    action: &str,
    also: impl Fn(&Mailbox) -> Result<Ops, StoreError>,
) -> Result<Mailbox, ActivationError> {
    ensure(caller.can_manage_ordine(ordine))?;
    // The catalog in force, read once for every attempt.
    let catalog = crate::repo::catalogo::load(store).await?;
    activate_under(store, caller, ordine, cf, None, now, action, also, &catalog).await
}

/// [`activate_with`] under `catalog`, read by the caller (once for a whole CSV); `read` is
/// the member as the caller has just read him, if it has.
#[allow(clippy::too_many_arguments)]
async fn activate_under(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    cf: &CodiceFiscale,
    mut read: Option<Versioned<MemberRecord>>,
    now: DateTime<Utc>,
    action: &str,
    also: impl Fn(&Mailbox) -> Result<Ops, StoreError>,
    catalog: &Catalog,
) -> Result<Mailbox, ActivationError> {
    ensure(caller.can_manage_ordine(ordine))?;
    for _ in 0..ATTEMPTS {
        let member = match read.take() {
            Some(member) => member,
            None => member_of(store, caller, ordine, cf).await?,
        };
        let planned = plan(store, caller, member, now, action, catalog).await?;
        let mut ops = planned.ops;
        ops.extend(also(&planned.mailbox)?);
        match repo::commit(store, ops).await {
            Ok(()) => {
                tracing::info!(address = %planned.mailbox.address, %ordine, "mailbox activated");
                return Ok(planned.mailbox);
            }
            // The address went to a concurrent activation, or the member changed: read again.
            Err(e) if e.is_condition_failed() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ActivationError::Busy)
}

/// An activation worked out on `member` as read, not written yet.
struct Planned {
    mailbox: Mailbox,
    /// The member with his mailbox, its provider command and audit entry, the address.
    ops: Ops,
}

/// The mailbox activating `member` makes now, and its writes: the address is the first
/// alias not taken.
async fn plan(
    store: &dyn ItemStore,
    caller: &Caller,
    member: Versioned<MemberRecord>,
    now: DateTime<Utc>,
    action: &str,
    catalog: &Catalog,
) -> Result<Planned, ActivationError> {
    let base = base_of(&member.value)?;
    let alias = addresses::first_free(&addresses::taken(store, &base).await?);
    planned(caller, member, now, action, catalog, &base, alias)
}

/// The base of the address activating `record`'s mailbox makes, if it may be activated.
fn base_of(record: &MemberRecord) -> Result<LocalPart, ActivationError> {
    activation_eligibility(&record.albo.stato, record.has_open_mailbox())?;
    Ok(LocalPart::for_person(
        &record.anagrafica.nome,
        &record.anagrafica.cognome,
    )?)
}

/// The writes activating `member`'s mailbox with `alias` of `base`: no read, so a CSV's
/// rows are worked out while the store commits the rows before them.
fn planned(
    caller: &Caller,
    member: Versioned<MemberRecord>,
    now: DateTime<Utc>,
    action: &str,
    catalog: &Catalog,
    base: &LocalPart,
    alias: u32,
) -> Result<Planned, ActivationError> {
    let record = &member.value;
    let holder = shared::audit::AuditTarget::Member(record.anagrafica.codice_fiscale.clone());
    let (address, reserve) = addresses::reserve(base, alias, &holder.to_string())?;
    let today = crate::clock::rome_date(now);
    let transition = Mailbox::activate_with(address, record.albo.stato, today, catalog);
    let mut after = record.clone();
    after.mailbox = Some(transition.mailbox.clone());
    let change = Change {
        before: Some(member),
        after,
        effects: transition.effects,
        actor: caller.actor(),
        action: action.to_owned(),
    };
    let (mut ops, _, _) = change.into_ops(now)?;
    ops.push(reserve);
    Ok(Planned {
        mailbox: transition.mailbox,
        ops,
    })
}

/// The address activating `codice_fiscale`'s mailbox would create now, if it may be
/// activated: shown to the secretariat before it confirms (an address is for good).
pub async fn preview(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
    codice_fiscale: &str,
) -> Result<ActivationPreview, ActivationError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let cf = CodiceFiscale::parse(codice_fiscale)?;
    let member = member_of(store, caller, ordine, &cf).await?;
    let record = &member.value;
    activation_eligibility(&record.albo.stato, record.has_open_mailbox())?;
    Ok(ActivationPreview {
        indirizzo: next_address(store, record, &mut Aliases::default()).await?,
    })
}

/// The address an activation would create now: the first alias free and not promised to
/// an earlier row of the same file.
async fn next_address(
    store: &dyn ItemStore,
    record: &MemberRecord,
    aliases: &mut Aliases,
) -> Result<EmailAddress, ActivationError> {
    let base = LocalPart::for_person(&record.anagrafica.nome, &record.anagrafica.cognome)?;
    aliases.learn(store, &base).await?;
    let alias = aliases.promise(&base);
    Ok(EmailAddress::ingpec(&base.with_alias(alias)?))
}

/// Each base's aliases as a file knows them: taken (read the first time the file meets the
/// base) or promised to one of its earlier rows.
#[derive(Default)]
struct Aliases(HashMap<LocalPart, Vec<u32>>);

impl Aliases {
    /// Reads the aliases taken of `base`, unless the file knows them already.
    async fn learn(&mut self, store: &dyn ItemStore, base: &LocalPart) -> Result<(), StoreError> {
        if !self.0.contains_key(base) {
            let taken = addresses::taken(store, base).await?;
            self.0.insert(base.clone(), taken);
        }
        Ok(())
    }

    /// The first alias of `base` (learnt) neither taken nor promised, promised from now on.
    fn promise(&mut self, base: &LocalPart) -> u32 {
        let known = self.0.entry(base.clone()).or_default();
        let alias = addresses::first_free(known);
        known.push(alias);
        alias
    }

    /// Forgets all: after a write met another writer, the promises mean nothing.
    fn forget(&mut self) {
        self.0.clear();
    }
}
