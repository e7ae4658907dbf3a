//! Commands the provider refuses wait in the Fondazione's queue, with the refusal, instead
//! of being sent again and again: an operator sends one again once the cause is fixed, or
//! discards it; one that carries out a paid order may only be retried.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use async_trait::async_trait;
use functions::outbox::mailer::sandbox::SandboxMailer;
use functions::outbox::provider::{Command, Provider, ProviderError};
use functions::outbox::{self as dispatcher, Channels};
use functions::repo::outbox::{self, OutboxCommand};
use functions::store::ItemStore;
use functions::store::sqlite::SqliteStore;
use serde_json::json;
use shared::access::Role;
use shared::lifecycle::prospetto::Occupazione;
use support::{Api, NOW, albo_row, caller, cf};

/// A provider that refuses every command until told to accept.
#[derive(Default)]
struct Refusing {
    accept: AtomicBool,
    calls: AtomicUsize,
}

#[async_trait]
impl Provider for Refusing {
    async fn execute(&self, _: &str, address: &str, _: &Command) -> Result<(), ProviderError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.accept.load(Ordering::SeqCst) {
            Ok(())
        } else {
            Err(ProviderError::Refused(format!(
                "HTTP 422 {address}: dominio non abilitato"
            )))
        }
    }

    async fn occupazione(&self, _: &str) -> Result<Occupazione, ProviderError> {
        Ok(Occupazione::default())
    }
}

async fn dispatch(store: &Arc<dyn ItemStore>, provider: &Refusing, at: &str) {
    let mailer = SandboxMailer::new(store.clone(), "avvisi@ingpec.eu".into());
    let channels = Channels {
        provider,
        mailer: &mailer,
    };
    dispatcher::run_once(store.as_ref(), channels, at.parse().unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn refused_commands_wait_for_the_fondazione() {
    let store: Arc<dyn ItemStore> = Arc::new(SqliteStore::in_memory().unwrap());
    let api = Api::new(store.clone());
    let (mario, anna) = (cf("Rossi", "Mario", 1), cf("Bianchi", "Anna", 2));
    api.register(&[
        albo_row("Mario", "Rossi", &mario, "MI", "A1"),
        albo_row("Anna", "Bianchi", &anna, "MI", "A2"),
    ])
    .await;
    api.activate("MI", &mario).await;
    api.activate("MI", &anna).await;
    let provider = Refusing::default();
    dispatch(&store, &provider, NOW).await;
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
    // Refused: not sent again by later runs.
    dispatch(&store, &provider, "2026-11-25T10:00:00Z").await;
    assert_eq!(
        provider.calls.load(Ordering::SeqCst),
        2,
        "parked, not retried"
    );

    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let counts = api.get("/api/fondazione/code", &fondazione).await;
    assert_eq!(counts.body["comandi_fermi"], 2, "{}", counts.text);
    let page = api.get("/api/fondazione/comandi", &fondazione).await;
    let items = page.body["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "{}", page.text);
    assert!(
        items[0]["descrizione"]
            .as_str()
            .unwrap()
            .starts_with("Al gestore: creazione della casella")
    );
    assert!(
        items[0]["risposta"]
            .as_str()
            .unwrap()
            .contains("dominio non abilitato")
    );
    let first = items[0]["id"].as_str().unwrap().to_owned();
    let second = items[1]["id"].as_str().unwrap().to_owned();

    // The cause fixed at the provider, the first is sent again and carried out.
    provider.accept.store(true, Ordering::SeqCst);
    let retried = api
        .json(
            "POST",
            &format!("/api/fondazione/comandi/{first}/riprova"),
            &fondazione,
            &json!({}),
        )
        .await;
    assert_eq!(retried.status, 204, "{}", retried.text);
    let again = api
        .json(
            "POST",
            &format!("/api/fondazione/comandi/{first}/riprova"),
            &fondazione,
            &json!({}),
        )
        .await;
    assert_eq!(again.status, 204, "a repeated request changes nothing");
    dispatch(&store, &provider, NOW).await;
    assert_eq!(
        provider.calls.load(Ordering::SeqCst),
        3,
        "only the retried one"
    );
    let done = outbox::get(store.as_ref(), &first).await.unwrap().unwrap();
    assert!(done.value.done_at.is_some());

    // The second creates a mailbox our records count as created: it may not be dropped,
    // only sent again.
    let secretariat = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let path = format!("/api/fondazione/comandi/{second}/scarta");
    assert_eq!(
        api.json("POST", &path, &secretariat, &json!({}))
            .await
            .status,
        403
    );
    let kept = api.json("POST", &path, &fondazione, &json!({})).await;
    assert_eq!(kept.status, 422, "{}", kept.text);
    let page = api.get("/api/fondazione/comandi", &fondazione).await;
    assert_eq!(page.body["items"][0]["scartabile"], false, "{}", page.text);
    api.json(
        "POST",
        &format!("/api/fondazione/comandi/{second}/riprova"),
        &fondazione,
        &json!({}),
    )
    .await;
    dispatch(&store, &provider, NOW).await;
    assert_eq!(provider.calls.load(Ordering::SeqCst), 4);

    // The holder's data refused: dropped (the next change sends them whole), never sent.
    provider.accept.store(false, Ordering::SeqCst);
    let holder_data = OutboxCommand::provider(
        "mario.rossi@ingpec.eu",
        Command::UpdateHolder {
            titolare: functions::outbox::provider::Titolare::Ordine {
                ordine: shared::province::OrdineCode::parse("MI").unwrap(),
                denominazione: "Ordine degli Ingegneri della Provincia di Milano".into(),
                email: None,
                telefono: None,
                indirizzo: None,
            },
            version: 2,
        },
        NOW.parse().unwrap(),
    );
    store
        .transact(vec![outbox::enqueue(&holder_data).unwrap()])
        .await
        .unwrap();
    dispatch(&store, &provider, NOW).await;
    assert_eq!(provider.calls.load(Ordering::SeqCst), 5);
    let path = format!("/api/fondazione/comandi/{}/scarta", holder_data.id);
    assert_eq!(
        api.json("POST", &path, &fondazione, &json!({}))
            .await
            .status,
        204
    );
    assert_eq!(
        api.json("POST", &path, &fondazione, &json!({}))
            .await
            .status,
        204
    );
    let dropped = outbox::get(store.as_ref(), &holder_data.id)
        .await
        .unwrap()
        .unwrap();
    assert!(dropped.value.done_at.is_some() && dropped.value.scartato_da.is_some());
    // Each decision is in the holder's history, once.
    let history = api
        .get(&format!("/api/audit?target=member:{mario}"), &fondazione)
        .await;
    assert_eq!(
        history
            .text
            .matches("comando rifiutato scartato dalla Fondazione")
            .count(),
        1,
        "{}",
        history.text
    );
    assert!(
        history
            .text
            .contains("comando rifiutato inviato di nuovo dalla Fondazione"),
        "{}",
        history.text
    );
    dispatch(&store, &provider, "2026-11-26T10:00:00Z").await;
    assert_eq!(provider.calls.load(Ordering::SeqCst), 5, "never sent");
    let page = api.get("/api/fondazione/comandi", &fondazione).await;
    assert!(
        page.body["items"].as_array().unwrap().is_empty(),
        "{}",
        page.text
    );

    // A refused command that activates a paid order may be retried, never discarded.
    provider.accept.store(false, Ordering::SeqCst);
    let mut paid = OutboxCommand::provider(
        "mario.rossi@ingpec.eu",
        Command::Resize {
            space: shared::catalog::Space::default(),
        },
        NOW.parse().unwrap(),
    );
    paid.order = Some("ordine-pagato".into());
    store
        .transact(vec![outbox::enqueue(&paid).unwrap()])
        .await
        .unwrap();
    dispatch(&store, &provider, NOW).await;
    let refused = api
        .json(
            "POST",
            &format!("/api/fondazione/comandi/{}/scarta", paid.id),
            &fondazione,
            &json!({}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("ordine pagato")
    );
}

#[tokio::test]
async fn the_fondazione_blocks_and_unblocks_a_mailbox_at_the_provider() {
    let store: Arc<dyn ItemStore> = Arc::new(SqliteStore::in_memory().unwrap());
    let api = Api::new(store.clone());
    let mario = cf("Rossi", "Mario", 1);
    api.register(&[albo_row("Mario", "Rossi", &mario, "MI", "A1")])
        .await;
    api.activate("MI", &mario).await;
    let provider = Refusing::default();
    provider.accept.store(true, Ordering::SeqCst);
    dispatch(&store, &provider, NOW).await;
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let holder = api.token(&caller(Role::Iscritto, Some(&mario), None));
    let block = format!("/api/fondazione/caselle/{mario}/blocco");
    let unblock = format!("/api/fondazione/caselle/{mario}/sblocco");
    // Unblocking one not blocked (a repeated request) changes nothing.
    let none = api.json("POST", &unblock, &fondazione, &json!({})).await;
    assert_eq!(none.status, 204, "{}", none.text);

    assert_eq!(
        api.json("POST", &block, &fondazione, &json!({}))
            .await
            .status,
        204
    );
    assert_eq!(
        api.json("POST", &block, &fondazione, &json!({}))
            .await
            .status,
        204
    );
    let me = api.get("/api/me", &holder).await.body;
    assert_eq!(me["member"]["mailbox"]["status"], "bloccata");
    let queue = api.get("/api/fondazione/bloccate", &fondazione).await;
    assert_eq!(queue.body["items"][0]["cognome"], "Rossi", "{}", queue.text);
    assert_eq!(
        api.get("/api/fondazione/code", &fondazione).await.body["bloccate"],
        1
    );
    // One block command reaches the provider, however often it was asked.
    let before = provider.calls.load(Ordering::SeqCst);
    dispatch(&store, &provider, NOW).await;
    assert_eq!(provider.calls.load(Ordering::SeqCst), before + 1);

    assert_eq!(
        api.json("POST", &unblock, &fondazione, &json!({}))
            .await
            .status,
        204
    );
    dispatch(&store, &provider, NOW).await;
    assert_eq!(provider.calls.load(Ordering::SeqCst), before + 2);
    assert_eq!(
        api.get("/api/me", &holder).await.body["member"]["mailbox"]["status"],
        "attiva"
    );
    assert!(
        api.get("/api/fondazione/bloccate", &fondazione).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let history = api.get("/api/me/history", &holder).await.text;
    assert!(
        history.contains("bloccata dalla Fondazione")
            && history.contains("sbloccata dalla Fondazione")
    );
}
