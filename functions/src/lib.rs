//! The PEC Ingegneri backend, as deployed:
//!
//! - [`routes`]: the HTTP API, one module per area (a Lambda function each on AWS), over
//!   the use cases in [`service`]; [`http`] is what every response shares. On Lambda,
//!   `pec-api` serves it but the areas' documents, which `pec-documents` serves
//!   ([`lambda`]).
//! - [`outbox`]: the provider and mailer ports, fed by the outbox (`pec-outbox`).
//! - [`verifica`]: the daily verifica (`pec-sweep`).
//! - [`repo`] over [`store`]: the one door to the table per entity, SQLite or DynamoDB.
//! - [`local`]: what runs only on a laptop (the local login, the SPA, demo data).
//! - `testing` (feature `test-support`): moto and other test scaffolding, linked by no
//!   Lambda binary.

pub mod auth;
pub mod aws;
pub mod blob;
pub mod clock;
pub mod error;
pub mod http;
pub mod lambda;
pub mod local;
pub mod outbound;
pub mod outbox;
pub mod payment;
pub mod pdf;
pub mod repo;
pub mod routes;
pub mod sdi;
pub mod service;
pub mod store;
pub mod telemetry;
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod trust;
pub mod verifica;

use std::sync::Arc;

use auth::Authenticator;
use auth::local::LocalJwt;
use blob::BlobStore;
use blob::local::LocalBlobs;
use clock::Clock;
use payment::Payments;
use payment::prova::TestCheckout;
use shared::firma::Fiducia;
use store::ItemStore;

/// What every handler may use, built once at start-up. A handle: axum clones the state
/// for each request and each extractor, and one shared count is cheaper to move than one
/// per service (measured: a tenth of a member's `GET /api/me` went into those counts).
#[derive(Clone)]
pub struct AppState(Arc<Services>);

/// The services behind [`AppState`].
#[derive(Clone)]
pub struct Services {
    pub clock: Arc<dyn Clock>,
    pub store: Arc<dyn ItemStore>,
    pub auth: Arc<dyn Authenticator>,
    /// The local server's own login; absent on Lambda, where Cognito logs people in.
    pub local_login: Option<Arc<LocalJwt>>,
    /// Contracts issued and signed files uploaded.
    pub blobs: Arc<dyn BlobStore>,
    /// The local server's file store, which receives the browser's uploads itself.
    pub local_blobs: Option<Arc<LocalBlobs>>,
    /// The CAs a contract's signature must lead to.
    pub fiducia: Arc<Fiducia>,
    /// The card payments' provider.
    pub payments: Arc<dyn Payments>,
    /// The local server's test checkout, which takes the test cards itself.
    pub checkout: Option<Arc<TestCheckout>>,
    /// Who sells, as the invoices say.
    pub venditore: Arc<shared::fattura::Venditore>,
    /// Where the e-invoices are sent: the sandbox keeps them in the file store.
    pub sdi: Arc<dyn sdi::Sdi>,
    /// The mail provider, asked what a mailbox holds (its commands go through the outbox).
    pub provider: Arc<dyn outbox::provider::Provider>,
    /// The key the provider signs its events with (empty: no event is trusted).
    pub provider_events_secret: Arc<[u8]>,
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

impl AppState {
    /// The services, to be replaced while the state is being built (the handle is not
    /// shared yet, so nothing is copied).
    fn services(&mut self) -> &mut Services {
        Arc::make_mut(&mut self.0)
    }

    /// The local server's state: tokens it issues itself.
    pub fn local(clock: Arc<dyn Clock>, store: Arc<dyn ItemStore>, jwt: Arc<LocalJwt>) -> Self {
        let checkout = Arc::new(TestCheckout::new(
            store.clone(),
            payment::prova::LOCAL_WEBHOOK_SECRET,
        ));
        let blobs: Arc<dyn BlobStore> = Arc::new(blob::memory::MemoryBlobs::default());
        Self(Arc::new(Services {
            clock,
            payments: checkout.clone(),
            checkout: Some(checkout),
            venditore: Arc::new(payment::venditore_from_env()),
            sdi: Arc::new(sdi::SandboxSdi::new(blobs.clone())),
            provider: Arc::new(outbox::provider::sandbox::SandboxProvider::new(
                store.clone(),
            )),
            store,
            auth: jwt.clone(),
            local_login: Some(jwt),
            blobs,
            local_blobs: None,
            fiducia: Arc::new(Fiducia::default()),
            provider_events_secret: service::gestore::LOCAL_EVENTS_SECRET.as_bytes().into(),
        }))
    }

    /// The local server's files in a folder, uploaded through its own signed URLs.
    pub fn with_local_files(mut self, blobs: Arc<LocalBlobs>) -> Self {
        self.services().sdi = Arc::new(sdi::SandboxSdi::new(blobs.clone()));
        self.services().blobs = blobs.clone();
        self.services().local_blobs = Some(blobs);
        self
    }

    /// Contracts in another file store (the S3 bucket on AWS).
    pub fn with_files(mut self, blobs: Arc<dyn BlobStore>) -> Self {
        self.services().blobs = blobs;
        self
    }

    /// Card payments through Stripe (`PEC_STRIPE_*`), instead of the test checkout.
    pub fn with_stripe(mut self, config: payment::stripe::StripeConfig) -> Self {
        self.services().payments = Arc::new(payment::stripe::StripePayments::new(config));
        self.services().checkout = None;
        self
    }

    /// The provider's API (`PEC_PROVIDER_URL` on AWS).
    pub fn with_provider(mut self, provider: Arc<dyn outbox::provider::Provider>) -> Self {
        self.services().provider = provider;
        self
    }

    pub fn with_trust(mut self, fiducia: impl Into<Arc<Fiducia>>) -> Self {
        self.services().fiducia = fiducia.into();
        self
    }

    /// On Lambda: callers come verified by API Gateway's JWT authorizer.
    pub fn lambda(store: Arc<dyn ItemStore>) -> Self {
        Self(Arc::new(Services {
            clock: Arc::new(clock::SystemClock),
            store,
            auth: Arc::new(auth::apigw::ApiGatewayClaims),
            local_login: None,
            // Until `with_files` names the bucket, the contract routes say it is missing.
            blobs: Arc::new(blob::Unconfigured),
            local_blobs: None,
            fiducia: Arc::new(Fiducia::default()),
            payments: Arc::new(payment::Unconfigured),
            checkout: None,
            venditore: Arc::new(payment::venditore_from_env()),
            sdi: Arc::new(sdi::Unconfigured),
            provider: Arc::new(outbox::provider::Unconfigured),
            provider_events_secret: Arc::from(&b""[..]),
        }))
    }

    /// The state `pec-api` has on Lambda: no file store and no trust store, which only
    /// `pec-documents` has. The e-invoices' sandbox keeps its own files (on Lambda there
    /// is no sandbox).
    pub fn without_documents(&self) -> Self {
        let mut state = self.clone();
        state.services().blobs = Arc::new(blob::Unconfigured);
        state.services().local_blobs = None;
        state.services().fiducia = Arc::new(Fiducia::default());
        state
    }

    /// The key the provider signs its events with (`PEC_PROVIDER_EVENTS_SECRET` on AWS).
    pub fn with_provider_events(mut self, secret: &str) -> Self {
        self.services().provider_events_secret = secret.as_bytes().into();
        self
    }
}

pub use routes::router;
