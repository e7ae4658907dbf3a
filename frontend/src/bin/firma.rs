//! The signature pre-check, a module of its own: the member area loads it only when a
//! holder uploads a signed file, so the verifier (most of this module's size) is not part
//! of any area's first load. It tells the refusals that need neither the trust store nor
//! the issued documents before the file is sent; the server decides the rest.

use chrono::DateTime;
use shared::codice_fiscale::CodiceFiscale;
use wasm_bindgen::prelude::wasm_bindgen;

/// Why `file` would be refused for the holder `codice_fiscale` at `now_ms` (milliseconds
/// since the epoch), in Italian; `None` when it is worth sending.
#[wasm_bindgen]
pub fn precheck(file: &[u8], codice_fiscale: &str, now_ms: f64) -> Option<String> {
    let titolare = CodiceFiscale::parse(codice_fiscale).ok()?;
    let now = DateTime::from_timestamp_millis(now_ms as i64)?;
    shared::firma::precheck(file, &titolare, now).map(|rifiuto| rifiuto.to_string())
}

fn main() {}
