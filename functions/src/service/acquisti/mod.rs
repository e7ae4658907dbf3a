//! A holder's purchases (DOMAIN.md, Lifecycle 3): he alone buys extra space or Avanzata
//! for his mailbox, or renews a paid service in the 90 days before its scadenza. The
//! quote comes from the lifecycle applied to his mailbox as it is today, without keeping
//! it: the order freezes it. The mailbox changes only when the payment's signed event
//! arrives ([`crate::payment::webhook`]). The Fondazione reads every order and refunds.

pub mod fattura_xml;
pub mod ricevuta;

use chrono::{DateTime, Utc};
use shared::access::{Caller, Role};
use shared::api::{Intent, OrdineRichiesta, OrdiniMese};
use shared::lifecycle::{Event, LifecycleError};
use shared::money::Money;
use shared::order::{Acquisto, Order, OrderError, Rimborso, StatoOrdine};
use thiserror::Error;

use super::{Forbidden, ensure, holder_cf};
use crate::clock::rome_date;
use crate::payment::{PaymentError, Payments};
use crate::repo::{self, Versioned, members, orders};
use crate::service::spreadsheet::SpreadsheetCsv;
use crate::store::{ItemStore, StoreError};

#[derive(Debug, Error)]
pub enum AcquistoError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("not in the Albo")]
    NotInAlbo,
    #[error("no mailbox")]
    NoMailbox,
    #[error("{0}")]
    Lifecycle(#[from] LifecycleError),
    #[error("order not found")]
    NotFound,
    #[error("{0}")]
    Order(#[from] OrderError),
    #[error("L'ordine è scaduto: il pagamento va fatto entro un'ora. Crea un nuovo ordine.")]
    Expired,
    #[error("{0}")]
    Payment(#[from] PaymentError),
    #[error("Il mese va indicato come AAAA-MM (per esempio 2026-11).")]
    BadMonth,
    #[error("Questo pagamento non è da rimborsare.")]
    NothingToRefund,
    #[error("changed meanwhile")]
    Stale,
    #[error("L'ordine non è stato pagato: ricevuta e fattura arrivano con il pagamento.")]
    NotInvoiced,
    #[error(transparent)]
    Pdf(#[from] crate::pdf::PdfError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Order ids made from a holder's idempotency key live in this namespace.
const ORDER_IDS: uuid::Uuid = uuid::Uuid::from_u128(0x5ec1_0a1e_7e0c_4d1b_9a6f_0e6b_8f3c_2a51);

/// The order the holder asks for, priced at today's catalog on his mailbox. With the
/// request's idempotency `key`, the order's id comes from it: a retry after a crash that
/// lost the answer finds the order made, never a second one.
pub async fn create(
    store: &dyn ItemStore,
    caller: &Caller,
    richiesta: &OrdineRichiesta,
    key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Order, AcquistoError> {
    let cf = holder_cf(caller)?;
    let member = members::get(store, cf)
        .await?
        .ok_or(AcquistoError::NotInAlbo)?;
    let mailbox = member
        .value
        .mailbox
        .as_ref()
        .ok_or(AcquistoError::NoMailbox)?;
    let event = match richiesta.acquisto {
        Acquisto::Servizio { servizio } => Event::Acquisto { servizio },
        Acquisto::Rinnovo { servizio } => Event::Rinnovo {
            service_id: servizio,
        },
    };
    // Applied only to learn the price: nothing is kept until the payment arrives.
    let catalog = crate::repo::catalogo::load(store).await?;
    let transition = mailbox.apply_with(&event, rome_date(now), &catalog)?;
    let preventivo = transition
        .charge
        .expect("a purchase or a renewal is always charged");
    let id = match key {
        Some(key) => uuid::Uuid::new_v5(&ORDER_IDS, format!("{cf}/{key}").as_bytes()),
        None => uuid::Uuid::now_v7(),
    };
    let order = Order::new(
        id.to_string(),
        cf.clone(),
        mailbox.address.clone(),
        richiesta.acquisto.clone(),
        preventivo,
        now,
    );
    match repo::commit(store, vec![orders::create(&order)?]).await {
        Ok(()) => {
            tracing::info!(order = %order.id, total = %order.totale(), "order created");
            Ok(order)
        }
        // Made before under the same key: that one, if it is the same request.
        Err(e) if e.is_condition_failed() => match orders::get(store, &order.id).await? {
            Some(made)
                if &made.value.codice_fiscale == cf && made.value.acquisto == order.acquisto =>
            {
                Ok(as_of(made.value, now))
            }
            _ => Err(AcquistoError::Stale),
        },
        Err(e) => Err(e.into()),
    }
}

/// The holder's orders, newest first, each as it stands now.
pub async fn own(
    store: &dyn ItemStore,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<Vec<Order>, AcquistoError> {
    let cf = holder_cf(caller)?;
    Ok(orders::of_holder(store, cf)
        .await?
        .into_iter()
        .map(|o| as_of(o.value, now))
        .collect())
}

/// One of the holder's orders; another's is not found, as if it did not exist.
pub async fn own_one(
    store: &dyn ItemStore,
    caller: &Caller,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Order, AcquistoError> {
    Ok(as_of(holder_order(store, caller, id).await?.value, now))
}

async fn holder_order(
    store: &dyn ItemStore,
    caller: &Caller,
    id: &str,
) -> Result<Versioned<Order>, AcquistoError> {
    let cf = holder_cf(caller)?;
    match orders::get(store, id).await? {
        Some(order) if &order.value.codice_fiscale == cf => Ok(order),
        _ => Err(AcquistoError::NotFound),
    }
}

/// The invoice of one of the holder's paid orders, as issued.
pub async fn own_invoice(
    store: &dyn ItemStore,
    caller: &Caller,
    id: &str,
) -> Result<shared::fattura::Fattura, AcquistoError> {
    let order = holder_order(store, caller, id).await?;
    invoice_of(store, &order.value.id).await
}

async fn invoice_of(
    store: &dyn ItemStore,
    order: &str,
) -> Result<shared::fattura::Fattura, AcquistoError> {
    crate::repo::invoices::of_order(store, order)
        .await?
        .and_then(|f| f.documento)
        .ok_or(AcquistoError::NotInvoiced)
}

/// The receipt of one of the holder's paid orders, as PDF, and its file name.
pub async fn own_receipt(
    store: &dyn ItemStore,
    caller: &Caller,
    id: &str,
) -> Result<(String, Vec<u8>), AcquistoError> {
    let order = holder_order(store, caller, id).await?;
    let record = crate::repo::invoices::of_order(store, &order.value.id)
        .await?
        .ok_or(AcquistoError::NotInvoiced)?;
    let fattura = record.documento.ok_or(AcquistoError::NotInvoiced)?;
    let pdf = ricevuta::render(&fattura, record.emessa_il)?;
    let name = format!(
        "ricevuta-{}-{}.pdf",
        fattura.numero.anno, fattura.numero.progressivo
    );
    Ok((name, pdf))
}

/// An unpaid order past its hour reads as expired, before the verifica records it.
fn as_of(mut order: Order, now: DateTime<Utc>) -> Order {
    order.scadi(now);
    order
}

/// The holder gives up an unpaid order.
pub async fn cancel(
    store: &dyn ItemStore,
    payments: &dyn Payments,
    caller: &Caller,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Order, AcquistoError> {
    let order = holder_order(store, caller, id).await?;
    let mut after = order.value.clone();
    if after.scadi(now) {
        return Err(AcquistoError::Expired);
    }
    after.annulla()?;
    save(store, &order, &after).await?;
    crate::payment::close_started(payments, &after).await;
    Ok(after)
}

/// Starts (or finds again) the card payment of an unpaid order.
pub async fn pay(
    store: &dyn ItemStore,
    payments: &dyn Payments,
    caller: &Caller,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Intent, AcquistoError> {
    let order = holder_order(store, caller, id).await?;
    let mut current = order.value.clone();
    if current.scadi(now) {
        return Err(AcquistoError::Expired);
    }
    if current.stato != StatoOrdine::InAttesaDiPagamento {
        return Err(OrderError::Stato {
            stato: current.stato,
            azione: "pagare",
        }
        .into());
    }
    let intent = payments.intent(&current).await?;
    if current.pagamento_avviato.as_deref() != Some(&intent.riferimento) {
        // Recorded for the reconciliation; an order changed meanwhile (paid by this very
        // payment's event) needs it no more.
        current.pagamento_avviato = Some(intent.riferimento.clone());
        match save(store, &order, &current).await {
            Ok(()) | Err(AcquistoError::Stale) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(intent)
}

async fn save(
    store: &dyn ItemStore,
    before: &Versioned<Order>,
    after: &Order,
) -> Result<(), AcquistoError> {
    match repo::commit(store, vec![orders::save(before, after)?]).await {
        Err(e) if e.is_condition_failed() => Err(AcquistoError::Stale),
        other => Ok(other?),
    }
}

/// The Fondazione's register of a month's orders (`YYYY-MM`, Italian time).
pub async fn month(
    store: &dyn ItemStore,
    caller: &Caller,
    mese: &str,
    now: DateTime<Utc>,
) -> Result<OrdiniMese, AcquistoError> {
    ensure(caller.role == Role::Fondazione)?;
    let valid = chrono::NaiveDate::parse_from_str(&format!("{mese}-01"), "%Y-%m-%d").is_ok()
        && mese.len() == 7;
    if !valid {
        return Err(AcquistoError::BadMonth);
    }
    let ordini = orders::in_month(store, mese)
        .await?
        .into_iter()
        .map(|o| as_of(o.value, now))
        .collect();
    Ok(OrdiniMese {
        mese: mese.to_owned(),
        ordini,
    })
}

/// The Fondazione refunds a payment its order could not take (or the order's own):
/// through the provider first, with the payment's reference as the refund's key, so a
/// retry refunds once; then recorded on the order.
pub async fn refund(
    store: &dyn ItemStore,
    payments: &dyn Payments,
    caller: &Caller,
    id: &str,
    riferimento: &str,
    now: DateTime<Utc>,
) -> Result<Order, AcquistoError> {
    ensure(caller.role == Role::Fondazione)?;
    let order = orders::get(store, id)
        .await?
        .ok_or(AcquistoError::NotFound)?;
    let pending = order
        .value
        .da_rimborsare
        .iter()
        .find(|p| p.riferimento == riferimento)
        .cloned()
        .ok_or(AcquistoError::NothingToRefund)?;
    let importo: Money = pending.importo;
    payments
        .refund(riferimento, importo, &format!("rimborso-{riferimento}"))
        .await?;
    let motivo = pending
        .motivo
        .unwrap_or(shared::order::MotivoRimborso::SecondoPagamento);
    let rimborso = Rimborso {
        riferimento: riferimento.to_owned(),
        importo,
        motivo,
        il: now,
    };
    // The money is back: record it, on the order as it is now if it moved meanwhile (the
    // outbox activating it), so a refund made is never left unrecorded.
    let mut current = order;
    for _ in 0..5 {
        let mut after = current.value.clone();
        after.rimborsato(rimborso.clone());
        match save(store, &current, &after).await {
            Ok(()) => {
                tracing::info!(order = %id, payment = %riferimento, "refunded");
                return Ok(after);
            }
            Err(AcquistoError::Stale) => {
                current = orders::get(store, id)
                    .await?
                    .ok_or(AcquistoError::NotFound)?;
            }
            Err(e) => return Err(e),
        }
    }
    tracing::error!(order = %id, payment = %riferimento, "refund made, not recorded");
    Err(AcquistoError::Stale)
}

/// The month's orders as CSV for the Fondazione's books (formula-safe cells, `;` as
/// Italian spreadsheets read it, amounts in euro with a decimal comma).
pub async fn month_csv(
    store: &dyn ItemStore,
    caller: &Caller,
    mese: &str,
    now: DateTime<Utc>,
) -> Result<String, AcquistoError> {
    let register = month(store, caller, mese, now).await?;
    let mut file = SpreadsheetCsv::new(&[
        "Ordine",
        "Data",
        "Codice fiscale",
        "Casella PEC",
        "Acquisto",
        "Listino",
        "Imponibile",
        "IVA",
        "Totale",
        "Stato",
        "Pagamento",
        "Fattura",
        "Da rimborsare",
        "Rimborsato",
    ])?;
    let euro = |m: Money| format!("{},{:02}", m.as_cents() / 100, m.as_cents().rem_euclid(100));
    for o in &register.ordini {
        let sum = |payments: &mut dyn Iterator<Item = Money>| {
            euro(Money::cents(payments.map(Money::as_cents).sum()))
        };
        let row = [
            o.id.clone(),
            rome_date(o.creato_il).format("%d/%m/%Y").to_string(),
            o.codice_fiscale.to_string(),
            o.indirizzo.to_string(),
            o.descrizione(),
            o.preventivo.catalog.nome().to_owned(),
            euro(o.preventivo.net),
            euro(o.preventivo.iva),
            euro(o.preventivo.total),
            o.stato.nome().to_owned(),
            o.pagamento
                .as_ref()
                .map(|p| p.riferimento.clone())
                .unwrap_or_default(),
            // "n. 1/2026": a bare "1/2026" opens in Excel as a date.
            o.fattura.map(|f| format!("n. {f}")).unwrap_or_default(),
            sum(&mut o.da_rimborsare.iter().map(|p| p.importo)),
            sum(&mut o.rimborsi.iter().map(|r| r.importo)),
        ];
        file.row(&row)?;
    }
    Ok(file.finish()?)
}

/// How long a send claims an invoice: after it, a send that stopped midway is retried.
const SENDING_LEASE: chrono::Duration = chrono::Duration::minutes(5);

/// The Fondazione's register of `anno`'s invoices, in number order.
pub async fn register(
    store: &dyn ItemStore,
    caller: &Caller,
    anno: i32,
) -> Result<shared::api::RegistroFatture, AcquistoError> {
    ensure(caller.role == Role::Fondazione)?;
    let fatture = crate::repo::invoices::register(store, anno)
        .await?
        .into_iter()
        .filter_map(|f| {
            let d = f.documento?;
            Some(shared::api::VoceRegistro {
                numero: f.numero,
                data: d.data,
                nome_file: d.nome_file(),
                ordine: f.ordine,
                cliente: format!("{} {}", d.cliente.nome, d.cliente.cognome),
                codice_fiscale: d.cliente.codice_fiscale,
                totale: d.totale,
                inviata_il: f.inviata.as_ref().map(|i| i.il),
                id_sdi: f.inviata.map(|i| i.id_sdi),
            })
        })
        .collect();
    Ok(shared::api::RegistroFatture { anno, fatture })
}

/// Sends to the SdI the invoices of `mese` (`YYYY-MM`) not sent yet, each recorded as sent
/// once the SdI took it; one the SdI refuses is reported and tried again next time.
pub async fn send_month(
    store: &dyn ItemStore,
    sdi: &dyn crate::sdi::Sdi,
    caller: &Caller,
    mese: &str,
    now: DateTime<Utc>,
) -> Result<shared::api::InvioSdi, AcquistoError> {
    ensure(caller.role == Role::Fondazione)?;
    let first = chrono::NaiveDate::parse_from_str(&format!("{mese}-01"), "%Y-%m-%d")
        .ok()
        .filter(|_| mese.len() == 7)
        .ok_or(AcquistoError::BadMonth)?;
    let mut report = shared::api::InvioSdi {
        mese: mese.to_owned(),
        inviate: 0,
        gia_inviate: 0,
        errori: Vec::new(),
    };
    use crate::repo::invoices::{self, Invio};
    use chrono::Datelike;
    for read in invoices::register_versioned(store, first.year()).await? {
        let Some(documento) = read.value.documento.clone() else {
            continue;
        };
        if documento.data.month() != first.month() {
            continue;
        }
        if read.value.inviata.is_some() {
            report.gia_inviate += 1;
            continue;
        }
        let numero = read.value.numero;
        let busy = read
            .value
            .invio_in_corso
            .is_some_and(|since| now - since < SENDING_LEASE);
        if busy {
            report
                .errori
                .push(format!("Fattura {numero}: invio già in corso"));
            continue;
        }
        // Claimed first, on the version read: two sends at once never send one twice.
        let mut claim = read.value.clone();
        claim.invio_in_corso = Some(now);
        let claimed = match invoices::save(store, &read, &claim).await {
            Ok(claimed) => claimed,
            Err(e) if e.is_condition_failed() => {
                report
                    .errori
                    .push(format!("Fattura {numero}: invio già in corso"));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let mut done = claim.clone();
        done.invio_in_corso = None;
        let xml = fattura_xml::render(&documento);
        match sdi.invia(&documento.nome_file(), &xml).await {
            Ok(id_sdi) => {
                done.inviata = Some(Invio { il: now, id_sdi });
                invoices::save(store, &claimed, &done).await?;
                report.inviate += 1;
            }
            Err(e) => {
                // Released, for the next send.
                invoices::save(store, &claimed, &done).await?;
                report.errori.push(format!("Fattura {numero}: {e}"));
            }
        }
    }
    tracing::info!(
        mese,
        inviate = report.inviate,
        errori = report.errori.len(),
        "invoices sent to the SdI"
    );
    Ok(report)
}
