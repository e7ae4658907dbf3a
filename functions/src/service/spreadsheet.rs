//! The CSV files the product writes for people to open in a spreadsheet: `;` as Italian
//! Excel reads it, every cell formula-safe, a BOM so that accents read right.

use shared::csv::{BOM, safe_cell};

use crate::store::StoreError;

pub struct SpreadsheetCsv(csv::Writer<Vec<u8>>);

impl SpreadsheetCsv {
    /// A file with `header` as its first row.
    pub fn new(header: &[&str]) -> Result<Self, StoreError> {
        let mut file = Self(
            csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(Vec::new()),
        );
        file.row(header)?;
        Ok(file)
    }

    pub fn row<C: AsRef<str>>(&mut self, cells: &[C]) -> Result<(), StoreError> {
        self.0
            .write_record(cells.iter().map(|c| safe_cell(c.as_ref()).into_owned()))
            .map_err(|e| StoreError::Encode(e.to_string()))
    }

    /// The file's text.
    pub fn finish(self) -> Result<String, StoreError> {
        let bytes = self
            .0
            .into_inner()
            .map_err(|e| StoreError::Encode(e.to_string()))?;
        let text = String::from_utf8(bytes).expect("CSV of UTF-8 strings");
        Ok(format!("{BOM}{text}"))
    }
}
