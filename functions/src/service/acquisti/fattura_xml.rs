//! The invoice as FatturaPA 1.2 XML, format FPR12 (between private parties): to a private
//! person, so `CodiceDestinatario` is `0000000` and the invoice is delivered to his PEC;
//! he is identified by his codice fiscale. Written with quick-xml, which escapes every
//! text, from the frozen [`Fattura`] alone.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use shared::fattura::{Fattura, importo};

/// The FatturaPA namespace of version 1.2.
const NAMESPACE: &str = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2";

/// The longest description FatturaPA takes for a line.
const DESCRIZIONE_MAX: usize = 1000;

type Xml = Writer<Vec<u8>>;

fn open(w: &mut Xml, tag: &str) {
    w.write_event(Event::Start(BytesStart::new(tag)))
        .expect("writing to memory");
}

fn close(w: &mut Xml, tag: &str) {
    w.write_event(Event::End(BytesEnd::new(tag)))
        .expect("writing to memory");
}

/// `<tag>text</tag>`, the text escaped.
fn leaf(w: &mut Xml, tag: &str, text: &str) {
    open(w, tag);
    w.write_event(Event::Text(BytesText::new(text)))
        .expect("writing to memory");
    close(w, tag);
}

fn within(w: &mut Xml, tag: &str, body: impl FnOnce(&mut Xml)) {
    open(w, tag);
    body(w);
    close(w, tag);
}

/// At most `max` characters of `text` (FatturaPA limits are in characters), in the
/// Latin-1 its text types allow: typographic quotes and dashes as their plain forms,
/// anything else beyond Latin-1 transliterated (`Ł` → `L`).
fn cut(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' => out.push('\''),
            '\u{201C}' | '\u{201D}' => out.push('"'),
            '\u{2013}' | '\u{2014}' => out.push('-'),
            c if u32::from(c) <= 0xFF => out.push(c),
            c => out.push_str(deunicode::deunicode_char(c).unwrap_or("?")),
        }
    }
    out.chars().take(max).collect()
}

fn sede(w: &mut Xml, indirizzo: &str, cap: &str, comune: &str, provincia: &str) {
    within(w, "Sede", |w| {
        leaf(w, "Indirizzo", &cut(indirizzo, 60));
        leaf(w, "CAP", cap);
        leaf(w, "Comune", &cut(comune, 60));
        leaf(w, "Provincia", provincia);
        leaf(w, "Nazione", "IT");
    });
}

/// The invoice as FatturaPA XML (UTF-8).
pub fn render(f: &Fattura) -> Vec<u8> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .expect("writing to memory");
    let mut root = BytesStart::new("p:FatturaElettronica");
    root.push_attribute(("versione", "FPR12"));
    root.push_attribute(("xmlns:p", NAMESPACE));
    w.write_event(Event::Start(root))
        .expect("writing to memory");
    let v = &f.venditore;
    let c = &f.cliente;
    let aliquota = format!("{}.00", f.aliquota_iva);
    within(&mut w, "FatturaElettronicaHeader", |w| {
        within(w, "DatiTrasmissione", |w| {
            within(w, "IdTrasmittente", |w| {
                leaf(w, "IdPaese", "IT");
                leaf(w, "IdCodice", &v.partita_iva);
            });
            let progressivo = f.nome_file();
            let progressivo = progressivo
                .trim_end_matches(".xml")
                .rsplit('_')
                .next()
                .unwrap_or_default();
            leaf(w, "ProgressivoInvio", progressivo);
            leaf(w, "FormatoTrasmissione", "FPR12");
            leaf(w, "CodiceDestinatario", "0000000");
            leaf(w, "PECDestinatario", c.pec.as_str());
        });
        within(w, "CedentePrestatore", |w| {
            within(w, "DatiAnagrafici", |w| {
                within(w, "IdFiscaleIVA", |w| {
                    leaf(w, "IdPaese", "IT");
                    leaf(w, "IdCodice", &v.partita_iva);
                });
                leaf(w, "CodiceFiscale", &v.codice_fiscale);
                within(w, "Anagrafica", |w| {
                    leaf(w, "Denominazione", &cut(&v.denominazione, 80));
                });
                leaf(w, "RegimeFiscale", &v.regime_fiscale);
            });
            sede(w, &v.indirizzo, &v.cap, &v.comune, &v.provincia);
        });
        within(w, "CessionarioCommittente", |w| {
            within(w, "DatiAnagrafici", |w| {
                leaf(w, "CodiceFiscale", &c.codice_fiscale);
                within(w, "Anagrafica", |w| {
                    leaf(w, "Nome", &cut(&c.nome, 60));
                    leaf(w, "Cognome", &cut(&c.cognome, 60));
                });
            });
            sede(w, &c.indirizzo, &c.cap, &c.comune, &c.provincia);
        });
    });
    within(&mut w, "FatturaElettronicaBody", |w| {
        within(w, "DatiGenerali", |w| {
            within(w, "DatiGeneraliDocumento", |w| {
                leaf(w, "TipoDocumento", "TD01");
                leaf(w, "Divisa", "EUR");
                leaf(w, "Data", &f.data.format("%Y-%m-%d").to_string());
                leaf(w, "Numero", &f.numero.to_string());
                leaf(w, "ImportoTotaleDocumento", &importo(f.totale));
                leaf(
                    w,
                    "Causale",
                    &cut(&format!("Servizi PEC @ingpec.eu, ordine {}", f.ordine), 200),
                );
            });
        });
        within(w, "DatiBeniServizi", |w| {
            for (n, riga) in f.righe.iter().enumerate() {
                within(w, "DettaglioLinee", |w| {
                    leaf(w, "NumeroLinea", &(n + 1).to_string());
                    leaf(w, "Descrizione", &cut(&riga.descrizione, DESCRIZIONE_MAX));
                    leaf(w, "Quantita", &format!("{}.00", riga.quantity));
                    leaf(w, "PrezzoUnitario", &importo(riga.unit_price));
                    leaf(w, "PrezzoTotale", &importo(riga.net));
                    leaf(w, "AliquotaIVA", &aliquota);
                });
            }
            within(w, "DatiRiepilogo", |w| {
                leaf(w, "AliquotaIVA", &aliquota);
                leaf(w, "ImponibileImporto", &importo(f.imponibile));
                leaf(w, "Imposta", &importo(f.imposta));
                leaf(w, "EsigibilitaIVA", "I");
            });
        });
        within(w, "DatiPagamento", |w| {
            // Paid in full, by card.
            leaf(w, "CondizioniPagamento", "TP02");
            within(w, "DettaglioPagamento", |w| {
                leaf(w, "ModalitaPagamento", "MP08");
                leaf(w, "ImportoPagamento", &importo(f.totale));
            });
        });
    });
    close(&mut w, "p:FatturaElettronica");
    w.into_inner()
}
