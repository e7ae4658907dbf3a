//! `pec-local`: the API and the SPA on http://127.0.0.1:8080 (`PEC_ADDR`, `PEC_SPA_DIR`).

use std::net::SocketAddr;
use std::path::PathBuf;

use functions::{AppState, local, telemetry};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    telemetry::init_text();
    let addr: SocketAddr = std::env::var("PEC_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:8080".into())
        .parse()?;
    let spa_dir = PathBuf::from(std::env::var("PEC_SPA_DIR").unwrap_or_else(|_| "dist".into()));
    if !spa_dir.join("index.html").exists() {
        tracing::warn!(dir = %spa_dir.display(), "no SPA build found: run `cargo xtask dev`");
    }
    let app = local::app(AppState::from_env(), &spa_dir);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("PEC Ingegneri: http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
