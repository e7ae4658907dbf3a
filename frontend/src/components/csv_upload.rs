//! A file sent in parts: the file is checked part by part (dry run), the person reads the
//! per-row report and confirms, then the parts are applied one by one with a progress bar,
//! and the report can be downloaded. Used by *Attivazione massiva* (1,000 rows a part) and
//! by the Albo import (5,000). A CSV may be UTF-8 or Windows-1252 (Italian Excel's "CSV
//! separato da punto e virgola"), read here as the server reads it; a spreadsheet (.xlsx,
//! .ods, recognised by content; an .xls too, for the server to say how to save it) is
//! sent whole and read by the server.
//!
//! Each part is the header plus consecutive rows of the file; the row numbers the server
//! reports are mapped back to the file's own lines. Each applied part carries its own
//! idempotency key, so resuming after a failure applies nothing twice.

use leptos::prelude::*;
use shared::api::{CsvReport, Mode, RowOutcome, RowReport};
use shared::csv::safe_cell;
use shared::member::AlboChange;
use wasm_bindgen::JsCast;

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::download;
use crate::components::scroll_table::ScrollTable;

/// One part of a file: the header and some rows, and the file line of its first row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub body: api::Upload,
    pub first_line: usize,
}

/// Splits `text` into parts of at most `max_rows` non-blank rows, each with the header.
pub fn split(text: &str, max_rows: usize) -> Result<Vec<Part>, String> {
    let mut lines = text.lines();
    let header = lines
        .next()
        .filter(|h| !h.trim().is_empty())
        .ok_or("Il file è vuoto: la prima riga deve contenere i nomi delle colonne.")?;
    let mut parts = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut first_line = 2;
    let mut rows = 0;
    for (index, line) in lines.enumerate() {
        if current.is_empty() {
            first_line = index + 2;
        }
        current.push(line);
        if !line.trim().is_empty() {
            rows += 1;
        }
        if rows == max_rows {
            parts.push(part(header, &current, first_line));
            current.clear();
            rows = 0;
        }
    }
    if rows > 0 {
        parts.push(part(header, &current, first_line));
    }
    if parts.is_empty() {
        return Err("Il file non contiene righe oltre a quella dei nomi delle colonne.".into());
    }
    Ok(parts)
}

fn part(header: &str, lines: &[&str], first_line: usize) -> Part {
    let mut text = String::from(header);
    for line in lines {
        text.push('\n');
        text.push_str(line);
    }
    Part {
        body: api::Upload::Csv(text),
        first_line,
    }
}

/// The file's parts: a spreadsheet whole, a CSV split (decoded from UTF-8, or else
/// Windows-1252).
pub fn parts_of(bytes: Vec<u8>, max_rows: usize) -> Result<Vec<Part>, String> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Ok(vec![Part {
            body: api::Upload::Spreadsheet(bytes),
            // The server numbers a sheet's rows as the sheet does.
            first_line: 2,
        }]);
    }
    split(&decode(&bytes), max_rows)
}

/// UTF-8 (a BOM dropped), else Windows-1252.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

/// A Windows-1252 byte as a character (0x80–0x9F hold €, quotes and a few letters).
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// A part's report with row numbers of the whole file.
pub fn in_file(part: &Part, mut report: CsvReport) -> Vec<RowReport> {
    for row in &mut report.rows {
        row.riga = part.first_line + row.riga.saturating_sub(2);
    }
    report.rows
}

/// The outcome in words, and its detail (address, changes, errors).
pub fn describe(row: &RowReport) -> (&'static str, String) {
    match &row.outcome {
        RowOutcome::Nuovo => ("Nuova iscrizione", String::new()),
        RowOutcome::Aggiornato { modifiche } => (
            "Aggiornato",
            modifiche.iter().map(change).collect::<Vec<_>>().join("; "),
        ),
        RowOutcome::Invariato => ("Invariato", String::new()),
        RowOutcome::DaAttivare { indirizzo } => ("Da attivare", indirizzo.to_string()),
        RowOutcome::Attivata { indirizzo } => ("Attivata", indirizzo.to_string()),
        RowOutcome::GiaAttiva { indirizzo } => ("Già attiva", indirizzo.to_string()),
        RowOutcome::DaImportare { indirizzo } => ("Da importare", indirizzo.to_string()),
        RowOutcome::Importata { indirizzo } => ("Importata", indirizzo.to_string()),
        RowOutcome::NonIscrittoOrdine => (
            "Non iscritto a questo Ordine",
            "Il codice fiscale non risulta tra gli iscritti dell'Ordine.".into(),
        ),
        RowOutcome::NonIscritto => (
            "Non iscritto all'Albo",
            "La casella si attiva solo per chi è iscritto all'Albo.".into(),
        ),
        RowOutcome::Errore => (
            "Errore",
            row.errori
                .iter()
                .map(|e| format!("{}: {}", shared::member::label(&e.field), e.message))
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

fn change(change: &AlboChange) -> String {
    match change {
        AlboChange::Iscrizione => "iscrizione".into(),
        AlboChange::Trasferimento { da, a } => format!("trasferimento da {da} a {a}"),
        AlboChange::Stato { stato } => format!("stato: {}", crate::format::albo(stato)),
        AlboChange::DomicilioDigitale { nuovo } => match nuovo {
            Some(d) => format!("domicilio digitale: {d}"),
            None => "domicilio digitale rimosso".into(),
        },
        AlboChange::NumeroIscrizione => "numero di iscrizione".into(),
        AlboChange::Anagrafica => "dati anagrafici".into(),
    }
}

fn is_problem(row: &RowReport) -> bool {
    matches!(
        row.outcome,
        RowOutcome::Errore | RowOutcome::NonIscritto | RowOutcome::NonIscrittoOrdine
    )
}

/// The report as CSV (`;`, quoted where needed, as spreadsheets in Italy expect), every
/// cell made safe from formula injection: the codice fiscale and the messages may carry
/// what the uploaded file had.
pub fn report_csv(rows: &[RowReport]) -> String {
    // UTF-8 with a BOM: Excel reads the accents right only with it.
    let mut out = String::from(shared::csv::BOM);
    push_row(
        &mut out,
        &[
            "Riga",
            "Codice fiscale",
            "Nome e cognome",
            "Esito",
            "Dettaglio",
        ],
    );
    for row in rows {
        let (esito, detail) = describe(row);
        push_row(
            &mut out,
            &[
                &row.riga.to_string(),
                row.codice_fiscale.as_deref().unwrap_or_default(),
                row.nome.as_deref().unwrap_or_default(),
                esito,
                &detail,
            ],
        );
    }
    out
}

/// One line of the report: each cell neutralised (a leading `=`, `+`, `-`, `@`, tab or
/// CR gets an apostrophe), then quoted.
fn push_row(out: &mut String, cells: &[&str]) {
    let cells: Vec<String> = cells.iter().map(|c| quote(&safe_cell(c))).collect();
    out.push_str(&cells.join(";"));
    out.push('\n');
}

/// RFC 4180 quoting: a field with the separator, a quote or a line break is quoted, its
/// quotes doubled.
fn quote(field: &str) -> String {
    if field.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Idle,
    Checking {
        done: usize,
        of: usize,
    },
    Checked {
        rows: Vec<RowReport>,
    },
    Applying {
        done: usize,
        of: usize,
        rows: Vec<RowReport>,
    },
    /// Stopped at part `at`; the parts before it are applied.
    Stopped {
        at: usize,
        error: String,
        rows: Vec<RowReport>,
    },
    Done {
        rows: Vec<RowReport>,
    },
}

/// The upload flow for the endpoint at `path`.
#[component]
pub fn CsvUpload(
    path: String,
    max_rows: usize,
    /// The file name of the downloadable report.
    report_name: String,
    /// What confirming does ("Attiva le caselle").
    confirm_label: &'static str,
) -> impl IntoView {
    let stage = RwSignal::new(Stage::Idle);
    let parts = StoredValue::new(Vec::<Part>::new());
    let keys = StoredValue::new(Vec::<String>::new());
    let file_error = RwSignal::new(None::<String>);
    let path = StoredValue::new(path);

    let check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        file_error.set(None);
        let Some(file) = chosen_file() else {
            file_error.set(Some(
                "Scegli un file da caricare (CSV, .xlsx o .ods).".into(),
            ));
            return;
        };
        leptos::task::spawn_local(async move {
            let bytes = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
                Err(_) => {
                    file_error.set(Some("Impossibile leggere il file scelto.".into()));
                    return;
                }
            };
            let split = match parts_of(bytes, max_rows) {
                Ok(split) => split,
                Err(message) => {
                    file_error.set(Some(message));
                    return;
                }
            };
            let of = split.len();
            parts.set_value(split.clone());
            keys.set_value((0..of).map(|_| api::new_key()).collect());
            let mut rows = Vec::new();
            for (done, part) in split.iter().enumerate() {
                stage.set(Stage::Checking { done, of });
                let url = path.get_value();
                match api::csv(&url, part.body.clone(), Mode::DryRun, &api::new_key()).await {
                    Ok(report) => rows.extend(in_file(part, report)),
                    Err(err) => {
                        stage.set(Stage::Idle);
                        file_error.set(Some(err.to_string()));
                        return;
                    }
                }
            }
            stage.set(Stage::Checked { rows });
        });
    };

    let apply_from = move |start: usize, mut rows: Vec<RowReport>| {
        leptos::task::spawn_local(async move {
            let split = parts.get_value();
            let keys = keys.get_value();
            let of = split.len();
            for (index, part) in split.iter().enumerate().skip(start) {
                stage.set(Stage::Applying {
                    done: index,
                    of,
                    rows: Vec::new(),
                });
                let url = path.get_value();
                match api::csv(&url, part.body.clone(), Mode::Commit, &keys[index]).await {
                    Ok(report) => rows.extend(in_file(part, report)),
                    Err(err) => {
                        let error = match err {
                            ClientError::Unauthorized => {
                                "La sessione è scaduta: accedi di nuovo in un'altra scheda, poi riprendi.".into()
                            }
                            err => err.to_string(),
                        };
                        stage.set(Stage::Stopped {
                            at: index,
                            error,
                            rows,
                        });
                        return;
                    }
                }
            }
            stage.set(Stage::Done { rows });
        });
    };

    let report_name = StoredValue::new(report_name);
    let download = move |rows: &[RowReport]| {
        download::save_text(
            &report_name.get_value(),
            "text/csv;charset=utf-8",
            &report_csv(rows),
        );
    };

    view! {
        <form class="csv-upload" on:submit=check>
            <div class="mb-3">
                <label for="csv-file" class="form-label">"File (CSV, .xlsx o .ods)"</label>
                <input id="csv-file" type="file" class="form-control"
                    accept=".csv,text/csv,.xlsx,.ods,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.oasis.opendocument.spreadsheet"
                    data-testid="csv-file" aria-describedby="csv-file-hint csv-file-error"/>
                <p id="csv-file-hint" class="form-text">
                    {format!("Un CSV (separatore «;» o «,», come «CSV (separato da punto e virgola)» di Excel) o un foglio di calcolo, con la prima riga dei nomi delle colonne. Un CSV è inviato a parti di {max_rows} righe; un foglio di calcolo intero, fino a {max_rows} righe.")}
                </p>
                <p id="csv-file-error" class="field-error" data-testid="csv-file-error">{move || file_error.get()}</p>
            </div>
            <button type="submit" class="btn btn-primary" data-testid="csv-check"
                disabled=move || matches!(stage.get(), Stage::Checking { .. } | Stage::Applying { .. })>
                "Verifica il file"
            </button>
        </form>
        <div aria-live="polite" class="mt-4">
            {move || match stage.get() {
                Stage::Idle => ().into_any(),
                Stage::Checking { done, of } => view! { <Progress label="Verifica in corso" done of/> }.into_any(),
                Stage::Checked { rows } => {
                    let problems = rows.iter().filter(|r| is_problem(r)).count();
                    let ok = rows.len() - problems;
                    view! {
                        <div class="alert alert-info" role="status" data-testid="csv-checked">
                            {format!("Verifica completata: {} righe, {ok} pronte, {problems} con problemi. Le righe con problemi non saranno elaborate.", rows.len())}
                        </div>
                        <div class="d-flex gap-2 mb-3">
                            <button type="button" class="btn btn-primary" data-testid="csv-confirm"
                                disabled=ok == 0
                                on:click=move |_| apply_from(0, Vec::new())>
                                {confirm_label}
                            </button>
                            <button type="button" class="btn btn-outline-secondary" data-testid="csv-cancel"
                                on:click=move |_| stage.set(Stage::Idle)>"Annulla"</button>
                        </div>
                        <ReportTable rows/>
                    }
                    .into_any()
                }
                Stage::Applying { done, of, .. } => view! { <Progress label="Elaborazione in corso" done of/> }.into_any(),
                Stage::Stopped { at, error, rows } => {
                    let of = parts.with_value(Vec::len);
                    view! {
                        <ErrorAlert testid="csv-stopped"
                            message=format!("Elaborazione interrotta alla parte {} di {of}: {error} Le parti precedenti sono state applicate; riprendendo, nulla sarà applicato due volte.", at + 1)/>
                        <button type="button" class="btn btn-primary" data-testid="csv-resume"
                            on:click={
                                let rows = rows.clone();
                                move |_| apply_from(at, rows.clone())
                            }>"Riprendi"</button>
                        <ReportTable rows/>
                    }
                    .into_any()
                }
                Stage::Done { rows } => {
                    let problems = rows.iter().filter(|r| is_problem(r)).count();
                    view! {
                        <div class="alert alert-success" role="status" data-testid="csv-done">
                            {format!("Elaborazione completata: {} righe, {} elaborate, {problems} con problemi.", rows.len(), rows.len() - problems)}
                        </div>
                        <button type="button" class="btn btn-outline-primary mb-3" data-testid="csv-download"
                            on:click={
                                let rows = rows.clone();
                                move |_| download(&rows)
                            }>"Scarica il resoconto (CSV)"</button>
                        <ReportTable rows/>
                    }
                    .into_any()
                }
            }}
        </div>
    }
}

fn chosen_file() -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = web_sys::window()?
        .document()?
        .get_element_by_id("csv-file")?
        .dyn_into()
        .ok()?;
    input.files()?.get(0)
}

#[component]
fn Progress(label: &'static str, done: usize, of: usize) -> impl IntoView {
    let percent = (done * 100).checked_div(of).unwrap_or(100);
    view! {
        <p>{format!("{label}: parte {} di {of}…", done + 1)}</p>
        <div class="progress" role="progressbar" aria-label=label data-testid="csv-progress"
            aria-valuenow=percent aria-valuemin="0" aria-valuemax="100">
            <div class="progress-bar" style:width=format!("{percent}%")></div>
        </div>
    }
}

/// The rows with problems first, then the others.
#[component]
fn ReportTable(rows: Vec<RowReport>) -> impl IntoView {
    let mut rows = rows;
    rows.sort_by_key(|r| (!is_problem(r), r.riga));
    let body = rows
        .into_iter()
        .map(|row| {
            let (esito, detail) = describe(&row);
            let class = if is_problem(&row) { "table-danger" } else { "" };
            view! {
                <tr class=class data-testid="csv-row">
                    <td>{row.riga}</td>
                    <td data-testid="csv-row-name">{row.nome.clone().unwrap_or_default()}</td>
                    <td>{row.codice_fiscale.clone().unwrap_or_default()}</td>
                    <td data-testid="csv-row-outcome">{esito}</td>
                    <td>{detail}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ScrollTable label="Resoconto riga per riga">
            <table class="table table-sm" data-testid="csv-report">
                <caption>"Resoconto riga per riga (prima le righe con problemi)"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Riga"</th>
                        <th scope="col">"Nome e cognome"</th>
                        <th scope="col">"Codice fiscale"</th>
                        <th scope="col">"Esito"</th>
                        <th scope="col">"Dettaglio"</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </ScrollTable>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_keep_the_header_and_map_rows_back_to_file_lines() {
        let text = "h1;h2\na;1\n\nb;2\nc;3\nd;4\n";
        let parts = split(text, 2).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].body, api::Upload::Csv("h1;h2\na;1\n\nb;2".into()));
        assert_eq!(parts[0].first_line, 2);
        assert_eq!(parts[1].body, api::Upload::Csv("h1;h2\nc;3\nd;4".into()));
        assert_eq!(parts[1].first_line, 5);
        // The server numbers the part's lines from its header (line 1).
        let report = CsvReport::of(
            Mode::DryRun,
            vec![RowReport {
                riga: 3,
                codice_fiscale: None,
                nome: None,
                outcome: RowOutcome::Invariato,
                errori: Vec::new(),
            }],
        );
        assert_eq!(in_file(&parts[1], report)[0].riga, 6);
    }

    #[test]
    fn italian_excel_csv_and_spreadsheets_are_recognised() {
        let parts = parts_of(b"nome;cognome\nNiccol\xF2;Cant\xF9\n".to_vec(), 10).unwrap();
        assert_eq!(
            parts[0].body,
            api::Upload::Csv("nome;cognome\nNiccolò;Cantù".into())
        );
        let xlsx = b"PK\x03\x04 whatever".to_vec();
        let parts = parts_of(xlsx.clone(), 10).unwrap();
        assert_eq!(parts[0].body, api::Upload::Spreadsheet(xlsx));
        assert_eq!(windows_1252(0x80), '€');
    }

    #[test]
    fn empty_files_are_refused_in_italian() {
        assert!(split("", 10).unwrap_err().contains("vuoto"));
        assert!(split("h1;h2\n\n", 10).unwrap_err().contains("righe"));
    }

    #[test]
    fn report_fields_are_quoted_when_needed() {
        assert_eq!(quote("a;b"), "\"a;b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("plain"), "plain");
    }

    #[test]
    fn report_cells_never_start_a_formula() {
        let row = RowReport {
            riga: 2,
            codice_fiscale: Some("=HYPERLINK(\"http://x\";\"y\")".into()),
            nome: Some("@Mario Rossi".into()),
            outcome: RowOutcome::Errore,
            errori: vec![shared::member::FieldError::new(
                "codice_fiscale",
                "Non valido.",
            )],
        };
        assert_eq!(
            report_csv(&[row]),
            "\u{feff}Riga;Codice fiscale;Nome e cognome;Esito;Dettaglio\n\
             2;\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\";'@Mario Rossi;Errore;Codice fiscale: Non valido.\n"
        );
    }
}
