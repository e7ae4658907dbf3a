//! The invoice of a paid order (DOMAIN.md, Lifecycle 3): frozen when the payment is taken,
//! with the seller's data of that day (the Fondazione CNI unless configured otherwise), the
//! holder's as the Albo gave them, the lines and the totals of the order's quote. Its
//! receipt and its FatturaPA XML are both written from this record alone, so they say the
//! same thing whenever they are made again.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::address::EmailAddress;
use crate::catalog::QuoteLine;
use crate::money::Money;
use crate::order::NumeroFattura;

/// Who sells: the Fondazione CNI by default (DOMAIN.md, Lifecycle 3 [decision]).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Venditore {
    pub denominazione: String,
    /// Partita IVA (11 digits), without the country code.
    pub partita_iva: String,
    pub codice_fiscale: String,
    pub indirizzo: String,
    pub cap: String,
    pub comune: String,
    pub provincia: String,
    /// The FatturaPA tax regime code (`RF01`: ordinary).
    pub regime_fiscale: String,
}

impl Venditore {
    /// The Fondazione CNI at its seat. Its tax numbers come from the configuration of each
    /// environment (`PEC_SELLER_PARTITA_IVA`, `PEC_SELLER_CODICE_FISCALE`).
    pub fn fondazione_cni(partita_iva: &str, codice_fiscale: &str) -> Venditore {
        Venditore {
            denominazione: "Fondazione del Consiglio Nazionale degli Ingegneri".into(),
            partita_iva: partita_iva.into(),
            codice_fiscale: codice_fiscale.into(),
            indirizzo: "Via XX Settembre 5".into(),
            cap: "00187".into(),
            comune: "Roma".into(),
            provincia: "RM".into(),
            regime_fiscale: "RF01".into(),
        }
    }
}

/// The buyer: a private person, identified by his codice fiscale, reached at his PEC.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cliente {
    pub nome: String,
    pub cognome: String,
    pub codice_fiscale: String,
    pub indirizzo: String,
    pub cap: String,
    pub comune: String,
    pub provincia: String,
    pub pec: EmailAddress,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fattura {
    pub numero: NumeroFattura,
    /// The Italian day it was issued (the payment's).
    pub data: NaiveDate,
    pub ordine: String,
    /// The payment's reference at the provider.
    pub pagamento: String,
    pub venditore: Venditore,
    pub cliente: Cliente,
    pub righe: Vec<QuoteLine>,
    pub imponibile: Money,
    pub aliquota_iva: i64,
    pub imposta: Money,
    pub totale: Money,
}

impl Fattura {
    /// The FatturaPA file name: the sender's country and VAT number, then a progressive
    /// that is unique per file (the invoice number, in base 36, five characters).
    pub fn nome_file(&self) -> String {
        format!(
            "IT{}_{}.xml",
            self.venditore.partita_iva,
            base36(self.numero.anno, self.numero.progressivo)
        )
    }
}

/// Year and number in five base-36 characters: the two last digits of the year, then the
/// number (up to 46,655 invoices a year, far beyond the product's).
fn base36(anno: i32, progressivo: u32) -> String {
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut n = progressivo;
    let mut tail = [b'0'; 3];
    for slot in tail.iter_mut().rev() {
        *slot = DIGITS[(n % 36) as usize];
        n /= 36;
    }
    format!(
        "{:02}{}",
        anno.rem_euclid(100),
        String::from_utf8_lossy(&tail)
    )
}

/// A euro amount as FatturaPA writes it: a dot, two decimals.
pub fn importo(m: Money) -> String {
    let cents = m.as_cents();
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_file_names_are_written_as_fatturapa_wants() {
        assert_eq!(importo(Money::cents(976)), "9.76");
        assert_eq!(importo(Money::cents(5)), "0.05");
        assert_eq!(importo(Money::cents(-120)), "-1.20");
        assert_eq!(base36(2026, 1), "26001");
        assert_eq!(base36(2026, 36), "26010");
        assert_eq!(base36(2031, 46_655), "31ZZZ");
    }
}
