//! The payment provider's events: the only word the server trusts about a payment.
//!
//! An event is read only once its `Stripe-Signature` holds. A `payment_intent.succeeded`
//! is applied in one transaction: the event's mark (so it is processed once), the order
//! turning *pagato* with its invoice number, the mailbox's purchase or renewal with the
//! provider command through the outbox, and the audit entry. A payment the order cannot
//! take (expired, cancelled, another amount, a second one, a mailbox that changed since
//! the quote) is recorded on the order to be refunded: never lost, never applied.

use std::time::Duration;

use chrono::{DateTime, Datelike, Utc};
use rand::Rng;
use serde::Deserialize;
use shared::api::EsitoEvento;
use shared::audit::Actor;
use shared::fattura::{Cliente, Venditore};
use shared::lifecycle::{Effect, Event, Transition};
use shared::money::Money;
use shared::order::{Acquisto, Incasso, MotivoRimborso, Order};
use thiserror::Error;

use super::signature::{self, SignatureError};
use crate::clock::rome_date;
use crate::repo::invoices::{self, Fattura};
use crate::repo::members;
use crate::repo::orders::{self, ProcessedEvent};
use crate::repo::unit_of_work::{Audited, Change};
use crate::repo::{self, Versioned};
use crate::store::{ItemStore, StoreError};

/// Tries of one event when concurrent payments take the same invoice number first.
const ATTEMPTS: u32 = 12;

/// Events about payments that change no order: acknowledged, not applied.
const IGNORED: [&str; 7] = [
    "payment_intent.created",
    "payment_intent.processing",
    "payment_intent.requires_action",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "charge.succeeded",
    "charge.refunded",
];

#[derive(Debug, Error)]
pub enum WebhookError {
    #[error("firma dell'evento non valida: {0}")]
    Signature(#[from] SignatureError),
    #[error("evento non leggibile: {0}")]
    Unreadable(String),
    #[error("tipo di evento non gestito: {0}")]
    UnknownType(String),
    #[error("valuta non accettata: {0}")]
    Currency(String),
    #[error("il pagamento non indica un ordine noto: {0}")]
    UnknownOrder(String),
    /// Concurrent payments kept winning the invoice number: the provider retries.
    #[error("troppe operazioni concorrenti")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Deserialize)]
struct WireEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    /// When the provider made the event (Unix seconds): when the payment succeeded.
    created: i64,
    data: WireData,
}

#[derive(Deserialize)]
struct WireData {
    object: serde_json::Value,
}

#[derive(Deserialize)]
struct WireIntent {
    id: String,
    amount: i64,
    /// Stripe's; some stand-ins leave it out, and then the amount is what was charged.
    #[serde(default)]
    amount_received: Option<i64>,
    currency: String,
    #[serde(default)]
    metadata: std::collections::HashMap<String, String>,
}

/// A payment the provider says succeeded.
#[derive(Debug, Clone)]
pub struct Riuscito {
    /// The event's id (one per event) or, from the reconciliation, the payment's own.
    pub evento: String,
    pub riferimento: String,
    pub ordine: String,
    pub importo: Money,
    /// When it succeeded at the provider: an order paid within its hour stays paid,
    /// however late the news arrives.
    pub il: DateTime<Utc>,
}

/// Checks `body`'s signature and applies the event it carries.
pub async fn receive(
    store: &dyn ItemStore,
    venditore: &Venditore,
    secret: &[u8],
    header: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<EsitoEvento, WebhookError> {
    signature::verify(header, body, secret, now)?;
    let event: WireEvent =
        serde_json::from_slice(body).map_err(|e| WebhookError::Unreadable(e.to_string()))?;
    if IGNORED.contains(&event.kind.as_str()) {
        tracing::info!(event = %event.id, kind = %event.kind, "payment event ignored");
        return Ok(EsitoEvento::Ignorato);
    }
    if event.kind != "payment_intent.succeeded" {
        return Err(WebhookError::UnknownType(event.kind));
    }
    let intent: WireIntent = serde_json::from_value(event.data.object)
        .map_err(|e| WebhookError::Unreadable(e.to_string()))?;
    if !intent.currency.eq_ignore_ascii_case("eur") {
        return Err(WebhookError::Currency(intent.currency));
    }
    // A payment of the same Stripe account that is not one of our orders (another use of
    // the account, another stage's): acknowledged, or Stripe would resend it for days.
    let Some(ordine) = intent.metadata.get("ordine").cloned() else {
        tracing::warn!(event = %event.id, payment = %intent.id, "payment without an order: ignored");
        return Ok(EsitoEvento::Ignorato);
    };
    if orders::get(store, &ordine).await?.is_none() {
        tracing::warn!(event = %event.id, %ordine, "payment for an order not here: ignored");
        return Ok(EsitoEvento::Ignorato);
    }
    let il = DateTime::from_timestamp(event.created, 0)
        .ok_or_else(|| WebhookError::Unreadable("created".to_owned()))?;
    let paid = Riuscito {
        evento: event.id,
        riferimento: intent.id,
        ordine,
        importo: Money::cents(intent.amount_received.unwrap_or(intent.amount)),
        il,
    };
    apply(store, venditore, &paid, now).await
}

/// Applies a succeeded payment to its order, once.
pub async fn apply(
    store: &dyn ItemStore,
    venditore: &Venditore,
    paid: &Riuscito,
    now: DateTime<Utc>,
) -> Result<EsitoEvento, WebhookError> {
    for attempt in 0..ATTEMPTS {
        if orders::processed(store, &paid.evento).await? {
            return Ok(EsitoEvento::GiaElaborato);
        }
        let order = orders::get(store, &paid.ordine)
            .await?
            .ok_or_else(|| WebhookError::UnknownOrder(paid.ordine.clone()))?;
        let (ops, esito) = plan(store, venditore, &order, paid, now).await?;
        match repo::commit(store, ops).await {
            Ok(()) => {
                tracing::info!(order = %paid.ordine, payment = %paid.riferimento, esito = ?esito, "payment applied");
                return Ok(esito);
            }
            Err(e) if e.is_condition_failed() => {
                // Another payment took the invoice number, or the mailbox changed: read
                // again after a short random pause, so racing payments spread out.
                let cap = 10u64 << attempt.min(5);
                let pause = rand::rng().random_range(1..=cap);
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(WebhookError::Busy)
}

/// Every write of applying `paid` to `order`, and what it does.
async fn plan(
    store: &dyn ItemStore,
    venditore: &Venditore,
    order: &Versioned<Order>,
    paid: &Riuscito,
    now: DateTime<Utc>,
) -> Result<(repo::Ops, EsitoEvento), WebhookError> {
    let mut ops = vec![orders::mark_processed(&ProcessedEvent {
        id: paid.evento.clone(),
        ordine: Some(paid.ordine.clone()),
        il: now,
    })?];
    let mut after = order.value.clone();
    match after.incassa(&paid.riferimento, paid.importo, paid.il) {
        Incasso::GiaRegistrato => return Ok((ops, EsitoEvento::GiaElaborato)),
        Incasso::DaRimborsare(motivo) => {
            warn_refund(&after, &motivo);
            ops.push(orders::save(order, &after)?);
            return Ok((ops, EsitoEvento::DaRimborsare));
        }
        Incasso::Pagato => {}
    }
    let today = rome_date(now);
    // Applied as of the day the holder paid: a renewal paid on its scadenza whose event
    // (or the verifica's reconciliation) comes after midnight still renews.
    let paid_on = rome_date(paid.il).min(today);
    let member = members::get(store, &after.codice_fiscale).await?;
    let catalog = crate::repo::catalogo::load(store).await?;
    let applied = match &member {
        Some(member) => applicable(&member.value, &after, paid_on, &catalog),
        None => Err("l'iscritto non risulta più nei dati del portale".to_owned()),
    };
    let (member, transition) = match (member, applied) {
        (Some(member), Ok(transition)) => (member, transition),
        (_, applied) => {
            let spiegazione = applied.err().unwrap_or_default();
            let motivo = after.non_applicabile(spiegazione);
            warn_refund(&after, &motivo);
            ops.push(orders::save(order, &after)?);
            return Ok((ops, EsitoEvento::DaRimborsare));
        }
    };
    let (numero, counter) = invoices::next(store, today.year()).await?;
    after.fattura = Some(numero);
    let provider_work = transition
        .effects
        .iter()
        .any(|e| matches!(e, Effect::Provider(_)));
    if !provider_work {
        // A renewal changes nothing at the provider: active as soon as it is paid.
        after.attiva().expect("an order just paid can be activated");
    }
    ops.push(orders::save(order, &after)?);
    ops.push(counter);
    let documento = documento(venditore, &member.value, &after, numero, today);
    ops.extend(invoices::issue(&Fattura {
        numero,
        ordine: after.id.clone(),
        emessa_il: now,
        documento: Some(documento),
        inviata: None,
        invio_in_corso: None,
    })?);
    let mut record = member.value.clone();
    record.set_mailbox(transition.mailbox);
    let change = Change {
        before: Some(member),
        after: record,
        effects: transition.effects,
        actor: Actor::Iscritto(after.codice_fiscale.clone()),
        action: format!(
            "{} pagato ({}), ordine {}, fattura {numero}",
            after.descrizione(),
            after.totale(),
            after.id
        ),
    };
    let (change_ops, _, _) = change.into_ops_for(now, Some(&after.id))?;
    ops.extend(change_ops);
    Ok((ops, EsitoEvento::Pagato))
}

/// The invoice of `order` paid today, as it will stay: the seller's data and the holder's
/// of today, the order's lines and totals.
fn documento(
    venditore: &Venditore,
    member: &members::MemberRecord,
    order: &Order,
    numero: shared::order::NumeroFattura,
    today: chrono::NaiveDate,
) -> shared::fattura::Fattura {
    let a = &member.anagrafica;
    let q = &order.preventivo;
    shared::fattura::Fattura {
        numero,
        data: today,
        ordine: order.id.clone(),
        pagamento: order
            .pagamento
            .as_ref()
            .map(|p| p.riferimento.clone())
            .unwrap_or_default(),
        venditore: venditore.clone(),
        cliente: Cliente {
            nome: a.nome.clone(),
            cognome: a.cognome.clone(),
            codice_fiscale: a.codice_fiscale.to_string(),
            indirizzo: a.indirizzo.clone(),
            cap: a.cap.as_str().to_owned(),
            comune: a.comune.clone(),
            provincia: a.provincia.clone(),
            pec: order.indirizzo.clone(),
        },
        righe: q.lines.clone(),
        imponibile: q.net,
        aliquota_iva: q.iva_percent,
        imposta: q.iva,
        totale: q.total,
    }
}

/// The mailbox's purchase or renewal on the day it was paid, if it still applies at the
/// order's price.
fn applicable(
    member: &members::MemberRecord,
    order: &Order,
    paid_on: chrono::NaiveDate,
    catalog: &shared::catalog::Catalog,
) -> Result<Transition, String> {
    let mailbox = member
        .mailbox
        .as_ref()
        .ok_or_else(|| "la casella non esiste più".to_owned())?;
    if mailbox.address != order.indirizzo {
        return Err("la casella ha cambiato indirizzo".to_owned());
    }
    let event = match order.acquisto {
        Acquisto::Servizio { servizio } => Event::Acquisto { servizio },
        Acquisto::Rinnovo { servizio } => Event::Rinnovo {
            service_id: servizio,
        },
    };
    let transition = mailbox
        .apply_with(&event, paid_on, catalog)
        .map_err(|e| e.to_string())?;
    let same_price = transition.charge.as_ref().is_some_and(|q| {
        q.catalog == order.preventivo.catalog
            && q.lines == order.preventivo.lines
            && q.total == order.preventivo.total
    });
    if !same_price {
        return Err("il prezzo di oggi è diverso da quello dell'ordine".to_owned());
    }
    Ok(transition)
}

fn warn_refund(order: &Order, motivo: &MotivoRimborso) {
    tracing::warn!(order = %order.id, motivo = %motivo, "payment to be refunded");
}
