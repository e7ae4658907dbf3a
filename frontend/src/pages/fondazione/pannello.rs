//! *Import dal pannello*: the mailboxes that exist today, from the current panel's CSV
//! export, checked first, then taken over in parts of 1,000 rows. Each holder must be in
//! the Albo already; nothing is created at the provider; importing again changes nothing.

use leptos::prelude::*;

use crate::components::csv_upload::CsvUpload;
use crate::components::page::Page;

/// The server's limit of rows per request.
const ROWS_PER_PART: usize = shared::api::PANNELLO_IMPORT_MAX_ROWS;

#[component]
pub fn PannelloImportPage() -> impl IntoView {
    let today = chrono::Local::now().date_naive();
    view! {
        <Page title="Import dal pannello attuale">
        <p class="lead">
            "Le caselle che esistono oggi, dall'export CSV del pannello attuale: "
            <code>"indirizzo;codice_fiscale;piano;scadenza"</code>
            " e, se ci sono, "
            <code>"attivata_il;scadenza_piano;extra_inbox_gb;scadenza_extra_inbox;extra_archivio_gb;scadenza_extra_archivio;contratto;primo_accesso;stato_casella"</code>". "
            "Il piano è base, avanzata, standard o pro: le condizioni STANDARD e PRO del 2022 restano fino alla loro scadenza. "
            "Importa prima l'Albo: ogni titolare deve risultarvi. Le caselle esistono già presso il gestore, che non riceve alcun comando; importare di nuovo lo stesso file non cambia nulla."
        </p>
        <CsvUpload
            path="/api/fondazione/pannello/import".to_owned()
            max_rows=ROWS_PER_PART
            report_name=format!("import-pannello-{today}.csv")
            confirm_label="Importa le caselle"/>
        </Page>
    }
}
