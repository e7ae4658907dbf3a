//! The first sheet of a spreadsheet (`.xlsx`, `.ods`, `.xls`) as a table of text, read with
//! calamine. A zip whose contents would inflate past a limit is refused before anything is
//! decompressed.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use super::{CsvError, Table};

/// Refuses a zip (xlsx, ods) that inflates past `max` bytes, or holds more entries than a
/// spreadsheet has. It inflates into nothing, counting, and stops at the limit: declared
/// sizes may lie.
fn check_inflated_size(bytes: &[u8], max: u64) -> Result<(), CsvError> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(());
    }
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| CsvError::Spreadsheet)?;
    if archive.len() > 10_000 {
        return Err(CsvError::Spreadsheet);
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|_| CsvError::Spreadsheet)?;
        let mut limited = std::io::Read::take(entry, max - total + 1);
        total +=
            std::io::copy(&mut limited, &mut std::io::sink()).map_err(|_| CsvError::Spreadsheet)?;
        if total > max {
            return Err(CsvError::SpreadsheetTooLarge { max });
        }
    }
    Ok(())
}

pub fn first_sheet(bytes: &[u8], max_inflated: u64) -> Result<Table, CsvError> {
    check_inflated_size(bytes, max_inflated)?;
    let mut workbook =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| CsvError::Spreadsheet)?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(CsvError::Empty)?
        .map_err(|_| CsvError::Spreadsheet)?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows().enumerate().map(|(i, cells)| {
        // The sheet's own row number, as the person sees it.
        let line = first_row as usize + i + 1;
        (line, cells.iter().map(text).collect::<Vec<_>>())
    });
    let (_, headers) = rows
        .by_ref()
        .find(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .ok_or(CsvError::NoHeader)?;
    let mut table = Table {
        headers,
        rows: rows.collect(),
    };
    // A postal code typed as a number loses its leading zeros: 185 is 00185.
    if let Some(cap) = table
        .headers
        .iter()
        .position(|h| shared::text::fold_letters(h) == "cap")
    {
        for (_, cells) in &mut table.rows {
            if let Some(cell) = cells.get_mut(cap)
                && !cell.is_empty()
                && cell.len() < 5
                && cell.bytes().all(|b| b.is_ascii_digit())
            {
                *cell = format!("{cell:0>5}");
            }
        }
    }
    Ok(table)
}

/// A cell as the person reads it: numbers without a spurious `.0`, dates as GG/MM/AAAA.
fn text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_else(|| cell.to_string()),
        Data::Error(_) => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::io::Write;

    use super::*;
    use crate::service::upload;

    /// An .xlsx as Excel writes it: the Modello Anagrafiche with a numeric CAP.
    pub fn xlsx(rows: &[[&str; 4]]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, header) in ["Nome", "Cognome", "Codice fiscale", "CAP"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, c as u16, *header).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            sheet.write_string(r, 0, row[0]).unwrap();
            sheet.write_string(r, 1, row[1]).unwrap();
            sheet.write_string(r, 2, row[2]).unwrap();
            sheet
                .write_number(r, 3, row[3].parse::<f64>().unwrap())
                .unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    /// A zip with `entries` (name, content), stored or deflated.
    pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in entries {
            out.start_file(*name, options).unwrap();
            out.write_all(content).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    /// An .ods as LibreOffice lays it out, one sheet.
    pub fn ods(rows: &[&[&str]]) -> Vec<u8> {
        let cells = |row: &[&str]| {
            row.iter()
                .map(|c| {
                    format!(r#"<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>"#)
                })
                .collect::<String>()
        };
        let body: String = rows
            .iter()
            .map(|r| format!("<table:table-row>{}</table:table-row>", cells(r)))
            .collect();
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Foglio1">{body}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
        zip(&[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("content.xml", content.as_bytes()),
            ("META-INF/manifest.xml", manifest.as_bytes()),
        ])
    }

    #[test]
    fn an_xlsx_is_read_with_its_row_numbers_and_zip_codes() {
        let file = xlsx(&[
            ["Niccolò", "Cantù", "CNTNCL80A01F205X", "185"],
            ["Anna", "D'Angelo", "DNGNNA80A41F205X", "20121"],
        ]);
        let rows = upload::read(&file, &["nome", "codice_fiscale"], 10).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].line, rows[1].line), (2, 3));
        assert_eq!(rows[0].get("nome"), "Niccolò");
        assert_eq!(rows[0].get("cap"), "00185", "a number keeps its zeros");
        assert_eq!(rows[1].get("cognome"), "D'Angelo");
    }

    #[test]
    fn an_ods_is_read_too() {
        let file = ods(&[
            &["nome", "cognome", "codice_fiscale"],
            &["Maria Grazia", "De Santis", "DSNMGR80A41F205X"],
        ]);
        let rows = upload::read(&file, &["nome", "codice_fiscale"], 10).unwrap();
        assert_eq!(rows[0].get("nome"), "Maria Grazia");
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn a_zip_bomb_or_a_broken_spreadsheet_is_refused() {
        // 200 MB of zeros deflate to about 200 kB.
        let zeros = vec![0u8; 200 * 1024 * 1024];
        let bomb = zip(&[("xl/worksheets/sheet1.xml", &zeros)]);
        assert!(bomb.len() < upload::CSV_MAX_BYTES);
        assert!(matches!(
            upload::read(&bomb, &["nome"], 10),
            Err(CsvError::SpreadsheetTooLarge { .. })
        ));
        let not_a_sheet = zip(&[("hello.txt", b"ciao")]);
        assert_eq!(
            upload::read(&not_a_sheet, &["nome"], 10).err(),
            Some(CsvError::Spreadsheet)
        );
        let truncated = &xlsx(&[["A", "B", "C", "1"]])[..200];
        assert_eq!(
            upload::read(truncated, &["nome"], 10).err(),
            Some(CsvError::Spreadsheet)
        );
    }
}
