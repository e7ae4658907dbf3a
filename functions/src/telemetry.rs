//! Logging set-up: JSON lines on Lambda (CloudWatch), readable text locally.
//!
//! `RUST_LOG` says which targets log at which level (`info`, `functions=debug,warn`), read
//! as a list of targets: `EnvFilter`'s span and field filters would link a regex engine
//! into every Lambda binary (about 150 kB of code) for filters nobody sets.

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// `RUST_LOG`'s targets; `info` when it is unset or unreadable.
fn filter() -> Targets {
    std::env::var("RUST_LOG")
        .ok()
        .and_then(|directives| directives.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO))
}

pub fn init_json() {
    let logs = tracing_subscriber::fmt::layer()
        .json()
        .with_current_span(false)
        .without_time();
    tracing_subscriber::registry()
        .with(logs)
        .with(filter())
        .init();
}

/// Text logs on stderr: stdout carries what the local server says to its user (its URL,
/// the demo accounts).
pub fn init_text() {
    let logs = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    tracing_subscriber::registry()
        .with(logs)
        .with(filter())
        .init();
}
