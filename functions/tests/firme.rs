//! The digital-signature convention: a member's request refused field by field while his
//! data are not the Albo's, then filed with its quote; his Ordine validates it and
//! follows it to the pickup (the document shown, a delegate only with the delegation),
//! keeps the register of kits waiting; another Ordine cannot touch it; the Fondazione
//! sees every request by state and code; the member is told and reminded of the
//! certificate's expiry. On SQLite and DynamoDB (moto).

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
async fn a_kit_goes_from_the_request_to_the_pickup_on_sqlite() {
    scenario(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

#[tokio::test]
async fn a_kit_goes_from_the_request_to_the_pickup_on_dynamodb() {
    let moto = Moto::start().await;
    scenario(Arc::new(moto.store("firme").await)).await;
}

fn request(prodotto: &str, riconoscimento: Option<&str>, dati: [&str; 5]) -> Value {
    let [nome, cognome, codice_fiscale, ordine, numero_iscrizione] = dati;
    json!({
        "prodotto": prodotto,
        "riconoscimento": riconoscimento,
        "dati": {
            "nome": nome, "cognome": cognome, "codice_fiscale": codice_fiscale,
            "ordine": ordine, "numero_iscrizione": numero_iscrizione
        }
    })
}

/// The member's request, as his page sends it.
async fn ask(api: &Api, member: &str, body: &Value) -> support::Response {
    api.json("POST", "/api/me/firma/richieste", member, body)
        .await
}

fn step(verso: &str) -> Value {
    json!({ "verso": verso })
}

async fn scenario(store: Arc<dyn ItemStore>) {
    let api = Api::new(store.clone());
    let mario = cf("Rossi", "Mario", 1);
    api.register(&[albo_row("Mario", "Rossi", &mario, "MI", "A1")])
        .await;
    api.activate("MI", &mario).await;
    let member = api.token(&caller(Role::Iscritto, Some(&mario), None));
    let milano = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let roma = api.token(&caller(Role::Segreteria, None, Some("RM")));
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let own = || {
        let (api, member) = (&api, &member);
        async move { api.get("/api/me/firma", member).await }
    };
    assert_eq!(own().await.body["richieste"], json!([]));
    assert_eq!(own().await.body["listino"]["spedizione_ordine"], 500);

    // Data that are not the Albo's: each field that differs named, nothing filed.
    let wrong = ask(
        &api,
        &member,
        &request(
            "kit-cns-aruba-key",
            None,
            ["Mario", "Rosi", &mario, "MI", "1"],
        ),
    )
    .await;
    assert_eq!(wrong.status, 422, "{}", wrong.text);
    assert_eq!(wrong.body["code"], "albo_mismatch");
    assert_eq!(wrong.body["field"], "cognome");
    let message = wrong.body["message"].as_str().unwrap();
    assert!(
        message.contains("il cognome (nell'Albo «Rossi»)"),
        "{message}"
    );
    assert!(
        message.contains("il numero di iscrizione (nell'Albo «A1»)"),
        "{message}"
    );
    assert!(message.contains("segreteria del tuo Ordine"), "{message}");
    let other_ordine = ask(
        &api,
        &member,
        &request("smart-card", None, ["Mario", "Rossi", &mario, "RM", "A1"]),
    )
    .await;
    assert_eq!(
        other_ordine.body["field"], "ordine",
        "{}",
        other_ordine.text
    );
    // A kit is identified at the Ordine; a remote signature must say how.
    let kit_with_spid = ask(
        &api,
        &member,
        &request(
            "smart-card",
            Some("spid"),
            ["Mario", "Rossi", &mario, "MI", "A1"],
        ),
    )
    .await;
    assert_eq!(
        kit_with_spid.body["field"], "riconoscimento",
        "{}",
        kit_with_spid.text
    );
    let otp_unidentified = ask(
        &api,
        &member,
        &request("otp-mobile", None, ["Mario", "Rossi", &mario, "MI", "A1"]),
    )
    .await;
    assert_eq!(otp_unidentified.body["field"], "riconoscimento");
    assert_eq!(own().await.body["richieste"], json!([]));

    // Filed with its quote; the same request again answers it.
    let dati = ["mario", "ROSSI", &mario.to_lowercase(), "mi", "a1"];
    let kit = ask(&api, &member, &request("kit-cns-aruba-key", None, dati)).await;
    assert_eq!(kit.status, 200, "{}", kit.text);
    assert_eq!(kit.body["numero"], 1);
    assert_eq!(kit.body["consegna"], "presso-ordine");
    assert_eq!(kit.body["preventivo"]["netto"], 6350);
    assert_eq!(kit.body["preventivo"]["iva"], 1397);
    assert_eq!(kit.body["preventivo"]["totale"], 7747);
    let again = ask(&api, &member, &request("kit-cns-aruba-key", None, dati)).await;
    assert_eq!(again.body["numero"], 1, "{}", again.text);
    let otp = ask(&api, &member, &request("otp-display", Some("dvo"), dati)).await;
    assert_eq!(otp.body["numero"], 2, "{}", otp.text);
    assert_eq!(otp.body["preventivo"]["netto"], 3930 + 2250 + 800);
    assert_eq!(
        otp.body["indirizzo_consegna"],
        "Via Roma 1, 20121 Milano (MI)"
    );

    // Another Ordine's secretariat sees none of it and can do nothing with it.
    assert_eq!(api.get("/api/ordini/MI/firme", &roma).await.status, 403);
    let kit_path = format!("/api/ordini/MI/firme/{mario}/1/passi");
    let foreign = api.json("POST", &kit_path, &roma, &step("validata")).await;
    assert_eq!(foreign.status, 403);
    let through_rome = api
        .json(
            "POST",
            &format!("/api/ordini/RM/firme/{mario}/1/passi"),
            &roma,
            &step("validata"),
        )
        .await;
    assert_eq!(through_rome.status, 404);

    // Milan validates and follows the kit; a step out of order is refused.
    let waiting = api.get("/api/ordini/MI/firme", &milano).await;
    assert_eq!(
        waiting.body["items"].as_array().unwrap().len(),
        2,
        "{}",
        waiting.text
    );
    let skipped = api
        .json("POST", &kit_path, &milano, &step("arrivata-all-ordine"))
        .await;
    assert_eq!(skipped.status, 422, "{}", skipped.text);
    assert_eq!(skipped.body["code"], "lifecycle_refused");
    for verso in [
        "validata",
        "prodotta",
        "spedita-all-ordine",
        "arrivata-all-ordine",
    ] {
        let moved = api.json("POST", &kit_path, &milano, &step(verso)).await;
        assert_eq!(moved.status, 200, "{verso}: {}", moved.text);
        assert_eq!(moved.body["stato"], verso);
    }
    // The same step again (a retry) answers the request as it is.
    let retried = api
        .json("POST", &kit_path, &milano, &step("arrivata-all-ordine"))
        .await;
    assert_eq!(retried.status, 200);
    assert_eq!(retried.body["passi"].as_array().unwrap().len(), 4);

    // The register: the kits waiting at the Ordine, and its CSV.
    let register = api
        .get("/api/ordini/MI/firme?stato=arrivata-all-ordine", &milano)
        .await;
    assert_eq!(register.body["items"][0]["numero"], 1, "{}", register.text);
    let csv = api.get("/api/ordini/MI/firme/registro", &milano).await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.text.contains("Arrivato il;Giorni in attesa;Cognome"),
        "{}",
        csv.text
    );
    assert!(
        csv.text.contains(&format!(";Rossi;Mario;{mario};A1;")),
        "{}",
        csv.text
    );
    assert!(csv.text.contains("CNSCNI18"));

    // A pickup with no document, or by a delegate without the delegation: refused.
    let bare = api
        .json("POST", &kit_path, &milano, &step("ritirata"))
        .await;
    assert_eq!(bare.status, 422, "{}", bare.text);
    assert_eq!(bare.body["field"], "documento_tipo");
    let mut pickup = json!({
        "verso": "ritirata",
        "scadenza_certificato": "2027-03-01",
        "ritiro": {
            "il": "2026-11-22", "delegato": true, "delegato_nome": "Anna", "delegato_cognome": "Bianchi",
            "delega_presentata": false, "documento_tipo": "patente", "documento_numero": "mi1234567x"
        }
    });
    let undelegated = api.json("POST", &kit_path, &milano, &pickup).await;
    assert_eq!(
        undelegated.body["field"], "delega_presentata",
        "{}",
        undelegated.text
    );
    let still = api
        .get("/api/ordini/MI/firme?stato=arrivata-all-ordine", &milano)
        .await;
    assert_eq!(still.body["items"].as_array().unwrap().len(), 1);
    pickup["ritiro"]["delega_presentata"] = json!(true);
    let picked = api.json("POST", &kit_path, &milano, &pickup).await;
    assert_eq!(picked.status, 200, "{}", picked.text);
    assert_eq!(picked.body["ritiro"]["documento"]["numero"], "MI1234567X");
    assert_eq!(picked.body["ritiro"]["delegato"]["cognome"], "Bianchi");
    let register = api
        .get("/api/ordini/MI/firme?stato=arrivata-all-ordine", &milano)
        .await;
    assert_eq!(register.body["items"], json!([]));
    let mine = own().await;
    assert_eq!(mine.body["certificati"][0]["tipo"], "cns", "{}", mine.text);
    assert_eq!(mine.body["certificati"][0]["scadenza"], "2027-03-01");
    assert_eq!(mine.body["richieste"][1]["stato"], "ritirata");

    // The remote signature is refused, with a reason.
    let otp_path = format!("/api/ordini/MI/firme/{mario}/2/passi");
    let unexplained = api
        .json("POST", &otp_path, &milano, &step("respinta"))
        .await;
    assert_eq!(unexplained.body["field"], "motivo", "{}", unexplained.text);
    let refused = api
        .json(
            "POST",
            &otp_path,
            &milano,
            &json!({ "verso": "respinta", "motivo": "Richiesta doppia" }),
        )
        .await;
    assert_eq!(refused.body["stato"], "respinta", "{}", refused.text);

    // The Fondazione: every request by state and code, and the counts.
    let cns = api
        .get(
            "/api/fondazione/firme?stato=ritirata&convenzione=CNSCNI18",
            &fondazione,
        )
        .await;
    assert_eq!(
        cns.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        cns.text
    );
    let none = api
        .get(
            "/api/fondazione/firme?stato=ritirata&convenzione=FRCNI25",
            &fondazione,
        )
        .await;
    assert_eq!(none.body["items"], json!([]));
    let bad = api
        .get("/api/fondazione/firme?convenzione=XYZ", &fondazione)
        .await;
    assert_eq!(bad.body["field"], "convenzione", "{}", bad.text);
    let counts = api.get("/api/fondazione/firme/conteggi", &fondazione).await;
    let count = |stato: &str, codice: &str| {
        counts.body["conteggi"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["stato"] == stato && c["convenzione"] == codice)
            .map(|c| c["numero"].clone())
    };
    assert_eq!(count("ritirata", "CNSCNI18"), Some(json!(1)));
    assert_eq!(count("respinta", "FRCNI25"), Some(json!(1)));
    assert_eq!(count("in-attesa", "CNSCNI18"), Some(json!(0)));

    // The member heard of the arrival and the refusal, at his mailbox.
    dispatch(&store, "2026-11-22T23:00:00Z").await;
    let sent = sandbox::sent(store.as_ref()).await.unwrap();
    let subjects: Vec<&str> = sent
        .iter()
        .filter(|n| n.notice.to.contains(&"mario.rossi@ingpec.eu".to_owned()))
        .map(|n| n.notice.subject.as_str())
        .collect();
    assert!(
        subjects.iter().any(|s| s.contains("è arrivato all'Ordine")),
        "{subjects:?}"
    );
    assert!(
        subjects.iter().any(|s| s.contains("non è stata validata")),
        "{subjects:?}"
    );

    // Reminded 90 days before the expiry, once, from an official sender.
    let reminders = |at: &'static str| {
        let store = store.clone();
        async move {
            functions::verifica::run(store.as_ref(), at.parse().unwrap())
                .await
                .unwrap();
            dispatch(&store, at).await;
            sandbox::sent(store.as_ref())
                .await
                .unwrap()
                .into_iter()
                .filter(|n| n.notice.subject.contains("scade il 01/03/2027"))
                .collect::<Vec<_>>()
        }
    };
    assert!(reminders("2026-11-30T06:00:00Z").await.is_empty());
    let first = reminders("2026-12-01T06:00:00Z").await;
    assert_eq!(first.len(), 1);
    assert!(first[0].from.ends_with("@ingpec.eu"));
    assert!(first[0].notice.body.contains("CNSCNI18"));
    assert_eq!(reminders("2026-12-02T06:00:00Z").await.len(), 1);
    assert_eq!(reminders("2027-01-30T06:00:00Z").await.len(), 2);

    // The renewal: validated, then recorded with the new expiry, which replaces the
    // certificate's (and its reminders start again for it).
    let renewal = ask(&api, &member, &request("rinnovo-cns", None, dati)).await;
    assert_eq!(renewal.body["numero"], 3, "{}", renewal.text);
    assert_eq!(renewal.body["preventivo"]["netto"], 3600);
    let renewal_path = format!("/api/ordini/MI/firme/{mario}/3/passi");
    let validated = api
        .json("POST", &renewal_path, &milano, &step("validata"))
        .await;
    assert_eq!(validated.status, 200, "{}", validated.text);
    let renewed = api
        .json(
            "POST",
            &renewal_path,
            &milano,
            &json!({ "verso": "rinnovata", "scadenza_certificato": "2030-03-01" }),
        )
        .await;
    assert_eq!(renewed.body["stato"], "rinnovata", "{}", renewed.text);
    let mine = own().await;
    assert_eq!(mine.body["certificati"][0]["scadenza"], "2030-03-01");
    assert_eq!(mine.body["certificati"][0]["richiesta"], 3);
    assert_eq!(mine.body["certificati"][0]["promemoria"], json!([]));
}
