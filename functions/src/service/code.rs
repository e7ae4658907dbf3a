//! The Fondazione's work queues: the deceased holders whose mailbox is still open, and how
//! much waits in each queue (contracts to review, disdette, deaths), for the console's
//! header.

use shared::access::Caller;
use shared::api::{Code, DecessiPage, DecessoInCoda};
use shared::disdetta::StatoDisdetta;
use shared::lifecycle::AlboStatus;
use thiserror::Error;

use super::{Forbidden, ensure};
use crate::repo::{contratti, disdette, members};
use crate::store::{ItemStore, Query, StoreError};

/// Deaths shown at once.
const PAGE: usize = 50;

#[derive(Debug, Error)]
pub enum CodeError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The deceased holders whose mailbox is open, oldest death first.
pub async fn deaths(
    store: &dyn ItemStore,
    caller: &Caller,
    cursor: Option<String>,
) -> Result<DecessiPage, CodeError> {
    ensure(caller.can_decide_disdette())?;
    let page = store.query(&members::deaths(PAGE).after(cursor)).await?;
    let (records, cursor) = members::decode_page(page)?;
    let mut items = Vec::with_capacity(records.len());
    for record in records {
        let m = record.value;
        let (AlboStatus::Cancellato { dal, .. }, Some(mailbox)) = (m.albo.stato, &m.mailbox) else {
            continue;
        };
        let waiting = disdette::get(store, &m.anagrafica.codice_fiscale)
            .await?
            .is_some_and(|d| d.value.stato() == StatoDisdetta::InAttesa);
        items.push(DecessoInCoda {
            codice_fiscale: m.anagrafica.codice_fiscale.clone(),
            nome: m.anagrafica.nome.clone(),
            cognome: m.anagrafica.cognome.clone(),
            ordine: m.albo.ordine,
            deceduto_il: dal,
            indirizzo: mailbox.address.clone(),
            scadenza: mailbox.scadenza,
            disdetta_in_attesa: waiting,
        });
    }
    Ok(DecessiPage { items, cursor })
}

/// How many items `query` holds, up to [`Code::MAX`].
async fn count(store: &dyn ItemStore, query: Query) -> Result<u32, StoreError> {
    let mut total = 0usize;
    let mut cursor = None;
    loop {
        let page = store.query(&query.clone().after(cursor)).await?;
        total += page.items.len();
        if total >= Code::MAX as usize || page.cursor.is_none() {
            return Ok(total.min(Code::MAX as usize) as u32);
        }
        cursor = page.cursor;
    }
}

/// How much waits in each queue.
pub async fn counts(store: &dyn ItemStore, caller: &Caller) -> Result<Code, CodeError> {
    ensure(caller.can_decide_disdette() && caller.can_review_contracts())?;
    let limit = Code::MAX as usize;
    Ok(Code {
        contratti: count(store, contratti::review_queue(limit)).await?,
        disdette: count(store, disdette::queue(limit)).await?,
        decessi: count(store, members::deaths(limit)).await?,
    })
}
