//! Orders end to end on the embedded store (`cargo xtask bench`): each holder orders 2 GB,
//! starts the payment, pays at the test checkout (the signed event through the webhook's
//! code) and the outbox has the provider resize the mailbox, which activates the order.
//! Beside it, in the same run, the same holders' mailboxes activated one at a time through
//! the same router: the ratio says what a purchase costs against the product's other
//! write. Then 50 payments at once, whose invoice numbers must follow with no gap and no
//! repeat, beside 50 more paid one after the other.
//!
//! The count can be lowered with `PEC_BENCH_ORDERS`.

use functions::testing::figure;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use futures::future::join_all;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use shared::access::{Caller, Role};
use shared::codice_fiscale::CodiceFiscale;
use tower::ServiceExt;

use functions::AppState;
use functions::auth::local::LocalJwt;
use functions::clock::SystemClock;
use functions::outbox::mailer::sandbox::SandboxMailer;
use functions::outbox::provider::sandbox::SandboxProvider;
use functions::outbox::{self as dispatcher, Channels};
use functions::store::ItemStore;
use functions::store::sqlite::SqliteStore;

/// The allocator of `pec-local`, whose work this bench measures.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Bench {
    app: Router,
    jwt: Arc<LocalJwt>,
}

impl Bench {
    /// One order of `buy` for each holder, its payment started: the client secrets.
    async fn unpaid(&self, tokens: &[String], buy: &Value) -> Vec<String> {
        let mut secrets = Vec::new();
        for token in tokens {
            let (_, order) = self
                .send("POST", "/api/me/ordini", token, buy.clone())
                .await;
            let id = order["id"].as_str().unwrap().to_owned();
            let (_, intent) = self
                .send(
                    "POST",
                    &format!("/api/me/ordini/{id}/pagamento"),
                    token,
                    json!({}),
                )
                .await;
            secrets.push(intent["client_secret"].as_str().unwrap().to_owned());
        }
        secrets
    }

    fn token(&self, role: Role, cf: Option<&str>, ordine: Option<&str>) -> String {
        let caller = Caller {
            subject: "bench".into(),
            role,
            codice_fiscale: cf.map(|c| CodiceFiscale::parse(c).unwrap()),
            ordine: ordine.map(|o| shared::province::OrdineCode::parse(o).unwrap()),
        };
        self.jwt.issue(&caller, chrono::Utc::now()).0
    }

    async fn send(&self, method: &str, path: &str, token: &str, body: Value) -> (u16, Value) {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}

/// The `n`th holder's surname (three distinct consonants) and his codice fiscale.
fn holder(n: usize) -> (String, String) {
    const LETTERS: &[u8] = b"BCDFGHLMNPRSTVZ";
    let surname: String = [n / 225 % 15, n / 15 % 15, n % 15]
        .iter()
        .map(|i| LETTERS[*i] as char)
        .chain("a".chars())
        .collect();
    let cf = CodiceFiscale::compute(&shared::codice_fiscale::DatiNascita {
        cognome: &surname,
        nome: "Mario",
        data: chrono::NaiveDate::from_ymd_opt(1980, 5, 1).unwrap(),
        sesso: shared::codice_fiscale::Sesso::M,
        codice_catastale: "F205",
    })
    .unwrap()
    .to_string();
    (surname, cf)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    let n = std::env::var("PEC_BENCH_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500usize)
        .max(50);
    let dir = std::env::temp_dir().join(format!("pec-bench-orders-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store: Arc<dyn ItemStore> = Arc::new(SqliteStore::open(&dir.join("store.sqlite")).unwrap());
    let jwt = Arc::new(LocalJwt::with_secret(b"bench-secret-bench-secret-bench!"));
    let state = AppState::local(Arc::new(SystemClock), store.clone(), jwt.clone());
    let bench = Bench {
        app: functions::local::api(state),
        jwt,
    };
    let holders: Vec<(String, String)> = (0..n).map(holder).collect();
    let codes: Vec<String> = holders.iter().map(|(_, cf)| cf.clone()).collect();
    let rows: Vec<String> = holders
        .iter()
        .enumerate()
        .map(|(i, (surname, cf))| {
            format!("Mario;{surname};{cf};Via Roma 1;Milano;MI;20121;m{i}@example.it;;MI;{i};iscritto;;;")
        })
        .collect();
    let albo = bench.token(Role::Albo, None, None);
    let csv = format!(
        "nome;cognome;codice_fiscale;indirizzo;comune;provincia;cap;email;telefono;ordine;numero_iscrizione;stato;data_stato;causa;domicilio_digitale\n{}",
        rows.join("\n")
    );
    let request = Request::builder()
        .method("POST")
        .uri("/api/albo/import?mode=commit")
        .header("authorization", format!("Bearer {albo}"))
        .header("content-type", "text/csv")
        .body(Body::from(csv))
        .unwrap();
    let imported = bench.app.clone().oneshot(request).await.unwrap();
    assert!(
        imported.status().is_success(),
        "Albo import: {}",
        imported.status()
    );

    // The peer: each mailbox activated through the same router, one at a time.
    let secretariat = bench.token(Role::Segreteria, None, Some("MI"));
    let started = Instant::now();
    for cf in &codes {
        let (status, body) = bench
            .send(
                "POST",
                "/api/ordini/MI/activations",
                &secretariat,
                json!({ "codice_fiscale": cf }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let activations_per_s = n as f64 / started.elapsed().as_secs_f64();
    let provider = SandboxProvider::new(store.clone());
    let mailer = SandboxMailer::new(store.clone(), "avvisi@ingpec.eu".into());
    let channels = Channels {
        provider: &provider,
        mailer: &mailer,
    };
    while dispatcher::run_once(store.as_ref(), channels, chrono::Utc::now())
        .await
        .unwrap()
        .done
        > 0
    {}

    // Orders end to end, one holder after the other: order, payment, webhook, activation.
    let buy = json!({ "acquisto": { "tipo": "servizio", "servizio": { "tipo": "spazio-extra", "area": "inbox", "gb": 2 } } });
    let started = Instant::now();
    let mut ids = Vec::with_capacity(n);
    for cf in &codes[50..] {
        let token = bench.token(Role::Iscritto, Some(cf), None);
        let (status, order) = bench
            .send("POST", "/api/me/ordini", &token, buy.clone())
            .await;
        assert_eq!(status, 201, "{order}");
        let id = order["id"].as_str().unwrap().to_owned();
        let (_, intent) = bench
            .send(
                "POST",
                &format!("/api/me/ordini/{id}/pagamento"),
                &token,
                json!({}),
            )
            .await;
        let (status, esito) = bench
            .send(
                "POST",
                "/api/local/checkout",
                &token,
                json!({ "client_secret": intent["client_secret"], "numero_carta": "4242424242424242" }),
            )
            .await;
        assert_eq!((status, esito.as_str()), (200, Some("pagato")));
        ids.push(id);
    }
    while dispatcher::run_once(store.as_ref(), channels, chrono::Utc::now())
        .await
        .unwrap()
        .done
        > 0
    {}
    let orders_per_s = (n - 50) as f64 / started.elapsed().as_secs_f64();
    println!(
        "ORDERS end to end (order, payment, signed webhook, provider resize) on SQLite: {orders_per_s:.0} orders/s over {}; activations through the same router: {activations_per_s:.0}/s; ratio {:.3}",
        n - 50,
        orders_per_s / activations_per_s
    );
    figure(
        "orders_end_to_end_sqlite",
        orders_per_s,
        "orders/s",
        Some(("activations through the same router", activations_per_s)),
        Some(orders_per_s / activations_per_s),
        "measured (issue 12)",
        true,
    );

    // 50 payments at once, then the peer: the same 50 one after the other (new orders).
    let tokens: Vec<String> = codes[..50]
        .iter()
        .map(|cf| bench.token(Role::Iscritto, Some(cf), None))
        .collect();
    let secrets = bench.unpaid(&tokens, &buy).await;
    let started = Instant::now();
    let paid = join_all(secrets.iter().zip(&tokens).map(|(secret, token)| {
        bench.send(
            "POST",
            "/api/local/checkout",
            token,
            json!({ "client_secret": secret, "numero_carta": "4242424242424242" }),
        )
    }))
    .await;
    let concurrent = started.elapsed();
    assert!(
        paid.iter().all(|(s, e)| *s == 200 && e == "pagato"),
        "{paid:?}"
    );
    let year = chrono::Datelike::year(&functions::clock::rome_date(chrono::Utc::now()));
    let register = functions::repo::invoices::register(store.as_ref(), year)
        .await
        .unwrap();
    let mut numbers: Vec<u32> = register.iter().map(|f| f.numero.progressivo).collect();
    numbers.sort_unstable();
    let expected: Vec<u32> = (1..=numbers.len() as u32).collect();
    assert_eq!(numbers, expected, "invoice numbers with a gap or a repeat");
    // The peer: 50 more payments of the same holders (2 GB more each), one at a time.
    let secrets = bench.unpaid(&tokens, &buy).await;
    let started = Instant::now();
    for (secret, token) in secrets.iter().zip(&tokens) {
        let (status, _) = bench
            .send(
                "POST",
                "/api/local/checkout",
                token,
                json!({ "client_secret": secret, "numero_carta": "4242424242424242" }),
            )
            .await;
        assert_eq!(status, 200);
    }
    let sequential = started.elapsed();
    let register = functions::repo::invoices::register(store.as_ref(), year)
        .await
        .unwrap();
    assert_eq!(register.len(), numbers.len() + 50);
    println!(
        "INVOICES: 50 concurrent payments numbered {}..{} of {} with no gap and no repeat in {concurrent:.1?}; the same 50 one after the other: {sequential:.1?}; ratio {:.2}",
        numbers[numbers.len() - 50],
        numbers[numbers.len() - 1],
        numbers.len(),
        concurrent.as_secs_f64() / sequential.as_secs_f64()
    );
    figure(
        "invoice_numbering_50_concurrent_payments",
        concurrent.as_secs_f64(),
        "s",
        Some(("the same 50 one after the other", sequential.as_secs_f64())),
        Some(concurrent.as_secs_f64() / sequential.as_secs_f64()),
        "no gap, no repeat (asserted)",
        true,
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = ids;
}
