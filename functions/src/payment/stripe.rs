//! Stripe, through the few calls the product needs, over reqwest: create (or find again)
//! an order's PaymentIntent, read one, refund one. The outcome of a payment is trusted only
//! from the signed webhook ([`super::webhook`]); reading a PaymentIntent serves the daily
//! reconciliation. Tested against `localstripe`, a stateful Stripe stand-in.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::api::{Intent, ModalitaPagamento};
use shared::money::Money;
use shared::order::Order;

use super::{PaymentError, Payments, StatoPagamento};
use crate::http::{ThirdParties, origin};
use crate::outbound::Outbound;

/// Where Stripe serves Stripe.js.
const STRIPE_JS_ORIGIN: &str = "https://js.stripe.com";

/// What a Stripe account is reached with.
#[derive(Clone)]
pub struct StripeConfig {
    /// `https://api.stripe.com`, or a stand-in's address.
    pub api: String,
    pub secret_key: String,
    pub publishable_key: String,
    pub webhook_secret: String,
    /// Where the browser loads Stripe.js from.
    pub script: String,
}

impl StripeConfig {
    /// From `PEC_STRIPE_SECRET_KEY`, `PEC_STRIPE_PUBLISHABLE_KEY`,
    /// `PEC_STRIPE_WEBHOOK_SECRET`, and optionally `PEC_STRIPE_API` and `PEC_STRIPE_JS`;
    /// `None` without a secret key.
    pub fn from_env() -> Option<StripeConfig> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Some(StripeConfig {
            secret_key: var("PEC_STRIPE_SECRET_KEY")?,
            publishable_key: var("PEC_STRIPE_PUBLISHABLE_KEY").unwrap_or_default(),
            webhook_secret: var("PEC_STRIPE_WEBHOOK_SECRET").unwrap_or_default(),
            api: var("PEC_STRIPE_API").unwrap_or_else(|| "https://api.stripe.com".into()),
            script: var("PEC_STRIPE_JS").unwrap_or_else(|| format!("{STRIPE_JS_ORIGIN}/v3/")),
        })
    }
}

pub struct StripePayments {
    config: StripeConfig,
    http: Outbound,
}

#[derive(Deserialize)]
struct PaymentIntent {
    id: String,
    client_secret: String,
    status: String,
    amount: i64,
    #[serde(default)]
    amount_received: Option<i64>,
    created: i64,
    /// An id, or (expanded, as the stand-in returns it) the charge itself.
    #[serde(default)]
    latest_charge: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Refund {
    id: String,
}

#[derive(Deserialize)]
struct StripeError {
    error: StripeErrorBody,
}

#[derive(Deserialize)]
struct StripeErrorBody {
    #[serde(default)]
    message: String,
}

impl StripePayments {
    pub fn new(config: StripeConfig) -> Self {
        Self {
            config,
            http: Outbound::new(Duration::from_secs(15)),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v1/{path}", self.config.api.trim_end_matches('/'))
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, PaymentError> {
        let response = request
            .bearer_auth(&self.config.secret_key)
            .send()
            .await
            .map_err(|e| PaymentError::Unavailable(e.to_string()))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| PaymentError::Unavailable(e.to_string()))?;
        if status.is_success() {
            return serde_json::from_slice(&body)
                .map_err(|e| PaymentError::Unavailable(format!("unreadable answer: {e}")));
        }
        let message = serde_json::from_slice::<StripeError>(&body)
            .map(|e| e.error.message)
            .unwrap_or_default();
        match status.as_u16() {
            404 => Err(PaymentError::UnknownPayment),
            429 | 500..=599 => Err(PaymentError::Unavailable(format!(
                "HTTP {status} {message}"
            ))),
            _ => Err(PaymentError::Refused(format!("HTTP {status} {message}"))),
        }
    }

    async fn retrieve(&self, id: &str) -> Result<PaymentIntent, PaymentError> {
        // With its charge, whose time is when the card was charged.
        let url = self.url(&format!("payment_intents/{id}"));
        self.call(
            self.http
                .client()
                .get(url)
                .query(&[("expand[]", "latest_charge")]),
        )
        .await
    }

    fn intent_of(&self, pi: PaymentIntent) -> Intent {
        Intent {
            modalita: ModalitaPagamento::Stripe,
            riferimento: pi.id,
            client_secret: pi.client_secret,
            chiave_pubblica: Some(self.config.publishable_key.clone()),
            script: Some(self.config.script.clone()),
        }
    }
}

#[async_trait]
impl Payments for StripePayments {
    async fn intent(&self, order: &Order) -> Result<Intent, PaymentError> {
        // Started before: the same PaymentIntent (the order's id is also the idempotency
        // key of its creation, for a retry that never got the answer).
        if let Some(id) = &order.pagamento_avviato {
            return Ok(self.intent_of(self.retrieve(id).await?));
        }
        let form = [
            ("amount", order.totale().as_cents().to_string()),
            ("currency", "eur".to_owned()),
            ("payment_method_types[]", "card".to_owned()),
            ("metadata[ordine]", order.id.clone()),
        ];
        let pi: PaymentIntent = self
            .call(
                self.http
                    .client()
                    .post(self.url("payment_intents"))
                    .header("Idempotency-Key", format!("ordine-{}", order.id))
                    .form(&form),
            )
            .await?;
        Ok(self.intent_of(pi))
    }

    async fn stato(&self, riferimento: &str) -> Result<StatoPagamento, PaymentError> {
        let pi = self.retrieve(riferimento).await?;
        if pi.status != "succeeded" {
            return Ok(StatoPagamento::Aperto);
        }
        // When the charge was made, if the answer carries it; else when the intent was.
        let charged = pi
            .latest_charge
            .as_ref()
            .and_then(|c| c.get("created"))
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(pi.created);
        Ok(StatoPagamento::Riuscito {
            importo: Money::cents(pi.amount_received.unwrap_or(pi.amount)),
            il: DateTime::<Utc>::from_timestamp(charged, 0).unwrap_or_default(),
        })
    }

    async fn refund(
        &self,
        riferimento: &str,
        importo: Money,
        key: &str,
    ) -> Result<String, PaymentError> {
        let form = [
            ("payment_intent", riferimento.to_owned()),
            ("amount", importo.as_cents().to_string()),
        ];
        let refund: Refund = self
            .call(
                self.http
                    .client()
                    .post(self.url("refunds"))
                    .header("Idempotency-Key", key)
                    .form(&form),
            )
            .await?;
        Ok(refund.id)
    }

    async fn cancel(&self, riferimento: &str) -> Result<(), PaymentError> {
        let url = self.url(&format!("payment_intents/{riferimento}/cancel"));
        let _: PaymentIntent = self.call(self.http.client().post(url)).await?;
        Ok(())
    }

    fn webhook_secret(&self) -> &[u8] {
        self.config.webhook_secret.as_bytes()
    }

    /// Stripe.js, its frames (the card field, 3-D Secure) and the API it calls.
    fn browser_origins(&self) -> ThirdParties {
        let script: Vec<String> = origin(&self.config.script).into_iter().collect();
        let mut frame = script.clone();
        if script.iter().any(|s| s == STRIPE_JS_ORIGIN) {
            frame.push("https://hooks.stripe.com".to_owned());
        }
        ThirdParties {
            script,
            frame,
            connect: origin(&self.config.api).into_iter().collect(),
        }
    }
}
