//! Reading the CSV files people upload: the Modello Anagrafiche columns (and the Albo's),
//! `;` or `,` separated, headers matched loosely, each row with its line number.

use std::collections::HashMap;

use shared::api::ErrorCode;
use shared::member::AnagraficaInput;

use crate::error::AppError;

/// Largest upload per request; larger files are sent in parts by the app.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

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
        "numeroiscrizione" | "numero" | "matricola" => "numero_iscrizione",
        "datastato" | "data" | "datacancellazione" => "data_stato",
        "domiciliodigitale" | "pec" => "domicilio_digitale",
        "causacancellazione" | "causa" | "motivo" => "causa",
        "statoalbo" | "stato" => "stato",
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

fn malformed(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::MalformedRequest, message)
}

/// Parses `text`, requiring `required` columns; refuses files over `max_rows` rows.
pub fn parse(text: &str, required: &[&str], max_rows: usize) -> Result<Vec<CsvRow>, AppError> {
    if text.len() > MAX_BYTES {
        return Err(malformed(format!(
            "Il file è troppo grande (più di {} MB): dividilo in più parti.",
            MAX_BYTES / 1024 / 1024
        )));
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
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| malformed("La prima riga del file deve contenere i nomi delle colonne."))?
        .iter()
        .map(canonical)
        .collect();
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|r| !headers.iter().any(|h| h == r))
        .collect();
    if !missing.is_empty() {
        return Err(malformed(format!(
            "Mancano le colonne: {}. Le colonne attese sono quelle del Modello Anagrafiche.",
            missing.join(", ")
        )));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            malformed(format!(
                "Il file non è un CSV valido{}.",
                e.position()
                    .map(|p| format!(" alla riga {}", p.line()))
                    .unwrap_or_default()
            ))
        })?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() == max_rows {
            return Err(malformed(format!(
                "Il file ha più di {max_rows} righe: dividilo in più parti."
            )));
        }
        let line = record
            .position()
            .map(|p| line_of(text, p.byte() as usize))
            .unwrap_or(rows.len() + 2);
        let values = headers
            .iter()
            .cloned()
            .zip(record.iter().map(str::to_owned))
            .collect();
        rows.push(CsvRow { line, values });
    }
    if rows.is_empty() {
        return Err(malformed("Il file non contiene righe di dati."));
    }
    Ok(rows)
}

/// The line a record starting at `offset` is on. The csv crate's own line count, and its
/// offset, include the blank lines it skipped before the record.
fn line_of(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let before = bytes[..offset].iter().filter(|&&b| b == b'\n').count();
    let blank = bytes[offset..]
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count();
    before + blank + 1
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
    fn commas_work_too_and_limits_are_enforced() {
        let rows = parse("nome,cognome\nA,B\n", &["nome"], 10).unwrap_or_else(|_| panic!("parsed"));
        assert_eq!(rows[0].get("cognome"), "B");
        assert!(parse("nome\nA\nB\n", &["nome"], 1).is_err());
        assert!(parse("cognome\nB\n", &["nome"], 10).is_err());
        assert!(parse("nome\n", &["nome"], 10).is_err());
    }
}
