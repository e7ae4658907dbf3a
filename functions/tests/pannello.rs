//! Taking over from the current panel: the Fondazione imports the mailboxes that exist
//! today from the panel's CSV export. The dry run writes nothing; the commit reserves each
//! address to its holder and sends nothing to the provider; the 2022 terms stay until they
//! lapse; a second run changes nothing; bad rows are reported and skipped. On SQLite and
//! DynamoDB (moto).

mod support;

use std::sync::Arc;

use functions::repo::outbox;
use functions::store::ItemStore;
use functions::store::sqlite::SqliteStore;
use functions::testing::Moto;
use shared::access::Role;
use support::{Api, albo_row, caller, cf};

#[tokio::test]
async fn the_current_panels_mailboxes_are_taken_over_on_sqlite() {
    scenario(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

#[tokio::test]
async fn the_current_panels_mailboxes_are_taken_over_on_dynamodb() {
    let moto = Moto::start().await;
    scenario(Arc::new(moto.store("pannello").await)).await;
}

const HEADER: &str = "indirizzo;codice_fiscale;piano;scadenza;attivata_il;scadenza_piano;extra_inbox_gb;scadenza_extra_inbox;extra_archivio_gb;scadenza_extra_archivio;contratto;primo_accesso;stato_casella";

async fn scenario(store: Arc<dyn ItemStore>) {
    let api = Api::new(store.clone());
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let (mario, anna, luca, nobody) = (
        cf("Rossi", "Mario", 1),
        cf("Bianchi", "Anna", 2),
        cf("Neri", "Luca", 3),
        cf("Verdi", "Giulia", 4),
    );
    api.register(&[
        albo_row("Mario", "Rossi", &mario, "MI", "A1"),
        albo_row("Anna", "Bianchi", &anna, "MI", "A2"),
        albo_row("Luca", "Neri", &luca, "RM", "B1"),
    ])
    .await;
    let file = [
        HEADER.to_owned(),
        // PRO of 2022 with archive bought, signed, first access made.
        format!("mario.rossi@ingpec.eu;{mario};PRO;15/06/2027;15/06/2011;01/02/2027;;;10;01/03/2027;firmato;20/06/2011;attiva"),
        // STANDARD of 2022, an old address of the panel's, blocked.
        format!("a.bianchi@ingpec.eu;{anna};standard;01/09/2027;;;;;;;;;bloccata"),
        // Avanzata without its scadenza; someone the Albo does not list; the same person
        // again.
        format!("luca.neri@ingpec.eu;{luca};avanzata;01/01/2027;;;;;;;;;"),
        format!("giulia.verdi@ingpec.eu;{nobody};base;01/01/2027;;;;;;;;;"),
        format!("mario.rossi.2@ingpec.eu;{mario};base;01/01/2027;;;;;;;;;"),
    ]
    .join("\n");
    let import = |mode: &'static str| {
        let (api, file, token) = (&api, file.clone(), fondazione.clone());
        async move {
            api.csv(
                &format!("/api/fondazione/pannello/import?mode={mode}"),
                &token,
                &file,
            )
            .await
        }
    };

    let dry = import("dry-run").await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    assert_eq!(dry.body["errors"], 3, "{}", dry.text);
    let rows = dry.body["rows"].as_array().unwrap();
    assert_eq!(rows[0]["esito"], "da-importare", "{}", dry.text);
    assert_eq!(rows[2]["errori"][0]["field"], "scadenza_piano");
    assert_eq!(rows[3]["errori"][0]["field"], "codice_fiscale");
    assert!(
        rows[4]["errori"][0]["message"]
            .as_str()
            .unwrap()
            .contains("riga 2")
    );
    let seen = api.get(&format!("/api/members/{mario}"), &fondazione).await;
    assert!(seen.body["mailbox"].is_null(), "a dry run writes nothing");

    let done = import("commit").await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["rows"][0]["esito"], "importata", "{}", done.text);
    assert_eq!(done.body["rows"][1]["esito"], "importata");
    let mario_now = api.get(&format!("/api/members/{mario}"), &fondazione).await;
    let mailbox = &mario_now.body["mailbox"];
    assert_eq!(mailbox["address"], "mario.rossi@ingpec.eu");
    assert_eq!(
        mailbox["space"],
        serde_json::json!({ "inbox_gb": 2, "archivio_gb": 13 })
    );
    assert_eq!(mailbox["contratto"], "firmato");
    assert_eq!(mailbox["services"][0]["catalogo"], "convenzione2022");
    // Shown as the PRO it is (2 + 3 GB), not as the Avanzata it counts as.
    assert_eq!(mailbox["plan"], "pro");
    let anna_now = api.get(&format!("/api/members/{anna}"), &fondazione).await;
    assert_eq!(anna_now.body["mailbox"]["status"], "bloccata");
    assert_eq!(
        anna_now.body["mailbox"]["space"],
        serde_json::json!({ "inbox_gb": 1, "archivio_gb": 0 })
    );
    // Nothing for the provider: the mailboxes exist there.
    let pending = outbox::due(store.as_ref(), "2030-01-01T00:00:00Z".parse().unwrap(), 100)
        .await
        .unwrap();
    assert!(pending.is_empty(), "{pending:?}");
    // The address is Mario's for good: his namesake's activation takes the next alias.
    let namesake = cf("Rossi", "Mario", 5);
    api.register(&[albo_row("Mario", "Rossi", &namesake, "MI", "A5")])
        .await;
    api.activate("MI", &namesake).await;
    let other = api
        .get(&format!("/api/members/{namesake}"), &fondazione)
        .await;
    assert_eq!(other.body["mailbox"]["address"], "mario.rossi.2@ingpec.eu");

    // A second run changes nothing.
    let again = import("commit").await;
    assert_eq!(
        again.body["rows"][0]["esito"], "invariato",
        "{}",
        again.text
    );
    assert_eq!(again.body["rows"][1]["esito"], "invariato");
    let history = api
        .get(&format!("/api/audit?target=member:{mario}"), &fondazione)
        .await;
    assert_eq!(
        history
            .text
            .matches("importata dal pannello attuale")
            .count(),
        1,
        "{}",
        history.text
    );
}
