//! The first sheet of a spreadsheet (`.xlsx`, `.ods`) as a table of text, read with
//! calamine. Nothing is ever laid out whole: a sheet with one value in A1 and another in
//! XFD1048576 is a few kB, and a grid from the one to the other would not fit in memory.
//! So an `.xlsx` is read cell by cell, keeping only the cells with a value; an `.ods`,
//! which calamine lays out whole, is measured first from its XML. A zip whose contents
//! would inflate past a limit is refused before anything is decompressed. The legacy
//! `.xls` is refused with a word on how to save it: its reader lays the sheet out whole
//! too, and it can not be measured first.

use std::collections::BTreeMap;
use std::io::{BufReader, Cursor, Read, Seek};

use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};
use quick_xml::events::{BytesStart, Event};

use super::{CsvError, Table};

/// The most columns a sheet may use: the Modello Anagrafiche has 9, the Albo's file 14.
const MAX_COLUMNS: u32 = 256;

/// The most cells an `.ods` sheet may span, blank ones included, as calamine lays it out
/// (about 32 MB): 5,000 rows of the Albo's 14 columns are 70,000.
const MAX_ODS_CELLS: u64 = 1_000_000;

/// Refuses a zip (xlsx, ods) that inflates past `max` bytes, or holds more entries than a
/// spreadsheet has. It inflates into nothing, counting, and stops at the limit: declared
/// sizes may lie.
fn check_inflated_size(bytes: &[u8], max: u64) -> Result<(), CsvError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| CsvError::Spreadsheet)?;
    if archive.len() > 10_000 {
        return Err(CsvError::Spreadsheet);
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|_| CsvError::Spreadsheet)?;
        let mut limited = Read::take(entry, max - total + 1);
        total +=
            std::io::copy(&mut limited, &mut std::io::sink()).map_err(|_| CsvError::Spreadsheet)?;
        if total > max {
            return Err(CsvError::SpreadsheetTooLarge { max });
        }
    }
    Ok(())
}

/// A repeat count of an ODS row or cell (1 when absent).
fn repeats(element: &BytesStart, attribute: &str) -> u64 {
    element
        .try_get_attribute(attribute)
        .ok()
        .flatten()
        .and_then(|a| a.value.trim().parse().ok())
        .unwrap_or(1)
}

/// Refuses an `.ods` any of whose sheets spans more than `MAX_ODS_CELLS` from its first
/// row with a value to its last, and to its widest column with one: what calamine would
/// lay out. Repeated rows and cells (`number-rows-repeated`) count as many times as they
/// repeat; the blank ones LibreOffice writes at a sheet's end count for nothing.
fn check_ods_extent<R: Read + Seek>(archive: &mut zip::ZipArchive<R>) -> Result<(), CsvError> {
    let content = archive
        .by_name("content.xml")
        .map_err(|_| CsvError::Spreadsheet)?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    // Per sheet: the row and column now, the row's repeat, whether it has a value, the
    // first and last rows with a value, the widest column with one.
    let (mut row, mut col, mut row_repeat, mut row_has_value) = (0u64, 0u64, 1u64, false);
    let (mut first, mut last, mut widest) = (None::<u64>, 0u64, 0u64);
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|_| CsvError::Spreadsheet)?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let has_children = matches!(event, Event::Start(_));
                match e.name().as_ref() {
                    "table:table" => {
                        (row, first, last, widest) = (0, None, 0, 0);
                    }
                    "table:table-row" => {
                        (col, row_repeat, row_has_value) =
                            (0, repeats(e, "table:number-rows-repeated"), false);
                        if !has_children {
                            row = row.saturating_add(row_repeat);
                        }
                    }
                    "table:table-cell" | "table:covered-table-cell" => {
                        let count = repeats(e, "table:number-columns-repeated");
                        let valued = has_children
                            || matches!(e.try_get_attribute("office:value-type"), Ok(Some(_)));
                        col = col.saturating_add(count);
                        if valued {
                            row_has_value = true;
                            widest = widest.max(col);
                        }
                    }
                    _ => {}
                }
            }
            Event::End(ref e) => match e.name().as_ref() {
                "table:table-row" => {
                    if row_has_value {
                        first.get_or_insert(row);
                        last = row.saturating_add(row_repeat - 1);
                    }
                    row = row.saturating_add(row_repeat);
                }
                "table:table" => {
                    if let Some(first) = first {
                        let cells = (last - first + 1).saturating_mul(widest);
                        if cells > MAX_ODS_CELLS || widest > u64::from(MAX_COLUMNS) {
                            return Err(CsvError::SheetTooWide);
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// The cells with a value of the first sheet: (row, column) → text.
type Cells = BTreeMap<(u32, u32), String>;

fn xlsx_cells<R: Read + Seek>(book: &mut calamine::Xlsx<R>) -> Result<Cells, CsvError> {
    let name = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or(CsvError::Empty)?;
    let mut reader = book
        .worksheet_cells_reader(&name)
        .map_err(|_| CsvError::Spreadsheet)?;
    let mut cells = Cells::new();
    while let Some(cell) = reader.next_cell().map_err(|_| CsvError::Spreadsheet)? {
        let value = text(&Data::from(cell.get_value().clone()));
        if value.trim().is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        if col >= MAX_COLUMNS {
            return Err(CsvError::SheetTooWide);
        }
        cells.insert((row, col), value);
    }
    Ok(cells)
}

fn ods_cells<R: Read + Seek>(book: &mut calamine::Ods<R>) -> Result<Cells, CsvError> {
    let range = book
        .worksheet_range_at(0)
        .ok_or(CsvError::Empty)?
        .map_err(|_| CsvError::Spreadsheet)?;
    Ok(range
        .used_cells()
        .map(|(row, col, cell)| {
            let (first_row, first_col) = range.start().unwrap_or((0, 0));
            ((first_row + row as u32, first_col + col as u32), text(cell))
        })
        .filter(|(_, value)| !value.trim().is_empty())
        .collect())
}

pub fn first_sheet(bytes: &[u8], max_inflated: u64) -> Result<Table, CsvError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(CsvError::LegacyXls);
    }
    check_inflated_size(bytes, max_inflated)?;
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| CsvError::Spreadsheet)?;
    if archive.index_for_name("content.xml").is_some() {
        check_ods_extent(&mut archive)?;
    }
    let cells = match open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(Sheets::Xlsx(mut book)) => xlsx_cells(&mut book)?,
        Ok(Sheets::Ods(mut book)) => ods_cells(&mut book)?,
        // .xlsb lays its sheets out whole too; Excel saves .xlsx by default.
        Ok(_) | Err(_) => return Err(CsvError::Spreadsheet),
    };
    table(cells)
}

/// The table of the sheet's rows that have values: the first one is the header; each row
/// keeps the sheet's own row number, as the person sees it.
fn table(cells: Cells) -> Result<Table, CsvError> {
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for ((row, col), value) in cells {
        let cells = rows.entry(row).or_default();
        cells.resize(cells.len().max(col as usize + 1), String::new());
        cells[col as usize] = value;
    }
    let mut rows = rows
        .into_iter()
        .map(|(row, cells)| (row as usize + 1, cells));
    let (_, headers) = rows.next().ok_or(CsvError::NoHeader)?;
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
        ods_of(&body)
    }

    /// An .ods whose one sheet is `body` (its rows, as XML).
    pub fn ods_of(body: &str) -> Vec<u8> {
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

    #[test]
    fn a_stray_cell_far_away_is_read_as_one_cell_or_refused() {
        // One value at row 1,048,576 and the header: two rows, no grid between them.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "nome").unwrap();
        sheet.write_string(0, 1, "codice_fiscale").unwrap();
        sheet
            .write_string(1_048_575, 1, "RSSMRA80A01F205X")
            .unwrap();
        let far_down = book.save_to_buffer().unwrap();
        let rows = upload::read(&far_down, &["nome", "codice_fiscale"], 10).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 1_048_576);
        assert_eq!(rows[0].get("codice_fiscale"), "RSSMRA80A01F205X");

        // A value in XFD1048576: far wider than any Modello.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "nome").unwrap();
        sheet.write_string(1_048_575, 16_383, "x").unwrap();
        let far_right = book.save_to_buffer().unwrap();
        assert_eq!(
            upload::read(&far_right, &["nome"], 10).err(),
            Some(CsvError::SheetTooWide)
        );
    }

    #[test]
    fn an_ods_that_would_lay_out_millions_of_cells_is_refused_before_it_is_read() {
        let cell =
            r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;
        // A row with a value, repeated two million times: a few hundred bytes.
        let repeated = ods_of(&format!(
            r#"<table:table-row>{cell}</table:table-row><table:table-row table:number-rows-repeated="2000000">{cell}</table:table-row>"#
        ));
        assert_eq!(
            upload::read(&repeated, &["x"], 10).err(),
            Some(CsvError::SheetTooWide)
        );
        // A value in A1 and one a million rows below.
        let apart = ods_of(&format!(
            r#"<table:table-row>{cell}</table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="3"/></table:table-row><table:table-row><table:table-cell/>{cell}</table:table-row>"#
        ));
        assert_eq!(
            upload::read(&apart, &["x"], 10).err(),
            Some(CsvError::SheetTooWide)
        );
        // What LibreOffice writes after the last row and column counts for nothing.
        let trailing = ods_of(&format!(
            r#"<table:table-row>{cell}<table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row>{cell}<table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#
        ));
        assert_eq!(upload::read(&trailing, &["x"], 10).unwrap().len(), 1);
    }

    #[test]
    fn a_legacy_xls_is_refused_with_how_to_save_it() {
        let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        xls.resize(4096, 0);
        let refused = upload::read(&xls, &["nome"], 10).err();
        assert_eq!(refused, Some(CsvError::LegacyXls));
        assert!(refused.unwrap().to_string().contains(".xlsx"));
    }
}
