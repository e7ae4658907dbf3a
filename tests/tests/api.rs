//! The local server over HTTP: the real binary on a free port.

use anyhow::Result;
use e2e::server::{LocalServer, spa_dir};
use serde_json::{Value, json};
use shared::api::{CatalogResponse, ErrorCode};
use shared::catalog::{CatalogId, PlanCode, Quote};
use shared::money::Money;

#[tokio::test]
async fn the_catalog_and_a_quote_over_http() -> Result<()> {
    let server = LocalServer::start().await?;
    let http = reqwest::Client::new();

    let health: Value = http
        .get(server.url("/api/health"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(health["status"], "ok");

    let catalog: CatalogResponse = http
        .get(server.url("/api/catalog"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(catalog.in_force, CatalogId::Contratto2024);
    let current = catalog.current().expect("a version in force");
    let avanzata = current.plan(PlanCode::Avanzata).expect("Avanzata is sold");
    assert_eq!(avanzata.annual_fee, Money::euros(20));
    assert_eq!(catalog.versions.len(), 3);

    let response = http
        .post(server.url("/api/quote"))
        .json(&json!({"plan": "base", "upgrade": true, "extra": {"inbox_gb": 1, "archivio_gb": 1}}))
        .send()
        .await?;
    assert_eq!(response.status(), 200);
    let quote: Quote = response.json().await?;
    assert_eq!(quote.net, Money::euros(28));
    assert_eq!(quote.iva, Money::cents(616));
    assert_eq!(quote.total, Money::cents(3416));

    let refused = http
        .post(server.url("/api/quote"))
        .json(&json!({"plan": "base", "extra": {"inbox_gb": 0, "archivio_gb": 3}}))
        .send()
        .await?;
    assert_eq!(refused.status(), 422);
    let error: shared::api::ApiError = refused.json().await?;
    assert_eq!(error.code, ErrorCode::QuoteAreaNotAllowed);
    assert_eq!(error.field.as_deref(), Some("extra.archivio_gb"));
    Ok(())
}

#[tokio::test]
async fn the_spa_is_served_beside_the_api() -> Result<()> {
    assert!(
        spa_dir().join("index.html").exists(),
        "no SPA build in {}: run `cargo xtask test`",
        spa_dir().display()
    );
    let server = LocalServer::start().await?;
    let http = reqwest::Client::new();
    // Client-side routes fall back to the app's shell, which is always revalidated.
    let mut shell = String::new();
    for path in ["/", "/piani", "/una/pagina/qualsiasi"] {
        let page = http.get(server.url(path)).send().await?;
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(page.headers()["cache-control"], "no-cache", "{path}");
        shell = page.text().await?;
        assert!(
            shell.contains("<html lang=\"it\">")
                && shell.contains("<script type=\"module\" src=\"/boot."),
            "{path}"
        );
    }
    // The page's boot module names each area's loader, the loader its wasm: each named by
    // its content, sent compressed to browsers that accept it and kept for good.
    let quoted = |text: &str, prefix: &str, suffix: &str| {
        text.split(['"', '\''])
            .find(|part| part.starts_with(prefix) && part.ends_with(suffix))
            .map(str::to_owned)
    };
    let boot = quoted(&shell, "/boot.", ".js").expect("index.html names the boot module");
    let boot = http.get(server.url(&boot)).send().await?.text().await?;
    let loader = quoted(&boot, "/pkg/pubblico.", ".js").expect("boot.js names the loader");
    let loader = http.get(server.url(&loader)).send().await?.text().await?;
    let wasm_name = quoted(&loader, "pubblico_bg.", ".wasm").expect("the loader names its wasm");
    let wasm = http
        .get(server.url(&format!("/pkg/{wasm_name}")))
        .header("Accept-Encoding", "br")
        .send()
        .await?;
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(wasm.headers()["content-encoding"], "br");
    assert_eq!(
        wasm.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    // An unknown API route is not the SPA.
    let missing = http.get(server.url("/api/nope")).send().await?;
    assert_eq!(missing.status(), 404);
    let error: shared::api::ApiError = missing.json().await?;
    assert_eq!(error.code, ErrorCode::NotFound);
    Ok(())
}

#[tokio::test]
async fn a_seeded_secretariat_logs_in_and_sees_its_members() -> Result<()> {
    let server = LocalServer::start().await?;
    let http = reqwest::Client::new();
    let login = |user: &'static str, password: &'static str| {
        http.post(server.url("/api/auth/login"))
            .json(&json!({ "username": user, "password": password }))
            .send()
    };
    let refused = login("segreteria.mi", "sbagliata").await?;
    assert_eq!(refused.status(), 401);
    let ok: Value = login("segreteria.mi", "pec-demo").await?.json().await?;
    let token = ok["token"].as_str().expect("a token");
    assert_eq!(ok["caller"]["ordine"], "MI");

    let page: Value = http
        .get(server.url("/api/ordini/MI/members?q=rossi"))
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    let items = page["items"].as_array().expect("items");
    assert!(items.len() >= 2, "the seeded Mario Rossi homonyms: {page}");
    assert!(items.iter().all(|m| m["ordine"] == "MI"));
    let own: Value = http
        .get(server.url("/api/ordini/MI/mailbox"))
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(own["mailbox"]["address"], "ordine.milano@ingpec.eu");
    let other = http
        .get(server.url("/api/ordini/RM/members"))
        .bearer_auth(token)
        .send()
        .await?;
    assert_eq!(other.status(), 403);

    let member: Value = login("mario.rossi", "pec-demo").await?.json().await?;
    let me: Value = http
        .get(server.url("/api/me"))
        .bearer_auth(member["token"].as_str().expect("a token"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(me["member"]["mailbox"]["address"], "mario.rossi@ingpec.eu");
    Ok(())
}

/// A 2,000-row Albo import: new members of Milano.
fn albo_import(rows: usize) -> String {
    use shared::codice_fiscale::{CodiceFiscale, DatiNascita, Sesso};
    let mut csv = String::from(
        "nome;cognome;codice_fiscale;indirizzo;comune;provincia;cap;email;telefono;ordine;numero_iscrizione;stato;data_stato;causa;domicilio_digitale\n",
    );
    let names = [
        "Mario", "Luca", "Paolo", "Marco", "Andrea", "Stefano", "Gianni", "Piero",
    ];
    let surnames = [
        "Ferri", "Galli", "Conti", "Sala", "Riva", "Villa", "Longo", "Fabbri",
    ];
    for i in 0..rows {
        let (nome, cognome) = (names[i % 8], surnames[(i / 8) % 8]);
        let data = chrono::NaiveDate::from_ymd_opt(
            1950 + (i / 64 % 50) as i32,
            1 + (i % 12) as u32,
            1 + (i / 12 % 28) as u32,
        )
        .expect("a date");
        let cf = CodiceFiscale::compute(&DatiNascita {
            cognome,
            nome,
            data,
            sesso: Sesso::M,
            codice_catastale: "F205",
        })
        .expect("a code");
        csv.push_str(&format!(
            "{nome};{cognome};{cf};Via Roma {i};Milano;MI;20121;e2e{i}@example.it;;MI;E{i:05};iscritto;;;\n"
        ));
    }
    csv
}

#[tokio::test]
async fn a_dropped_connection_leaves_no_request_stuck() -> Result<()> {
    use tokio::io::AsyncWriteExt;
    let server = LocalServer::start().await?;
    let token = server.token("albo").await?;
    let csv = albo_import(2_000);
    // The import starts, and the client's connection drops while it runs.
    let address = server.url("").trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await?;
    let head = format!(
        "POST /api/albo/import?mode=commit HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Idempotency-Key: albo-2026-11\r\nContent-Type: text/csv\r\nContent-Length: {}\r\n\r\n",
        csv.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(csv.as_bytes()).await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    drop(stream);

    // The app retries with the same key: "in progress" for as long as the import runs,
    // then the import's own report, once.
    let http = reqwest::Client::new();
    let started = std::time::Instant::now();
    let mut in_progress = 0;
    let report: Value = loop {
        let retry = http
            .post(server.url("/api/albo/import?mode=commit"))
            .bearer_auth(&token)
            .header("Idempotency-Key", "albo-2026-11")
            .header("Content-Type", "text/csv")
            .body(csv.clone())
            .send()
            .await?;
        match retry.status().as_u16() {
            409 => {
                let error: shared::api::ApiError = retry.json().await?;
                assert_eq!(error.code, ErrorCode::InProgress);
                in_progress += 1;
                assert!(
                    started.elapsed() < std::time::Duration::from_secs(120),
                    "still in progress after {in_progress} retries"
                );
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            }
            200 => {
                assert_eq!(retry.headers()["idempotent-replayed"], "true");
                break retry.json().await?;
            }
            other => panic!("unexpected {other}: {}", retry.text().await?),
        }
    };
    eprintln!(
        "dropped import: replayed after {:.2?} and {in_progress} in-progress answers",
        started.elapsed()
    );
    let rows = report["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2_000);
    assert!(
        rows.iter().all(|r| r["esito"] == "nuovo"),
        "written once, by the first request"
    );
    Ok(())
}

#[tokio::test]
async fn the_app_and_the_api_carry_the_security_headers() -> Result<()> {
    let server = LocalServer::start().await?;
    let http = reqwest::Client::new();
    for path in ["/", "/accesso", "/api/catalog", "/api/nope"] {
        let response = http.get(server.url(path)).send().await?;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        let csp = headers["content-security-policy"].to_str()?;
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    }
    let missing = http
        .get(server.url("/pkg/frontend.0000000000000000.js"))
        .send()
        .await?;
    assert_eq!(
        missing.status(),
        404,
        "a missing asset is not the app's shell"
    );
    Ok(())
}
