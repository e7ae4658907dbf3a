//! The PEC Ingegneri HTTP API. Each function area is an axum `Router`; the Lambda binary
//! runs it through `lambda_http`, the local server merges it with the SPA, and tests call
//! it with `oneshot`.

pub mod clock;
pub mod error;
pub mod extract;
pub mod local;
pub mod routes;
pub mod store;
pub mod telemetry;
pub mod testing;

use std::sync::Arc;

use clock::{Clock, SystemClock};

/// What every handler may use, built once at start-up.
#[derive(Clone)]
pub struct AppState {
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { clock }
    }

    /// The production state: the system clock.
    pub fn from_env() -> Self {
        Self::new(Arc::new(SystemClock))
    }
}

pub use routes::router;
