//! Form fields as people with any means use them: a label, the error under the field and
//! tied to it (`aria-describedby`), the field marked `aria-invalid`, and after a refused
//! submit the focus on the first field in error.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::ClientError;

/// The message for `field` in `error`, if the error is about it.
pub fn field_error(
    error: Signal<Option<ClientError>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        error
            .get()
            .filter(|e| e.field() == Some(field))
            .map(|e| e.to_string())
    })
}

/// Moves the focus to the first field marked invalid, after the page has drawn it.
pub fn focus_first_error() {
    leptos::task::spawn_local(async {
        crate::api::sleep(0).await;
        let first = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[aria-invalid=\"true\"]").ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(field) = first {
            let _ = field.focus();
        }
    });
}

/// After a refused save: the focus on the first field in error.
pub fn focus_errors_of<T: Clone + Send + Sync + 'static>(
    save: Action<T, Result<impl Clone + Send + Sync + 'static, ClientError>>,
) {
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Err(ref e)) if e.field().is_some()) {
            focus_first_error();
        }
    });
}

/// A labelled input bound to `value`.
#[component]
pub fn Field(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    #[prop(optional)] autocomplete: &'static str,
    /// The input's type (`text` when not given).
    #[prop(optional)]
    kind: &'static str,
    /// The on-screen keyboard a phone shows (`numeric` for digits).
    #[prop(optional)]
    inputmode: &'static str,
    /// What the field accepts, under its label.
    #[prop(optional, into)]
    hint: Option<Signal<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = match hint {
        Some(_) => format!("{hint_id} {error_id}"),
        None => error_id.clone(),
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p id=hint_id.clone() class="hint field-hint" data-testid=hint_id.clone()>{move || hint.get()}</p> })}
            <input id=id name=id type=if kind.is_empty() { "text" } else { kind }
                autocomplete=if autocomplete.is_empty() { "off" } else { autocomplete }
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                data-testid=id aria-describedby=described_by
                aria-invalid=move || error.get().is_some().to_string()
                class:is-invalid=move || error.get().is_some()
                prop:value=move || value.get()
                on:input:target=move |ev| value.set(ev.target().value())/>
            <p id=error_id class="field-error" data-testid=format!("{id}-error")>{move || error.get()}</p>
        </div>
    }
}
