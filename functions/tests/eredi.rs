//! The heirs' disdetta: an heir of a deceased holder asks from the public page, with the
//! death certificate and his identity document; requests without them, for a mailbox
//! that is not the holder's, or naming the holder as heir are refused with nothing
//! written; the Fondazione reads the documents and approves (the mailbox closes, the heir
//! is told) or rejects with a reason. On SQLite and DynamoDB (moto).

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
async fn an_heir_asks_to_close_a_deceased_holders_mailbox_on_sqlite() {
    scenario(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

#[tokio::test]
async fn an_heir_asks_to_close_a_deceased_holders_mailbox_on_dynamodb() {
    let moto = Moto::start().await;
    scenario(Arc::new(moto.store("eredi").await)).await;
}

const CERTIFICATE: &[u8] = b"%PDF-1.4\n% certificato di morte\n%%EOF\n";
const ID_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR carta d'identita";

fn form(titolare: &str, indirizzo: &str, heir: &str, certificate: &str, id: &str) -> Value {
    json!({
        "titolare": titolare,
        "indirizzo": indirizzo,
        "erede": { "nome": "Giulia", "cognome": "Verdi", "codice_fiscale": heir, "email": "giulia.verdi@example.it" },
        "certificato_di_morte": certificate,
        "documento_identita": id,
        "dichiarazione_accettata": true,
    })
}

async fn scenario(store: Arc<dyn ItemStore>) {
    let api = Api::new(store.clone());
    let (mario, anna, giulia) = (
        cf("Rossi", "Mario", 1),
        cf("Bianchi", "Anna", 2),
        cf("Verdi", "Giulia", 3),
    );
    let mario_row = albo_row("Mario", "Rossi", &mario, "MI", "A1");
    api.register(&[
        mario_row.clone(),
        albo_row("Anna", "Bianchi", &anna, "MI", "A2"),
    ])
    .await;
    api.activate("MI", &mario).await;
    api.activate("MI", &anna).await;
    // The Albo records Mario's death.
    api.register(&[mario_row.replace(";iscritto;;;", ";cancellato;2026-11-01;decesso;")])
        .await;
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let milano = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let mailbox = "mario.rossi@ingpec.eu";

    let certificate = api.send_document(&mario, CERTIFICATE).await;
    let id = api.send_document(&mario, ID_PNG).await;
    let html = api.send_document(&mario, b"<html></html>").await;
    let refused = |body: Value, field: &'static str| {
        let api = &api;
        async move {
            let answer = api.public("/api/disdette-eredi", &body).await;
            assert_eq!(answer.status, 422, "{field}: {}", answer.text);
            assert_eq!(answer.body["field"], field, "{}", answer.text);
        }
    };
    // Another holder's address; the holder as his own heir; no certificate; a file that is
    // no document; the same file twice; the declaration not confirmed.
    refused(
        form(&mario, "anna.bianchi@ingpec.eu", &giulia, &certificate, &id),
        "indirizzo",
    )
    .await;
    refused(
        form(&mario, mailbox, &mario, &certificate, &id),
        "erede_codice_fiscale",
    )
    .await;
    refused(
        form(&mario, mailbox, &giulia, "", &id),
        "certificato_di_morte",
    )
    .await;
    refused(
        form(&mario, mailbox, &giulia, &html, &id),
        "certificato_di_morte",
    )
    .await;
    refused(
        form(&mario, mailbox, &giulia, &certificate, &certificate),
        "documento_identita",
    )
    .await;
    let mut unconfirmed = form(&mario, mailbox, &giulia, &certificate, &id);
    unconfirmed["dichiarazione_accettata"] = json!(false);
    refused(unconfirmed, "dichiarazione_accettata").await;
    let queue = api.get("/api/fondazione/disdette", &fondazione).await;
    assert_eq!(
        queue.body["items"],
        json!([]),
        "nothing written: {}",
        queue.text
    );

    // Filed; the same form again answers it; another heir's while it waits is refused.
    let filed = api
        .public(
            "/api/disdette-eredi",
            &form(&mario, "Mario.Rossi@ingpec.eu", &giulia, &certificate, &id),
        )
        .await;
    assert_eq!(filed.status, 200, "{}", filed.text);
    assert_eq!(filed.body["email"], "giulia.verdi@example.it");
    let again = api
        .public(
            "/api/disdette-eredi",
            &form(&mario, mailbox, &giulia, &certificate, &id),
        )
        .await;
    assert_eq!(again.body, filed.body);
    let luca = cf("Rossi", "Luca", 4);
    let other_heir = api
        .public(
            "/api/disdette-eredi",
            &form(&mario, mailbox, &luca, &certificate, &id),
        )
        .await;
    assert_eq!(other_heir.status, 422, "{}", other_heir.text);

    // The Fondazione sees it with the heir and nothing in the way, reads both documents.
    let queue = api.get("/api/fondazione/disdette", &fondazione).await;
    let item = &queue.body["items"][0];
    assert_eq!(
        item["disdetta"]["erede"]["codice_fiscale"], giulia,
        "{}",
        queue.text
    );
    assert!(item["ostacolo"].is_null(), "{}", queue.text);
    for (sha, bytes) in [(&certificate, CERTIFICATE), (&id, ID_PNG)] {
        let path = format!("/api/fondazione/disdette/{mario}/documenti/{sha}");
        let read = api.get(&path, &fondazione).await;
        assert_eq!(read.status, 200, "{}", read.text);
        assert_eq!(read.text, String::from_utf8_lossy(bytes));
        assert_eq!(api.get(&path, &milano).await.status, 403);
    }
    let not_his = api
        .get(
            &format!("/api/fondazione/disdette/{mario}/documenti/{html}"),
            &fondazione,
        )
        .await;
    assert_eq!(not_his.status, 404, "only the request's documents");

    // Approved: the mailbox closes, the heir is told; the history names the heir.
    let decide = format!("/api/fondazione/disdette/{mario}/decisione");
    let approve = json!({ "approvato": true, "richiesta_il": filed.body["richiesta_il"] });
    let approved = api.json("POST", &decide, &fondazione, &approve).await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    let member = api.get(&format!("/api/members/{mario}"), &fondazione).await;
    assert_eq!(
        member.body["mailbox"]["status"], "chiusa",
        "{}",
        member.text
    );
    dispatch(&store, "2026-11-22T23:00:00Z").await;
    let at_provider = sandbox::mailbox(store.as_ref(), mailbox)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(at_provider.value.status, "closed");
    let sent = sandbox::sent(store.as_ref()).await.unwrap();
    let told = sent
        .iter()
        .find(|s| s.notice.subject.contains("è stata chiusa"))
        .expect("the heir was told");
    assert!(
        told.notice
            .to
            .contains(&"giulia.verdi@example.it".to_owned())
    );
    // Told first that the request arrived, once (the same form sent again adds nothing).
    let receipts: Vec<_> = sent
        .iter()
        .filter(|s| s.notice.subject.contains("richiesta di disdetta ricevuta"))
        .collect();
    assert_eq!(receipts.len(), 1, "{sent:?}");
    assert_eq!(receipts[0].notice.to, ["giulia.verdi@example.it"]);
    assert!(
        receipts[0].notice.body.contains(mailbox),
        "{}",
        receipts[0].notice.body
    );
    let audit = api
        .get(&format!("/api/audit?target=member:{mario}"), &fondazione)
        .await;
    assert!(
        audit.text.contains(&format!("erede:{giulia}")),
        "{}",
        audit.text
    );

    // An "heir" of a living holder may file (the Fondazione reads the certificate); the
    // Fondazione rejects it with a reason, the mailbox stays open and the heir is told.
    let certificate = api.send_document(&anna, CERTIFICATE).await;
    let id = api.send_document(&anna, ID_PNG).await;
    let filed = api
        .public(
            "/api/disdette-eredi",
            &form(&anna, "anna.bianchi@ingpec.eu", &giulia, &certificate, &id),
        )
        .await;
    assert_eq!(filed.status, 200, "{}", filed.text);
    let reject = json!({ "approvato": false, "motivo": "Il certificato non riguarda la titolare.", "richiesta_il": filed.body["richiesta_il"] });
    let rejected = api
        .json(
            "POST",
            &format!("/api/fondazione/disdette/{anna}/decisione"),
            &fondazione,
            &reject,
        )
        .await;
    assert_eq!(rejected.status, 200, "{}", rejected.text);
    let anna_now = api.get(&format!("/api/members/{anna}"), &fondazione).await;
    assert_eq!(anna_now.body["mailbox"]["status"], "attiva");
    dispatch(&store, "2026-11-22T23:00:00Z").await;
    let sent = sandbox::sent(store.as_ref()).await.unwrap();
    let told = sent
        .iter()
        .find(|s| {
            s.notice
                .body
                .contains("Il certificato non riguarda la titolare")
        })
        .expect("the heir was told why");
    assert!(
        told.notice
            .to
            .contains(&"giulia.verdi@example.it".to_owned())
    );
    assert!(
        told.notice.body.contains("Disdetta per gli eredi"),
        "{}",
        told.notice.body
    );
}
