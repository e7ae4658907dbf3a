//! Figures at national scale, on the embedded store (`cargo xtask bench`):
//!
//! 1. the Albo import of 250,000 generated members across every Ordine, through the CSV
//!    use case in parts of 5,000 rows, as the API takes them;
//! 2. the bulk activation of 10,000 of them, in parts of 1,000 rows per Ordine;
//! 3. a member's `GET /api/me` (his data and mailbox) under `wrk`, beside an axum hello
//!    world on the same machine, as a ratio;
//! 4. the daily verifica over every member, on a quiet day and on the day the activated
//!    mailboxes renew.
//!
//! Sizes can be lowered with `PEC_BENCH_MEMBERS` and `PEC_BENCH_ACTIVATIONS`.

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use chrono::Utc;
use functions::AppState;
use functions::auth::local::LocalJwt;
use functions::clock::SystemClock;
use functions::local::seed;
use functions::service::{activation, albo};
use functions::store::sqlite::SqliteStore;
use functions::testing::figure;
use shared::access::{Caller, Role};
use shared::api::Mode;
use shared::province::OrdineCode;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn system(role: Role, ordine: Option<OrdineCode>) -> Caller {
    Caller {
        subject: "bench".into(),
        role,
        codice_fiscale: None,
        ordine,
    }
}

const ALBO_HEADER: &str = "nome;cognome;codice_fiscale;indirizzo;comune;provincia;cap;email;telefono;ordine;numero_iscrizione;stato;data_stato;causa;domicilio_digitale";

fn albo_line(m: &albo::AlboInput) -> String {
    let a = &m.anagrafica;
    [
        a.nome.as_str(),
        &a.cognome,
        &a.codice_fiscale,
        &a.indirizzo,
        &a.comune,
        &a.provincia,
        &a.cap,
        &a.email,
        &a.telefono,
        &m.ordine,
        &m.numero_iscrizione,
        &m.stato,
        &m.data_stato,
        &m.causa,
        &m.domicilio_digitale,
    ]
    .join(";")
}

/// Requests per second that `wrk` measures on `url` (10 s, 2 threads, 32 connections).
fn wrk(url: &str, token: Option<&str>) -> f64 {
    let mut command = Command::new("wrk");
    command.args(["-t2", "-c32", "-d10s", "--latency", url]);
    if let Some(token) = token {
        command.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    let output = command
        .output()
        .expect("wrk is installed (cargo xtask bench installs it)");
    let text = String::from_utf8_lossy(&output.stdout);
    println!("{text}");
    assert!(!text.contains("Non-2xx"), "errors under load");
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("wrk's Requests/sec")
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    let members_n = env_usize("PEC_BENCH_MEMBERS", 250_000);
    let activations_n = env_usize("PEC_BENCH_ACTIVATIONS", 10_000);
    let dir = std::env::temp_dir().join(format!("pec-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Arc::new(SqliteStore::open(&dir.join("store.sqlite")).unwrap());

    // Every Ordine, with its province as the members' residence.
    let ordini: Vec<(String, String, String, String)> = OrdineCode::all()
        .map(|o| {
            (
                o.as_str().to_owned(),
                "F205".to_owned(),
                o.provincia().nome.to_owned(),
                "00100".to_owned(),
            )
        })
        .collect();
    let ordini_ref: Vec<(&str, &str, &str, &str)> = ordini
        .iter()
        .map(|(a, b, c, d)| (a.as_str(), b.as_str(), c.as_str(), d.as_str()))
        .collect();
    let started = Instant::now();
    let members = seed::members(members_n, 7, &ordini_ref);
    println!(
        "generated {} members in {:.1?}",
        members.len(),
        started.elapsed()
    );

    // 1. The Albo import.
    let albo_caller = system(Role::Albo, None);
    let started = Instant::now();
    let mut errors = 0;
    for chunk in members.chunks(shared::api::ALBO_IMPORT_MAX_ROWS) {
        let csv = std::iter::once(ALBO_HEADER.to_owned())
            .chain(chunk.iter().map(albo_line))
            .collect::<Vec<_>>()
            .join("\n");
        let report = albo::import_csv(
            store.as_ref(),
            &albo_caller,
            csv.as_bytes(),
            Mode::Commit,
            Utc::now(),
        )
        .await
        .unwrap();
        errors += report.errors;
    }
    let import = started.elapsed();
    println!(
        "IMPORT {} members in {:.1?}: {:.0} rows/s ({} rows refused)",
        members.len(),
        import,
        members.len() as f64 / import.as_secs_f64(),
        errors
    );
    let db_size = std::fs::metadata(dir.join("store.sqlite"))
        .map(|m| m.len())
        .unwrap_or(0)
        + std::fs::metadata(dir.join("store.sqlite-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    println!("store size after import: {:.1} MB", db_size as f64 / 1e6);
    // At national scale (250,000): the time scales with the rows (per-row work).
    let national = import.as_secs_f64() * 250_000.0 / members.len() as f64;
    figure(
        &format!("albo_import_{}_members", members.len()),
        import.as_secs_f64(),
        "s",
        None,
        None,
        "<= 30 s at 250,000",
        national <= 30.0,
    );

    // 2. Bulk activation, per Ordine, 1,000 rows a request.
    let mut by_ordine: BTreeMap<&str, Vec<&albo::AlboInput>> = BTreeMap::new();
    for m in members.iter().filter(|m| m.stato == "iscritto") {
        by_ordine.entry(m.ordine.as_str()).or_default().push(m);
    }
    let started = Instant::now();
    let mut activated = 0;
    'ordini: for (sigla, list) in &by_ordine {
        let ordine = OrdineCode::parse(sigla).unwrap();
        let secretariat = system(Role::Segreteria, Some(ordine));
        for chunk in list.chunks(shared::api::BULK_ACTIVATION_MAX_ROWS) {
            let take = chunk.len().min(activations_n - activated);
            let csv = std::iter::once(
                "nome;cognome;codice_fiscale;indirizzo;comune;provincia;cap;email;telefono"
                    .to_owned(),
            )
            .chain(chunk[..take].iter().map(|m| {
                let a = &m.anagrafica;
                [
                    a.nome.as_str(),
                    &a.cognome,
                    &a.codice_fiscale,
                    &a.indirizzo,
                    &a.comune,
                    &a.provincia,
                    &a.cap,
                    &a.email,
                    &a.telefono,
                ]
                .join(";")
            }))
            .collect::<Vec<_>>()
            .join("\n");
            let report = activation::bulk(
                store.as_ref(),
                &secretariat,
                ordine,
                csv.as_bytes(),
                Mode::Commit,
                Utc::now(),
            )
            .await
            .unwrap();
            activated += report
                .rows
                .iter()
                .filter(|r| matches!(r.outcome, shared::api::RowOutcome::Attivata { .. }))
                .count();
            if activated >= activations_n {
                break 'ordini;
            }
        }
    }
    let bulk = started.elapsed();
    let ours = activated as f64 / bulk.as_secs_f64();
    println!("BULK ACTIVATION {activated} mailboxes in {bulk:.1?}: {ours:.0} activations/s");
    // Modoboa's own CSV importer on this machine, in this run (`cargo xtask bench`).
    let modoboa = std::env::var("PEC_BENCH_MODOBOA_S_PER_MAILBOX")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .map(|seconds| 1.0 / seconds);
    let ratio = modoboa.map(|peer| ours / peer);
    figure(
        &format!("bulk_activation_{activated}_mailboxes"),
        ours,
        "mailboxes/s",
        modoboa.map(|peer| ("Modoboa 2.12 CSV import", peer)),
        ratio,
        ">= 1000x Modoboa",
        ratio.is_some_and(|r| r >= 1000.0),
    );

    // 3. A member's GET of his mailbox under load, beside a hello world.
    // The first member activated above: he has a mailbox.
    let holder = by_ordine
        .values()
        .next()
        .and_then(|list| list.first())
        .expect("a registered member");
    let jwt = Arc::new(LocalJwt::with_secret(b"bench-secret-bench-secret-bench!"));
    let state = AppState::local(Arc::new(SystemClock), store.clone(), jwt.clone());
    let caller = Caller {
        subject: "bench-member".into(),
        role: Role::Iscritto,
        codice_fiscale: Some(
            shared::codice_fiscale::CodiceFiscale::parse(&holder.anagrafica.codice_fiscale)
                .unwrap(),
        ),
        ordine: None,
    };
    let (token, _) = jwt.issue(&caller, Utc::now());
    let api = serve(functions::router(state)).await;
    let hello = serve(Router::new().route("/", get(|| async { "Hello, World!" }))).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let hello_rps = tokio::task::spawn_blocking(move || wrk(&format!("{hello}/"), None))
        .await
        .unwrap();
    let api_rps = tokio::task::spawn_blocking(move || wrk(&format!("{api}/api/me"), Some(&token)))
        .await
        .unwrap();
    println!(
        "HTTP GET /api/me: {api_rps:.0} req/s; axum hello world: {hello_rps:.0} req/s; ratio {:.3}",
        api_rps / hello_rps
    );
    figure(
        "get_api_me",
        api_rps,
        "req/s",
        Some(("axum hello world", hello_rps)),
        Some(api_rps / hello_rps),
        ">= 0.30 of the hello world",
        api_rps / hello_rps >= 0.30,
    );

    // 4. The daily verifica over every member: a quiet day, then the day after the
    // activated mailboxes' first year, when each of them renews.
    for (label, at) in [
        ("quiet day", Utc::now()),
        ("renewal day", Utc::now() + chrono::Duration::days(366)),
    ] {
        let started = Instant::now();
        let sweep = functions::verifica::run(store.as_ref(), at).await.unwrap();
        let took = started.elapsed();
        println!(
            "VERIFICA ({label}) over {members_n} members: {took:.1?}, {} mailboxes checked, {} changed, {} postponed",
            sweep.verificate, sweep.aggiornate, sweep.rinviate
        );
        if label == "renewal day" {
            let national = took.as_secs_f64() * 250_000.0 / members_n as f64;
            figure(
                &format!("verifica_renewal_day_{members_n}_members_sqlite"),
                took.as_secs_f64(),
                "s",
                None,
                None,
                "<= 5 s at 250,000",
                national <= 5.0,
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
