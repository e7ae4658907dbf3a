//! A holder's order for a paid service (DOMAIN.md, Lifecycle 3): the quote he accepted,
//! frozen with its catalog version and the prices of that day, and where its payment
//! stands. In English in the code because *Ordine* is the engineers' Ordine.
//!
//! States: in attesa di pagamento → pagato → attivato (the provider resized the mailbox),
//! or scaduto (not paid in time), annullato, rimborsato. A payment is applied once: the
//! same payment again changes nothing, and a payment the order cannot take (expired,
//! cancelled, another amount, a second one) is never lost: it is to be refunded.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::address::EmailAddress;
use crate::catalog::{Quote, ServiceKind};
use crate::codice_fiscale::CodiceFiscale;
use crate::money::Money;

/// How long an order waits for its payment.
pub const PAYMENT_WINDOW: Duration = Duration::hours(1);

/// What an order buys.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "tipo", try_from = "AcquistoWire")]
pub enum Acquisto {
    /// A new service: extra space, or the upgrade to Avanzata.
    Servizio { servizio: ServiceKind },
    /// One more year of a service the mailbox has (its id on the mailbox).
    Rinnovo { servizio: u32 },
}

/// [`Acquisto`] as read, its tag as text (never a variant's number).
#[derive(Deserialize)]
struct AcquistoWire {
    tipo: String,
    servizio: ServizioWire,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ServizioWire {
    Nuovo(ServiceKind),
    Id(u32),
}

impl TryFrom<AcquistoWire> for Acquisto {
    type Error = String;

    fn try_from(wire: AcquistoWire) -> Result<Self, String> {
        match (wire.tipo.as_str(), wire.servizio) {
            ("servizio", ServizioWire::Nuovo(servizio)) => Ok(Acquisto::Servizio { servizio }),
            ("rinnovo", ServizioWire::Id(servizio)) => Ok(Acquisto::Rinnovo { servizio }),
            (other, _) => Err(format!("unknown purchase {other:?}")),
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatoOrdine {
    InAttesaDiPagamento,
    Pagato,
    /// Paid, and the mailbox has what was bought.
    Attivato,
    /// Not paid in time.
    Scaduto,
    Annullato,
    Rimborsato,
}

impl StatoOrdine {
    pub const ALL: [Self; 6] = [
        Self::InAttesaDiPagamento,
        Self::Pagato,
        Self::Attivato,
        Self::Scaduto,
        Self::Annullato,
        Self::Rimborsato,
    ];

    pub fn nome(self) -> &'static str {
        match self {
            Self::InAttesaDiPagamento => "In attesa di pagamento",
            Self::Pagato => "Pagato",
            Self::Attivato => "Attivato",
            Self::Scaduto => "Scaduto",
            Self::Annullato => "Annullato",
            Self::Rimborsato => "Rimborsato",
        }
    }
}

/// A payment as the payment provider confirmed it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagamento {
    /// The provider's reference (a Stripe PaymentIntent id).
    pub riferimento: String,
    pub importo: Money,
    pub il: DateTime<Utc>,
    /// For a payment to refund: why the order could not take it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub motivo: Option<MotivoRimborso>,
}

/// Why a payment cannot go to its order, and is to be refunded.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Error)]
#[serde(rename_all = "kebab-case", tag = "motivo")]
pub enum MotivoRimborso {
    #[error("Il pagamento è arrivato dopo la scadenza dell'ordine.")]
    OrdineScaduto,
    #[error("Il pagamento è arrivato per un ordine annullato.")]
    OrdineAnnullato,
    #[error("L'importo pagato ({ricevuto}) è diverso da quello dell'ordine ({atteso}).")]
    ImportoDiverso { atteso: Money, ricevuto: Money },
    #[error("L'ordine era già stato pagato: questo secondo pagamento va restituito.")]
    SecondoPagamento,
    /// Paid, but the mailbox no longer allows what was ordered, or at that price (it
    /// changed since the quote: another purchase, a renewal, the catalog, its closure).
    #[error(
        "La casella è cambiata dopo l'ordine e l'acquisto non si può più applicare: {spiegazione}."
    )]
    OrdineCambiato { spiegazione: String },
}

/// What a confirmed payment does to its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incasso {
    /// The order is paid: what it buys is to be activated.
    Pagato,
    /// This very payment was applied before: nothing to do.
    GiaRegistrato,
    /// The order cannot take it: refund it (and tell the Fondazione).
    DaRimborsare(MotivoRimborso),
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OrderError {
    #[error("L'ordine è «{}»: non si può {azione}.", .stato.nome())]
    Stato {
        stato: StatoOrdine,
        azione: &'static str,
    },
}

/// A refund made, and why.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rimborso {
    pub riferimento: String,
    pub importo: Money,
    pub motivo: MotivoRimborso,
    pub il: DateTime<Utc>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: String,
    pub codice_fiscale: CodiceFiscale,
    /// The mailbox it is for.
    pub indirizzo: EmailAddress,
    pub acquisto: Acquisto,
    /// The quote accepted: lines, net, IVA, total, the catalog version of that day.
    pub preventivo: Quote,
    pub creato_il: DateTime<Utc>,
    /// Unpaid after this, it expires.
    pub scade_il: DateTime<Utc>,
    pub stato: StatoOrdine,
    pub pagamento: Option<Pagamento>,
    /// Payments the order could not take, waiting for their refund.
    #[serde(default)]
    pub da_rimborsare: Vec<Pagamento>,
    /// Payments refunded (one the order could not take, or the order's own).
    #[serde(default)]
    pub rimborsi: Vec<Rimborso>,
    /// The invoice, once paid.
    #[serde(default)]
    pub fattura: Option<NumeroFattura>,
    /// The payment started at the provider (a PaymentIntent id): what the daily
    /// reconciliation asks about when no event came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagamento_avviato: Option<String>,
}

impl Order {
    /// An order for `acquisto` at the prices of `preventivo`, waiting for its payment.
    pub fn new(
        id: String,
        codice_fiscale: CodiceFiscale,
        indirizzo: EmailAddress,
        acquisto: Acquisto,
        preventivo: Quote,
        now: DateTime<Utc>,
    ) -> Order {
        Order {
            id,
            codice_fiscale,
            indirizzo,
            acquisto,
            preventivo,
            creato_il: now,
            scade_il: now + PAYMENT_WINDOW,
            stato: StatoOrdine::InAttesaDiPagamento,
            pagamento: None,
            da_rimborsare: Vec::new(),
            rimborsi: Vec::new(),
            fattura: None,
            pagamento_avviato: None,
        }
    }

    /// What it buys, in words (its page, the audit, the register).
    pub fn descrizione(&self) -> String {
        match &self.acquisto {
            Acquisto::Servizio { servizio } => servizio.descrizione(),
            Acquisto::Rinnovo { .. } => format!(
                "Rinnovo: {}",
                self.preventivo
                    .lines
                    .first()
                    .map_or("servizio", |l| l.descrizione.as_str())
            ),
        }
    }

    pub fn totale(&self) -> Money {
        self.preventivo.total
    }

    /// A payment of `importo` confirmed by the provider under `riferimento` at `il`.
    pub fn incassa(&mut self, riferimento: &str, importo: Money, il: DateTime<Utc>) -> Incasso {
        let known = self
            .pagamento
            .iter()
            .chain(&self.da_rimborsare)
            .any(|p| p.riferimento == riferimento)
            || self.rimborsi.iter().any(|r| r.riferimento == riferimento);
        if known {
            return Incasso::GiaRegistrato;
        }
        let motivo = match self.stato {
            _ if self.pagamento.is_some() => MotivoRimborso::SecondoPagamento,
            StatoOrdine::InAttesaDiPagamento if il > self.scade_il => {
                self.stato = StatoOrdine::Scaduto;
                MotivoRimborso::OrdineScaduto
            }
            StatoOrdine::InAttesaDiPagamento if importo != self.totale() => {
                MotivoRimborso::ImportoDiverso {
                    atteso: self.totale(),
                    ricevuto: importo,
                }
            }
            StatoOrdine::InAttesaDiPagamento => {
                self.stato = StatoOrdine::Pagato;
                self.pagamento = Some(Pagamento {
                    riferimento: riferimento.to_owned(),
                    importo,
                    il,
                    motivo: None,
                });
                return Incasso::Pagato;
            }
            // Recorded expired before the news of a payment made in time (a lost event):
            // the payment stands.
            StatoOrdine::Scaduto if il <= self.scade_il && importo == self.totale() => {
                self.stato = StatoOrdine::Pagato;
                self.pagamento = Some(Pagamento {
                    riferimento: riferimento.to_owned(),
                    importo,
                    il,
                    motivo: None,
                });
                return Incasso::Pagato;
            }
            StatoOrdine::Scaduto => MotivoRimborso::OrdineScaduto,
            StatoOrdine::Annullato => MotivoRimborso::OrdineAnnullato,
            // Paid, activated or refunded without a payment recorded cannot be: treat as
            // a second payment rather than lose it.
            _ => MotivoRimborso::SecondoPagamento,
        };
        // Recorded, so the same event again refunds nothing more.
        self.da_rimborsare.push(Pagamento {
            riferimento: riferimento.to_owned(),
            importo,
            il,
            motivo: Some(motivo.clone()),
        });
        Incasso::DaRimborsare(motivo)
    }

    /// The payment just taken cannot buy what was ordered (the mailbox changed since the
    /// quote): it is to be refunded, and the order is void.
    pub fn non_applicabile(&mut self, spiegazione: String) -> MotivoRimborso {
        let motivo = MotivoRimborso::OrdineCambiato { spiegazione };
        if let Some(mut payment) = self.pagamento.take() {
            payment.motivo = Some(motivo.clone());
            self.da_rimborsare.push(payment);
        }
        self.stato = StatoOrdine::Annullato;
        motivo
    }

    /// What it buys is active on the mailbox.
    pub fn attiva(&mut self) -> Result<(), OrderError> {
        self.from(StatoOrdine::Pagato, "attivare")?;
        self.stato = StatoOrdine::Attivato;
        Ok(())
    }

    /// Unpaid past its time: expired. Whether it changed.
    pub fn scadi(&mut self, now: DateTime<Utc>) -> bool {
        let expires = self.stato == StatoOrdine::InAttesaDiPagamento && now > self.scade_il;
        if expires {
            self.stato = StatoOrdine::Scaduto;
        }
        expires
    }

    /// The holder gives up before paying.
    pub fn annulla(&mut self) -> Result<(), OrderError> {
        self.from(StatoOrdine::InAttesaDiPagamento, "annullare")?;
        self.stato = StatoOrdine::Annullato;
        Ok(())
    }

    /// A payment refunded, recorded whatever the order's state (a refund made is a fact):
    /// the order's own turns it *rimborsato*; one it could not take leaves it as it is.
    pub fn rimborsato(&mut self, rimborso: Rimborso) {
        // The order's own payment: the one it took, or the one it took and could not apply.
        let own = self
            .pagamento
            .as_ref()
            .is_some_and(|p| p.riferimento == rimborso.riferimento)
            || matches!(rimborso.motivo, MotivoRimborso::OrdineCambiato { .. });
        if own {
            self.stato = StatoOrdine::Rimborsato;
        }
        self.da_rimborsare
            .retain(|p| p.riferimento != rimborso.riferimento);
        if !self
            .rimborsi
            .iter()
            .any(|r| r.riferimento == rimborso.riferimento)
        {
            self.rimborsi.push(rimborso);
        }
    }

    fn from(&self, expected: StatoOrdine, azione: &'static str) -> Result<(), OrderError> {
        if self.stato == expected {
            Ok(())
        } else {
            Err(OrderError::Stato {
                stato: self.stato,
                azione,
            })
        }
    }
}

/// An invoice's number: progressive within its year, without gaps or repeats (DOMAIN.md,
/// Lifecycle 3), written `N/YYYY` as Italian invoices are.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NumeroFattura {
    pub anno: i32,
    pub progressivo: u32,
}

impl std::fmt::Display for NumeroFattura {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.progressivo, self.anno)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::catalog::{Catalog, QuoteRequest, Space, SpaceArea};

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_796_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    fn order() -> Order {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let request = QuoteRequest {
            plan: Some(crate::catalog::PlanCode::Base),
            extra: Space::only(SpaceArea::Inbox, 2),
            ..Default::default()
        };
        let preventivo = Catalog::standard().quote(&request, day).unwrap();
        Order::new(
            "o-1".into(),
            CodiceFiscale::parse("RSSMRA85T10A562S").unwrap(),
            EmailAddress::parse("mario.rossi@ingpec.eu").unwrap(),
            Acquisto::Servizio {
                servizio: ServiceKind::SpazioExtra {
                    area: SpaceArea::Inbox,
                    gb: 2,
                },
            },
            preventivo,
            at(0),
        )
    }

    #[test]
    fn a_payment_is_applied_once_and_activates_once() {
        let mut o = order();
        // 2 GB at €4: €8 net, €1.76 IVA.
        assert_eq!(o.totale(), Money::cents(976));
        assert_eq!(o.incassa("pi_1", Money::cents(976), at(5)), Incasso::Pagato);
        assert_eq!(o.stato, StatoOrdine::Pagato);
        assert_eq!(
            o.incassa("pi_1", Money::cents(976), at(6)),
            Incasso::GiaRegistrato
        );
        assert_eq!(
            o.incassa("pi_2", Money::cents(976), at(7)),
            Incasso::DaRimborsare(MotivoRimborso::SecondoPagamento)
        );
        assert_eq!(o.da_rimborsare[0].riferimento, "pi_2", "kept, to refund");
        assert_eq!(
            o.incassa("pi_2", Money::cents(976), at(8)),
            Incasso::GiaRegistrato,
            "kept once"
        );
        o.attiva().unwrap();
        assert_eq!(o.stato, StatoOrdine::Attivato);
        assert!(o.attiva().is_err(), "activated once");
        assert!(o.annulla().is_err());
    }

    #[test]
    fn a_payment_the_order_cannot_take_is_to_be_refunded() {
        let mut wrong = order();
        assert_eq!(
            wrong.incassa("pi_1", Money::cents(100), at(5)),
            Incasso::DaRimborsare(MotivoRimborso::ImportoDiverso {
                atteso: Money::cents(976),
                ricevuto: Money::cents(100)
            })
        );
        assert_eq!(wrong.stato, StatoOrdine::InAttesaDiPagamento);

        let mut late = order();
        assert_eq!(
            late.incassa("pi_1", Money::cents(976), at(61)),
            Incasso::DaRimborsare(MotivoRimborso::OrdineScaduto)
        );
        assert_eq!(late.stato, StatoOrdine::Scaduto);
        let refund = Rimborso {
            riferimento: "pi_1".into(),
            importo: Money::cents(976),
            motivo: MotivoRimborso::OrdineScaduto,
            il: at(62),
        };
        assert_eq!(
            late.incassa("pi_1", Money::cents(976), at(61)),
            Incasso::GiaRegistrato,
            "the same event again refunds nothing more"
        );
        late.rimborsato(refund.clone());
        late.rimborsato(refund);
        assert!(late.da_rimborsare.is_empty());
        assert_eq!(late.rimborsi.len(), 1, "recorded once");
        assert_eq!(late.stato, StatoOrdine::Scaduto);
        assert_eq!(
            late.incassa("pi_1", Money::cents(976), at(63)),
            Incasso::GiaRegistrato,
            "the refunded payment again"
        );

        let mut cancelled = order();
        cancelled.annulla().unwrap();
        assert_eq!(
            cancelled.incassa("pi_1", Money::cents(976), at(5)),
            Incasso::DaRimborsare(MotivoRimborso::OrdineAnnullato)
        );
    }

    #[test]
    fn an_unpaid_order_expires_after_its_window() {
        let mut o = order();
        assert!(!o.scadi(at(60)));
        assert!(o.scadi(at(61)));
        assert_eq!(o.stato, StatoOrdine::Scaduto);
        assert!(!o.scadi(at(62)), "once");
    }

    #[test]
    fn a_paid_order_refunded_is_rimborsato() {
        let mut o = order();
        o.incassa("pi_1", Money::cents(976), at(5));
        o.attiva().unwrap();
        // Refunded from the provider's dashboard after activation: recorded all the same.
        o.rimborsato(Rimborso {
            riferimento: "pi_1".into(),
            importo: Money::cents(976),
            motivo: MotivoRimborso::OrdineScaduto,
            il: at(10),
        });
        assert_eq!(o.stato, StatoOrdine::Rimborsato);
        assert_eq!(o.rimborsi.len(), 1);
        assert_eq!(
            NumeroFattura {
                anno: 2026,
                progressivo: 42
            }
            .to_string(),
            "42/2026"
        );
    }

    #[test]
    fn a_purchase_is_read_by_its_names_never_by_a_variant_number() {
        let read = |json: &str| serde_json::from_str::<Acquisto>(json);
        assert_eq!(
            read(r#"{"tipo":"servizio","servizio":{"tipo":"spazio-extra","area":"inbox","gb":2}}"#)
                .unwrap(),
            Acquisto::Servizio {
                servizio: ServiceKind::SpazioExtra {
                    area: crate::catalog::SpaceArea::Inbox,
                    gb: 2
                }
            }
        );
        assert_eq!(
            read(r#"{"tipo":"rinnovo","servizio":3}"#).unwrap(),
            Acquisto::Rinnovo { servizio: 3 }
        );
        assert!(read(r#"{"tipo":"servizio","servizio":{"tipo":0}}"#).is_err());
        assert!(read(r#"{"tipo":0,"servizio":{"tipo":"avanzata"}}"#).is_err());
        assert!(read(r#"{"tipo":"servizio","servizio":{"tipo":"spazio-extra","gb":2}}"#).is_err());
        assert!(read(r#"{"tipo":"rinnovo","servizio":{"tipo":"avanzata"}}"#).is_err());
    }
}
