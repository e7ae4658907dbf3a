//! The daily verifica's reconciliation of payments: an order still waiting whose payment
//! succeeded at the provider (the webhook never came, or came while the API was down) is
//! applied as the event would have been; an order past its hour with nothing paid is
//! recorded as expired, and its payment closed at the provider. The provider is asked only about orders that started a payment.

use chrono::{DateTime, Datelike, Months, Utc};
use shared::fattura::Venditore;
use shared::order::StatoOrdine;

use super::webhook::{self, Riuscito};
use super::{PaymentError, Payments, StatoPagamento};
use crate::clock::rome_date;
use crate::repo::{self, orders};
use crate::store::{ItemStore, StoreError};

/// What the reconciliation did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Riconciliazione {
    pub pagati: usize,
    pub scaduti: usize,
}

/// Reconciles the orders of this month and the last (an order waits an hour: older ones
/// were reconciled on earlier days).
pub async fn run(
    store: &dyn ItemStore,
    payments: &dyn Payments,
    venditore: &Venditore,
    now: DateTime<Utc>,
) -> Result<Riconciliazione, StoreError> {
    let today = rome_date(now);
    let this_month = today.with_day(1).expect("day 1 exists");
    let last_month = this_month - Months::new(1);
    let mut done = Riconciliazione::default();
    for month in [last_month, this_month] {
        let month = month.format("%Y-%m").to_string();
        for order in orders::in_month(store, &month).await? {
            if order.value.stato != StatoOrdine::InAttesaDiPagamento {
                continue;
            }
            if let Some(riferimento) = &order.value.pagamento_avviato {
                match payments.stato(riferimento).await {
                    Ok(StatoPagamento::Riuscito { importo, il }) => {
                        let paid = Riuscito {
                            evento: format!("riconciliazione-{riferimento}"),
                            riferimento: riferimento.clone(),
                            ordine: order.value.id.clone(),
                            importo,
                            il,
                        };
                        match webhook::apply(store, venditore, &paid, now).await {
                            Ok(_) => done.pagati += 1,
                            Err(e) => {
                                tracing::error!(order = %order.value.id, error = %e, "reconciliation failed")
                            }
                        }
                        continue;
                    }
                    Ok(StatoPagamento::Aperto) => {}
                    Err(PaymentError::Unconfigured) => {}
                    // Asked again tomorrow; meanwhile the order is not expired, so a
                    // payment that succeeded is not turned into a refund.
                    Err(e) => {
                        tracing::warn!(order = %order.value.id, error = %e, "payment state unknown");
                        continue;
                    }
                }
            }
            let mut after = order.value.clone();
            if after.scadi(now) {
                match repo::commit(store, vec![orders::save(&order, &after)?]).await {
                    Ok(()) => {
                        done.scaduti += 1;
                        super::close_started(payments, &after).await;
                    }
                    // Paid or cancelled meanwhile: that stands.
                    Err(e) if e.is_condition_failed() => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    if done != Riconciliazione::default() {
        tracing::info!(?done, "payments reconciled");
    }
    Ok(done)
}
