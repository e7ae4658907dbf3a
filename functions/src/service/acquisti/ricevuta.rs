//! The receipt of a paid order, as PDF/A ([`crate::pdf`]): the seller, the buyer, what was
//! bought with net, IVA and total, the payment and the invoice it belongs to. Written from
//! the frozen invoice alone, so it reads the same whenever it is downloaded.

use chrono::{DateTime, Utc};
use shared::fattura::Fattura;

use crate::pdf::{Block, Documento, PdfError, Style, block, row};

/// The receipt of the paid order `fattura` invoices, issued at `emessa_il`.
pub fn render(fattura: &Fattura, emessa_il: DateTime<Utc>) -> Result<Vec<u8>, PdfError> {
    let id = format!(
        "R-{}-{:06}",
        fattura.numero.anno, fattura.numero.progressivo
    );
    crate::pdf::render(&Documento {
        titolo: format!("Ricevuta di pagamento – fattura {}", fattura.numero),
        id: &id,
        emesso_il: emessa_il,
        blocks: blocks(fattura),
    })
}

fn blocks(f: &Fattura) -> Vec<Block> {
    let v = &f.venditore;
    let c = &f.cliente;
    let mut out = vec![
        block(Style::Title, "Ricevuta di pagamento"),
        block(
            Style::Regular,
            format!(
                "Fattura n. {} del {} · ordine {}",
                f.numero,
                f.data.format("%d/%m/%Y"),
                f.ordine
            ),
        ),
        block(Style::Heading, "Venditore"),
        row("Denominazione", &v.denominazione),
        row(
            "Sede",
            &format!("{}, {} {} ({})", v.indirizzo, v.cap, v.comune, v.provincia),
        ),
        row("Partita IVA", &v.partita_iva),
        row("Codice fiscale", &v.codice_fiscale),
        block(Style::Heading, "Cliente"),
        row("Nome e cognome", &format!("{} {}", c.nome, c.cognome)),
        row("Codice fiscale", &c.codice_fiscale),
        row(
            "Residenza",
            &format!("{}, {} {} ({})", c.indirizzo, c.cap, c.comune, c.provincia),
        ),
        row("Casella PEC", c.pec.as_str()),
        block(Style::Heading, "Acquisto"),
    ];
    for riga in &f.righe {
        out.push(row(
            &riga.descrizione,
            &format!("{} × {} = {}", riga.quantity, riga.unit_price, riga.net),
        ));
    }
    out.push(row("Imponibile", &f.imponibile.to_string()));
    out.push(row(
        &format!("IVA {}%", f.aliquota_iva),
        &f.imposta.to_string(),
    ));
    out.push(row("Totale pagato", &f.totale.to_string()));
    out.push(block(Style::Heading, "Pagamento"));
    out.push(row("Modalità", "Carta di pagamento"));
    out.push(row("Riferimento", &f.pagamento));
    out.push(block(
        Style::Regular,
        format!(
            "La fattura elettronica n. {} è trasmessa al Sistema di Interscambio dell'Agenzia delle Entrate e recapitata alla casella PEC {}. Questa ricevuta non sostituisce la fattura.",
            f.numero, c.pec
        ),
    ));
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use shared::catalog::QuoteLine;
    use shared::fattura::{Cliente, Venditore};
    use shared::money::Money;
    use shared::order::NumeroFattura;

    use super::*;

    pub fn fattura() -> Fattura {
        Fattura {
            numero: NumeroFattura {
                anno: 2026,
                progressivo: 7,
            },
            data: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            ordine: "01936f2e-0000-7000-8000-000000000001".into(),
            pagamento: "pi_prova_1".into(),
            venditore: Venditore::fondazione_cni("00000000000", "00000000000"),
            cliente: Cliente {
                nome: "Niccolò".into(),
                cognome: "D'Annunzio & Figli <Bianchi>".into(),
                codice_fiscale: "RSSMRA85T10A562S".into(),
                indirizzo: "Via Tommaseo 12".into(),
                cap: "47121".into(),
                comune: "Forlì".into(),
                provincia: "FC".into(),
                pec: "niccolo.dannunzio@ingpec.eu".parse().unwrap(),
            },
            righe: vec![QuoteLine {
                descrizione: "Spazio inbox aggiuntivo, GB per un anno".into(),
                quantity: 2,
                unit_price: Money::cents(400),
                net: Money::cents(800),
            }],
            imponibile: Money::cents(800),
            aliquota_iva: 22,
            imposta: Money::cents(176),
            totale: Money::cents(976),
        }
    }

    #[test]
    fn the_receipt_is_pdf_a_and_the_same_each_time() {
        let at = "2026-11-30T10:00:00Z".parse().unwrap();
        let pdf = render(&fattura(), at).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(String::from_utf8_lossy(&pdf).contains("pdfaid:part"));
        assert_eq!(render(&fattura(), at).unwrap(), pdf);
    }

    #[test]
    fn the_xml_escapes_what_people_type() {
        let xml = String::from_utf8(super::super::fattura_xml::render(&fattura())).unwrap();
        assert!(
            xml.contains("<Cognome>D&apos;Annunzio &amp; Figli &lt;Bianchi&gt;</Cognome>"),
            "{xml}"
        );
        assert!(xml.contains("<CodiceDestinatario>0000000</CodiceDestinatario>"));
        assert!(xml.contains("<ImportoTotaleDocumento>9.76</ImportoTotaleDocumento>"));
        assert!(xml.contains("<Numero>7/2026</Numero>"));
    }

    #[test]
    fn the_xml_keeps_to_latin_1_as_the_xsd_wants() {
        let mut f = fattura();
        f.cliente.nome = "Łukasz".into();
        f.cliente.cognome = "D\u{2019}Angelo – Rossi".into();
        let xml = String::from_utf8(super::super::fattura_xml::render(&f)).unwrap();
        assert!(xml.contains("<Nome>Lukasz</Nome>"), "{xml}");
        assert!(
            xml.contains("<Cognome>D&apos;Angelo - Rossi</Cognome>"),
            "{xml}"
        );
        assert!(
            xml.chars().all(|c| u32::from(c) <= 0xFF),
            "beyond Latin-1: {xml}"
        );
    }
}
