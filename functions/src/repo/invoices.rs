//! Invoice numbers: progressive within their year, without gaps or repeats (DOMAIN.md,
//! Lifecycle 3). One counter item per year; a number is taken by writing the counter's
//! next value in the same transaction as what the number is for, conditional on the
//! version read, so a transaction that fails takes no number (no gap) and two that race
//! cannot both take one (no repeat): the loser reads again.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::order::NumeroFattura;

use super::{Versioned, get_versioned};
use crate::store::{Condition, Item, ItemStore, Query, SortKey, StoreError, WriteOp, keys};

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Counter {
    anno: i32,
    /// The last number taken.
    ultimo: u32,
}

/// The next number of `year` (the Italian calendar year of the invoice's date: one made at
/// 23:30 UTC on 31 December belongs to the next), and the write that takes it: commit it
/// with what the number is for, and read again if the commit finds the counter moved.
pub async fn next(
    store: &dyn ItemStore,
    year: i32,
) -> Result<(NumeroFattura, WriteOp), StoreError> {
    let key = keys::invoice_counter(year);
    let current = get_versioned::<Counter>(store, &key).await?;
    let (ultimo, condition, version) = match current {
        None => (0, Condition::NotExists, 1),
        Some(c) => (c.value.ultimo, Condition::Version(c.version), c.version + 1),
    };
    let progressivo = ultimo + 1;
    let item = Item::new(
        key,
        keys::INVOICE_COUNTER,
        &Counter {
            anno: year,
            ultimo: progressivo,
        },
    )?
    .with_version(version);
    Ok((
        NumeroFattura {
            anno: year,
            progressivo,
        },
        WriteOp::Put(item, condition),
    ))
}

/// An invoice issued: its number, the order it is for, and the document as issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fattura {
    pub numero: NumeroFattura,
    pub ordine: String,
    pub emessa_il: DateTime<Utc>,
    /// What the receipt and the XML say, frozen at issue.
    #[serde(default)]
    pub documento: Option<shared::fattura::Fattura>,
    /// Its delivery to the SdI, once sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inviata: Option<Invio>,
    /// Claimed for sending at this time: another sender leaves it alone meanwhile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invio_in_corso: Option<DateTime<Utc>>,
}

/// An invoice's delivery to the SdI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invio {
    pub il: DateTime<Utc>,
    /// The SdI's id of the delivery.
    pub id_sdi: String,
}

/// Saves `after` over the invoice as read, unless another writer changed it since (the
/// SdI's sending claims an invoice, then records its delivery, each on the version read).
pub async fn save(
    store: &dyn ItemStore,
    before: &Versioned<Fattura>,
    after: &Fattura,
) -> Result<Versioned<Fattura>, StoreError> {
    let version = before.version + 1;
    let item = Item::new(
        keys::invoice(after.numero.anno, after.numero.progressivo),
        keys::INVOICE,
        after,
    )?
    .with_version(version);
    store.put(item, Condition::Version(before.version)).await?;
    Ok(Versioned {
        value: after.clone(),
        version,
    })
}

/// The writes that record `fattura` under its number, once, and mark its order as
/// invoiced: a second invoice for the same order fails its transaction (a numbered
/// invoice cannot be taken back).
pub fn issue(fattura: &Fattura) -> Result<Vec<WriteOp>, StoreError> {
    let item = Item::new(
        keys::invoice(fattura.numero.anno, fattura.numero.progressivo),
        keys::INVOICE,
        fattura,
    )?;
    let mark = Item::new(
        keys::invoice_of_order(&fattura.ordine),
        keys::INVOICE,
        &fattura.numero,
    )?;
    Ok(vec![
        WriteOp::Put(item, Condition::NotExists),
        WriteOp::Put(mark, Condition::NotExists),
    ])
}

/// The invoice of `order`, if it has one.
pub async fn of_order(store: &dyn ItemStore, order: &str) -> Result<Option<Fattura>, StoreError> {
    let Some(mark) = store.get(&keys::invoice_of_order(order)).await? else {
        return Ok(None);
    };
    let numero: NumeroFattura = mark.decode()?;
    store
        .get(&keys::invoice(numero.anno, numero.progressivo))
        .await?
        .map(|item| item.decode())
        .transpose()
}

/// The invoices of `year`, in number order.
pub async fn register(store: &dyn ItemStore, year: i32) -> Result<Vec<Fattura>, StoreError> {
    Ok(register_versioned(store, year)
        .await?
        .into_iter()
        .map(|f| f.value)
        .collect())
}

/// [`register`], each invoice with the version read.
pub async fn register_versioned(
    store: &dyn ItemStore,
    year: i32,
) -> Result<Vec<Versioned<Fattura>>, StoreError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .query(
                &Query::new(
                    None,
                    keys::invoices_partition(year),
                    SortKey::BeginsWith(keys::INVOICE_PREFIX.into()),
                )
                .limit(1000)
                .after(cursor),
            )
            .await?;
        for item in &page.items {
            out.push(Versioned::decode(item)?);
        }
        cursor = page.cursor;
        if cursor.is_none() {
            return Ok(out);
        }
    }
}
