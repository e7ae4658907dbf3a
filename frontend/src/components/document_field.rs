//! A document sent from a public page (an identity document, a death certificate): the
//! file input with its error tied to it, and the chosen file read, refused here if it is
//! missing or over the limit (the server checks the content).

use leptos::prelude::*;
use shared::documento::DOCUMENTO_MAX_BYTES;
use wasm_bindgen::JsCast;

/// A file input `id` for a PDF, JPEG or PNG, with `error` under it.
#[component]
pub fn DocumentField(
    id: &'static str,
    label: &'static str,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="file" class="form-control" data-testid=id
                accept="application/pdf,image/jpeg,image/png"
                aria-describedby=error_id.clone()
                aria-invalid=move || error.get().is_some().to_string()/>
            <p id=error_id.clone() class="field-error" data-testid=error_id>{move || error.get()}</p>
        </div>
    }
}

/// The bytes of the file chosen in the input `id`; `missing` says what to attach when
/// none is.
pub async fn chosen_document(id: &str, missing: &str) -> Result<Vec<u8>, String> {
    let file = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
        .ok_or_else(|| missing.to_owned())?;
    if file.size() as usize > DOCUMENTO_MAX_BYTES {
        return Err(format!(
            "Il file supera gli {} MB: invia una scansione o una foto più leggera.",
            DOCUMENTO_MAX_BYTES / 1024 / 1024
        ));
    }
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "Impossibile leggere il file scelto.".to_owned())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
