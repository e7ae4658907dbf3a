//! *Assistenza*: where to write, by ordinary email, and what to put in the message; how to
//! report a suspicious renewal email (with the sender check). From the Fondazione's own
//! notices (seeds 000, 001, 003).

use leptos::prelude::*;
use shared::ui::path;

use crate::components::page::Page;

/// The Fondazione's assistance address for the PEC convention.
const ASSISTENZA_PEC: &str = "assistenzapec@fondazionecni.it";
/// The Fondazione's address for the digital-signature convention.
const ASSISTENZA_FIRMA: &str = "assistenzapec@fondazionecni.org";

#[component]
pub fn AssistancePage() -> impl IntoView {
    let mailto = |address: &str, subject: &str| format!("mailto:{address}?subject={subject}");
    view! {
        <Page title="Assistenza">
            <p class="lead">
                "Per ogni richiesta sulla casella @ingpec.eu scrivi alla Fondazione CNI con una e-mail ordinaria, non con la PEC: i messaggi PEC a questo indirizzo non vengono letti."
            </p>
            <h2>"Casella PEC @ingpec.eu"</h2>
            <p>
                "Scrivi a "
                <a href=mailto(ASSISTENZA_PEC, "Assistenza%20casella%20PEC") data-testid="assistance-pec">{ASSISTENZA_PEC}</a>
                ". Nel messaggio indica:"
            </p>
            <ul>
                <li>"nome, cognome e codice fiscale del titolare;"</li>
                <li>"l'Ordine e il numero di iscrizione;"</li>
                <li>"l'indirizzo della casella (nome.cognome@ingpec.eu);"</li>
                <li>"che cosa è successo, con la data, e il testo di eventuali messaggi di errore."</li>
            </ul>
            <p><strong>"Non scrivere mai la password"</strong>": la Fondazione non te la chiederà. Per recuperarla usa l'e-mail e il cellulare di recupero che imposti nella tua area riservata."</p>
            <p>"Da questo portale puoi già: aggiornare i tuoi dati, acquistare e rinnovare spazio o PEC Avanzata, firmare il contratto, chiedere la disdetta della casella."</p>
            <p>
                "Non hai ancora una casella @ingpec.eu? "
                <a href=path::RICHIESTA_PEC rel="external" data-testid="assistance-request">"Chiedila al tuo Ordine"</a>
                "."
            </p>
            <h2>"Decesso di un titolare"</h2>
            <p>
                "Quando l'Albo registra il decesso la casella non viene più rinnovata. Un erede può chiederne la chiusura immediata con il certificato di morte e il proprio documento d'identità: "
                <a href=path::DISDETTA_EREDI rel="external" data-testid="assistance-heirs">"Disdetta per gli eredi"</a>
                ". Per ogni dubbio scrivi a "
                <a href=mailto(ASSISTENZA_PEC, "Decesso%20del%20titolare")>{ASSISTENZA_PEC}</a>
                "."
            </p>
            <h2>"Firma digitale in convenzione (CNSCNI18, FRCNI25)"</h2>
            <p>
                "Per dubbi sulla convenzione scrivi (non via PEC) a "
                <a href=mailto(ASSISTENZA_FIRMA, "Convenzione%20firma%20digitale")>{ASSISTENZA_FIRMA}</a>
                "; per l'assistenza tecnica apri un ticket presso Aruba indicando il codice della convenzione."
            </p>
            <h2 id="sospetti">"Hai ricevuto una e-mail sospetta sui rinnovi?"</h2>
            <p>
                "Le comunicazioni sui rinnovi arrivano solo da indirizzi @fondazionecni.it, @fondazionecni.org e @ingpec.eu: ogni altro mittente è spam. Non aprire allegati e non pagare da link contenuti nel messaggio."
            </p>
            <p>
                <a href=path::VERIFICA_MITTENTE rel="external" class="btn btn-primary" data-testid="assistance-sender-check">"Verifica il mittente"</a>
                " "
                <a href=mailto(ASSISTENZA_PEC, "Segnalazione%20e-mail%20sospetta%20sui%20rinnovi") class="btn btn-outline-primary" data-testid="assistance-report">"Segnala il messaggio alla Fondazione"</a>
            </p>
            <p class="small">"Nella segnalazione inoltra il messaggio come allegato (così restano le intestazioni) e indica la tua casella."</p>
        </Page>
    }
}
