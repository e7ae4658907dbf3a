//! Every answer the product gives: each error in the one envelope, in Italian, whatever
//! produced it (a use case, an extractor, axum's router, a body limit); the security
//! headers on the API and on the app; the app's files served or answered 404, never the
//! shell in their place.

mod support;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, header};
use functions::local;
use functions::store::sqlite::SqliteStore;
use http_body_util::BodyExt;
use shared::access::Role;
use shared::api::AuthConfig;
use support::{Api, albo_row, caller, cf};
use tower::ServiceExt;

fn assert_envelope(response: &support::Response, status: u16, code: &str) {
    assert_eq!(response.status, status, "{}", response.text);
    assert_eq!(
        response.headers[header::CONTENT_TYPE],
        "application/json",
        "{}",
        response.text
    );
    assert_eq!(response.body["code"], code, "{}", response.text);
    assert!(
        !response.body["message"]
            .as_str()
            .unwrap_or_default()
            .is_empty(),
        "{}",
        response.text
    );
}

#[tokio::test]
async fn every_error_has_the_envelope() {
    let api = Api::new(Arc::new(SqliteStore::in_memory().unwrap()));
    let mario = cf("Rossi", "Mario", 1);
    api.register(&[albo_row("Mario", "Rossi", &mario, "MI", "1")])
        .await;
    let holder = api.token(&caller(Role::Iscritto, Some(&mario), None));
    let mi = api.token(&caller(Role::Segreteria, None, Some("MI")));

    // A cursor that is not one of ours.
    let bad_cursor = api.get("/api/me/history?cursor=garbage", &holder).await;
    assert_envelope(&bad_cursor, 422, "invalid_input");
    assert_eq!(bad_cursor.body["field"], "cursor");
    let bad_cursor = api.get("/api/ordini/MI/members?cursor=garbage", &mi).await;
    assert_envelope(&bad_cursor, 422, "invalid_input");

    // Query parameters that do not parse, or are out of range: named, in Italian.
    for (query, field) in [
        ("limit=abc", "limit"),
        ("albo=platino", "albo"),
        ("senza_domicilio=forse", "senza_domicilio"),
        ("limit=500", "limit"),
        ("scadenza_entro=9999", "scadenza_entro"),
    ] {
        let response = api
            .get(&format!("/api/ordini/MI/members?{query}"), &mi)
            .await;
        assert_envelope(&response, 422, "invalid_input");
        assert_eq!(response.body["field"], field, "{query}");
    }
    let unknown_value = api.get("/api/ordini/MI/members?albo=platino", &mi).await;
    assert!(
        unknown_value.body["message"]
            .as_str()
            .unwrap()
            .contains("iscritto, sospeso, cancellato"),
        "{}",
        unknown_value.text
    );

    // Paths: not UTF-8, not a code, not an Ordine.
    assert_envelope(
        &api.get("/api/members/%FF%FE%FD", &mi).await,
        400,
        "malformed_request",
    );
    assert_envelope(
        &api.get("/api/members/NOTACODE", &mi).await,
        422,
        "invalid_codice_fiscale",
    );
    assert_envelope(
        &api.get("/api/ordini/XX/members", &mi).await,
        422,
        "unknown_ordine",
    );
    assert_envelope(&api.get("/api/nowhere", &mi).await, 404, "not_found");

    // A method the route does not take: the envelope, and Allow says which it takes.
    let wrong_method = api.send("DELETE", "/api/catalog", None, None, &[]).await;
    assert_envelope(&wrong_method, 405, "method_not_allowed");
    assert!(wrong_method.headers.contains_key(header::ALLOW));

    // Bodies: not JSON, the wrong type, too large.
    let not_json = api
        .send(
            "POST",
            "/api/quote",
            None,
            Some(Body::from("plan=base")),
            &[("content-type", "text/plain")],
        )
        .await;
    assert_envelope(&not_json, 415, "unsupported_media_type");
    let huge = "nome;cognome;codice_fiscale\n".to_owned() + &"x;y;z\n".repeat(600_000);
    let too_large = api
        .csv("/api/ordini/MI/activations/bulk?mode=dry-run", &mi, &huge)
        .await;
    assert_envelope(&too_large, 413, "payload_too_large");
    let bad_mode = api
        .csv(
            "/api/ordini/MI/activations/bulk?mode=maybe",
            &mi,
            "nome\nx\n",
        )
        .await;
    assert_envelope(&bad_mode, 422, "invalid_input");
    assert_eq!(bad_mode.body["field"], "mode");
    let spreadsheet = api
        .send(
            "POST",
            "/api/ordini/MI/activations/bulk",
            Some(&mi),
            Some(Body::from(
                b"PK\x03\x04\x14\x00\x06\x00rest of an xlsx".to_vec(),
            )),
            &[("content-type", "text/csv")],
        )
        .await;
    assert_envelope(&spreadsheet, 422, "invalid_file");
    assert!(
        spreadsheet.body["message"]
            .as_str()
            .unwrap()
            .contains("foglio di calcolo")
    );
}

#[tokio::test]
async fn a_csv_from_italian_excel_is_read_in_its_encoding() {
    let api = Api::new(Arc::new(SqliteStore::in_memory().unwrap()));
    let niccolo = cf("Cantù", "Niccolò", 1);
    api.register(&[albo_row("Niccolò", "Cantù", &niccolo, "MI", "1")])
        .await;
    let mi = api.token(&caller(Role::Segreteria, None, Some("MI")));
    // "CSV (separato da punto e virgola)" as Italian Excel writes it: Windows-1252.
    let mut file = b"nome;cognome;codice_fiscale;indirizzo;comune;provincia;cap;email\r\n".to_vec();
    file.extend(b"Niccol\xF2;Cant\xF9;");
    file.extend(niccolo.as_bytes());
    file.extend(b";Via Roma 1;Milano;MI;20121;n@example.it\r\n");
    let report = api
        .send(
            "POST",
            "/api/ordini/MI/activations/bulk?mode=dry-run",
            Some(&mi),
            Some(Body::from(file)),
            &[("content-type", "text/csv")],
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    assert_eq!(
        report.body["rows"][0]["esito"], "da-attivare",
        "{}",
        report.text
    );
    assert_eq!(
        report.body["rows"][0]["indirizzo"],
        "niccolo.cantu@ingpec.eu"
    );
}

#[tokio::test]
async fn the_api_answers_with_the_security_headers() {
    let api = Api::new(Arc::new(SqliteStore::in_memory().unwrap()));
    let mi = api.token(&caller(Role::Segreteria, None, Some("MI")));
    for response in [
        api.get("/api/ordini/MI/export", &mi).await,
        api.get("/api/ordini/MI/members", &mi).await,
        api.send("GET", "/api/catalog", None, None, &[]).await,
        api.get("/api/nowhere", &mi).await,
    ] {
        let h = &response.headers;
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["cache-control"], "no-store");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
    }
}

#[tokio::test]
async fn the_app_has_a_strict_policy_and_missing_files_are_404() {
    let dist = std::env::temp_dir().join(format!("pec-envelope-{}", std::process::id()));
    std::fs::create_dir_all(dist.join("pkg")).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>PEC</title>").unwrap();
    std::fs::write(dist.join("pkg/app.0123456789abcdef.js"), "export {}").unwrap();
    let state = functions::testing::test_state("2026-11-22T10:00:00Z");
    let app = local::app(
        state,
        &dist,
        AuthConfig::Oidc {
            authority: "https://login.example.it/oauth2".into(),
            client_id: "spa".into(),
        },
    );
    let get = |path: &str| {
        let app = app.clone();
        let request = Request::get(path).body(Body::empty()).unwrap();
        async move {
            let response = app.oneshot(request).await.unwrap();
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            (status, headers, String::from_utf8_lossy(&body).into_owned())
        }
    };
    let (status, headers, body) = get("/ordine/iscritti").await;
    assert_eq!((status, body.contains("<title>PEC</title>")), (200, true));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(
        csp.contains("connect-src 'self' https://login.example.it;"),
        "{csp}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-cache");
    let (status, headers, _) = get("/pkg/app.0123456789abcdef.js").await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    // A file that is not there is not the app's shell.
    let (status, _, body) = get("/pkg/app.fedcba9876543210.js").await;
    assert_eq!(status, 404);
    assert!(!body.contains("<title>"));
    std::fs::remove_dir_all(&dist).unwrap();
}
