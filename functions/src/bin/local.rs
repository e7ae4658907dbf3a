//! `pec-local`: the whole product on one laptop. The API and the SPA on
//! http://127.0.0.1:8080 (`PEC_ADDR`, `PEC_SPA_DIR`), an SQLite store and the login key in
//! `PEC_DATA_DIR` (`.data`), demo data on first start (`PEC_SEED=0` to skip), the daily
//! verifica, the provider and mail sandboxes fed by the outbox, the files (contracts) in
//! `PEC_DATA_DIR/files`, and the trust store of `PEC_TRUST_STORE` (see `trust`; with the demo
//! data and no store of its own, the demo CA's).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use functions::auth::local::LocalJwt;
use functions::blob::local::LocalBlobs;
use functions::clock::SystemClock;
use functions::local::{self, seed};
use functions::outbox::mailer::{self, sandbox::SandboxMailer};
use functions::outbox::provider::sandbox::SandboxProvider;
use functions::repo::layout;
use functions::service::contratto::Deps;
use functions::store::sqlite::SqliteStore;
use functions::trust;
use functions::{AppState, outbox, telemetry, verifica};

/// The local server allocates with mimalloc: a request, an import row or a verifica
/// decodes and encodes JSON into many small buffers, and glibc's malloc and free were an
/// eighth of a member's `GET /api/me`. The Lambda functions keep glibc's: mimalloc's
/// set-up (its arenas' bitmaps, the first pages' free lists) was a fifth of a function's
/// start, paid at every cold start, for one event at a time that waits on DynamoDB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `--openapi`: print the API's OpenAPI document and stop (the infrastructure check
    // compares it with the template's routes).
    if std::env::args().any(|a| a == "--openapi") {
        let spec = functions::routes::openapi();
        println!("{}", serde_json::to_string_pretty(&spec)?);
        return Ok(());
    }
    telemetry::init_text();
    let addr: SocketAddr = env_or("PEC_ADDR", "127.0.0.1:8080").parse()?;
    let spa_dir = PathBuf::from(env_or("PEC_SPA_DIR", "dist"));
    let data_dir = PathBuf::from(env_or("PEC_DATA_DIR", ".data"));
    std::fs::create_dir_all(&data_dir)?;
    if !spa_dir.join("index.html").exists() {
        tracing::warn!(dir = %spa_dir.display(), "no SPA build found: run `cargo xtask dev`");
    }

    let store = Arc::new(SqliteStore::open(&data_dir.join("store.sqlite"))?);
    if let Err(e) = layout::ensure(store.as_ref()).await {
        eprintln!("pec-local: {e}.");
        std::process::exit(1);
    }
    let now = chrono::Utc::now();
    store.purge_expired(now.timestamp()).await?;
    let jwt = Arc::new(LocalJwt::load_or_create(&data_dir)?);
    let seeding = env_or("PEC_SEED", "1") != "0";
    let files = Arc::new(LocalBlobs::open(
        &data_dir.join("files"),
        &data_dir.join("files-key"),
    )?);
    let demo_ca_trusted = seeding && seed::trust_demo_ca(&data_dir)?;
    let fiducia = Arc::new(trust::load(&data_dir)?);
    if seeding {
        let deps = Deps {
            store: store.as_ref(),
            blobs: files.as_ref(),
            fiducia: &fiducia,
        };
        if let Some(seeded) = seed::demo(deps, demo_ca_trusted, now).await? {
            tracing::info!(
                members = seeded.members,
                mailboxes = seeded.mailboxes,
                contracts = seeded.contracts,
                "demo data loaded"
            );
        }
    }
    let sender = mailer::official_sender(&env_or("PEC_MAIL_FROM", mailer::DEFAULT_SENDER))?;
    outbox::spawn(
        store.clone(),
        Arc::new(SandboxProvider::new(store.clone())),
        Arc::new(SandboxMailer::new(store.clone(), sender)),
        Duration::from_secs(1),
    );
    let mut state = AppState::local(Arc::new(SystemClock), store.clone(), jwt)
        .with_local_files(files)
        .with_trust(fiducia);
    // With Stripe's keys (or a stand-in's), cards go to Stripe; else the test checkout.
    if let Some(stripe) = functions::payment::stripe::StripeConfig::from_env() {
        state = state.with_stripe(stripe);
    }
    // Today's verifica before the first request, then one each day.
    let report = verifica::daily(
        store.as_ref(),
        state.payments.as_ref(),
        &state.venditore,
        now,
    )
    .await?;
    verifica::spawn_daily(
        store.clone(),
        state.payments.clone(),
        state.venditore.clone(),
        Some(report.giorno),
    );
    let app = local::app(state, &spa_dir, local::auth_from_env());
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("PEC Ingegneri: http://{}", listener.local_addr()?);
    if seeding {
        println!("Account di prova (password «{}»):", seed::DEMO_PASSWORD);
        for (user, who) in seed::DEMO_ACCOUNTS {
            println!("  {user:<16} {who}");
        }
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
