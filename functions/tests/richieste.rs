//! Activation requests: an engineer without a mailbox asks his Ordine from the public
//! page with his identity document; bad requests are refused with nothing written; the
//! secretariat sees the Albo's check, reads the document, declines with a reason or
//! activates; the requester is mailed a receipt (at most three a day to one address) and
//! the decision; the Fondazione sees the requests left
//! waiting more than 30 days. On SQLite and DynamoDB (moto).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use functions::repo::sandbox;
use functions::store::sqlite::SqliteStore;
use functions::store::{Condition, ItemStore, StoreError, WriteOp};
use functions::testing::Moto;
use serde_json::{Value, json};
use shared::access::Role;
use support::{Api, Interloper, Racing, albo_row, caller, cf, dispatch};

#[tokio::test]
async fn a_request_goes_from_the_public_form_to_an_active_mailbox_on_sqlite() {
    scenario(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

#[tokio::test]
async fn a_request_goes_from_the_public_form_to_an_active_mailbox_on_dynamodb() {
    let moto = Moto::start().await;
    scenario(Arc::new(moto.store("richieste").await)).await;
}

/// Anyone may file the form with any email: one address gets at most three receipts a
/// day, however many requests name it. Every request is still filed.
#[tokio::test]
async fn an_email_named_by_many_requests_gets_three_receipts_a_day() {
    let store: Arc<dyn ItemStore> = Arc::new(SqliteStore::in_memory().unwrap());
    let api = Api::new(store.clone());
    // One inbox, however it is typed.
    let emails = [
        "stessa@example.it",
        "Stessa@Example.it",
        "stessa+pec@example.it",
        "STESSA+2@example.it",
    ];
    for (n, email) in (1..).zip(emails) {
        let person = cf("Verdi", "Giulia", n);
        let document = api.send_document(&person, ID_PDF).await;
        let mut request = form("Giulia", "Verdi", &person, &document, true);
        request["anagrafica"]["email"] = json!(email);
        let filed = api.public("/api/richieste-attivazione", &request).await;
        assert_eq!(filed.status, 200, "{}", filed.text);
    }
    let milano = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let queue = api.get("/api/ordini/MI/richieste", &milano).await;
    assert_eq!(
        queue.body["items"].as_array().unwrap().len(),
        4,
        "{}",
        queue.text
    );
    dispatch(&store, "2026-11-22T23:00:00Z").await;
    let sent = sandbox::sent(store.as_ref()).await.unwrap();
    assert_eq!(sent.len(), 3, "{sent:?}");
}

/// A small PDF, as a scanner would make it.
const ID_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// Another receipt to the same address, counted between this request's read of the count
/// and its write, fails only the count: it is read again and the request filed.
#[tokio::test]
async fn a_receipt_counted_at_the_same_moment_does_not_refuse_the_request() {
    let racing = Racing::new(CountedMeanwhile {
        once: AtomicBool::new(true),
    });
    let store: Arc<dyn ItemStore> = racing.clone();
    let api = Api::new(store.clone());
    let person = cf("Verdi", "Giulia", 1);
    let document = api.send_document(&person, ID_PDF).await;
    let filed = api
        .public(
            "/api/richieste-attivazione",
            &form("Giulia", "Verdi", &person, &document, true),
        )
        .await;
    assert_eq!(filed.status, 200, "{}", filed.text);
    dispatch(&store, "2026-11-22T23:00:00Z").await;
    let sent = sandbox::sent(store.as_ref()).await.unwrap();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        !racing.interloper.once.load(Ordering::SeqCst),
        "the other writer counted a receipt meanwhile"
    );
}

/// Once, another writer counts a receipt to the address a transaction is about to count
/// one for.
struct CountedMeanwhile {
    once: AtomicBool,
}

#[async_trait::async_trait]
impl Interloper for CountedMeanwhile {
    async fn before(&self, store: &dyn ItemStore, ops: &[WriteOp]) -> Result<(), StoreError> {
        let count = ops.iter().find_map(|op| match op {
            WriteOp::Put(item, _) if item.key.pk.starts_with("CONFERME#") => Some(item.clone()),
            _ => None,
        });
        if let Some(count) = count.filter(|_| self.once.swap(false, Ordering::SeqCst)) {
            // The other writer's count, written over the version this transaction read.
            let condition = match count.version - 1 {
                0 => Condition::NotExists,
                read => Condition::Version(read),
            };
            store.put(count, condition).await?;
        }
        Ok(())
    }
}

fn form(nome: &str, cognome: &str, cf: &str, documento: &str, pre: bool) -> Value {
    json!({
        "ordine": "MI",
        "anagrafica": {
            "nome": nome, "cognome": cognome, "codice_fiscale": cf,
            "indirizzo": "Via Dante 3", "comune": "Milano", "provincia": "MI", "cap": "20121",
            "email": format!("{}@example.it", nome.to_lowercase()), "telefono": "333 1234567"
        },
        "pre_iscrizione": pre,
        "documento": documento,
        "informativa_accettata": true,
    })
}

async fn scenario(store: Arc<dyn ItemStore>) {
    let api = Api::new(store.clone());
    let (mario, anna, giulia) = (
        cf("Rossi", "Mario", 1),
        cf("Bianchi", "Anna", 2),
        cf("Verdi", "Giulia", 3),
    );
    api.register(&[
        albo_row("Mario", "Rossi", &mario, "MI", "A1"),
        albo_row("Anna", "Bianchi", &anna, "MI", "A2"),
    ])
    .await;
    api.activate("MI", &anna).await;
    let milano = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let roma = api.token(&caller(Role::Segreteria, None, Some("RM")));
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let queue = |token: String| {
        let api = &api;
        async move { api.get("/api/ordini/MI/richieste", &token).await }
    };

    // A document that is no PDF nor image, one larger than allowed: refused.
    let html = api
        .send_document(&mario, b"<html><script>alert(1)</script></html>")
        .await;
    let refused = api
        .public(
            "/api/richieste-attivazione",
            &form("Mario", "Rossi", &mario, &html, false),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(refused.body["field"], "documento", "{}", refused.text);
    let too_large = api.public("/api/documenti",
        &json!({ "codice_fiscale": mario, "sha256": "ab".repeat(32), "dimensione": 9 * 1024 * 1024 }),
    )
    .await;
    assert_eq!(too_large.status, 422, "{}", too_large.text);

    let document = api.send_document(&mario, ID_PDF).await;
    // Another person's name on Mario's code; no privacy notice; someone with a mailbox;
    // someone the Albo does not list who is not registering: each refused, in Italian.
    let other = api
        .public(
            "/api/richieste-attivazione",
            &form("Maria", "Rossi", &mario, &document, false),
        )
        .await;
    assert_eq!(other.status, 422, "{}", other.text);
    assert!(other.text.contains("altro nome"), "{}", other.text);
    let mut no_notice = form("Mario", "Rossi", &mario, &document, false);
    no_notice["informativa_accettata"] = json!(false);
    let no_notice = api.public("/api/richieste-attivazione", &no_notice).await;
    assert_eq!(
        no_notice.body["field"], "informativa_accettata",
        "{}",
        no_notice.text
    );
    let anna_document = api.send_document(&anna, ID_PDF).await;
    let has_one = api
        .public(
            "/api/richieste-attivazione",
            &form("Anna", "Bianchi", &anna, &anna_document, false),
        )
        .await;
    assert_eq!(has_one.body["code"], "already_active", "{}", has_one.text);
    let giulia_document = api.send_document(&giulia, ID_PDF).await;
    let not_listed = api
        .public(
            "/api/richieste-attivazione",
            &form("Giulia", "Verdi", &giulia, &giulia_document, false),
        )
        .await;
    assert_eq!(
        not_listed.body["code"], "not_in_ordine",
        "{}",
        not_listed.text
    );
    // Without a document sent.
    let no_document = api
        .public(
            "/api/richieste-attivazione",
            &form("Mario", "Rossi", &mario, "", false),
        )
        .await;
    assert_eq!(
        no_document.body["field"], "documento",
        "{}",
        no_document.text
    );
    let listed = queue(milano.clone()).await;
    assert_eq!(
        listed.body["items"],
        json!([]),
        "nothing written: {}",
        listed.text
    );

    // Giulia is registering now; Mario is registered. The same form again answers the
    // request filed; a different one while it waits is refused.
    let giulia_filed = api
        .public(
            "/api/richieste-attivazione",
            &form("Giulia", "Verdi", &giulia, &giulia_document, true),
        )
        .await;
    assert_eq!(giulia_filed.status, 200, "{}", giulia_filed.text);
    // A request in Mario's name to another Ordine (anyone may file one: the secretariat
    // checks the document) does not stand in the way of his own to Milan.
    let mut elsewhere = form("Mario", "Rossi", &mario, &document, true);
    elsewhere["ordine"] = json!("RM");
    let elsewhere = api.public("/api/richieste-attivazione", &elsewhere).await;
    assert_eq!(elsewhere.status, 200, "{}", elsewhere.text);
    let filed = api
        .public(
            "/api/richieste-attivazione",
            &form("Mario", "Rossi", &mario, &document, false),
        )
        .await;
    assert_eq!(filed.status, 200, "{}", filed.text);
    assert_eq!(filed.body["email"], "mario@example.it");
    let again = api
        .public(
            "/api/richieste-attivazione",
            &form("Mario", "Rossi", &mario, &document, false),
        )
        .await;
    assert_eq!(again.body, filed.body);
    let mut changed = form("Mario", "Rossi", &mario, &document, false);
    changed["anagrafica"]["telefono"] = json!("333 7654321");
    let changed = api.public("/api/richieste-attivazione", &changed).await;
    assert_eq!(changed.status, 422, "{}", changed.text);
    assert!(
        changed.text.contains("già una tua richiesta"),
        "{}",
        changed.text
    );

    // Rome's secretariat sees nothing of Milan's; Milan's sees both with the Albo's check.
    assert_eq!(queue(roma.clone()).await.status, 403);
    let listed = queue(milano.clone()).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let items = listed.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{}", listed.text);
    // (Filed at the same instant here, by the test's clock.)
    let of = |cognome: &str| {
        items
            .iter()
            .find(|i| i["richiesta"]["anagrafica"]["cognome"] == cognome)
            .unwrap()
    };
    assert_eq!(of("Verdi")["controllo"], "non-iscritto");
    assert_eq!(of("Rossi")["controllo"], "conforme");
    let presentata = of("Rossi")["richiesta"]["presentata_il"].clone();
    let document_path = format!("/api/ordini/MI/richieste/{mario}/documento");
    let read = api.get(&document_path, &milano).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.text.as_bytes(), ID_PDF);
    assert!(
        read.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"),
    );
    assert_eq!(api.get(&document_path, &roma).await.status, 403);

    // Giulia is not in the Albo yet: not activable; declined, with a reason required.
    let decide = |cf: &String, token: &String, body: Value| {
        let (api, path, token) = (
            &api,
            format!("/api/ordini/MI/richieste/{cf}/decisione"),
            token.clone(),
        );
        async move { api.json("POST", &path, &token, &body).await }
    };
    let giulia_at = of("Verdi")["richiesta"]["presentata_il"].clone();
    let not_yet = decide(
        &giulia,
        &milano,
        json!({ "attivare": true, "presentata_il": giulia_at }),
    )
    .await;
    assert_eq!(not_yet.status, 422, "{}", not_yet.text);
    let no_reason = decide(
        &giulia,
        &milano,
        json!({ "attivare": false, "presentata_il": giulia_at }),
    )
    .await;
    assert_eq!(no_reason.body["field"], "motivo", "{}", no_reason.text);
    let declined = decide(&giulia, &milano, json!({ "attivare": false, "motivo": "Iscrizione non ancora deliberata dal Consiglio.", "presentata_il": giulia_at })).await;
    assert_eq!(declined.status, 200, "{}", declined.text);

    // Mario: a decision on a request that is not the one read is refused; then activated,
    // and the same decision again answers alike; the opposite one is refused.
    let stale = decide(
        &mario,
        &milano,
        json!({ "attivare": true, "presentata_il": "2026-01-01T00:00:00Z" }),
    )
    .await;
    assert_eq!(stale.status, 409, "{}", stale.text);
    let from_rome = decide(
        &mario,
        &roma,
        json!({ "attivare": true, "presentata_il": presentata }),
    )
    .await;
    assert_eq!(from_rome.status, 403);
    let activated = decide(
        &mario,
        &milano,
        json!({ "attivare": true, "presentata_il": presentata }),
    )
    .await;
    assert_eq!(activated.status, 200, "{}", activated.text);
    assert_eq!(
        activated.body["esito"]["indirizzo"],
        "mario.rossi@ingpec.eu"
    );
    let repeated = decide(
        &mario,
        &milano,
        json!({ "attivare": true, "presentata_il": presentata }),
    )
    .await;
    assert_eq!(repeated.status, 200, "{}", repeated.text);
    let reversed = decide(
        &mario,
        &milano,
        json!({ "attivare": false, "motivo": "x", "presentata_il": presentata }),
    )
    .await;
    assert_eq!(reversed.status, 422, "{}", reversed.text);
    let member = api.get(&format!("/api/members/{mario}"), &milano).await;
    assert_eq!(member.body["mailbox"]["address"], "mario.rossi@ingpec.eu");
    assert_eq!(queue(milano.clone()).await.body["items"], json!([]));

    // Both told by email, at the address they gave; the provider made Mario's mailbox.
    dispatch(&store, "2026-11-22T23:00:00Z").await;
    let sent = sandbox::sent(store.as_ref()).await.unwrap();
    let to = |address: &str, subject: &str| {
        sent.iter()
            .filter(|n| {
                n.notice.to == vec![address.to_owned()] && n.notice.subject.contains(subject)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        to("mario@example.it", "mario.rossi@ingpec.eu").len(),
        1,
        "{sent:?}"
    );
    assert!(
        to("giulia@example.it", "non è stata accolta")[0]
            .notice
            .body
            .contains("Iscrizione non ancora deliberata")
    );
    // And a receipt for each request filed, when it was filed: Mario's to Rome and to
    // Milan (not for the same form sent again), Giulia's.
    let received = "richiesta di attivazione ricevuta";
    assert_eq!(to("mario@example.it", received).len(), 2, "{sent:?}");
    let giulia_received = to("giulia@example.it", received);
    assert_eq!(giulia_received.len(), 1, "{sent:?}");
    assert!(
        giulia_received[0]
            .notice
            .body
            .contains("all'Ordine degli Ingegneri della Provincia di Milano (pre-iscrizione)"),
        "{sent:?}"
    );
    assert!(
        sandbox::mailbox(store.as_ref(), "mario.rossi@ingpec.eu")
            .await
            .unwrap()
            .is_some()
    );

    // Giulia asks again once declined; 31 days later it is late for the Fondazione.
    let refiled = api
        .public(
            "/api/richieste-attivazione",
            &form("Giulia", "Verdi", &giulia, &giulia_document, true),
        )
        .await;
    assert_eq!(refiled.status, 200, "{}", refiled.text);
    let late = api.get("/api/fondazione/richieste", &fondazione).await;
    assert_eq!(
        late.body["items"],
        json!([]),
        "not late today: {}",
        late.text
    );
    let later = Api::at(store.clone(), "2026-12-24T10:00:00Z");
    let fondazione = later.token(&caller(Role::Fondazione, None, None));
    let milano = later.token(&caller(Role::Segreteria, None, Some("MI")));
    let late = later.get("/api/fondazione/richieste", &fondazione).await;
    let items = late.body["items"].as_array().unwrap();
    // Giulia's to Milan and the one in Mario's name to Rome, both waiting since then.
    let ordini: Vec<_> = items.iter().map(|i| &i["richiesta"]["ordine"]).collect();
    assert!(
        ordini.contains(&&json!("MI")) && ordini.contains(&&json!("RM")),
        "{}",
        late.text
    );
    assert!(items.iter().all(|i| i["giorni_di_attesa"] == 32));
    let counts = later.get("/api/fondazione/code", &fondazione).await;
    assert_eq!(counts.body["richieste_ferme"], 2, "{}", counts.text);
    assert_eq!(
        later.get("/api/fondazione/richieste", &milano).await.status,
        403
    );
}
