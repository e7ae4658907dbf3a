//! The holder's disdetta, filed in his partition; one waiting for the Fondazione is also
//! in its queue.

use shared::codice_fiscale::CodiceFiscale;
use shared::disdetta::Disdetta;

use super::Versioned;
use crate::store::{Condition, Index, Item, ItemStore, Query, SortKey, StoreError, WriteOp, keys};

/// The stored item of `disdetta` at `version`.
fn item(disdetta: &Disdetta, version: u64) -> Result<Item, StoreError> {
    let item = Item::new(
        keys::disdetta(&disdetta.codice_fiscale),
        keys::DISDETTA,
        disdetta,
    )?
    .with_version(version);
    Ok(if disdetta.esito.is_none() {
        item.with_gsi2(keys::disdetta_queue(
            disdetta.richiesta_il,
            &disdetta.codice_fiscale,
        ))
    } else {
        item
    })
}

/// The holder's latest disdetta.
pub async fn get(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
) -> Result<Option<Versioned<Disdetta>>, StoreError> {
    super::get_versioned(store, &keys::disdetta(cf)).await
}

/// Writes `after` over `before` (none: the first), if nobody wrote it meanwhile.
pub fn save(before: Option<&Versioned<Disdetta>>, after: &Disdetta) -> Result<WriteOp, StoreError> {
    Ok(match before {
        None => WriteOp::Put(item(after, 1)?, Condition::NotExists),
        Some(b) => WriteOp::Put(item(after, b.version + 1)?, Condition::Version(b.version)),
    })
}

/// The disdette waiting for the Fondazione, oldest first, a page at a time.
pub fn queue(limit: usize) -> Query {
    Query::new(Some(Index::Gsi2), keys::DISDETTE_QUEUE, SortKey::All).limit(limit)
}
