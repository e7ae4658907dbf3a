//! The HTTP client of a service this code calls beyond AWS (Stripe, the mail provider),
//! made at its first call rather than at a function's start.
//!
//! reqwest builds its TLS configuration (rustls with the webpki roots) with the client:
//! most events of `pec-api` call neither service, and every cold start paid that build
//! for each of them (`perf` on the start: about a twentieth of `pec-api`'s own work
//! before its first `next`). The call that needs the client opens a TLS connection to
//! another host anyway, which costs a network round trip or more. The AWS clients are
//! made at start, as before: every event reaches the table.
//!
//! One client an instance, not one a process: a pooled connection belongs to the tokio
//! runtime that opened it, and the tests run a runtime each.

use std::sync::OnceLock;
use std::time::Duration;

pub struct Outbound {
    timeout: Duration,
    client: OnceLock<reqwest::Client>,
}

impl Outbound {
    /// A client whose every request gives up after `timeout`.
    pub const fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            client: OnceLock::new(),
        }
    }

    pub fn client(&self) -> &reqwest::Client {
        self.client.get_or_init(|| {
            reqwest::Client::builder()
                .timeout(self.timeout)
                .build()
                .expect("reqwest builds a client without system settings to read")
        })
    }
}
