//! Logging set-up: JSON lines on Lambda (CloudWatch), readable text locally.

use tracing_subscriber::EnvFilter;

fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"))
}

pub fn init_json() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter())
        .with_current_span(false)
        .without_time()
        .init();
}

/// Text logs on stderr: stdout carries what the local server says to its user (its URL,
/// the demo accounts).
pub fn init_text() {
    tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(std::io::stderr)
        .init();
}
