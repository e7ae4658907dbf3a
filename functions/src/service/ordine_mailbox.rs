//! Each Ordine's own mailbox, `ordine.<provincia>@ingpec.eu`.

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::address::LocalPart;
use shared::api::{ErrorCode, MailboxView, OrdineMailbox};
use shared::lifecycle::{AlboStatus, Effect, Mailbox};
use shared::province::OrdineCode;

use super::ensure;
use crate::error::AppError;
use crate::repo::{addresses, audit, outbox};
use crate::store::{Condition, Item, ItemStore, StoreError, WriteOp, keys};

pub async fn get(
    store: &dyn ItemStore,
    caller: &Caller,
    ordine: OrdineCode,
) -> Result<OrdineMailbox, AppError> {
    ensure(caller.can_manage_ordine(ordine))?;
    let item = store
        .get(&keys::ordine_mailbox(ordine))
        .await
        .map_err(AppError::internal)?
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                "La casella dell'Ordine non è ancora stata attivata.",
            )
        })?;
    let mailbox: Mailbox = item.decode().map_err(AppError::internal)?;
    Ok(OrdineMailbox {
        ordine,
        nome: ordine.nome(),
        mailbox: MailboxView::of(&mailbox),
    })
}

/// Creates the Ordine's mailbox if it has none; true when it did.
pub async fn create(
    store: &dyn ItemStore,
    actor: &str,
    ordine: OrdineCode,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    if store.get(&keys::ordine_mailbox(ordine)).await?.is_some() {
        return Ok(false);
    }
    let local = ordine
        .pec()
        .ingpec_local()
        .expect("an Ordine's address is ours");
    let base = LocalPart::parse(local.as_str()).expect("valid");
    let taken = addresses::taken(store, &base).await?;
    let holder = format!("ordine:{ordine}");
    let (address, reserve) = match addresses::reserve(&base, addresses::first_free(&taken), &holder)
    {
        Ok(reservation) => reservation,
        Err(addresses::AddressOrStore::Store(e)) => return Err(e),
        Err(addresses::AddressOrStore::Address(e)) => {
            return Err(StoreError::Encode(e.to_string()));
        }
    };
    let transition = Mailbox::activate(address, AlboStatus::Iscritto, crate::clock::rome_date(now));
    let mut ops = vec![
        reserve,
        WriteOp::Put(
            Item::new(
                keys::ordine_mailbox(ordine),
                keys::ORDINE_MAILBOX,
                &transition.mailbox,
            )?,
            Condition::NotExists,
        ),
    ];
    for effect in &transition.effects {
        if let Effect::Provider(command) = effect {
            ops.push(outbox::enqueue(&outbox::OutboxCommand::provider(
                transition.mailbox.address.as_str(),
                *command,
                now,
            ))?);
        }
    }
    let entry = audit::entry(
        actor,
        &holder,
        "attivazione casella dell'Ordine",
        None::<&Mailbox>,
        Some(&transition.mailbox),
        now,
    );
    ops.push(audit::write(&entry)?);
    match store.transact(ops).await {
        Ok(()) => Ok(true),
        Err(StoreError::TransactionCancelled { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}
