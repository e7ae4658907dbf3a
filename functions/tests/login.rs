//! The local login refuses a username for 15 minutes after 5 failures, known or unknown
//! alike, and a success clears the count. Attempts are counted before the password is
//! checked, so parallel guesses get no more than 5 checks; password hashing runs off the
//! async executor, and an unknown username costs one check like a known one.

mod support;

use std::sync::Arc;

use axum::body::Body;
use functions::repo::accounts::{self, Account};
use functions::store::ItemStore;
use functions::store::sqlite::SqliteStore;
use serde_json::json;
use shared::access::Role;
use shared::province::OrdineCode;
use support::{Api, Response};

async fn login(api: &Api, username: &str, password: &str) -> Response {
    let body = json!({ "username": username, "password": password }).to_string();
    api.send(
        "POST",
        "/api/auth/login",
        None,
        Some(Body::from(body)),
        &[("content-type", "application/json")],
    )
    .await
}

#[tokio::test]
async fn five_failures_lock_the_username_for_a_while() {
    let store: Arc<dyn ItemStore> = Arc::new(SqliteStore::in_memory().unwrap());
    let account = Account::new(
        "segreteria.mi",
        "la-password-giusta",
        Role::Segreteria,
        None,
        Some(OrdineCode::parse("MI").unwrap()),
    );
    functions::repo::commit(store.as_ref(), vec![accounts::create(&account).unwrap()])
        .await
        .unwrap();
    let api = Api::new(store);

    // A success clears earlier failures.
    for _ in 0..4 {
        assert_eq!(login(&api, "segreteria.mi", "sbagliata").await.status, 401);
    }
    assert_eq!(
        login(&api, "segreteria.mi", "la-password-giusta")
            .await
            .status,
        200
    );
    for _ in 0..4 {
        assert_eq!(login(&api, "Segreteria.MI", "sbagliata").await.status, 401);
    }
    // The fifth failure in a row locks, and then even the right password is refused.
    let locked = login(&api, "segreteria.mi", "sbagliata").await;
    assert_eq!(locked.status, 429, "{}", locked.text);
    assert_eq!(locked.body["code"], "too_many_attempts");
    assert!(
        locked.body["message"]
            .as_str()
            .unwrap()
            .contains("Riprova tra 15 minuti"),
        "{}",
        locked.text
    );
    assert_eq!(
        login(&api, "segreteria.mi", "la-password-giusta")
            .await
            .status,
        429
    );

    // An unknown username is answered the same way.
    for _ in 0..4 {
        assert_eq!(login(&api, "nessuno", "x").await.status, 401);
    }
    assert_eq!(login(&api, "nessuno", "x").await.status, 429);
}

async fn with_account(username: &str) -> Api {
    let store: Arc<dyn ItemStore> = Arc::new(SqliteStore::in_memory().unwrap());
    let account = Account::new(username, "la-password-giusta", Role::Fondazione, None, None);
    functions::repo::commit(store.as_ref(), vec![accounts::create(&account).unwrap()])
        .await
        .unwrap();
    Api::new(store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_get_five_password_checks_at_most() {
    let api = Arc::new(with_account("fondazione").await);
    for burst in 0..3 {
        let guesses = (0..40).map(|i| {
            let api = api.clone();
            tokio::spawn(async move {
                login(&api, "fondazione", &format!("tentativo-{burst}-{i}"))
                    .await
                    .status
                    .as_u16()
            })
        });
        let statuses = futures::future::join_all(guesses).await;
        let statuses: Vec<u16> = statuses.into_iter().map(|s| s.unwrap()).collect();
        // 401: the password was checked and wrong; 429: refused before any check.
        let checked = statuses.iter().filter(|s| **s == 401).count();
        let refused = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!(checked + refused, 40, "only 401 and 429: {statuses:?}");
        eprintln!(
            "burst {burst} of 40 parallel guesses: {checked} passwords checked (401), {refused} refused unchecked (429)"
        );
        let allowed = if burst == 0 { 4 } else { 0 };
        assert!(
            checked <= allowed,
            "burst {burst}: {checked} passwords checked (the fifth attempt answers 429 as it locks)"
        );
    }
    // Even the right password waits for the lock to pass.
    assert_eq!(
        login(&api, "fondazione", "la-password-giusta").await.status,
        429
    );
}

#[test]
fn password_checks_leave_the_executor_free() {
    // One executor thread: if a password check ran on it, the ticker would stall.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let api = with_account("segreteria.mi").await;
        let ticks = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let ticker = {
            let ticks = ticks.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(std::time::Duration::from_millis(2));
                // A stalled executor must not be made up for afterwards.
                every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
                loop {
                    every.tick().await;
                    ticks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            })
        };
        let started = std::time::Instant::now();
        // Unknown usernames (checked against the decoy) and a known one alike.
        for username in ["nessuno", "altro", "ancora", "segreteria.mi"] {
            assert_eq!(login(&api, username, "sbagliata").await.status, 401);
        }
        let elapsed = started.elapsed();
        ticker.abort();
        let ticks = ticks.load(std::sync::atomic::Ordering::Relaxed);
        // The ticker ran through the checks: at least a third of the 2 ms ticks it could.
        let possible = elapsed.as_millis() as usize / 2;
        assert!(
            ticks * 3 >= possible,
            "{ticks} ticks in {elapsed:?}: the executor was blocked"
        );
    });
}
