//! The domicilio-digitale duty of an Ordine: who has none, or one that receives nothing,
//! or a mailbox that is not his domicilio; the diffida recorded, its 30 days, then
//! compliance or the proposal to suspend; the CSV; the Fondazione's figures. On SQLite
//! and DynamoDB (moto).

mod support;

use std::sync::Arc;

use functions::store::ItemStore;
use functions::store::sqlite::SqliteStore;
use functions::testing::Moto;
use serde_json::{Value, json};
use shared::access::Role;
use support::{Api, albo_row, caller, cf};

#[tokio::test]
async fn a_secretariat_follows_the_domicilio_duty_on_sqlite() {
    scenario(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

#[tokio::test]
async fn a_secretariat_follows_the_domicilio_duty_on_dynamodb() {
    let moto = Moto::start().await;
    scenario(Arc::new(moto.store("domicilio").await)).await;
}

fn row_of<'a>(report: &'a Value, cognome: &str) -> Option<&'a Value> {
    report["righe"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["cognome"] == cognome)
}

async fn scenario(store: Arc<dyn ItemStore>) {
    let api = Api::new(store.clone()); // 22/11/2026
    let (mario, anna, luca, paolo) = (
        cf("Rossi", "Mario", 1),
        cf("Bianchi", "Anna", 2),
        cf("Verdi", "Luca", 3),
        cf("Neri", "Paolo", 4),
    );
    let mario_row = albo_row("Mario", "Rossi", &mario, "MI", "A1");
    api.register(&[
        mario_row.clone(),
        format!(
            "{}anna.bianchi@ingpec.eu",
            albo_row("Anna", "Bianchi", &anna, "MI", "A2")
        ),
        format!(
            "{}verdi@altrapec.it",
            albo_row("Luca", "Verdi", &luca, "MI", "A3")
        ),
        format!(
            "{}paolo.neri@ingpec.eu",
            albo_row("Paolo", "Neri", &paolo, "MI", "A4")
        ),
    ])
    .await;
    for who in [&mario, &anna, &luca] {
        api.activate("MI", who).await;
    }
    let milano = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let roma = api.token(&caller(Role::Segreteria, None, Some("RM")));

    // Mario has none, Paolo's is an address of ours he has no mailbox at, Luca keeps his
    // mailbox beside another PEC; Anna, whose domicilio is her mailbox, is not listed.
    let report = api.get("/api/ordini/MI/domicilio", &milano).await;
    assert_eq!(report.status, 200, "{}", report.text);
    let r = &report.body;
    assert_eq!(
        (
            r["mancanti"].as_u64(),
            r["non_attivi"].as_u64(),
            r["caselle_non_domicilio"].as_u64()
        ),
        (Some(1), Some(1), Some(1)),
        "{r}"
    );
    assert!(row_of(r, "Bianchi").is_none());
    assert_eq!(
        row_of(r, "Rossi").unwrap()["stato"]["stato"],
        "da-diffidare"
    );
    assert_eq!(row_of(r, "Neri").unwrap()["situazione"], "non-attivo");
    assert_eq!(row_of(r, "Verdi").unwrap()["stato"]["stato"], "regolare");
    assert_eq!(api.get("/api/ordini/MI/domicilio", &roma).await.status, 403);

    // The diffida: dated when sent, never in the future, only to one in breach, once.
    let path = format!("/api/ordini/MI/domicilio/{mario}/diffida");
    let future = api
        .json(
            "POST",
            &path,
            &milano,
            &json!({ "data": "2026-11-23", "canale": "pec" }),
        )
        .await;
    assert_eq!(future.body["field"], "data", "{}", future.text);
    let compliant = api
        .json(
            "POST",
            &format!("/api/ordini/MI/domicilio/{anna}/diffida"),
            &milano,
            &json!({ "data": "2026-11-20", "canale": "pec" }),
        )
        .await;
    assert_eq!(compliant.status, 422, "{}", compliant.text);
    let by_rome = api
        .json(
            "POST",
            &path,
            &roma,
            &json!({ "data": "2026-11-20", "canale": "pec" }),
        )
        .await;
    assert_eq!(by_rome.status, 403);
    let sent = json!({ "data": "2026-11-20", "canale": "raccomandata" });
    let warned = api.json("POST", &path, &milano, &sent).await;
    assert_eq!(warned.status, 200, "{}", warned.text);
    assert_eq!(
        warned.body["stato"],
        json!({ "stato": "in-corso", "termine": "2026-12-20" })
    );
    let twice = api.json("POST", &path, &milano, &sent).await;
    assert_eq!(
        twice.body, warned.body,
        "a retry answers the diffida recorded"
    );
    let another = api
        .json(
            "POST",
            &path,
            &milano,
            &json!({ "data": "2026-11-21", "canale": "pec" }),
        )
        .await;
    assert_eq!(another.status, 422, "{}", another.text);
    assert!(
        another.body["message"]
            .as_str()
            .unwrap()
            .contains("20/12/2026")
    );
    let history = api.get(&format!("/api/members/{mario}"), &milano).await;
    assert_eq!(history.status, 200);

    // The CSV lists the same, formula-safe, with the term.
    let csv = api.get("/api/ordini/MI/domicilio/export", &milano).await;
    assert_eq!(csv.status, 200);
    assert!(csv.text.contains("Rossi;Mario;"), "{}", csv.text);
    assert!(csv.text.contains("20/12/2026"), "{}", csv.text);

    // After the 30 days, still without one: to be proposed for suspension, in the
    // Fondazione's figures too.
    let later = Api::at(store.clone(), "2026-12-21T10:00:00Z");
    let milano = later.token(&caller(Role::Segreteria, None, Some("MI")));
    let report = later.get("/api/ordini/MI/domicilio", &milano).await.body;
    assert_eq!(report["da_sospendere"], 1, "{report}");
    assert_eq!(
        row_of(&report, "Rossi").unwrap()["stato"]["stato"],
        "da-sospendere"
    );
    let fondazione = later.token(&caller(Role::Fondazione, None, None));
    let ordini = later.get("/api/ordini", &fondazione).await.body;
    let milan = ordini
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["ordine"] == "MI")
        .unwrap()
        .clone();
    assert_eq!(
        (
            milan["senza_domicilio"].as_u64(),
            milan["domicilio_non_attivo"].as_u64(),
            milan["da_sospendere"].as_u64()
        ),
        (Some(1), Some(1), Some(1)),
        "{milan}"
    );

    // The Albo now lists his domicilio: compliant after the diffida.
    later
        .register(&[format!("{mario_row}mario.rossi@ingpec.eu")])
        .await;
    let report = later.get("/api/ordini/MI/domicilio", &milano).await.body;
    let mario_row = row_of(&report, "Rossi").unwrap();
    assert_eq!(mario_row["stato"]["stato"], "adempiuto", "{mario_row}");
    assert!(mario_row["situazione"].is_null());
    assert_eq!(report["mancanti"], 0);
}
