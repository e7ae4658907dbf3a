//! The holder's contract as a PDF/A-2b document ([`crate::pdf`]): his data, the conditions
//! of the version in force, the onerous clauses to approve specifically, the privacy
//! notice. The same input gives the same bytes, so an issued document can be made again
//! and matched by its SHA-256.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Rome;
use shared::contratto::VersioneContratto;
use shared::member::Anagrafica;

pub use crate::pdf::PdfError;
use crate::pdf::{Block, Documento, Style, block, row};

/// What the contract says of its holder and of itself.
#[derive(Debug, Clone)]
pub struct DatiContratto<'a> {
    /// The document's id, printed on each page and kept with its SHA-256.
    pub documento: &'a str,
    pub emesso_il: DateTime<Utc>,
    pub anagrafica: &'a Anagrafica,
    pub indirizzo_pec: &'a str,
    pub piano: &'a str,
    pub attivata_il: NaiveDate,
    pub versione: &'a VersioneContratto,
}

/// The contract as PDF/A-2b.
pub fn render(dati: &DatiContratto<'_>) -> Result<Vec<u8>, PdfError> {
    crate::pdf::render(&Documento {
        titolo: format!(
            "Contratto PEC {} – {}",
            dati.indirizzo_pec, dati.versione.versione
        ),
        id: dati.documento,
        emesso_il: dati.emesso_il,
        blocks: blocks(dati),
    })
}

/// The contract's text, in reading order.
fn blocks(dati: &DatiContratto<'_>) -> Vec<Block> {
    let v = dati.versione;
    let a = dati.anagrafica;
    let date = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut out = vec![
        block(Style::Title, v.titolo.clone()),
        block(
            Style::Regular,
            format!(
                "Versione {} in vigore dal {} · documento {} emesso il {}",
                v.versione,
                date(v.in_vigore_dal),
                dati.documento,
                date(dati.emesso_il.with_timezone(&Rome).date_naive())
            ),
        ),
        block(Style::Heading, "Dati del titolare"),
    ];
    let rows = [
        ("Titolare", format!("{} {}", a.nome, a.cognome)),
        ("Codice fiscale", a.codice_fiscale.as_str().to_owned()),
        (
            "Residenza",
            format!(
                "{}, {} {} ({})",
                a.indirizzo,
                a.cap.as_str(),
                a.comune,
                a.provincia
            ),
        ),
        ("Email ordinaria", a.email.to_string()),
        ("Casella PEC", dati.indirizzo_pec.to_owned()),
        ("Piano", dati.piano.to_owned()),
        ("Attivata il", date(dati.attivata_il)),
    ];
    for (label, value) in rows {
        out.push(row(label, &value));
    }
    out.push(block(Style::Heading, "Premessa"));
    out.extend(v.premessa.iter().map(|p| block(Style::Regular, p.clone())));
    out.push(block(Style::Heading, "Condizioni"));
    for articolo in &v.articoli {
        out.push(Block {
            space_before: 0.8,
            ..block(
                Style::Label,
                format!("Art. {} – {}", articolo.numero, articolo.titolo),
            )
        });
        for (i, comma) in articolo.commi.iter().enumerate() {
            out.push(Block {
                indent: 14.0,
                ..block(
                    Style::Regular,
                    format!("{}.{} {}", articolo.numero, i + 1, comma),
                )
            });
        }
    }
    out.push(block(
        Style::Heading,
        "Approvazione specifica delle clausole (artt. 1341 e 1342 c.c.)",
    ));
    out.push(block(
        Style::Regular,
        "Ai sensi e per gli effetti degli articoli 1341 e 1342 del codice civile, il titolare dichiara di aver letto e di approvare specificamente le seguenti clausole:",
    ));
    for clausola in v.elenco_clausole_onerose() {
        out.push(Block {
            indent: 14.0,
            ..block(Style::Regular, format!("– {clausola}"))
        });
    }
    out.push(block(
        Style::Heading,
        "Informativa sul trattamento dei dati personali (art. 13 GDPR)",
    ));
    for p in &v.informativa_privacy {
        out.push(block(Style::Label, p.titolo.clone()));
        out.push(block(Style::Regular, p.testo.clone()));
    }
    out.push(block(Style::Heading, "Sottoscrizione"));
    out.push(block(
        Style::Regular,
        format!(
            "Il titolare, {} {}, codice fiscale {}, accetta le condizioni, approva specificamente le clausole indicate e dichiara di aver letto l'informativa, sottoscrivendo il presente documento con firma digitale qualificata.",
            a.nome,
            a.cognome,
            a.codice_fiscale.as_str()
        ),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::codice_fiscale::CodiceFiscale;
    use shared::member::Cap;

    fn anagrafica(nome: &str) -> Anagrafica {
        Anagrafica {
            nome: nome.to_owned(),
            cognome: "D'Annunzio Bianchi".to_owned(),
            codice_fiscale: CodiceFiscale::parse("RSSMRA85T10A562S").unwrap(),
            indirizzo: "Via Niccolò Tommaseo 12".to_owned(),
            comune: "Forlì".to_owned(),
            provincia: "FC".to_owned(),
            cap: Cap::parse("47121").unwrap(),
            email: "niccolo@example.it".parse().unwrap(),
            telefono: None,
        }
    }

    fn render_for(nome: &str) -> Result<Vec<u8>, PdfError> {
        let versione = shared::contratto::versioni().remove(0);
        let anagrafica = anagrafica(nome);
        render(&DatiContratto {
            documento: "C-2026-000042",
            emesso_il: DateTime::parse_from_rfc3339("2026-11-30T10:15:00Z")
                .unwrap()
                .with_timezone(&Utc),
            anagrafica: &anagrafica,
            indirizzo_pec: "niccolo.dannunziobianchi@ingpec.eu",
            piano: "PEC Base",
            attivata_il: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            versione: &versione,
        })
    }

    #[test]
    fn the_contract_is_pdf_a_with_its_font_and_the_same_bytes_each_time() {
        let pdf = render_for("Niccolò").unwrap();
        assert!(pdf.starts_with(b"%PDF-1.7"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("pdfaid:part"), "PDF/A identification");
        assert!(text.contains("/FontFile2"), "the font is embedded");
        if let Ok(out) = std::env::var("PEC_CONTRACT_PDF_OUT") {
            std::fs::write(out, &pdf).unwrap();
        }
        assert_eq!(render_for("Niccolò").unwrap(), pdf);
        assert_ne!(render_for("Nicola").unwrap(), pdf);
    }

    #[test]
    fn a_character_the_font_cannot_draw_is_named() {
        assert_eq!(render_for("漢字"), Err(PdfError::Carattere('漢')));
    }
}
