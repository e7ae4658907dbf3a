//! The disdetta: a holder asks to close his mailbox; only with another domicilio digitale
//! in the Albo while he is registered; the Fondazione rejects with a reason or approves,
//! which closes the mailbox at the provider and tells him. On SQLite and DynamoDB (moto).

mod support;

use std::sync::Arc;

use functions::repo::sandbox;
use functions::store::ItemStore;
use functions::store::sqlite::SqliteStore;
use functions::testing::Moto;
use serde_json::json;
use shared::access::Role;
use support::{Api, albo_row, caller, cf, dispatch};

#[tokio::test]
async fn a_holder_files_a_disdetta_and_the_fondazione_decides_on_sqlite() {
    scenario(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

#[tokio::test]
async fn a_holder_files_a_disdetta_and_the_fondazione_decides_on_dynamodb() {
    let moto = Moto::start().await;
    scenario(Arc::new(moto.store("disdetta").await)).await;
}

/// Mario's Albo row, with `domicilio` as his domicilio digitale.
fn with_domicilio(row: &str, domicilio: &str) -> String {
    // The row ends with the (empty) domicilio digitale.
    format!("{row}{domicilio}")
}

async fn scenario(store: Arc<dyn ItemStore>) {
    let api = Api::new(store.clone());
    let (mario, anna) = (cf("Rossi", "Mario", 1), cf("Bianchi", "Anna", 2));
    let mario_row = albo_row("Mario", "Rossi", &mario, "MI", "A1");
    let anna_row = albo_row("Anna", "Bianchi", &anna, "MI", "A2");
    api.register(&[mario_row.clone(), anna_row.clone()]).await;
    api.activate("MI", &mario).await;
    api.activate("MI", &anna).await;
    dispatch(&store, "2026-11-22T23:00:00Z").await;
    let holder = api.token(&caller(Role::Iscritto, Some(&mario), None));
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let form = json!({ "indirizzo": "mario.rossi@ingpec.eu", "dichiarazione_accettata": true });

    // Registered, with the ingpec.eu mailbox as his only PEC: the page says why not, and
    // a request is refused.
    let page = api.get("/api/me/disdetta", &holder).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.body["ammessa"], false);
    assert!(
        page.body["motivo"]
            .as_str()
            .unwrap()
            .contains("domicilio digitale"),
        "{}",
        page.text
    );
    let refused = api.json("POST", "/api/me/disdetta", &holder, &form).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["code"], "lifecycle_refused");
    // The Albo listing his own ingpec.eu address changes nothing.
    api.register(&[with_domicilio(&mario_row, "mario.rossi@ingpec.eu")])
        .await;
    let refused = api.json("POST", "/api/me/disdetta", &holder, &form).await;
    assert_eq!(refused.status, 422, "{}", refused.text);

    // Another PEC as domicilio: he may, with the declaration and his address typed.
    api.register(&[with_domicilio(&mario_row, "mario.rossi@altrapec.it")])
        .await;
    let page = api.get("/api/me/disdetta", &holder).await;
    assert_eq!(page.body["ammessa"], true, "{}", page.text);
    assert_eq!(page.body["domicilio_digitale"], "mario.rossi@altrapec.it");
    let wrong = api
        .json(
            "POST",
            "/api/me/disdetta",
            &holder,
            &json!({ "indirizzo": "anna.bianchi@ingpec.eu", "dichiarazione_accettata": true }),
        )
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.text);
    assert_eq!(wrong.body["field"], "indirizzo");
    let unread = api
        .json(
            "POST",
            "/api/me/disdetta",
            &holder,
            &json!({ "indirizzo": "mario.rossi@ingpec.eu", "dichiarazione_accettata": false }),
        )
        .await;
    assert_eq!(
        unread.body["field"], "dichiarazione_accettata",
        "{}",
        unread.text
    );
    assert!(
        api.get("/api/fondazione/disdette", &fondazione).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let filed = api.json("POST", "/api/me/disdetta", &holder, &form).await;
    assert_eq!(filed.status, 200, "{}", filed.text);
    assert_eq!(
        filed.body["domicilio_alla_richiesta"],
        "mario.rossi@altrapec.it"
    );
    assert!(filed.body["esito"].is_null());
    // Sent again (a retry): the same request.
    let again = api.json("POST", "/api/me/disdetta", &holder, &form).await;
    assert_eq!(again.body, filed.body);
    // Anna sees none of it.
    let other = api.token(&caller(Role::Iscritto, Some(&anna), None));
    assert!(api.get("/api/me/disdetta", &other).await.body["richiesta"].is_null());

    // The Fondazione's queue; a rejection needs a reason, then cannot become approval.
    let queue = api.get("/api/fondazione/disdette", &fondazione).await;
    let items = queue.body["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{}", queue.text);
    assert_eq!(items[0]["cognome"], "Rossi");
    assert!(items[0]["ostacolo"].is_null());
    let decide = format!("/api/fondazione/disdette/{mario}/decisione");
    let secretariat = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let filed_at = filed.body["richiesta_il"].clone();
    let approve = json!({ "approvato": true, "richiesta_il": filed_at });
    let by_ordine = api.json("POST", &decide, &secretariat, &approve).await;
    assert_eq!(by_ordine.status, 403);
    let bare = api
        .json(
            "POST",
            &decide,
            &fondazione,
            &json!({ "approvato": false, "richiesta_il": filed_at }),
        )
        .await;
    assert_eq!(bare.body["field"], "motivo", "{}", bare.text);
    let reject = json!({ "approvato": false, "motivo": "La firma sulla richiesta non corrisponde.", "richiesta_il": filed_at });
    let rejected = api.json("POST", &decide, &fondazione, &reject).await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    assert_eq!(rejected.body["esito"]["approvata"], false);
    let flip = api.json("POST", &decide, &fondazione, &approve).await;
    assert_eq!(flip.status, 422, "{}", flip.text);
    let mailbox = api.get("/api/me", &holder).await.body["member"]["mailbox"].clone();
    assert_eq!(mailbox["status"], "attiva", "a rejection closes nothing");

    // A new request replaces the rejected one. The Albo then drops his other PEC: the
    // queue says so and approval is refused; once it lists one again, approval closes
    // the mailbox.
    let api = Api::at(store.clone(), "2026-11-22T10:30:00Z");
    let holder = api.token(&caller(Role::Iscritto, Some(&mario), None));
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let refiled = api.json("POST", "/api/me/disdetta", &holder, &form).await;
    assert_eq!(refiled.status, 200, "{}", refiled.text);
    assert!(refiled.body["esito"].is_null());
    // A decision sent for the first request does not decide the new one.
    let stale = api.json("POST", &decide, &fondazione, &approve).await;
    assert_eq!(stale.status, 409, "{}", stale.text);
    let approve = json!({ "approvato": true, "richiesta_il": refiled.body["richiesta_il"] });
    api.register(std::slice::from_ref(&mario_row)).await;
    let queue = api.get("/api/fondazione/disdette", &fondazione).await;
    assert!(
        queue.body["items"][0]["ostacolo"].as_str().is_some(),
        "{}",
        queue.text
    );
    let blocked = api.json("POST", &decide, &fondazione, &approve).await;
    assert_eq!(blocked.status, 422, "{}", blocked.text);
    api.register(&[with_domicilio(&mario_row, "mario.rossi@nuovapec.it")])
        .await;
    let approved = api.json("POST", &decide, &fondazione, &approve).await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(
        approved.body["esito"]["domicilio_alla_decisione"],
        "mario.rossi@nuovapec.it"
    );
    assert_eq!(
        approved.body["domicilio_alla_richiesta"],
        "mario.rossi@altrapec.it"
    );
    let twice = api.json("POST", &decide, &fondazione, &approve).await;
    assert_eq!(
        twice.body, approved.body,
        "the same decision answers the same"
    );
    assert!(
        api.get("/api/fondazione/disdette", &fondazione).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let mailbox = api.get("/api/me", &holder).await.body["member"]["mailbox"].clone();
    assert_eq!(mailbox["status"], "chiusa", "{mailbox}");
    // The provider closes it; he is told at the mailbox and at his new domicilio.
    dispatch(&store, "2026-11-22T23:00:00Z").await;
    let at_provider = sandbox::mailbox(store.as_ref(), "mario.rossi@ingpec.eu")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(at_provider.value.status, "closed", "{at_provider:?}");
    let sent = sandbox::sent(store.as_ref()).await.unwrap();
    let told: Vec<_> = sent
        .iter()
        .filter(|s| s.notice.subject.contains("è stata chiusa"))
        .collect();
    assert_eq!(told.len(), 1, "{sent:?}");
    assert!(
        told[0]
            .notice
            .to
            .contains(&"mario.rossi@nuovapec.it".to_owned())
    );
    assert!(
        sent.iter()
            .any(|s| s.notice.subject.contains("non è stata accolta")),
        "the rejection was told too"
    );
    // Nothing left to close; the history keeps each step.
    let page = api.get("/api/me/disdetta", &holder).await;
    assert_eq!(page.body["ammessa"], false);
    assert!(page.body["indirizzo"].is_null());
    let history = api.get("/api/me/history", &holder).await.text;
    for step in [
        "disdetta richiesta",
        "respinta dalla Fondazione",
        "approvata dalla Fondazione",
    ] {
        assert!(history.contains(step), "{step}: {history}");
    }

    // A member the Albo has cancelled may always ask, with no other domicilio.
    let cancelled = anna_row.replace("iscritto;;;", "cancellato;01/11/2026;dimissioni;");
    api.register(&[cancelled]).await;
    let page = api.get("/api/me/disdetta", &other).await;
    assert_eq!(page.body["iscritto"], false, "{}", page.text);
    assert_eq!(page.body["ammessa"], true, "{}", page.text);
}

#[tokio::test]
async fn a_death_waits_in_the_fondazione_queue_until_the_mailbox_closes() {
    let store: Arc<dyn ItemStore> = Arc::new(SqliteStore::in_memory().unwrap());
    let api = Api::new(store.clone());
    let luca = cf("Verdi", "Luca", 3);
    let row = albo_row("Luca", "Verdi", &luca, "MI", "A3");
    api.register(std::slice::from_ref(&row)).await;
    api.activate("MI", &luca).await;
    dispatch(&store, "2026-11-22T23:00:00Z").await;
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let counts = api.get("/api/fondazione/code", &fondazione).await;
    assert_eq!(counts.body["decessi"], 0, "{}", counts.text);

    // The Albo records his death: the Fondazione sees it, with when the mailbox closes.
    api.register(&[row.replace("iscritto;;;", "cancellato;20/11/2026;decesso;")])
        .await;
    let deaths = api.get("/api/fondazione/decessi", &fondazione).await;
    assert_eq!(deaths.status, 200, "{}", deaths.text);
    let items = deaths.body["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{}", deaths.text);
    assert_eq!(items[0]["deceduto_il"], "2026-11-20");
    assert_eq!(items[0]["disdetta_in_attesa"], false);
    let scadenza = items[0]["scadenza"].as_str().unwrap().to_owned();
    let counts = api.get("/api/fondazione/code", &fondazione).await;
    assert_eq!(counts.body["decessi"], 1, "{}", counts.text);
    let secretariat = api.token(&caller(Role::Segreteria, None, Some("MI")));
    assert_eq!(
        api.get("/api/fondazione/decessi", &secretariat)
            .await
            .status,
        403
    );

    // Not renewed: the day after its scadenza the verifica closes it, and the item goes.
    let after: chrono::NaiveDate = scadenza.parse().unwrap();
    let night = after
        .succ_opt()
        .unwrap()
        .and_hms_opt(1, 30, 0)
        .unwrap()
        .and_utc();
    let verifica = Api::at(store.clone(), &night.to_rfc3339());
    functions::verifica::daily(
        store.as_ref(),
        verifica.state.payments.as_ref(),
        &verifica.state.venditore,
        night,
    )
    .await
    .unwrap();
    let deaths = api.get("/api/fondazione/decessi", &fondazione).await;
    assert!(
        deaths.body["items"].as_array().unwrap().is_empty(),
        "{}",
        deaths.text
    );
    assert_eq!(
        api.get("/api/fondazione/code", &fondazione).await.body["decessi"],
        0
    );
}
