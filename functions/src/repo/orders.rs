//! Holders' orders for paid services, one item each, filed under their holder (GSI1, for
//! his list) and under the Italian month they were made in (GSI2, for the Fondazione's
//! register and the verifica's reconciliation). Every change is conditional on the version
//! read. Beside them, the marks of the payment events already processed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::codice_fiscale::CodiceFiscale;
use shared::order::Order;

use super::{Versioned, get_versioned};
use crate::store::{Condition, Index, Item, ItemStore, Query, SortKey, StoreError, WriteOp, keys};

/// Orders a holder sees at once: far more than anyone makes.
const HOLDER_PAGE: usize = 200;

fn item(order: &Order, version: u64) -> Result<Item, StoreError> {
    Ok(Item::new(keys::order(&order.id), keys::ORDER, order)?
        .with_gsi1(keys::order_of_holder(
            &order.codice_fiscale,
            order.creato_il,
            &order.id,
        ))
        .with_gsi2(keys::order_in_month(order.creato_il, &order.id))
        .with_version(version))
}

/// The write that records a new order.
pub fn create(order: &Order) -> Result<WriteOp, StoreError> {
    Ok(WriteOp::Put(item(order, 1)?, Condition::NotExists))
}

/// The write that saves `after` over `before`, unless someone changed it since.
pub fn save(before: &Versioned<Order>, after: &Order) -> Result<WriteOp, StoreError> {
    Ok(WriteOp::Put(
        item(after, before.version + 1)?,
        Condition::Version(before.version),
    ))
}

pub async fn get(store: &dyn ItemStore, id: &str) -> Result<Option<Versioned<Order>>, StoreError> {
    get_versioned(store, &keys::order(id)).await
}

/// The holder's orders, newest first.
pub async fn of_holder(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
) -> Result<Vec<Versioned<Order>>, StoreError> {
    let query = Query::new(Some(Index::Gsi1), keys::orders_of(cf), SortKey::All)
        .limit(HOLDER_PAGE)
        .descending();
    super::query_versioned(store, &query).await
}

/// Every order made in `month` (`YYYY-MM`, Italian time), oldest first.
pub async fn in_month(
    store: &dyn ItemStore,
    month: &str,
) -> Result<Vec<Versioned<Order>>, StoreError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let query = Query::new(Some(Index::Gsi2), keys::orders_month(month), SortKey::All)
            .limit(1000)
            .after(cursor);
        let page = store.query(&query).await?;
        for item in &page.items {
            out.push(Versioned::decode(item)?);
        }
        cursor = page.cursor;
        if cursor.is_none() {
            return Ok(out);
        }
    }
}

/// A payment event processed, and when.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessedEvent {
    pub id: String,
    pub ordine: Option<String>,
    pub il: DateTime<Utc>,
}

/// The write that marks `event` processed: it fails the transaction of a second run.
pub fn mark_processed(event: &ProcessedEvent) -> Result<WriteOp, StoreError> {
    Ok(WriteOp::Put(
        Item::new(keys::payment_event(&event.id), keys::PAYMENT_EVENT, event)?,
        Condition::NotExists,
    ))
}

pub async fn processed(store: &dyn ItemStore, event_id: &str) -> Result<bool, StoreError> {
    Ok(store.get(&keys::payment_event(event_id)).await?.is_some())
}
