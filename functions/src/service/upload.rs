//! Reading the files people upload, as secretariats have them: the Modello Anagrafiche
//! columns (and the Albo's) in a CSV, UTF-8 (with or without BOM) or Windows-1252 (what
//! Italian Excel saves), `;` or `,` separated, or in a spreadsheet (`.xlsx`, `.ods`),
//! recognised by content, whatever the file's name. Headers are matched loosely;
//! each row keeps its line (the spreadsheet's row number).

use std::borrow::Cow;
use std::collections::HashMap;

use shared::address::EmailAddress;
pub use shared::api::CSV_MAX_BYTES;
use shared::member::{Anagrafica, AnagraficaInput, FieldError};
use thiserror::Error;

/// Why a file cannot be read at all (a row's own problems are reported on its row).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CsvError {
    #[error("Il file è troppo grande (più di {mb} MB): dividilo in più parti.", mb = .max / 1024 / 1024)]
    TooLarge { max: usize },
    #[error(
        "Il foglio di calcolo non si può leggere: salvalo di nuovo da Excel o LibreOffice (.xlsx, .ods) oppure come «CSV (separato da punto e virgola)»."
    )]
    Spreadsheet,
    #[error(
        "Il foglio di calcolo, decompresso, supera i {mb} MB: dividilo in più parti.",
        mb = .max / 1024 / 1024
    )]
    SpreadsheetTooLarge { max: u64 },
    #[error(
        "Il foglio di calcolo occupa troppe righe o colonne: copia i dati del Modello in un foglio nuovo, senza celle sparse."
    )]
    SheetTooWide,
    #[error(
        "Il formato .xls (Excel 97-2003) non è accettato: salva il file come «Cartella di lavoro di Excel (.xlsx)» oppure come «CSV (separato da punto e virgola)»."
    )]
    LegacyXls,
    #[error("Il file non è un testo CSV.")]
    NotText,
    #[error("La prima riga del file deve contenere i nomi delle colonne.")]
    NoHeader,
    #[error(
        "Mancano le colonne: {}. Le colonne attese sono quelle del Modello Anagrafiche.",
        .0.join(", ")
    )]
    MissingColumns(Vec<String>),
    #[error("Il file non è un CSV valido{}.", .line.map(|l| format!(" alla riga {l}")).unwrap_or_default())]
    Malformed { line: Option<u64> },
    #[error("Il file ha più di {0} righe: dividilo in più parti.")]
    TooManyRows(usize),
    #[error("Il file non contiene righe di dati.")]
    Empty,
}

/// The most a spreadsheet may hold once decompressed (a zip of 2 MB could inflate to
/// gigabytes).
const SPREADSHEET_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The rows of an uploaded file, requiring `required` columns; refuses files over
/// `max_rows` rows.
pub fn read(bytes: &[u8], required: &[&str], max_rows: usize) -> Result<Vec<CsvRow>, CsvError> {
    if bytes.len() > CSV_MAX_BYTES {
        return Err(CsvError::TooLarge { max: CSV_MAX_BYTES });
    }
    // .xlsx and .ods are zip archives; .xls is an OLE compound file.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        let table = spreadsheet::first_sheet(bytes, SPREADSHEET_MAX_BYTES)?;
        return rows(table, required, max_rows);
    }
    parse(&decode(bytes)?, required, max_rows)
}

/// The text of an uploaded CSV: UTF-8 (a BOM is dropped), else Windows-1252, the encoding
/// of Italian Excel's "CSV (separato da punto e virgola)".
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, CsvError> {
    if bytes.len() > CSV_MAX_BYTES {
        return Err(CsvError::TooLarge { max: CSV_MAX_BYTES });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(CsvError::NotText);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(_) => Ok(encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0),
    }
}

pub mod spreadsheet;

pub struct CsvRow {
    /// Line in the file (the header is line 1).
    pub line: usize,
    values: HashMap<String, String>,
}

/// Header names people use, folded to one canonical name.
fn canonical(header: &str) -> String {
    let folded: String = shared::text::fold_letters(header);
    match folded.as_str() {
        "codicefiscale" | "cf" => "codice_fiscale",
        "emailconvenzionale" | "email" | "mail" => "email",
        "numeroiscrizione" | "numerodiiscrizione" | "numero" | "matricola" => "numero_iscrizione",
        "datastato" | "data" | "datacancellazione" => "data_stato",
        "domiciliodigitale" | "pec" => "domicilio_digitale",
        "causacancellazione" | "causa" | "motivo" => "causa",
        "statoalbo" | "statonellalbo" | "stato" => "stato",
        "telefono" | "tel" => "telefono",
        other => return other.to_owned(),
    }
    .to_owned()
}

impl CsvRow {
    pub fn get(&self, column: &str) -> &str {
        self.values
            .get(column)
            .map(String::as_str)
            .unwrap_or_default()
    }

    pub fn anagrafica(&self) -> AnagraficaInput {
        AnagraficaInput {
            nome: self.get("nome").into(),
            cognome: self.get("cognome").into(),
            codice_fiscale: self.get("codice_fiscale").into(),
            indirizzo: self.get("indirizzo").into(),
            comune: self.get("comune").into(),
            provincia: self.get("provincia").into(),
            cap: self.get("cap").into(),
            email: self.get("email").into(),
            telefono: self.get("telefono").into(),
        }
    }
}

/// A row's anagrafica, every problem at once. A member without an ordinary email gets the
/// secretariat's (`fallback`, from the Ordine's profile), as the Modello Anagrafiche says;
/// without one either, the row says where to give it.
pub fn validate_anagrafica(
    input: &AnagraficaInput,
    fallback: Option<&EmailAddress>,
) -> Result<Anagrafica, Vec<FieldError>> {
    input.validate(fallback).map_err(|mut errors| {
        if fallback.is_none() && input.email.trim().is_empty() {
            for error in errors.iter_mut().filter(|e| e.field == "email") {
                error.message = "Manca l'email: per chi non ne ha una vale quella della segreteria dell'Ordine, che l'Ordine non ha ancora indicato nel suo profilo.".into();
            }
        }
        errors
    })
}

/// A file's header and rows, as text, before the columns are known.
pub struct Table {
    pub headers: Vec<String>,
    /// Each row's line (the header's is 1) and its cells.
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Parses a CSV `text`, requiring `required` columns; refuses files over `max_rows` rows.
pub fn parse(text: &str, required: &[&str], max_rows: usize) -> Result<Vec<CsvRow>, CsvError> {
    if text.len() > CSV_MAX_BYTES {
        return Err(CsvError::TooLarge { max: CSV_MAX_BYTES });
    }
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() >= first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| CsvError::NoHeader)?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut table = Table {
        headers,
        rows: Vec::new(),
    };
    let mut lines = Lines::default();
    for record in reader.records() {
        let record = record.map_err(|e| CsvError::Malformed {
            line: e.position().map(|p| p.line()),
        })?;
        let line = record
            .position()
            .map(|p| lines.of(text, p.byte() as usize))
            .unwrap_or(table.rows.len() + 2);
        table
            .rows
            .push((line, record.iter().map(str::to_owned).collect()));
        // Read no further than what will be refused anyway.
        if table.rows.len() > max_rows + 1 {
            break;
        }
    }
    rows(table, required, max_rows)
}

/// The rows of `table` by canonical column name; empty rows skipped.
fn rows(table: Table, required: &[&str], max_rows: usize) -> Result<Vec<CsvRow>, CsvError> {
    let headers: Vec<String> = table.headers.iter().map(|h| canonical(h)).collect();
    if headers.iter().all(String::is_empty) {
        return Err(CsvError::NoHeader);
    }
    let missing: Vec<String> = required
        .iter()
        .filter(|r| !headers.iter().any(|h| h == *r))
        .map(|r| (*r).to_owned())
        .collect();
    if !missing.is_empty() {
        return Err(CsvError::MissingColumns(missing));
    }
    let mut rows = Vec::new();
    for (line, cells) in table.rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() == max_rows {
            return Err(CsvError::TooManyRows(max_rows));
        }
        let values = headers
            .iter()
            .cloned()
            .zip(cells.into_iter().map(|c| c.trim().to_owned()))
            .collect();
        rows.push(CsvRow { line, values });
    }
    if rows.is_empty() {
        return Err(CsvError::Empty);
    }
    Ok(rows)
}

/// The lines of the records, counted as the reader goes: each record's offset is after
/// the previous one's, so the text is scanned once, not once per record (5,000 rows took
/// a quarter of an Albo import's time).
#[derive(Default)]
struct Lines {
    /// Where counting stopped, and the newlines before it.
    offset: usize,
    newlines: usize,
}

impl Lines {
    /// The line a record starting at `offset` is on. The csv crate's own line count, and
    /// its offset, include the blank lines it skipped before the record.
    fn of(&mut self, text: &str, offset: usize) -> usize {
        let bytes = text.as_bytes();
        let offset = offset.max(self.offset);
        self.newlines += bytes[self.offset..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.offset = offset;
        let blank = bytes[offset..]
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .filter(|&&b| b == b'\n')
            .count();
        self.newlines + blank + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_semicolons_loose_headers_and_line_numbers() {
        let text = "\u{feff}Nome;Cognome;Codice Fiscale;E-mail\nMario;Rossi;RSSMRA85T10A562S;m@x.it\n\nAnna;Bianchi;X;\n";
        let rows =
            parse(text, &["nome", "codice_fiscale"], 10).unwrap_or_else(|_| panic!("parsed"));
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4]);
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[0].get("codice_fiscale"), "RSSMRA85T10A562S");
        assert_eq!(rows[0].get("email"), "m@x.it");
    }

    #[test]
    fn windows_1252_from_italian_excel_is_read_as_such() {
        // "Niccolò;Cantù" as Italian Excel saves it: ò = 0xF2, ù = 0xF9.
        let bytes = b"nome;cognome\nNiccol\xF2;Cant\xF9\n";
        let text = decode(bytes).unwrap();
        let rows = parse(&text, &["nome"], 10).unwrap();
        assert_eq!(rows[0].get("nome"), "Niccolò");
        assert_eq!(rows[0].get("cognome"), "Cantù");
        let utf8 = decode("\u{feff}nome\nNiccolò\n".as_bytes()).unwrap();
        assert_eq!(utf8, "nome\nNiccolò\n");
        assert_eq!(
            read(b"PK\x03\x04rest", &["nome"], 10).err(),
            Some(CsvError::Spreadsheet)
        );
        assert_eq!(decode(b"a\0b"), Err(CsvError::NotText));
    }

    #[test]
    fn commas_work_too_and_limits_are_enforced() {
        let rows = parse("nome,cognome\nA,B\n", &["nome"], 10).unwrap_or_else(|_| panic!("parsed"));
        assert_eq!(rows[0].get("cognome"), "B");
        assert!(parse("nome\nA\nB\n", &["nome"], 1).is_err());
        assert!(parse("cognome\nB\n", &["nome"], 10).is_err());
        assert!(parse("nome\n", &["nome"], 10).is_err());
    }
}
