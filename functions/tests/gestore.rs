//! The mail provider's events: a mailbox it blocked, signed, waits in the Fondazione's
//! queue of blocked mailboxes with the provider named in the history; an unsigned or
//! badly signed event changes nothing; the same event again, or an older one arriving
//! late, changes nothing; its unblock frees the mailbox. On SQLite and DynamoDB (moto).

mod support;

use std::sync::Arc;

use functions::payment::signature;
use functions::service::gestore::LOCAL_EVENTS_SECRET;
use functions::store::ItemStore;
use functions::store::sqlite::SqliteStore;
use functions::testing::Moto;
use serde_json::{Value, json};
use shared::access::Role;
use support::{Api, NOW, albo_row, caller, cf};

#[tokio::test]
async fn the_providers_blocks_reach_the_fondazione_on_sqlite() {
    scenario(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

#[tokio::test]
async fn the_providers_blocks_reach_the_fondazione_on_dynamodb() {
    let moto = Moto::start().await;
    scenario(Arc::new(moto.store("gestore").await)).await;
}

/// Posts `event` signed with `secret`.
async fn post(api: &Api, event: &Value, secret: &str) -> support::Response {
    let body = event.to_string();
    let header = signature::sign(body.as_bytes(), secret.as_bytes(), NOW.parse().unwrap());
    api.send(
        "POST",
        "/api/gestore/eventi",
        None,
        Some(axum::body::Body::from(body)),
        &[
            ("content-type", "application/json"),
            ("gestore-signature", &header),
        ],
    )
    .await
}

fn event(id: &str, tipo: &str, address: &str, il: &str) -> Value {
    json!({ "id": id, "tipo": tipo, "indirizzo": address, "il": il, "motivo": "primo accesso non effettuato" })
}

async fn scenario(store: Arc<dyn ItemStore>) {
    let api = Api::new(store.clone());
    let mario = cf("Rossi", "Mario", 1);
    api.register(&[albo_row("Mario", "Rossi", &mario, "MI", "A1")])
        .await;
    api.activate("MI", &mario).await;
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let address = "mario.rossi@ingpec.eu";
    let status = || {
        let api = &api;
        let (fondazione, mario) = (fondazione.clone(), mario.clone());
        async move {
            api.get(&format!("/api/members/{mario}"), &fondazione)
                .await
                .body["mailbox"]["status"]
                .clone()
        }
    };
    let block = event("evt-1", "casella.bloccata", address, "2026-11-22T09:00:00Z");

    // Unsigned, or signed with another key: refused, nothing changes.
    let forged = post(&api, &block, "another-key").await;
    assert_eq!(forged.status, 401, "{}", forged.text);
    assert_eq!(forged.body["code"], "bad_signature");
    assert_eq!(status().await, "attiva");

    let applied = post(&api, &block, LOCAL_EVENTS_SECRET).await;
    assert_eq!(applied.status, 200, "{}", applied.text);
    assert_eq!(applied.body, "applicato");
    assert_eq!(status().await, "bloccata");
    let again = post(&api, &block, LOCAL_EVENTS_SECRET).await;
    assert_eq!(again.body, "gia-elaborato");
    // In the Fondazione's queue, with the provider named in the history.
    let blocked = api.get("/api/fondazione/bloccate", &fondazione).await;
    assert_eq!(
        blocked.body["items"][0]["indirizzo"], address,
        "{}",
        blocked.text
    );
    let counts = api.get("/api/fondazione/code", &fondazione).await;
    assert_eq!(counts.body["bloccate"], 1);
    let audit = api
        .get(&format!("/api/audit?target=member:{mario}"), &fondazione)
        .await;
    assert!(
        audit
            .text
            .contains("casella bloccata dal gestore: primo accesso non effettuato"),
        "{}",
        audit.text
    );
    assert!(audit.text.contains("\"gestore\""), "{}", audit.text);

    // The provider confirms the block later; an unblock from between the two, arriving
    // late, changes nothing.
    let confirmed = event(
        "evt-1b",
        "casella.bloccata",
        address,
        "2026-11-22T09:20:00Z",
    );
    assert_eq!(
        post(&api, &confirmed, LOCAL_EVENTS_SECRET).await.body,
        "gia-elaborato"
    );
    let between = event(
        "evt-1c",
        "casella.sbloccata",
        address,
        "2026-11-22T09:10:00Z",
    );
    assert_eq!(
        post(&api, &between, LOCAL_EVENTS_SECRET).await.body,
        "ignorato"
    );
    assert_eq!(status().await, "bloccata");
    // An unblock that happened before the block, arriving late, changes nothing; the
    // next one frees the mailbox. An event about no member's mailbox is acknowledged.
    let late = event(
        "evt-0",
        "casella.sbloccata",
        address,
        "2026-11-22T08:00:00Z",
    );
    assert_eq!(
        post(&api, &late, LOCAL_EVENTS_SECRET).await.body,
        "ignorato"
    );
    assert_eq!(status().await, "bloccata");
    let unblock = event(
        "evt-2",
        "casella.sbloccata",
        address,
        "2026-11-22T09:30:00Z",
    );
    assert_eq!(
        post(&api, &unblock, LOCAL_EVENTS_SECRET).await.body,
        "applicato"
    );
    assert_eq!(status().await, "attiva");
    let nobody = event(
        "evt-3",
        "casella.bloccata",
        "nessuno.mai@ingpec.eu",
        "2026-11-22T09:40:00Z",
    );
    assert_eq!(
        post(&api, &nobody, LOCAL_EVENTS_SECRET).await.body,
        "ignorato"
    );
    let unknown = event(
        "evt-4",
        "casella.rinominata",
        address,
        "2026-11-22T09:50:00Z",
    );
    assert_eq!(post(&api, &unknown, LOCAL_EVENTS_SECRET).await.status, 422);
}
