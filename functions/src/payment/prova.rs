//! The local test checkout: a payment provider on the laptop, so the product runs with no
//! keys. It keeps its payments in the store (as Stripe keeps PaymentIntents), takes the
//! test cards Stripe documents, and announces a payment the way Stripe does: an event
//! signed with the webhook secret, delivered to the same webhook the provider would call.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::json;
use shared::api::{Intent, ModalitaPagamento};
use shared::money::Money;
use shared::order::Order;
use subtle::ConstantTimeEq;
use thiserror::Error;

use super::{PaymentError, Payments, StatoPagamento, signature};
use crate::repo::sandbox::{self, SandboxPayment};
use crate::store::{ItemStore, StoreError};

/// The webhook secret of the local server's test checkout (not a secret: nothing real
/// is paid with it; the tests sign their events with it).
pub const LOCAL_WEBHOOK_SECRET: &str = "whsec_prova_locale";

/// Stripe's test card that succeeds.
pub const CARTA_OK: &str = "4242424242424242";
/// Stripe's test card that is declined.
pub const CARTA_RIFIUTATA: &str = "4000000000000002";

pub struct TestCheckout {
    store: Arc<dyn ItemStore>,
    secret: Vec<u8>,
}

#[derive(Debug, Error)]
pub enum ConfirmError {
    #[error("Pagamento non trovato: riparti dall'ordine.")]
    NotFound,
    #[error(
        "La carta è stata rifiutata: nessun importo è stato addebitato. Prova con un'altra carta."
    )]
    Declined,
    #[error(
        "L'ordine non è più da pagare (scaduto, annullato o già pagato): nessun importo è stato addebitato."
    )]
    NotPayable,
    #[error("Numero di carta non valido. Nel pagamento di prova usa la carta 4242 4242 4242 4242.")]
    BadCard,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A signed event, ready for the webhook.
pub struct SignedEvent {
    pub header: String,
    pub body: Vec<u8>,
}

impl SignedEvent {
    /// The `Stripe-Signature` header and the body, as text.
    pub fn into_parts(self) -> (String, String) {
        (
            self.header,
            String::from_utf8_lossy(&self.body).into_owned(),
        )
    }
}

impl TestCheckout {
    pub fn new(store: Arc<dyn ItemStore>, secret: impl Into<Vec<u8>>) -> Self {
        Self {
            store,
            secret: secret.into(),
        }
    }

    /// Pays with `numero_carta` the payment `client_secret` belongs to, and returns the
    /// event that says so. Paying again returns the same event (its id is the payment's),
    /// which the webhook processes once.
    pub async fn confirm(
        &self,
        client_secret: &str,
        numero_carta: &str,
        now: DateTime<Utc>,
    ) -> Result<SignedEvent, ConfirmError> {
        let riferimento = client_secret
            .split_once("_secret_")
            .map(|(r, _)| r)
            .ok_or(ConfirmError::NotFound)?;
        let payment = sandbox::payment(self.store.as_ref(), riferimento)
            .await?
            .ok_or(ConfirmError::NotFound)?;
        let secret_matches: bool = payment
            .value
            .client_secret
            .as_bytes()
            .ct_eq(client_secret.as_bytes())
            .into();
        if !secret_matches {
            return Err(ConfirmError::NotFound);
        }
        let digits: String = numero_carta
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        // As Stripe refuses to charge a cancelled PaymentIntent: an order cancelled or past
        // its hour is not charged.
        let payable = crate::repo::orders::get(self.store.as_ref(), &payment.value.ordine)
            .await?
            .is_some_and(|o| {
                o.value.stato == shared::order::StatoOrdine::InAttesaDiPagamento
                    && now <= o.value.scade_il
            });
        if !payable && payment.value.riuscito_il.is_none() {
            return Err(ConfirmError::NotPayable);
        }
        match digits.as_str() {
            CARTA_OK => {}
            CARTA_RIFIUTATA => return Err(ConfirmError::Declined),
            _ => return Err(ConfirmError::BadCard),
        }
        let mut paid = payment.value.clone();
        if paid.riuscito_il.is_none() {
            paid.riuscito_il = Some(now);
            sandbox::save_payment(self.store.as_ref(), Some(&payment), &paid).await?;
        }
        Ok(self.event(&paid, now))
    }

    /// The `payment_intent.succeeded` event of `payment` (made when it succeeded), sent
    /// and signed at `now`.
    pub fn event(&self, payment: &SandboxPayment, now: DateTime<Utc>) -> SignedEvent {
        let created = payment.riuscito_il.unwrap_or(now);
        let body = json!({
            "id": format!("evt_{}", payment.riferimento),
            "object": "event",
            "type": "payment_intent.succeeded",
            "created": created.timestamp(),
            "livemode": false,
            "data": {"object": {
                "id": payment.riferimento,
                "object": "payment_intent",
                "amount": payment.importo.as_cents(),
                "amount_received": payment.importo.as_cents(),
                "currency": "eur",
                "status": "succeeded",
                "metadata": {"ordine": payment.ordine},
            }},
        })
        .to_string()
        .into_bytes();
        SignedEvent {
            header: signature::sign(&body, &self.secret, now),
            body,
        }
    }
}

#[async_trait]
impl Payments for TestCheckout {
    async fn intent(&self, order: &Order) -> Result<Intent, PaymentError> {
        let riferimento = format!("pi_prova_{}", order.id.replace('-', ""));
        let store = self.store.as_ref();
        let payment = match sandbox::payment(store, &riferimento).await.map_err(down)? {
            Some(existing) => existing.value,
            None => {
                let created = SandboxPayment {
                    client_secret: format!(
                        "{riferimento}_secret_{}",
                        uuid::Uuid::new_v4().simple()
                    ),
                    riferimento: riferimento.clone(),
                    ordine: order.id.clone(),
                    importo: order.totale(),
                    riuscito_il: None,
                    rimborsi: Vec::new(),
                };
                match sandbox::save_payment(store, None, &created).await {
                    Ok(()) => created,
                    // Started meanwhile by the same order's retry: that one it is.
                    Err(e) if e.is_condition_failed() => {
                        sandbox::payment(store, &riferimento)
                            .await
                            .map_err(down)?
                            .ok_or(PaymentError::UnknownPayment)?
                            .value
                    }
                    Err(e) => return Err(down(e)),
                }
            }
        };
        Ok(Intent {
            modalita: ModalitaPagamento::Prova,
            riferimento,
            client_secret: payment.client_secret,
            chiave_pubblica: None,
            script: None,
        })
    }

    async fn stato(&self, riferimento: &str) -> Result<StatoPagamento, PaymentError> {
        let payment = sandbox::payment(self.store.as_ref(), riferimento)
            .await
            .map_err(down)?
            .ok_or(PaymentError::UnknownPayment)?;
        Ok(match payment.value.riuscito_il {
            Some(il) => StatoPagamento::Riuscito {
                importo: payment.value.importo,
                il,
            },
            None => StatoPagamento::Aperto,
        })
    }

    async fn refund(
        &self,
        riferimento: &str,
        importo: Money,
        key: &str,
    ) -> Result<String, PaymentError> {
        let store = self.store.as_ref();
        let payment = sandbox::payment(store, riferimento)
            .await
            .map_err(down)?
            .ok_or(PaymentError::UnknownPayment)?;
        if !payment.value.rimborsi.iter().any(|(k, _)| k == key) {
            let refunded: i64 = payment
                .value
                .rimborsi
                .iter()
                .map(|(_, m)| m.as_cents())
                .sum();
            if refunded + importo.as_cents() > payment.value.importo.as_cents() {
                return Err(PaymentError::Refused(
                    "importo oltre quanto pagato".to_owned(),
                ));
            }
            let mut after = payment.value.clone();
            after.rimborsi.push((key.to_owned(), importo));
            sandbox::save_payment(store, Some(&payment), &after)
                .await
                .map_err(down)?;
        }
        Ok(format!("re_prova_{key}"))
    }

    /// Nothing to close: the checkout asks the order itself whether it can be paid.
    async fn cancel(&self, _: &str) -> Result<(), PaymentError> {
        Ok(())
    }

    fn webhook_secret(&self) -> &[u8] {
        &self.secret
    }
}

fn down(e: StoreError) -> PaymentError {
    PaymentError::Unavailable(e.to_string())
}
