//! A person's activation requests, in his own partition (he may not be a member yet), one
//! per Ordine asked; one waiting is also in its Ordine's queue and in the Fondazione's.

use chrono::{DateTime, Utc};
use shared::codice_fiscale::CodiceFiscale;
use shared::province::OrdineCode;
use shared::richiesta::RichiestaAttivazione;

use super::Versioned;
use crate::store::{Condition, Index, Item, ItemStore, Query, SortKey, StoreError, WriteOp, keys};

fn item(richiesta: &RichiestaAttivazione, version: u64) -> Result<Item, StoreError> {
    let cf = richiesta.codice_fiscale();
    let item = Item::new(
        keys::richiesta(cf, richiesta.ordine),
        keys::RICHIESTA,
        richiesta,
    )?
    .with_version(version);
    Ok(if richiesta.in_attesa() {
        let at = richiesta.presentata_il;
        item.with_gsi1(keys::richiesta_in_ordine(richiesta.ordine, at, cf))
            .with_gsi2(keys::richiesta_queue(at, cf))
    } else {
        item
    })
}

/// The person's latest request to `ordine`.
pub async fn get(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
    ordine: OrdineCode,
) -> Result<Option<Versioned<RichiestaAttivazione>>, StoreError> {
    super::get_versioned(store, &keys::richiesta(cf, ordine)).await
}

/// Writes `after` over `before` (none: the first), if nobody wrote it meanwhile.
pub fn save(
    before: Option<&Versioned<RichiestaAttivazione>>,
    after: &RichiestaAttivazione,
) -> Result<WriteOp, StoreError> {
    Ok(match before {
        None => WriteOp::Put(item(after, 1)?, Condition::NotExists),
        Some(b) => WriteOp::Put(item(after, b.version + 1)?, Condition::Version(b.version)),
    })
}

/// The requests waiting for `ordine`'s secretariat, oldest first.
pub fn of_ordine(ordine: OrdineCode, limit: usize) -> Query {
    Query::new(
        Some(Index::Gsi1),
        keys::richieste_ordine(ordine),
        SortKey::All,
    )
    .limit(limit)
}

/// Every Ordine's requests waiting since `until` or longer, oldest first.
pub fn waiting_since(until: DateTime<Utc>, limit: usize) -> Query {
    Query::new(
        Some(Index::Gsi2),
        keys::RICHIESTE_QUEUE,
        SortKey::UpTo(keys::richieste_until(until)),
    )
    .limit(limit)
}
