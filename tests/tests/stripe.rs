//! Card payments through Stripe, against `localstripe` (a stateful Stripe stand-in the test
//! command installs): the server makes the PaymentIntent, the card is charged at Stripe,
//! and the order changes only when Stripe's signed webhook reaches the local server; a
//! payment the order cannot take is refunded through Stripe.

use std::time::Duration;

use anyhow::{Result, bail, ensure};
use e2e::localstripe::LocalStripe;
use e2e::server::LocalServer;
use e2e::session::Holder;
use functions::payment::stripe::{StripeConfig, StripePayments};
use functions::payment::{Payments, StatoPagamento};
use serde_json::{Value, json};

const SECRET_KEY: &str = "sk_test_pec_ingegneri";
const PUBLISHABLE_KEY: &str = "pk_test_pec_ingegneri";
const WEBHOOK_SECRET: &str = "whsec_pec_ingegneri_test";

/// The order `id` once `done` says so (Stripe's event comes about a second later).
async fn order_when(holder: &Holder<'_>, id: &str, done: impl Fn(&Value) -> bool) -> Result<Value> {
    let mut last = Value::Null;
    for _ in 0..100 {
        last = holder
            .get(&format!("/api/me/ordini/{id}"))
            .await?
            .json()
            .await?;
        if done(&last) {
            return Ok(last);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    bail!("order {id} still {last}")
}

#[tokio::test]
async fn a_card_payment_through_stripe_activates_once_and_a_second_one_is_refunded() -> Result<()> {
    let stripe = LocalStripe::start().await?;
    let script = format!("{}/js.stripe.com/v3/", stripe.base);
    let server = LocalServer::start_with(&[
        ("PEC_STRIPE_SECRET_KEY", SECRET_KEY),
        ("PEC_STRIPE_PUBLISHABLE_KEY", PUBLISHABLE_KEY),
        ("PEC_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("PEC_STRIPE_API", &stripe.base),
        ("PEC_STRIPE_JS", &script),
    ])
    .await?;
    stripe
        .webhook(
            "pec",
            &server.url("/api/pagamenti/webhook"),
            WEBHOOK_SECRET,
            &["payment_intent.succeeded", "payment_intent.payment_failed"],
        )
        .await?;
    // The page may load Stripe.js and call Stripe, and nothing else.
    let page = reqwest::get(server.url("/mia-pec")).await?;
    let csp = page
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let base = &stripe.base;
    ensure!(
        csp.contains(&format!("script-src 'self' 'wasm-unsafe-eval' {base};"))
            && csp.contains(&format!("frame-src {base};"))
            && csp.contains(&format!("connect-src 'self' {base};")),
        "{csp}"
    );
    let mario = Holder::log_in(&server, "mario.rossi").await?;
    let buy = json!({ "acquisto": { "tipo": "servizio", "servizio": { "tipo": "avanzata" } } });
    let (status, order) = mario.post("/api/me/ordini", &buy).await?;
    ensure!(status == 201, "{order}");
    let id = order["id"].as_str().unwrap_or_default().to_owned();
    let total = order["preventivo"]["total"].as_i64().unwrap_or_default();
    // A twin order for the same, made before the first is paid.
    let (_, twin) = mario.post("/api/me/ordini", &buy).await?;
    let twin_id = twin["id"].as_str().unwrap_or_default().to_owned();
    ensure!(twin["stato"] == "in-attesa-di-pagamento", "{twin}");

    // The PaymentIntent is made at Stripe for the order's total; asking again finds it.
    let path = format!("/api/me/ordini/{id}/pagamento");
    let (status, intent) = mario.post(&path, &json!({})).await?;
    ensure!(status == 200, "{intent}");
    ensure!(intent["modalita"] == "stripe" && intent["script"] == script.as_str());
    ensure!(intent["chiave_pubblica"] == PUBLISHABLE_KEY);
    let pi = intent["riferimento"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    ensure!(pi.starts_with("pi_"), "{intent}");
    let (_, again) = mario.post(&path, &json!({})).await?;
    ensure!(
        again["riferimento"] == pi.as_str(),
        "a second PaymentIntent: {again}"
    );
    // With Stripe there is no test checkout.
    let (status, _) = mario
        .post("/api/local/checkout", &json!({ "client_secret": intent["client_secret"], "numero_carta": "4242424242424242" }))
        .await?;
    ensure!(status == 404, "the test checkout answered: {status}");

    // Charged at Stripe: nothing changes until Stripe's signed event arrives.
    let config = StripeConfig {
        api: stripe.base.clone(),
        secret_key: SECRET_KEY.into(),
        publishable_key: PUBLISHABLE_KEY.into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        script: script.clone(),
    };
    let payments = StripePayments::new(config);
    ensure!(payments.stato(&pi).await? == StatoPagamento::Aperto);
    ensure!(stripe.pay(SECRET_KEY, &pi, "pm_card_visa").await? == "succeeded");
    let paid = order_when(&mario, &id, |o| o["stato"] == "attivato").await?;
    ensure!(paid["pagamento"]["riferimento"] == pi.as_str(), "{paid}");
    ensure!(paid["pagamento"]["importo"] == total, "{paid}");
    // What the daily reconciliation would read at Stripe.
    match payments.stato(&pi).await? {
        StatoPagamento::Riuscito { importo, .. } => ensure!(importo.as_cents() == total),
        other => bail!("{other:?}"),
    }
    let me: Value = mario.get("/api/me").await?.json().await?;
    ensure!(me["member"]["mailbox"]["plan"] == "avanzata", "{me}");

    // An event not signed by Stripe is refused.
    let forged = reqwest::Client::new()
        .post(server.url("/api/pagamenti/webhook"))
        .header("stripe-signature", "t=1,v1=00")
        .body("{}")
        .send()
        .await?;
    ensure!(forged.status() == 401, "{}", forged.status());

    // The twin, paid too, no longer applies: kept to refund, and the Fondazione refunds
    // it through Stripe.
    let (_, twin_intent) = mario
        .post(&format!("/api/me/ordini/{twin_id}/pagamento"), &json!({}))
        .await?;
    let twin_pi = twin_intent["riferimento"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    ensure!(twin_pi != pi, "{twin_intent}");
    ensure!(stripe.pay(SECRET_KEY, &twin_pi, "pm_card_visa").await? == "succeeded");
    let void = order_when(&mario, &twin_id, |o| o["stato"] == "annullato").await?;
    ensure!(
        void["da_rimborsare"][0]["riferimento"] == twin_pi.as_str(),
        "{void}"
    );
    let fondazione = server.token("fondazione").await?;
    let refunded: Value = reqwest::Client::new()
        .post(server.url(&format!(
            "/api/fondazione/ordini/{twin_id}/rimborsi/{twin_pi}"
        )))
        .bearer_auth(&fondazione)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    ensure!(
        refunded["rimborsi"][0]["riferimento"] == twin_pi.as_str(),
        "{refunded}"
    );
    let at_stripe: Value = reqwest::Client::new()
        .get(format!("{}/v1/payment_intents/{twin_pi}", stripe.base))
        .bearer_auth(SECRET_KEY)
        .send()
        .await?
        .json()
        .await?;
    ensure!(
        at_stripe["latest_charge"]["amount_refunded"] == void["preventivo"]["total"],
        "{at_stripe}"
    );

    // An order cancelled after its payment started closes its PaymentIntent at Stripe:
    // the card field still open in another tab can no longer pay it.
    let more = json!({ "acquisto": { "tipo": "servizio", "servizio": { "tipo": "spazio-extra", "area": "inbox", "gb": 1 } } });
    let (status, dropped) = mario.post("/api/me/ordini", &more).await?;
    ensure!(status == 201, "{dropped}");
    let dropped_id = dropped["id"].as_str().unwrap_or_default().to_owned();
    let (_, dropped_intent) = mario
        .post(
            &format!("/api/me/ordini/{dropped_id}/pagamento"),
            &json!({}),
        )
        .await?;
    let dropped_pi = dropped_intent["riferimento"].as_str().unwrap_or_default();
    let (status, cancelled) = mario
        .post(&format!("/api/me/ordini/{dropped_id}/annulla"), &json!({}))
        .await?;
    ensure!(
        status == 200 && cancelled["stato"] == "annullato",
        "{cancelled}"
    );
    let at_stripe: Value = reqwest::Client::new()
        .get(format!("{}/v1/payment_intents/{dropped_pi}", stripe.base))
        .bearer_auth(SECRET_KEY)
        .send()
        .await?
        .json()
        .await?;
    ensure!(at_stripe["status"] == "canceled", "{at_stripe}");
    let charged = stripe.pay(SECRET_KEY, dropped_pi, "pm_card_visa").await;
    ensure!(
        charged
            .as_deref()
            .map_or(true, |status| status != "succeeded"),
        "a cancelled order was charged: {charged:?}"
    );
    Ok(())
}
