//! A purchase with a crash injected at each step (the order, the payment's event, the
//! provider's command, the receipt), before its write and after it (written, but the answer
//! lost, as when the process dies before replying): once retried, as a client, Stripe and
//! the outbox retry, nothing is lost and nothing is doubled.

mod support;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use functions::outbox::mailer::sandbox::SandboxMailer;
use functions::outbox::provider::sandbox::SandboxProvider;
use functions::outbox::{self as dispatcher, Channels};
use functions::payment::prova::LOCAL_WEBHOOK_SECRET;
use functions::payment::signature;
use functions::repo::{invoices, sandbox};
use functions::store::sqlite::SqliteStore;
use functions::store::{Condition, Item, ItemStore, Key, Page, Query, StoreError, WriteOp};
use serde_json::json;
use shared::access::Role;
use support::{Api, NOW, albo_row, caller, cf};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum When {
    /// The write never happens.
    Before,
    /// The write happens; the caller is told it failed.
    After,
}

/// A store that crashes once, at the first write of an item of the chosen entity type.
struct Crashing {
    inner: Arc<dyn ItemStore>,
    plan: Mutex<Option<(&'static str, When)>>,
}

impl Crashing {
    fn arm(&self, entity: &'static str, when: When) {
        *self.plan.lock().unwrap() = Some((entity, when));
    }

    fn hit(&self, items: &[&Item]) -> Option<When> {
        let mut plan = self.plan.lock().unwrap();
        let (entity, when) = (*plan)?;
        if items.iter().any(|i| i.entity_type == entity) {
            *plan = None;
            Some(when)
        } else {
            None
        }
    }
}

fn crash() -> StoreError {
    StoreError::backend(std::io::Error::other("injected crash"))
}

#[async_trait]
impl ItemStore for Crashing {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.inner.get(key).await
    }

    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        match self.hit(&[&item]) {
            Some(When::Before) => Err(crash()),
            Some(When::After) => {
                self.inner.put(item, condition).await?;
                Err(crash())
            }
            None => self.inner.put(item, condition).await,
        }
    }

    async fn delete(&self, key: &Key, condition: Condition) -> Result<(), StoreError> {
        self.inner.delete(key, condition).await
    }

    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        self.inner.query(query).await
    }

    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), StoreError> {
        let items: Vec<&Item> = ops
            .iter()
            .filter_map(|op| match op {
                WriteOp::Put(item, _) => Some(item),
                _ => None,
            })
            .collect();
        match self.hit(&items) {
            Some(When::Before) => Err(crash()),
            Some(When::After) => {
                self.inner.transact(ops).await?;
                Err(crash())
            }
            None => self.inner.transact(ops).await,
        }
    }

    async fn batch_put(&self, items: Vec<Item>) -> Result<(), StoreError> {
        self.inner.batch_put(items).await
    }
}

#[tokio::test]
async fn a_crash_at_any_step_of_a_purchase_loses_and_doubles_nothing() {
    for when in [When::Before, When::After] {
        purchase_with_crashes(when).await;
    }
}

async fn purchase_with_crashes(when: When) {
    let crashing = Arc::new(Crashing {
        inner: Arc::new(SqliteStore::in_memory().unwrap()),
        plan: Mutex::new(None),
    });
    let store: Arc<dyn ItemStore> = crashing.clone();
    let api = Api::new(store.clone());
    let mario = cf("Rossi", "Mario", 1);
    api.register(&[albo_row("Mario", "Rossi", &mario, "MI", "A1")])
        .await;
    api.activate("MI", &mario).await;
    let provider = SandboxProvider::new(store.clone());
    let mailer = SandboxMailer::new(store.clone(), "avvisi@ingpec.eu".into());
    let channels = Channels {
        provider: &provider,
        mailer: &mailer,
    };
    let at = |t: &str| t.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    dispatcher::run_once(store.as_ref(), channels, at(NOW))
        .await
        .unwrap();
    let holder = api.token(&caller(Role::Iscritto, Some(&mario), None));

    // 1. The order: the client retries with its key and gets one order.
    crashing.arm("order", when);
    let body = json!({ "acquisto": { "tipo": "servizio", "servizio": { "tipo": "spazio-extra", "area": "inbox", "gb": 2 } } });
    let send = || {
        api.send(
            "POST",
            "/api/me/ordini",
            Some(&holder),
            Some(axum::body::Body::from(body.to_string())),
            &[
                ("content-type", "application/json"),
                ("idempotency-key", "k-1"),
            ],
        )
    };
    let first = send().await;
    assert_eq!(first.status, 500, "{when:?}: {}", first.text);
    let retried = send().await;
    assert_eq!(retried.status, 201, "{when:?}: {}", retried.text);
    let orders = api.get("/api/me/ordini", &holder).await.body;
    assert_eq!(orders.as_array().unwrap().len(), 1, "{when:?}: {orders}");
    let id = retried.body["id"].as_str().unwrap().to_owned();
    let total = retried.body["preventivo"]["total"].as_i64().unwrap();

    // 2. The payment's event: Stripe sends it again until it gets a 200.
    let event = json!({
        "id": "evt_1", "type": "payment_intent.succeeded", "created": at(NOW).timestamp(),
        "data": { "object": { "id": "pi_1", "amount": total, "currency": "eur", "metadata": { "ordine": id } } },
    })
    .to_string();
    let header = signature::sign(event.as_bytes(), LOCAL_WEBHOOK_SECRET.as_bytes(), at(NOW));
    let headers = [
        ("content-type", "application/json"),
        ("stripe-signature", header.as_str()),
    ];
    let deliver = || {
        api.send(
            "POST",
            "/api/pagamenti/webhook",
            None,
            Some(axum::body::Body::from(event.clone())),
            &headers,
        )
    };
    crashing.arm("payment-event", when);
    let first = deliver().await;
    assert_eq!(first.status, 500, "{when:?}: {}", first.text);
    let again = deliver().await;
    assert_eq!(again.status, 200, "{when:?}: {}", again.text);
    let expected = if when == When::Before {
        "pagato"
    } else {
        "gia-elaborato"
    };
    assert_eq!(again.body, expected, "{when:?}");
    assert_eq!(deliver().await.body, "gia-elaborato");
    let register = invoices::register(store.as_ref(), 2026).await.unwrap();
    assert_eq!(register.len(), 1, "{when:?}: one invoice");
    assert_eq!(register[0].numero.progressivo, 1, "{when:?}: no gap");
    let mailbox = api.get("/api/me", &holder).await.body["member"]["mailbox"].clone();
    assert_eq!(
        mailbox["services"].as_array().unwrap().len(),
        1,
        "{when:?}: bought once"
    );

    // 3. The provider's command: done at the provider, then the crash at recording it
    //    (with the order's activation); the outbox tries again after the lease and the
    //    provider applies it once.
    crashing.arm("order", when);
    let run = dispatcher::run_once(store.as_ref(), channels, at(NOW)).await;
    assert!(run.is_err(), "{when:?}: the crash is seen");
    let later = at(NOW) + chrono::Duration::minutes(10);
    dispatcher::run_once(store.as_ref(), channels, later)
        .await
        .unwrap();
    dispatcher::run_once(store.as_ref(), channels, later)
        .await
        .unwrap();
    let order = api.get(&format!("/api/me/ordini/{id}"), &holder).await.body;
    assert_eq!(order["stato"], "attivato", "{when:?}: {order}");
    let at_provider = sandbox::mailbox(store.as_ref(), "mario.rossi@ingpec.eu")
        .await
        .unwrap()
        .unwrap()
        .value;
    assert_eq!(at_provider.space.inbox_gb, 3);
    assert_eq!(
        at_provider.commands, 2,
        "{when:?}: created, then resized once"
    );

    // 4. The receipt is made again from the frozen invoice: the same bytes each time.
    let path = format!("/api/me/ordini/{id}/ricevuta");
    let receipt = api.get(&path, &holder).await;
    assert_eq!(receipt.status, 200);
    assert_eq!(api.get(&path, &holder).await.text, receipt.text);
}
