//! The local server: the whole API and the built SPA on one port, so that the product runs
//! on a laptop with one command.

use std::path::Path;

use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

use crate::AppState;

/// The API, and the SPA from `spa_dir` for every other path (client-side routes fall back
/// to `index.html`). Precompressed `.br`/`.gz` files are served when the browser accepts them.
pub fn app(state: AppState, spa_dir: &Path) -> Router {
    let spa = ServeDir::new(spa_dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(spa_dir.join("index.html")));
    crate::router(state).fallback_service(spa)
}
