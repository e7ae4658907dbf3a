//! Invoice numbers under concurrent payments: 50 at once, each taking its number in the
//! transaction that records its invoice, on SQLite and on DynamoDB (moto): numbered 1 to 50
//! with no gap and no repeat, and a transaction that fails takes no number.

use std::sync::Arc;

use chrono::Utc;
use functions::repo::{self, invoices};
use functions::store::sqlite::SqliteStore;
use functions::store::{Condition, Item, ItemStore, StoreError, WriteOp, keys};
use functions::testing::Moto;
use shared::order::NumeroFattura;

const PAYMENTS: u32 = 50;
const YEAR: i32 = 2026;

#[tokio::test]
async fn fifty_concurrent_payments_are_numbered_without_gaps_on_sqlite() {
    numbered(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

#[tokio::test]
async fn fifty_concurrent_payments_are_numbered_without_gaps_on_dynamodb() {
    let moto = Moto::start().await;
    numbered(Arc::new(moto.store("invoices").await)).await;
}

/// Takes a number for `order` and records its invoice with it, reading again when
/// another payment took the number first, after a short random pause (as the payment
/// handler does: fifty losers retrying at once would only collide again).
async fn invoice(store: &dyn ItemStore, order: String) -> NumeroFattura {
    for attempt in 0u32.. {
        if attempt > 0 {
            let most = 2u64.pow(attempt.min(6));
            let pause = rand::random_range(1..=most);
            tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
        }
        let (numero, take) = invoices::next(store, YEAR).await.unwrap();
        let fattura = invoices::Fattura {
            numero,
            ordine: order.clone(),
            documento: None,
            inviata: None,
            invio_in_corso: None,
            emessa_il: Utc::now(),
        };
        let mut ops = vec![take];
        ops.extend(invoices::issue(&fattura).unwrap());
        match repo::commit(store, ops).await {
            Ok(()) => return numero,
            Err(StoreError::ConditionFailed { .. }) => {}
            Err(e) => panic!("{e}: {e:?}"),
        }
    }
    unreachable!("the attempts never end")
}

async fn numbered(store: Arc<dyn ItemStore>) {
    // A payment whose transaction fails for another reason takes no number.
    let (numero, take) = invoices::next(store.as_ref(), YEAR).await.unwrap();
    assert_eq!(numero.progressivo, 1);
    let blocker = Item::new(
        keys::invoice(YEAR, 999),
        keys::INVOICE,
        &serde_json::json!({}),
    )
    .unwrap();
    repo::commit(
        store.as_ref(),
        vec![WriteOp::Put(blocker.clone(), Condition::NotExists)],
    )
    .await
    .unwrap();
    let failed = repo::commit(
        store.as_ref(),
        vec![take, WriteOp::Put(blocker, Condition::NotExists)],
    )
    .await;
    assert!(failed.is_err());
    store
        .transact(vec![WriteOp::Delete(
            keys::invoice(YEAR, 999),
            Condition::Exists,
        )])
        .await
        .unwrap();

    let tasks: Vec<_> = (0..PAYMENTS)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { invoice(store.as_ref(), format!("order-{i}")).await })
        })
        .collect();
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.unwrap().progressivo);
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=PAYMENTS).collect::<Vec<_>>());

    let register = invoices::register(store.as_ref(), YEAR).await.unwrap();
    let numbers: Vec<u32> = register.iter().map(|f| f.numero.progressivo).collect();
    assert_eq!(
        numbers,
        (1..=PAYMENTS).collect::<Vec<_>>(),
        "the register, in order"
    );
    // A second invoice for an order already invoiced takes no number.
    let (numero, take) = invoices::next(store.as_ref(), YEAR).await.unwrap();
    let again = invoices::Fattura {
        numero,
        ordine: "order-7".into(),
        documento: None,
        inviata: None,
        invio_in_corso: None,
        emessa_il: Utc::now(),
    };
    let mut ops = vec![take];
    ops.extend(invoices::issue(&again).unwrap());
    assert!(repo::commit(store.as_ref(), ops).await.is_err());
    assert_eq!(
        invoices::next(store.as_ref(), YEAR)
            .await
            .unwrap()
            .0
            .progressivo,
        PAYMENTS + 1
    );
    let mut orders: Vec<&str> = register.iter().map(|f| f.ordine.as_str()).collect();
    orders.sort_unstable();
    orders.dedup();
    assert_eq!(orders.len(), PAYMENTS as usize, "one invoice per order");
}
