//! The signature pre-check of a file before it is sent: the `firma` module (see
//! `src/bin/firma.rs`), imported on first use through the boot module's `pecImport`, so
//! that no area's first load carries the verifier.

use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why `file` would be refused for the holder `codice_fiscale`, in Italian; `None` when
/// it is worth sending, or when the module cannot be loaded (the server decides anyway).
pub async fn refusal(file: &[u8], codice_fiscale: &str) -> Option<String> {
    match run(file, codice_fiscale).await {
        Ok(answer) => answer,
        Err(err) => {
            leptos::logging::warn!("pre-check unavailable: {err:?}");
            None
        }
    }
}

async fn run(file: &[u8], codice_fiscale: &str) -> Result<Option<String>, JsValue> {
    let import: Function = Reflect::get(&js_sys::global(), &"pecImport".into())?.dyn_into()?;
    let loading: Promise = import.call1(&JsValue::NULL, &"firma".into())?.dyn_into()?;
    let module = JsFuture::from(loading).await?;
    // wasm-bindgen's initialiser: it fetches the module's wasm once.
    let init: Function = Reflect::get(&module, &"default".into())?.dyn_into()?;
    let ready: Promise = init.call0(&JsValue::NULL)?.dyn_into()?;
    JsFuture::from(ready).await?;
    let precheck: Function = Reflect::get(&module, &"precheck".into())?.dyn_into()?;
    let answer = precheck.call3(
        &JsValue::NULL,
        &Uint8Array::from(file),
        &codice_fiscale.into(),
        &js_sys::Date::now().into(),
    )?;
    Ok(answer.as_string())
}
