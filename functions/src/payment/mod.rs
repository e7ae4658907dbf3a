//! Card payments for the holders' orders (DOMAIN.md, Lifecycle 3): the provider's signed
//! webhook is the only word the server trusts about a payment.
//!
//! [`Payments`] is the port: it starts a payment for an order (the browser completes it
//! with the provider), refunds one, and answers the verifica's reconciliation. Adapters:
//! [`prova::TestCheckout`], the local test checkout (the default of `cargo xtask dev`,
//! no keys), and [`Unconfigured`] where no provider is set. Whatever the adapter, the
//! outcome arrives as a signed event through [`webhook`].

pub mod prova;
pub mod riconciliazione;
pub mod signature;
pub mod stripe;
pub mod webhook;

use async_trait::async_trait;
use shared::money::Money;
use shared::order::Order;
use thiserror::Error;

pub use shared::api::Intent;

/// Closes, as far as the provider allows, the payment started for an order that can no
/// longer be paid; a failure is logged, since a payment made anyway is refunded.
pub async fn close_started(payments: &dyn Payments, order: &Order) {
    let Some(riferimento) = &order.pagamento_avviato else {
        return;
    };
    match payments.cancel(riferimento).await {
        Ok(()) | Err(PaymentError::Unconfigured) => {}
        Err(e) => tracing::warn!(order = %order.id, error = %e, "payment not closed"),
    }
}
use shared::fattura::Venditore;

/// The seller of this environment: the Fondazione CNI, with the tax numbers its
/// configuration gives (`PEC_SELLER_PARTITA_IVA`, `PEC_SELLER_CODICE_FISCALE`; zeros on a
/// laptop, where nothing is really invoiced).
pub fn venditore_from_env() -> Venditore {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| "00000000000".to_owned());
    Venditore::fondazione_cni(
        &var("PEC_SELLER_PARTITA_IVA"),
        &var("PEC_SELLER_CODICE_FISCALE"),
    )
}

#[derive(Debug, Error)]
pub enum PaymentError {
    #[error("I pagamenti con carta non sono configurati su questo ambiente.")]
    Unconfigured,
    #[error("pagamento non trovato presso il gestore")]
    UnknownPayment,
    #[error("il gestore dei pagamenti non risponde: {0}")]
    Unavailable(String),
    #[error("il gestore dei pagamenti ha rifiutato la richiesta: {0}")]
    Refused(String),
}

/// A payment as the provider sees it now (the reconciliation's question).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatoPagamento {
    /// Not (yet) paid.
    Aperto,
    Riuscito {
        importo: Money,
        /// When it succeeded.
        il: chrono::DateTime<chrono::Utc>,
    },
}

#[async_trait]
pub trait Payments: Send + Sync {
    /// Starts the payment of `order`, or finds the one started before: the order's id is
    /// the idempotency key, so a retry never makes a second payment.
    async fn intent(&self, order: &Order) -> Result<Intent, PaymentError>;

    /// Where the payment `riferimento` stands now.
    async fn stato(&self, riferimento: &str) -> Result<StatoPagamento, PaymentError>;

    /// Refunds `importo` of the payment `riferimento`; `key` makes a retry refund once.
    async fn refund(
        &self,
        riferimento: &str,
        importo: Money,
        key: &str,
    ) -> Result<String, PaymentError>;

    /// Closes the payment `riferimento` of an order cancelled or expired, so that it can
    /// no longer be paid; one already made stands (its event is refunded as usual).
    async fn cancel(&self, riferimento: &str) -> Result<(), PaymentError>;

    /// The secret the provider's events are signed with.
    fn webhook_secret(&self) -> &[u8];

    /// What the browser loads and calls to pay, for the page's Content-Security-Policy.
    fn browser_origins(&self) -> crate::http::ThirdParties {
        crate::http::ThirdParties::default()
    }
}

/// No provider configured: orders can be made, not paid.
pub struct Unconfigured;

#[async_trait]
impl Payments for Unconfigured {
    async fn intent(&self, _: &Order) -> Result<Intent, PaymentError> {
        Err(PaymentError::Unconfigured)
    }

    async fn stato(&self, _: &str) -> Result<StatoPagamento, PaymentError> {
        Err(PaymentError::Unconfigured)
    }

    async fn refund(&self, _: &str, _: Money, _: &str) -> Result<String, PaymentError> {
        Err(PaymentError::Unconfigured)
    }

    async fn cancel(&self, _: &str) -> Result<(), PaymentError> {
        Err(PaymentError::Unconfigured)
    }

    fn webhook_secret(&self) -> &[u8] {
        // Nothing verifies against an empty secret: every event is refused.
        &[]
    }
}
