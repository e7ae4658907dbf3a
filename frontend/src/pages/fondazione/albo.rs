//! *Import dall'Albo*: the Albo Unico's CSV, checked first, then applied in parts of
//! 5,000 rows (Fondazione and the Albo's operators).

use leptos::prelude::*;

use crate::components::csv_upload::CsvUpload;
use crate::components::page::Page;

/// The server's limit of rows per request.
const ROWS_PER_PART: usize = shared::api::ALBO_IMPORT_MAX_ROWS;

#[component]
pub fn AlboImportPage() -> impl IntoView {
    let today = chrono::Local::now().date_naive();
    view! {
        <Page title="Import dall'Albo">
        <p class="lead">
            "Il file dell'Albo Unico: le colonne del Modello Anagrafiche più "
            <code>"ordine;numero_iscrizione;stato;data_stato;causa;domicilio_digitale"</code>". "
            "Importare di nuovo le stesse righe non cambia nulla."
        </p>
        <CsvUpload
            path="/api/albo/import".to_owned()
            max_rows=ROWS_PER_PART
            report_name=format!("import-albo-{today}.csv")
            confirm_label="Importa"/>
        </Page>
    }
}
