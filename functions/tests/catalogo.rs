//! The catalog's price lists: the Fondazione publishes one with its date, prices and
//! sizes; one that starts today or earlier, overlaps one published, or has prices that
//! make no sense is refused with nothing written; from its date it prices quotes and
//! orders and sizes new mailboxes and new terms, while services bought before keep their
//! terms. On SQLite and DynamoDB (moto).

mod support;

use std::sync::Arc;

use functions::repo::sandbox;
use functions::store::ItemStore;
use functions::store::sqlite::SqliteStore;
use functions::testing::Moto;
use serde_json::{Value, json};
use shared::access::Role;
use support::{Api, albo_row, caller, cf, dispatch};

#[tokio::test]
async fn the_fondazione_publishes_a_price_list_on_sqlite() {
    scenario(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

#[tokio::test]
async fn the_fondazione_publishes_a_price_list_on_dynamodb() {
    let moto = Moto::start().await;
    scenario(Arc::new(moto.store("catalogo").await)).await;
}

fn listino(from: &str) -> Value {
    json!({
        "in_force_from": from,
        "base": { "inbox_gb": 2, "archivio_gb": 3 },
        "base_prezzo_gb": 300, "base_extra_max_gb": 8,
        "avanzata_canone": 2500,
        "avanzata": { "inbox_gb": 10, "archivio_gb": 10 },
        "avanzata_prezzo_gb": 300
    })
}

async fn scenario(store: Arc<dyn ItemStore>) {
    // Today is 2026-11-22 (the tests' clock).
    let api = Api::new(store.clone());
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let milano = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let (mario, anna) = (cf("Rossi", "Mario", 1), cf("Bianchi", "Anna", 2));
    api.register(&[
        albo_row("Mario", "Rossi", &mario, "MI", "A1"),
        albo_row("Anna", "Bianchi", &anna, "MI", "A2"),
    ])
    .await;
    api.activate("MI", &mario).await;
    let publish = |body: Value, token: String| {
        let api = &api;
        async move {
            api.json("POST", "/api/fondazione/listini", &token, &body)
                .await
        }
    };

    // Refused, nothing written: today, a secretariat, a price that makes no sense.
    let today = publish(listino("2026-11-22"), fondazione.clone()).await;
    assert_eq!(today.status, 422, "{}", today.text);
    assert_eq!(today.body["field"], "in_force_from");
    assert_eq!(
        publish(listino("2027-01-01"), milano.clone()).await.status,
        403
    );
    let mut free = listino("2027-01-01");
    free["avanzata_canone"] = json!(0);
    let free = publish(free, fondazione.clone()).await;
    assert_eq!(free.body["field"], "avanzata_canone", "{}", free.text);
    let catalog = api.send("GET", "/api/catalog", None, None, &[]).await;
    assert_eq!(catalog.body["versions"].as_array().unwrap().len(), 3);

    // Published; the same again answers it; another on or before its date overlaps it.
    let published = publish(listino("2027-01-01"), fondazione.clone()).await;
    assert_eq!(published.status, 201, "{}", published.text);
    assert_eq!(published.body["id"], json!({ "listino": "2027-01-01" }));
    let again = publish(listino("2027-01-01"), fondazione.clone()).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.body, published.body);
    let overlapping = publish(listino("2026-12-15"), fondazione.clone()).await;
    assert_eq!(overlapping.status, 422, "{}", overlapping.text);
    assert!(
        overlapping.text.contains("01/01/2027"),
        "{}",
        overlapping.text
    );
    let catalog = api.send("GET", "/api/catalog", None, None, &[]).await;
    assert_eq!(
        catalog.body["in_force"], "contratto2024",
        "not yet in force"
    );
    assert_eq!(catalog.body["versions"][0]["in_force_from"], "2027-01-01");

    // Before its date: the 2024 prices; from its date, the new ones.
    let upgrade = json!({ "plan": "base", "upgrade": true });
    let now = api.send(
        "POST",
        "/api/quote",
        None,
        Some(axum::body::Body::from(upgrade.to_string())),
        &[("content-type", "application/json")],
    );
    assert_eq!(now.await.body["net"], 2000);
    let later = Api::at(store.clone(), "2027-01-02T10:00:00Z");
    let then = later
        .send(
            "POST",
            "/api/quote",
            None,
            Some(axum::body::Body::from(upgrade.to_string())),
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(then.body["net"], 2500, "{}", then.text);
    assert_eq!(then.body["catalog"], json!({ "listino": "2027-01-01" }));

    // A mailbox activated from its date has its sizes; one activated before keeps its
    // free term's until it renews.
    later.activate("MI", &anna).await;
    dispatch(&store, "2027-01-02T23:00:00Z").await;
    let space = |address: &'static str| {
        let store = store.clone();
        async move {
            sandbox::mailbox(store.as_ref(), address)
                .await
                .unwrap()
                .unwrap()
                .value
                .space
        }
    };
    let anna_space = space("anna.bianchi@ingpec.eu").await;
    assert_eq!((anna_space.inbox_gb, anna_space.archivio_gb), (2, 3));
    let mario_space = space("mario.rossi@ingpec.eu").await;
    assert_eq!((mario_space.inbox_gb, mario_space.archivio_gb), (1, 3));
    // Mario's term renews on 2027-11-23: the verifica resizes it to the new Base.
    functions::verifica::run(store.as_ref(), "2027-11-23T02:00:00Z".parse().unwrap())
        .await
        .unwrap();
    dispatch(&store, "2027-11-23T23:00:00Z").await;
    let mario_space = space("mario.rossi@ingpec.eu").await;
    assert_eq!((mario_space.inbox_gb, mario_space.archivio_gb), (2, 3));
}
