//! Who a person is: his codice fiscale as issued. An omocodic code belongs to another
//! engineer, with his own record, mailbox, audit trail and data. And the audit trail is
//! tamper-evident: an entry deleted or edited in the table shows in the holder's Storico.

mod support;

use std::sync::Arc;

use functions::repo::layout::{self, LayoutError};
use functions::store::sqlite::SqliteStore;
use functions::store::{Condition, Item, ItemStore, Key, Query, SortKey};
use serde_json::json;
use shared::access::Role;
use shared::codice_fiscale::CodiceFiscale;
use support::{ALBO_HEADER, Api, albo_row, caller, cf};

/// Two engineers whose codes differ only by omocodia: the second one's was issued because
/// his own would have collided with the first one's.
fn two_people() -> (String, String) {
    let first = cf("Rossi", "Mario", 1);
    let second = CodiceFiscale::parse(&first)
        .unwrap()
        .omocodic_variant(1)
        .to_string();
    (first, second)
}

#[tokio::test]
async fn omocodic_codes_are_two_people() {
    let store = Arc::new(SqliteStore::in_memory().unwrap());
    let api = Api::new(store.clone());
    let (first, second) = two_people();
    // The Albo sends both: two members, neither overwrites the other.
    let albo = api.token(&caller(Role::Albo, None, None));
    let csv = [
        ALBO_HEADER.to_owned(),
        albo_row("Mario", "Rossi", &first, "MI", "A1"),
        albo_row("Mario", "Rossi", &second, "MI", "A2"),
    ]
    .join("\n");
    let import = api.csv("/api/albo/import?mode=commit", &albo, &csv).await;
    assert_eq!(import.body["errors"], 0, "{}", import.text);
    let outcomes: Vec<&str> = import.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["esito"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["nuovo", "nuovo"]);
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    for (code, numero) in [(&first, "A1"), (&second, "A2")] {
        let member = api.get(&format!("/api/members/{code}"), &fondazione).await;
        assert_eq!(member.status, 200, "{}", member.text);
        assert_eq!(member.body["anagrafica"]["codice_fiscale"], code.as_str());
        assert_eq!(member.body["albo"]["numero_iscrizione"], numero);
    }

    // A bulk activation with both: two mailboxes, not a duplicate row.
    let mi = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let modello = format!(
        "nome;cognome;codice_fiscale;indirizzo;comune;provincia;cap;email\n\
         Mario;Rossi;{first};Via Roma 1;Milano;MI;20121;m1@example.it\n\
         Mario;Rossi;{second};Via Roma 2;Milano;MI;20121;m2@example.it\n"
    );
    let bulk = api
        .csv("/api/ordini/MI/activations/bulk?mode=commit", &mi, &modello)
        .await;
    assert_eq!(bulk.body["errors"], 0, "{}", bulk.text);
    let addresses: Vec<&str> = bulk.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["indirizzo"].as_str().unwrap())
        .collect();
    assert_eq!(
        addresses,
        ["mario.rossi@ingpec.eu", "mario.rossi.2@ingpec.eu"]
    );

    // Each has his own audit trail and edits only his own data.
    let holder = api.token(&caller(Role::Iscritto, Some(&first), None));
    let other = api.token(&caller(Role::Iscritto, Some(&second), None));
    let me = api.get("/api/me", &holder).await;
    let recovery = json!({ "email": "primo@example.it", "cellulare": "", "version": me.body["member"]["version"] });
    assert_eq!(
        api.json("PUT", "/api/me/recovery", &holder, &recovery)
            .await
            .status,
        200
    );
    let theirs = api.get("/api/me", &other).await;
    assert_eq!(
        theirs.body["member"]["anagrafica"]["codice_fiscale"],
        second.as_str()
    );
    assert!(
        theirs.body["member"]["recovery"]["email"].is_null(),
        "the other engineer's recovery contacts are untouched: {}",
        theirs.text
    );
    assert_eq!(
        api.get(&format!("/api/members/{second}"), &holder)
            .await
            .status,
        404,
        "a holder does not see the other engineer"
    );
    let mine = api.get("/api/me/history", &holder).await;
    let theirs = api.get("/api/me/history", &other).await;
    let actions = |r: &support::Response| -> Vec<String> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(actions(&mine)[0], "modifica contatti di recupero");
    assert!(
        !actions(&theirs).contains(&"modifica contatti di recupero".to_owned()),
        "{:?}",
        actions(&theirs)
    );
    for page in [&mine, &theirs] {
        assert_eq!(page.body["integrita"]["esito"], "integro", "{}", page.text);
    }
}

#[tokio::test]
async fn a_tampered_audit_trail_shows_in_the_storico() {
    let store = Arc::new(SqliteStore::in_memory().unwrap());
    let api = Api::new(store.clone());
    let anna = cf("Bianchi", "Anna", 7);
    api.register(&[albo_row("Anna", "Bianchi", &anna, "MI", "A7")])
        .await;
    api.activate("MI", &anna).await;
    let holder = api.token(&caller(Role::Iscritto, Some(&anna), None));
    let whole = api.get("/api/me/history", &holder).await;
    assert_eq!(
        whole.body["integrita"],
        json!({ "esito": "integro", "voci": 2 }),
        "{}",
        whole.text
    );

    // Someone with access to the table rewrites the activation's entry.
    let partition = format!("MEMBER#{anna}");
    let history = SortKey::BeginsWith("AUDIT#".into());
    let page = store
        .query(&Query::new(None, partition, history))
        .await
        .unwrap();
    let entry = page.items.last().unwrap();
    let mut data: serde_json::Value = entry.decode().unwrap();
    data["action"] = json!("nulla di rilevante");
    let edited = functions::store::Item {
        data: data.to_string(),
        ..entry.clone()
    };
    store.put(edited, Condition::Always).await.unwrap();
    let edited = api.get("/api/me/history", &holder).await;
    assert_eq!(
        edited.body["integrita"]["esito"], "interrotto",
        "{}",
        edited.text
    );

    // Or deletes the newest one.
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let newest: Key = page.items[0].key.clone();
    store.delete(&newest, Condition::Always).await.unwrap();
    let registro = api
        .get(&format!("/api/audit?target=member:{anna}"), &fondazione)
        .await;
    assert_eq!(registro.status, 200, "{}", registro.text);
    assert_eq!(registro.body["integrita"]["esito"], "interrotto");
}

#[tokio::test]
async fn a_store_of_the_earlier_layout_is_refused_at_start() {
    // A new store is marked with this layout, and accepted again.
    let fresh = SqliteStore::in_memory().unwrap();
    layout::ensure(&fresh).await.unwrap();
    layout::ensure(&fresh).await.unwrap();

    // The earlier layout had data (here, its demo data mark) and no layout mark.
    let earlier = SqliteStore::in_memory().unwrap();
    let seed = Item::new(Key::new("META", "SEED"), "meta", &json!({})).unwrap();
    earlier.put(seed, Condition::NotExists).await.unwrap();
    let refused = layout::ensure(&earlier).await.unwrap_err();
    assert!(matches!(
        refused,
        LayoutError::Earlier {
            found: 1,
            expected: 4
        }
    ));
    let message = refused.to_string();
    assert!(message.contains("delete the data folder"), "{message}");
}

#[tokio::test]
async fn a_store_of_layout_2_is_upgraded_with_its_queues() {
    let store = Arc::new(SqliteStore::in_memory().unwrap());
    let api = Api::new(store.clone());
    let mario = cf("Rossi", "Mario", 1);
    let row = albo_row("Mario", "Rossi", &mario, "MI", "A1");
    api.register(std::slice::from_ref(&row)).await;
    api.activate("MI", &mario).await;
    api.register(&[row.replace(";iscritto;;;", ";cancellato;2026-11-01;decesso;")])
        .await;
    // As layout 2 wrote him: no queue key, and its mark.
    let key = Key::new(format!("MEMBER#{mario}"), "PROFILE");
    let mut item = store.get(&key).await.unwrap().unwrap();
    assert!(item.gsi2.is_some(), "this layout queues a death");
    item.gsi2 = None;
    store.put(item, Condition::Always).await.unwrap();
    let mark = Item::new(
        Key::new("META", "LAYOUT"),
        "layout",
        &json!({ "version": 2 }),
    )
    .unwrap();
    store.put(mark, Condition::Always).await.unwrap();
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let deaths = api.get("/api/fondazione/decessi", &fondazione).await;
    assert_eq!(deaths.body["items"], json!([]), "{}", deaths.text);

    layout::ensure(store.as_ref()).await.unwrap();
    let deaths = api.get("/api/fondazione/decessi", &fondazione).await;
    assert_eq!(
        deaths.body["items"][0]["codice_fiscale"], mario,
        "{}",
        deaths.text
    );
    // Marked: the next start reads it as it is.
    layout::ensure(store.as_ref()).await.unwrap();
    let mark = store
        .get(&Key::new("META", "LAYOUT"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mark.decode::<serde_json::Value>().unwrap()["version"], 4);
}

#[tokio::test]
async fn a_store_of_layout_3_is_upgraded_with_each_history_beside_its_target() {
    let store = Arc::new(SqliteStore::in_memory().unwrap());
    let api = Api::new(store.clone());
    let people: Vec<String> = (1..=3).map(|day| cf("Rossi", "Mario", day)).collect();
    let rows: Vec<String> = people
        .iter()
        .enumerate()
        .map(|(i, code)| albo_row("Mario", "Rossi", code, "MI", &format!("A{i}")))
        .collect();
    api.register(&rows).await;
    api.activate("MI", &people[0]).await;
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let registro = |code: &str| format!("/api/audit?target=member:{code}");
    let before = api.get(&registro(&people[0]), &fondazione).await;
    assert_eq!(before.body["integrita"]["voci"], 2, "{}", before.text);

    // As layout 3 filed them: each target's entries in a partition of their own.
    let mut filed = 0;
    for code in &people {
        let page = store
            .query(&Query::new(
                None,
                format!("MEMBER#{code}"),
                SortKey::BeginsWith("AUDIT#".into()),
            ))
            .await
            .unwrap();
        for item in page.items {
            let old = Key::new(
                format!("AUDIT#member:{code}"),
                item.key.sk.strip_prefix("AUDIT#").unwrap(),
            );
            store.delete(&item.key, Condition::Always).await.unwrap();
            store
                .put(Item { key: old, ..item }, Condition::NotExists)
                .await
                .unwrap();
            filed += 1;
        }
    }
    assert_eq!(filed, 4, "an import for each, and an activation");
    let mark = Item::new(
        Key::new("META", "LAYOUT"),
        "layout",
        &json!({ "version": 3 }),
    )
    .unwrap();
    store.put(mark, Condition::Always).await.unwrap();
    let unread = api.get(&registro(&people[0]), &fondazione).await;
    assert_eq!(unread.body["items"], json!([]), "{}", unread.text);

    layout::ensure(store.as_ref()).await.unwrap();
    let after = api.get(&registro(&people[0]), &fondazione).await;
    assert_eq!(after.body["items"], before.body["items"], "{}", after.text);
    assert_eq!(after.body["integrita"], before.body["integrita"]);
    for code in &people[1..] {
        let history = api.get(&registro(code), &fondazione).await;
        assert_eq!(history.body["integrita"]["esito"], "integro");
        assert_eq!(history.body["integrita"]["voci"], 1, "{}", history.text);
    }
    for code in &people {
        let old = Query::new(None, format!("AUDIT#member:{code}"), SortKey::All);
        assert!(store.query(&old).await.unwrap().items.is_empty());
    }
    let mark = store
        .get(&Key::new("META", "LAYOUT"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mark.decode::<serde_json::Value>().unwrap()["version"], 4);
}
