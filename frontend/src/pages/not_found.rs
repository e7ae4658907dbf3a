use leptos::prelude::*;
use shared::ui::path;

use crate::components::page::Page;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Page title="Pagina non trovata">
            <p>"L'indirizzo richiesto non esiste. " <a href=path::HOME rel="external">"Torna alla pagina iniziale"</a>"."</p>
        </Page>
    }
}
