//! The PEC Ingegneri HTTP API. Each function area is an axum `Router`; the Lambda binary
//! runs it through `lambda_http`, the local server merges it with the SPA, and tests call
//! it with `oneshot`.

pub mod auth;
pub mod clock;
pub mod dispatcher;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod local;
pub mod mailer;
pub mod provider;
pub mod repo;
pub mod routes;
pub mod seed;
pub mod service;
pub mod store;
pub mod telemetry;
pub mod testing;

use std::sync::Arc;

use auth::Authenticator;
use auth::local::LocalJwt;
use clock::Clock;
use store::ItemStore;

/// What every handler may use, built once at start-up.
#[derive(Clone)]
pub struct AppState {
    pub clock: Arc<dyn Clock>,
    pub store: Arc<dyn ItemStore>,
    pub auth: Arc<dyn Authenticator>,
    /// The local server's own login; absent on Lambda, where Cognito logs people in.
    pub local_login: Option<Arc<LocalJwt>>,
}

impl AppState {
    /// The local server's state: tokens it issues itself.
    pub fn local(clock: Arc<dyn Clock>, store: Arc<dyn ItemStore>, jwt: Arc<LocalJwt>) -> Self {
        Self {
            clock,
            store,
            auth: jwt.clone(),
            local_login: Some(jwt),
        }
    }

    /// On Lambda: callers come verified by API Gateway's JWT authorizer.
    pub fn lambda(store: Arc<dyn ItemStore>) -> Self {
        Self {
            clock: Arc::new(clock::SystemClock),
            store,
            auth: Arc::new(auth::apigw::ApiGatewayClaims),
            local_login: None,
        }
    }
}

pub use routes::router;
