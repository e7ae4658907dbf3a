//! The local login refuses a username for 15 minutes after 5 failures, known or unknown
//! alike, and a success clears the count.

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
    store
        .transact(vec![accounts::create(&account).unwrap()])
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
