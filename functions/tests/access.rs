//! Every route, as every role, against another Ordine's data and another member's: the
//! server refuses what the caller may not do, whatever a UI would show. And every route is
//! in the OpenAPI document.

mod support;

use std::sync::Arc;

use functions::store::sqlite::SqliteStore;
use serde_json::json;
use shared::access::Role;
use support::{ALBO_HEADER, Api, albo_row, caller, cf};

/// What a call may answer: allowed (2xx or a domain refusal about the data), or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allowed,
    Unauthenticated,
    Forbidden,
    /// Refused as if it did not exist, so nothing leaks across Ordini.
    Hidden,
}

fn classify(status: u16) -> Expect {
    match status {
        401 => Expect::Unauthenticated,
        403 => Expect::Forbidden,
        404 => Expect::Hidden,
        _ => Expect::Allowed,
    }
}

#[tokio::test]
async fn every_route_checks_role_and_tenant() {
    let api = Api::new(Arc::new(SqliteStore::in_memory().unwrap()));
    let mario_mi = cf("Rossi", "Mario", 1);
    let anna_rm = cf("Bianchi", "Anna", 2);
    let csv = [
        ALBO_HEADER.to_owned(),
        albo_row("Mario", "Rossi", &mario_mi, "MI", "1"),
        albo_row("Anna", "Bianchi", &anna_rm, "RM", "2"),
    ]
    .join("\n");
    let albo = api.token(&caller(Role::Albo, None, None));
    assert_eq!(
        api.csv("/api/albo/import?mode=commit", &albo, &csv)
            .await
            .body["errors"],
        0
    );

    let roles = [
        ("anonimo", None),
        (
            "iscritto MI",
            Some(api.token(&caller(Role::Iscritto, Some(&mario_mi), None))),
        ),
        (
            "segreteria RM",
            Some(api.token(&caller(Role::Segreteria, None, Some("RM")))),
        ),
        ("albo", Some(albo.clone())),
        (
            "fondazione",
            Some(api.token(&caller(Role::Fondazione, None, None))),
        ),
    ];
    use Expect::*;
    let activation = json!({ "codice_fiscale": mario_mi }).to_string();
    let profile = json!({ "indirizzo": "Via X 1", "comune": "Roma", "provincia": "RM", "cap": "00100", "email": "x@example.it", "version": 1 }).to_string();
    let recovery = json!({ "email": "r@example.it", "cellulare": "", "version": 1 }).to_string();
    let profilo = json!({ "email_segreteria": "segreteria@ordine.example.it", "telefono": "", "indirizzo": "Via X 1, Milano", "version": 0 }).to_string();
    let upsert = json!({
        "nome": "Mario", "cognome": "Rossi", "codice_fiscale": mario_mi, "indirizzo": "Via Roma 1", "comune": "Milano",
        "provincia": "MI", "cap": "20121", "email": "m@example.it", "ordine": "MI", "numero_iscrizione": "1"
    })
    .to_string();
    let first_step = json!({ "passo": "anagrafica", "versione": "0", "impronta": "x" }).to_string();
    let sha = "ab".repeat(32);
    let upload = json!({ "dimensione": 1000, "sha256": sha }).to_string();
    let verify_path = format!("/api/me/contratto/caricamenti/{sha}/verifica");
    let review_file = format!("/api/contratti/revisione/{mario_mi}/{sha}/file");
    let review_decision = format!("/api/contratti/revisione/{mario_mi}/{sha}/decisione");
    let decision = json!({ "approvato": true }).to_string();
    let disdetta_decided =
        json!({ "approvato": true, "richiesta_il": "2026-11-22T10:00:00Z" }).to_string();
    let member_mi = format!("/api/members/{mario_mi}");
    let upsert_path = format!("/api/albo/members/{mario_mi}");
    let timeline_mi = format!("/api/members/{mario_mi}/prospetto");
    let disdetta = json!({ "indirizzo": "mario.rossi@ingpec.eu", "dichiarazione_accettata": true })
        .to_string();
    let disdetta_decision = format!("/api/fondazione/disdette/{mario_mi}/decisione");
    let diffida_mi = format!("/api/ordini/MI/domicilio/{mario_mi}/diffida");
    let unblock_mi = format!("/api/fondazione/caselle/{mario_mi}/sblocco");
    let block_rm = format!("/api/fondazione/caselle/{anna_rm}/blocco");
    let diffida_wrong_ordine = format!("/api/ordini/MI/domicilio/{anna_rm}/diffida");
    let diffida = json!({ "data": "2026-11-20", "canale": "pec" }).to_string();
    let richiesta_document = format!("/api/ordini/MI/richieste/{mario_mi}/documento");
    let listino = json!({
        "in_force_from": "2027-01-01", "base": { "inbox_gb": 2, "archivio_gb": 3 },
        "base_prezzo_gb": 400, "base_extra_max_gb": 5, "avanzata_canone": 2500,
        "avanzata": { "inbox_gb": 8, "archivio_gb": 8 }, "avanzata_prezzo_gb": 400
    })
    .to_string();
    let heirs_document = format!("/api/fondazione/disdette/{mario_mi}/documenti/{sha}");
    let richiesta_decision = format!("/api/ordini/MI/richieste/{mario_mi}/decisione");
    let richiesta_decided =
        json!({ "attivare": true, "presentata_il": "2026-11-22T10:00:00Z" }).to_string();
    let document_to_send =
        json!({ "codice_fiscale": anna_rm, "sha256": sha, "dimensione": 1000 }).to_string();
    let order = json!({ "acquisto": { "tipo": "servizio", "servizio": { "tipo": "avanzata" } } })
        .to_string();
    let firma = json!({
        "prodotto": "smart-card",
        "dati": { "nome": "Mario", "cognome": "Rossi", "codice_fiscale": mario_mi, "ordine": "MI", "numero_iscrizione": "1" }
    })
    .to_string();
    let firma_step_mi = format!("/api/ordini/MI/firme/{mario_mi}/1/passi");
    let firma_step_rm = format!("/api/ordini/RM/firme/{mario_mi}/1/passi");
    let validata = json!({ "verso": "validata" }).to_string();
    // (method, path, body, [anonimo, iscritto MI, segreteria RM, albo, fondazione])
    let matrix: Vec<(&str, &str, Option<&str>, [Expect; 5])> = vec![
        (
            "GET",
            "/api/me",
            None,
            [Unauthenticated, Allowed, Allowed, Allowed, Allowed],
        ),
        (
            "PATCH",
            "/api/me/profile",
            Some(&profile),
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            "PUT",
            "/api/me/recovery",
            Some(&recovery),
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            "GET",
            "/api/me/history",
            None,
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            "GET",
            "/api/members?q=rossi",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            &member_mi,
            None,
            [Unauthenticated, Allowed, Hidden, Hidden, Allowed],
        ),
        (
            "GET",
            "/api/ordini",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/verifica",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/ordini/MI/members",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/ordini/MI/export",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/ordini/MI/mailbox",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Hidden],
        ),
        (
            "GET",
            "/api/ordini/MI/profilo",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "PUT",
            "/api/ordini/MI/profilo",
            Some(&profilo),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            "/api/ordini/MI/activations",
            Some(&activation),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            "/api/ordini/MI/activations/preview",
            Some(&activation),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            "/api/ordini/MI/activations/bulk",
            Some("nome;cognome;codice_fiscale\nA;B;C"),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            "/api/albo/import",
            Some(ALBO_HEADER),
            [Unauthenticated, Forbidden, Forbidden, Allowed, Allowed],
        ),
        (
            "PUT",
            &upsert_path,
            Some(&upsert),
            [Unauthenticated, Forbidden, Forbidden, Allowed, Allowed],
        ),
        (
            "GET",
            "/api/audit",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/me/primo-accesso",
            None,
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            "POST",
            "/api/me/primo-accesso",
            Some(&first_step),
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        // The contract is the holder's alone (his mailbox exists from the activation
        // above).
        (
            "GET",
            "/api/me/contratto",
            None,
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            "GET",
            "/api/me/contratto/documento",
            None,
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            "POST",
            "/api/me/contratto/caricamenti",
            Some(&upload),
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            "POST",
            &verify_path,
            Some("{}"),
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        // The review is the Fondazione's; nothing is in review here, so it finds nothing.
        (
            "GET",
            "/api/contratti/revisione",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            &review_file,
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Hidden],
        ),
        (
            "POST",
            &review_decision,
            Some(&decision),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Hidden],
        ),
        // Orders are the holder's; payments and refunds the Fondazione's; the
        // secretariat sees nothing of payments.
        (
            "POST",
            "/api/me/ordini",
            Some(&order),
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            "GET",
            "/api/me/ordini",
            None,
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            "GET",
            "/api/me/ordini/sconosciuto",
            None,
            [Unauthenticated, Hidden, Forbidden, Forbidden, Forbidden],
        ),
        (
            "POST",
            "/api/me/ordini/sconosciuto/annulla",
            Some("{}"),
            [Unauthenticated, Hidden, Forbidden, Forbidden, Forbidden],
        ),
        (
            "POST",
            "/api/me/ordini/sconosciuto/pagamento",
            Some("{}"),
            [Unauthenticated, Hidden, Forbidden, Forbidden, Forbidden],
        ),
        (
            "GET",
            "/api/me/ordini/sconosciuto/ricevuta",
            None,
            [Unauthenticated, Hidden, Forbidden, Forbidden, Forbidden],
        ),
        (
            "GET",
            "/api/me/ordini/sconosciuto/fattura",
            None,
            [Unauthenticated, Hidden, Forbidden, Forbidden, Forbidden],
        ),
        (
            "GET",
            "/api/me/prospetto",
            None,
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            "GET",
            "/api/me/disdetta",
            None,
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            "POST",
            "/api/me/disdetta",
            Some(&disdetta),
            // Reaches the rule (refused: the Albo lists no other domicilio for Mario).
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            "GET",
            "/api/fondazione/disdette",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/ordini/MI/domicilio",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/ordini/MI/domicilio/export",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            &diffida_mi,
            Some(&diffida),
            // The Fondazione may (Mario has no domicilio); Rome's secretariat may not.
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            &diffida_wrong_ordine,
            Some(&diffida),
            // Anna is Rome's: not found under Milan, even for the Fondazione.
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Hidden],
        ),
        (
            "GET",
            "/api/fondazione/decessi",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/fondazione/code",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/fondazione/bloccate",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            &unblock_mi,
            Some("{}"),
            // Reaches the rule: Mario's mailbox is not blocked.
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            &block_rm,
            Some("{}"),
            // Anna has no mailbox to block.
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Hidden],
        ),
        (
            "POST",
            "/api/fondazione/caselle-ordini",
            Some("{}"),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/fondazione/comandi",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            "/api/fondazione/comandi/sconosciuto/riprova",
            Some("{}"),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Hidden],
        ),
        (
            "POST",
            "/api/fondazione/comandi/sconosciuto/scarta",
            Some("{}"),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Hidden],
        ),
        (
            "POST",
            &disdetta_decision,
            Some(&disdetta_decided),
            // No request of Mario's to decide.
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Hidden],
        ),
        // Activation requests: the form is public; the queue is the Ordine's (and the
        // Fondazione's, which follows the late ones).
        (
            "POST",
            "/api/documenti",
            Some(&document_to_send),
            [Allowed, Allowed, Allowed, Allowed, Allowed],
        ),
        (
            "POST",
            "/api/richieste-attivazione",
            Some("{}"),
            // Reaches the form's checks (nothing filled in).
            [Allowed, Allowed, Allowed, Allowed, Allowed],
        ),
        (
            "POST",
            "/api/disdette-eredi",
            Some("{}"),
            // Reaches the form's checks (nothing filled in).
            [Allowed, Allowed, Allowed, Allowed, Allowed],
        ),
        (
            "GET",
            &heirs_document,
            None,
            // No heirs' request for Mario.
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Hidden],
        ),
        (
            "POST",
            "/api/fondazione/pannello/import",
            Some("indirizzo;codice_fiscale;piano;scadenza\nx@ingpec.eu;X;base;01/01/2027"),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            "/api/fondazione/listini",
            Some(&listino),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            "/api/gestore/eventi",
            Some("{}"),
            // The provider's events carry a signature, not a token: unsigned, refused.
            [
                Unauthenticated,
                Unauthenticated,
                Unauthenticated,
                Unauthenticated,
                Unauthenticated,
            ],
        ),
        (
            "GET",
            "/api/ordini/MI/richieste",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            &richiesta_document,
            None,
            // Mario asked for nothing.
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Hidden],
        ),
        (
            "POST",
            &richiesta_decision,
            Some(&richiesta_decided),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Hidden],
        ),
        (
            "GET",
            "/api/fondazione/richieste",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            &timeline_mi,
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/fondazione/ordini",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/fondazione/ordini/export?mese=2026-11",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/fondazione/fatture?anno=2026",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            "/api/fondazione/fatture/invio?mese=2026-11",
            Some("{}"),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            "/api/fondazione/ordini/sconosciuto/rimborsi/pi_x",
            Some("{}"),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Hidden],
        ),
        // The signature convention: the member asks, his Ordine follows, the Fondazione
        // sees every request.
        (
            "GET",
            "/api/me/firma",
            None,
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            "POST",
            "/api/me/firma/richieste",
            Some(&firma),
            [Unauthenticated, Allowed, Forbidden, Forbidden, Forbidden],
        ),
        (
            "GET",
            "/api/ordini/MI/firme",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/ordini/MI/firme/registro",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            &firma_step_mi,
            Some(&validata),
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "POST",
            &firma_step_rm,
            Some(&validata),
            // Mario's request is Milan's: Rome's list does not have it.
            [Unauthenticated, Forbidden, Hidden, Forbidden, Hidden],
        ),
        (
            "GET",
            "/api/fondazione/firme?stato=validata&convenzione=CNSCNI18",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
        (
            "GET",
            "/api/fondazione/firme/conteggi",
            None,
            [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed],
        ),
    ];
    let mut failures = Vec::new();
    for (method, path, body, expected) in &matrix {
        for ((role, token), want) in roles.iter().zip(expected) {
            let headers: &[(&str, &str)] = if body.is_some_and(|b| b.starts_with('{')) {
                &[("content-type", "application/json")]
            } else {
                &[("content-type", "text/csv")]
            };
            let response = api
                .send(
                    method,
                    path,
                    token.as_deref(),
                    body.map(|b| axum::body::Body::from(b.to_owned())),
                    headers,
                )
                .await;
            let got = classify(response.status.as_u16());
            if got != *want {
                failures.push(format!(
                    "{method} {path} as {role}: expected {want:?}, got {} {}",
                    response.status, response.text
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    // The Fondazione's activation above made Mario's mailbox: Milano sees it, Roma does not.
    let mi = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let seen = api.get(&member_mi, &mi).await;
    assert_eq!(
        seen.body["mailbox"]["address"], "mario.rossi@ingpec.eu",
        "{}",
        seen.text
    );
    let rm = api.token(&caller(Role::Segreteria, None, Some("RM")));
    assert_eq!(api.get(&member_mi, &rm).await.status, 404);
}

#[tokio::test]
async fn every_route_is_in_the_openapi_document() {
    let api = Api::new(Arc::new(SqliteStore::in_memory().unwrap()));
    let spec = api.send("GET", "/api/openapi.json", None, None, &[]).await;
    assert_eq!(spec.status, 200);
    let paths = spec.body["paths"].as_object().expect("paths");
    let expected = [
        ("get", "/api/health"),
        ("get", "/api/catalog"),
        ("post", "/api/quote"),
        ("get", "/api/openapi.json"),
        ("get", "/api/me"),
        ("patch", "/api/me/profile"),
        ("put", "/api/me/recovery"),
        ("get", "/api/me/history"),
        ("get", "/api/members"),
        ("get", "/api/members/{codice_fiscale}"),
        ("get", "/api/ordini"),
        ("get", "/api/verifica"),
        ("get", "/api/ordini/{ordine}/members"),
        ("get", "/api/ordini/{ordine}/export"),
        ("get", "/api/ordini/{ordine}/mailbox"),
        ("get", "/api/ordini/{ordine}/profilo"),
        ("put", "/api/ordini/{ordine}/profilo"),
        ("post", "/api/ordini/{ordine}/activations"),
        ("post", "/api/ordini/{ordine}/activations/preview"),
        ("post", "/api/ordini/{ordine}/activations/bulk"),
        ("post", "/api/albo/import"),
        ("put", "/api/albo/members/{codice_fiscale}"),
        ("get", "/api/audit"),
        ("get", "/api/me/primo-accesso"),
        ("post", "/api/me/primo-accesso"),
        ("get", "/api/me/contratto"),
        ("get", "/api/me/contratto/documento"),
        ("post", "/api/me/contratto/caricamenti"),
        ("post", "/api/me/contratto/caricamenti/{sha256}/verifica"),
        ("get", "/api/contratti/revisione"),
        (
            "get",
            "/api/contratti/revisione/{codice_fiscale}/{sha256}/file",
        ),
        (
            "post",
            "/api/contratti/revisione/{codice_fiscale}/{sha256}/decisione",
        ),
        ("get", "/api/me/ordini"),
        ("post", "/api/me/ordini"),
        ("get", "/api/me/ordini/{id}"),
        ("post", "/api/me/ordini/{id}/annulla"),
        ("post", "/api/me/ordini/{id}/pagamento"),
        ("get", "/api/me/ordini/{id}/ricevuta"),
        ("get", "/api/me/ordini/{id}/fattura"),
        ("get", "/api/fondazione/ordini"),
        ("get", "/api/fondazione/ordini/export"),
        ("get", "/api/fondazione/fatture"),
        ("get", "/api/me/prospetto"),
        ("get", "/api/members/{codice_fiscale}/prospetto"),
        ("post", "/api/fondazione/fatture/invio"),
        ("post", "/api/fondazione/ordini/{id}/rimborsi/{riferimento}"),
        ("post", "/api/pagamenti/webhook"),
        ("get", "/api/me/disdetta"),
        ("post", "/api/me/disdetta"),
        ("get", "/api/fondazione/disdette"),
        ("get", "/api/fondazione/decessi"),
        ("get", "/api/ordini/{ordine}/domicilio"),
        ("get", "/api/ordini/{ordine}/domicilio/export"),
        (
            "post",
            "/api/ordini/{ordine}/domicilio/{codice_fiscale}/diffida",
        ),
        ("get", "/api/fondazione/code"),
        ("get", "/api/fondazione/comandi"),
        ("post", "/api/fondazione/caselle-ordini"),
        ("get", "/api/fondazione/bloccate"),
        ("post", "/api/fondazione/caselle/{codice_fiscale}/blocco"),
        ("post", "/api/fondazione/caselle/{codice_fiscale}/sblocco"),
        ("post", "/api/fondazione/comandi/{id}/riprova"),
        ("post", "/api/fondazione/comandi/{id}/scarta"),
        (
            "post",
            "/api/fondazione/disdette/{codice_fiscale}/decisione",
        ),
        ("post", "/api/documenti"),
        ("post", "/api/disdette-eredi"),
        ("post", "/api/gestore/eventi"),
        ("post", "/api/fondazione/listini"),
        ("post", "/api/fondazione/pannello/import"),
        (
            "get",
            "/api/fondazione/disdette/{codice_fiscale}/documenti/{sha256}",
        ),
        ("post", "/api/richieste-attivazione"),
        ("get", "/api/ordini/{ordine}/richieste"),
        (
            "get",
            "/api/ordini/{ordine}/richieste/{codice_fiscale}/documento",
        ),
        (
            "post",
            "/api/ordini/{ordine}/richieste/{codice_fiscale}/decisione",
        ),
        ("get", "/api/fondazione/richieste"),
        ("get", "/api/me/firma"),
        ("post", "/api/me/firma/richieste"),
        ("get", "/api/ordini/{ordine}/firme"),
        ("get", "/api/ordini/{ordine}/firme/registro"),
        (
            "post",
            "/api/ordini/{ordine}/firme/{codice_fiscale}/{numero}/passi",
        ),
        ("get", "/api/fondazione/firme"),
        ("get", "/api/fondazione/firme/conteggi"),
    ];
    for (method, path) in expected {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is not documented"
        );
    }
    // Bodies are described by the shared DTOs' schemas, not as free-form objects.
    let schemas = spec.body["components"]["schemas"]
        .as_object()
        .expect("schemas");
    for dto in [
        "Quote",
        "QuoteRequest",
        "ApiError",
        "ErrorCode",
        "MailboxView",
        "MemberPage",
        "MemberDetail",
        "CsvReport",
        "RowOutcome",
        "AlboMember",
        "AuditPage",
        "OrdineProfiloView",
    ] {
        assert!(
            schemas.contains_key(dto),
            "no schema for {dto}: {:?}",
            schemas.keys().collect::<Vec<_>>()
        );
    }
    let quote = &paths["/api/quote"]["post"];
    assert_eq!(
        quote["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/QuoteRequest"
    );
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        documented,
        expected.len(),
        "a documented route is missing from this list"
    );
    // And every documented route exists: none answers as an unknown route.
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    for (path, operations) in paths {
        for method in operations.as_object().unwrap().keys() {
            let concrete = path
                .replace("{ordine}", "MI")
                .replace("{codice_fiscale}", "RSSMRA85T10A562S");
            let response = api
                .send(
                    &method.to_uppercase(),
                    &concrete,
                    Some(&fondazione),
                    None,
                    &[],
                )
                .await;
            assert_ne!(response.status, 405, "{method} {path}");
            assert_ne!(
                response.body["message"], "Questa operazione non esiste.",
                "{method} {path} is not routed"
            );
        }
    }
}
