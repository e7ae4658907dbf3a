//! *Richiedi la PEC*: an engineer registered in an Ordine (or registering now) without an
//! ingpec.eu mailbox asks his Ordine for one: the Modello Anagrafiche data, the Ordine,
//! and his identity document. The document goes straight to the file store; the form
//! names it. The answer says when it was filed and where the outcome will arrive.

use leptos::prelude::*;
use shared::api::{RichiestaAttivazioneForm, RichiestaRicevuta};
use shared::member::AnagraficaInput;

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::document_field::{DocumentField, chosen_document};
use crate::components::form::{Field, field_error, focus_errors_of, focus_first_error};
use crate::components::ordine_select::OrdineSelect;
use crate::components::page::Page;
use crate::format;

/// What the form sends: the fields, and the chosen document's bytes.
#[derive(Clone)]
struct Filed {
    form: RichiestaAttivazioneForm,
    document: Vec<u8>,
}

const MISSING: &str = "Allega il documento d'identità: un PDF o una foto JPEG o PNG.";

#[component]
pub fn RequestPage() -> impl IntoView {
    let field = || RwSignal::new(String::new());
    let (nome, cognome, codice_fiscale) = (field(), field(), field());
    let (indirizzo, comune, provincia, cap) = (field(), field(), field(), field());
    let (email, telefono, ordine) = (field(), field(), field());
    let pre_iscrizione = RwSignal::new(false);
    let informativa = RwSignal::new(false);
    let document_error = RwSignal::new(None::<String>);
    let send = Action::new_local(|filed: &Filed| {
        let Filed { mut form, document } = filed.clone();
        async move {
            form.documento = api::send_document(&form.anagrafica.codice_fiscale, document).await?;
            api::request_activation(&form).await
        }
    });
    let errors = Signal::derive(move || send.value().get().and_then(Result::err));
    focus_errors_of(send);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        document_error.set(None);
        let form = RichiestaAttivazioneForm {
            ordine: ordine.get_untracked(),
            anagrafica: AnagraficaInput {
                nome: nome.get_untracked(),
                cognome: cognome.get_untracked(),
                codice_fiscale: codice_fiscale.get_untracked(),
                indirizzo: indirizzo.get_untracked(),
                comune: comune.get_untracked(),
                provincia: provincia.get_untracked(),
                cap: cap.get_untracked(),
                email: email.get_untracked(),
                telefono: telefono.get_untracked(),
            },
            pre_iscrizione: pre_iscrizione.get_untracked(),
            documento: String::new(),
            informativa_accettata: informativa.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match chosen_document("documento", MISSING).await {
                Ok(document) => {
                    send.dispatch(Filed { form, document });
                }
                Err(message) => {
                    document_error.set(Some(message));
                    focus_first_error();
                }
            }
        });
    };
    let error = move |name: &'static str| field_error(errors, name);
    let document_message =
        Signal::derive(move || document_error.get().or_else(|| error("documento").get()));
    let informativa_error = error("informativa_accettata");
    let ordine_error = error("ordine");
    view! {
        <Page title="Richiedi la PEC">
        <p class="lead">
            "Se sei iscritto a un Ordine degli Ingegneri, o ti stai iscrivendo, e non hai una casella @ingpec.eu, chiedila qui al tuo Ordine: è gratuita. La segreteria controlla i tuoi dati con l'Albo e il documento d'identità, e ti scrive all'email che indichi."
        </p>
        <Show when=move || !matches!(send.value().get(), Some(Ok(_))) fallback=move || {
            send.value().get().and_then(Result::ok).map(|r| view! { <Received receipt=r/> })
        }>
        <form class="profile-form" on:submit=submit novalidate data-testid="request-form">
            <OrdineSelect label="Ordine" value=ordine error=ordine_error/>
            <Field id="nome" label="Nome" value=nome error=error("nome") autocomplete="given-name"/>
            <Field id="cognome" label="Cognome" value=cognome error=error("cognome") autocomplete="family-name"/>
            <Field id="codice_fiscale" label="Codice fiscale" value=codice_fiscale error=error("codice_fiscale")/>
            <Field id="indirizzo" label="Indirizzo di residenza" value=indirizzo error=error("indirizzo") autocomplete="street-address"/>
            <Field id="comune" label="Comune" value=comune error=error("comune") autocomplete="address-level2"/>
            <Field id="provincia" label="Provincia (sigla)" value=provincia error=error("provincia")/>
            <Field id="cap" label="CAP" value=cap error=error("cap") autocomplete="postal-code" inputmode="numeric"/>
            <Field id="email" label="Email ordinaria (riceverai qui l'esito)" value=email error=error("email") autocomplete="email" kind="email"/>
            <Field id="telefono" label="Telefono (facoltativo)" value=telefono error=error("telefono") autocomplete="tel" kind="tel"/>
            <div class="form-check my-3">
                <input id="pre_iscrizione" type="checkbox" class="form-check-input" data-testid="pre_iscrizione"
                    prop:checked=move || pre_iscrizione.get()
                    on:change:target=move |ev| pre_iscrizione.set(ev.target().checked())/>
                <label for="pre_iscrizione" class="form-check-label">"Mi sto iscrivendo ora: l'Albo potrebbe non riportarmi ancora"</label>
            </div>
            <DocumentField id="documento" label="Documento d'identità (PDF, JPEG o PNG, al massimo 8 MB)" error=document_message/>
            <div class="form-check my-3">
                <input id="informativa_accettata" type="checkbox" class="form-check-input" data-testid="informativa_accettata"
                    aria-describedby="informativa_accettata-error"
                    aria-invalid=move || informativa_error.get().is_some().to_string()
                    prop:checked=move || informativa.get()
                    on:change:target=move |ev| informativa.set(ev.target().checked())/>
                <label for="informativa_accettata" class="form-check-label">
                    "Ho letto l'informativa: i miei dati e il documento servono solo all'Ordine per attivare la casella e sono conservati al più un anno."
                </label>
                <p id="informativa_accettata-error" class="field-error" data-testid="informativa_accettata-error">{move || informativa_error.get()}</p>
            </div>
            <button type="submit" class="btn btn-primary" data-testid="request-submit" disabled=move || send.pending().get()>
                {move || if send.pending().get() { "Invio…" } else { "Invia la richiesta" }}
            </button>
            <div aria-live="polite">
                {move || send.value().get().and_then(Result::err).filter(|e| e.field().is_none()).map(|err: ClientError| view! {
                    <ErrorAlert message=err.to_string() testid="request-error"/>
                })}
            </div>
        </form>
        </Show>
        </Page>
    }
}

#[component]
fn Received(receipt: RichiestaRicevuta) -> impl IntoView {
    view! {
        <div class="alert alert-success" role="status" data-testid="request-received">
            <p class="mb-1"><strong>"Richiesta inviata."</strong></p>
            <p class="mb-0">{format!(
                "L'{} l'ha ricevuta il {}. Riceverai l'esito a {}, dove di solito arriva subito anche una conferma della richiesta: se non la trovi, guarda nella posta indesiderata; se l'indirizzo è sbagliato, avvisa la segreteria dell'Ordine. Se la casella viene attivata, il gestore ti manderà le credenziali per il primo accesso.",
                receipt.ordine.nome(),
                format::date(format::italian_day(receipt.presentata_il)),
                receipt.email,
            )}</p>
        </div>
    }
}
