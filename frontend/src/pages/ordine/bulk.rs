//! *Attivazione massiva*: the secretariat activates mailboxes from a CSV in the Modello
//! Anagrafiche columns, checked first, then applied in parts of 1,000 rows.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::components::csv_upload::CsvUpload;
use crate::components::page::Page;
use crate::session::SessionContext;

/// The server's limit of rows per request.
const ROWS_PER_PART: usize = shared::api::BULK_ACTIVATION_MAX_ROWS;

#[component]
pub fn BulkActivationPage() -> impl IntoView {
    let ordine = SessionContext::get()
        .0
        .get_untracked()
        .and_then(|s| s.caller.ordine);
    let Some(ordine) = ordine else {
        return view! { <Redirect path="/accesso"/> }.into_any();
    };
    let today = chrono::Local::now().date_naive();
    view! {
        <Page title="Attivazione massiva">
        <p class="lead">
            "Carica un file CSV con le colonne del Modello Anagrafiche: "
            <code>"nome;cognome;codice_fiscale;indirizzo;comune;provincia;cap;email;telefono"</code>". "
            "Prima verifichiamo ogni riga senza attivare nulla; poi, se confermi, attiviamo le caselle degli iscritti del tuo Ordine."
        </p>
        <CsvUpload
            path=format!("/api/ordini/{ordine}/activations/bulk")
            max_rows=ROWS_PER_PART
            report_name=format!("attivazioni-{ordine}-{today}.csv")
            confirm_label="Attiva le caselle"/>
        </Page>
    }
    .into_any()
}
