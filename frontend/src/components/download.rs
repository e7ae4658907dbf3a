//! Saving text the app holds (a CSV report, an export) as a file on the person's computer.

use wasm_bindgen::JsCast;

/// Offers `text` for download as `filename` (UTF-8). Returns false when the browser
/// refused.
pub fn save_text(filename: &str, mime: &str, text: &str) -> bool {
    save(filename, mime, &wasm_bindgen::JsValue::from_str(text)).is_some()
}

/// Offers `bytes` as they are (a file the server made, its BOM included: reading it as
/// text would drop the BOM, and Excel would read the accents wrong).
pub fn save_bytes(filename: &str, mime: &str, bytes: &[u8]) -> bool {
    save(filename, mime, &js_sys::Uint8Array::from(bytes)).is_some()
}

fn save(filename: &str, mime: &str, content: &wasm_bindgen::JsValue) -> Option<()> {
    let parts = js_sys::Array::of1(content);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_buffer_source_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Some(())
}
