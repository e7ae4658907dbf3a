//! The choice of an Ordine, by its province, as a form field with its error.

use leptos::prelude::*;
use shared::province::OrdineCode;

/// The field `ordine`: every Ordine by its province; `value` holds the sigla chosen.
#[component]
pub fn OrdineSelect(
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let ordini = OrdineCode::all()
        .map(|o| {
            let code = o.to_string();
            view! { <option value=code.clone()>{format!("{} ({code})", o.provincia().nome)}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for="ordine">{label}</label>
            <select id="ordine" class="form-select" data-testid="ordine"
                aria-describedby="ordine-error"
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=move || value.get()
                on:change:target=move |ev| value.set(ev.target().value())>
                <option value="">"Scegli l'Ordine…"</option>
                {ordini}
            </select>
            <p id="ordine-error" class="field-error" data-testid="ordine-error">{move || error.get()}</p>
        </div>
    }
}
