//! *Disdetta per gli eredi*: an heir of a deceased holder asks for the mailbox to close
//! at once, with the death certificate and his identity document. The documents go
//! straight to the file store; the Fondazione CNI reads them and decides, and writes to
//! the heir.

use leptos::prelude::*;
use shared::api::{DisdettaErediForm, DisdettaRicevuta, EredeForm};
use shared::disdetta::DICHIARAZIONE_EREDI;

use crate::api;
use crate::components::alert::ErrorAlert;
use crate::components::document_field::{DocumentField, chosen_document};
use crate::components::form::{Field, field_error, focus_errors_of, focus_first_error};
use crate::components::page::Page;
use crate::format;

/// What the form sends: the fields, and the two documents' bytes.
#[derive(Clone)]
struct Filed {
    form: DisdettaErediForm,
    certificato: Vec<u8>,
    identita: Vec<u8>,
}

#[component]
pub fn HeirsPage() -> impl IntoView {
    let field = || RwSignal::new(String::new());
    let (titolare, indirizzo) = (field(), field());
    let (nome, cognome, codice_fiscale, email) = (field(), field(), field(), field());
    let accepted = RwSignal::new(false);
    let certificato_error = RwSignal::new(None::<String>);
    let identita_error = RwSignal::new(None::<String>);
    let send = Action::new_local(|filed: &Filed| {
        let Filed {
            mut form,
            certificato,
            identita,
        } = filed.clone();
        async move {
            // Both are filed under the holder's code: the request is about him.
            form.certificato_di_morte = api::send_document(&form.titolare, certificato).await?;
            form.documento_identita = api::send_document(&form.titolare, identita).await?;
            api::request_heirs_disdetta(&form).await
        }
    });
    let errors = Signal::derive(move || send.value().get().and_then(Result::err));
    focus_errors_of(send);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        certificato_error.set(None);
        identita_error.set(None);
        let form = DisdettaErediForm {
            titolare: titolare.get_untracked(),
            indirizzo: indirizzo.get_untracked(),
            erede: EredeForm {
                nome: nome.get_untracked(),
                cognome: cognome.get_untracked(),
                codice_fiscale: codice_fiscale.get_untracked(),
                email: email.get_untracked(),
            },
            certificato_di_morte: String::new(),
            documento_identita: String::new(),
            dichiarazione_accettata: accepted.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let certificato = chosen_document(
                "certificato_di_morte",
                "Allega il certificato di morte del titolare.",
            )
            .await;
            let identita =
                chosen_document("documento_identita", "Allega il tuo documento d'identità.").await;
            match (certificato, identita) {
                (Ok(certificato), Ok(identita)) => {
                    send.dispatch(Filed {
                        form,
                        certificato,
                        identita,
                    });
                }
                (certificato, identita) => {
                    certificato_error.set(certificato.err());
                    identita_error.set(identita.err());
                    focus_first_error();
                }
            }
        });
    };
    let error = move |name: &'static str| field_error(errors, name);
    let with_local = move |local: RwSignal<Option<String>>, name: &'static str| {
        Signal::derive(move || local.get().or_else(|| error(name).get()))
    };
    let declaration_error = error("dichiarazione_accettata");
    view! {
        <Page title="Disdetta per gli eredi">
        <p class="lead">
            "Se il titolare di una casella @ingpec.eu è deceduto, un erede può chiederne la chiusura immediata. Servono il certificato di morte e il documento d'identità dell'erede: la Fondazione CNI li esamina e ti scrive all'email che indichi."
        </p>
        <Show when=move || !matches!(send.value().get(), Some(Ok(_))) fallback=move || {
            send.value().get().and_then(Result::ok).map(|r| view! { <Received receipt=r/> })
        }>
        <form class="profile-form" on:submit=submit novalidate data-testid="heirs-form">
            <h2 class="h4">"Il titolare"</h2>
            <Field id="titolare" label="Codice fiscale del titolare" value=titolare error=error("titolare")/>
            <Field id="indirizzo" label="Indirizzo della casella (nome.cognome@ingpec.eu)" value=indirizzo error=error("indirizzo") kind="email"/>
            <h2 class="h4 mt-4">"Chi chiede"</h2>
            <Field id="erede_nome" label="Nome" value=nome error=error("erede_nome") autocomplete="given-name"/>
            <Field id="erede_cognome" label="Cognome" value=cognome error=error("erede_cognome") autocomplete="family-name"/>
            <Field id="erede_codice_fiscale" label="Codice fiscale" value=codice_fiscale error=error("erede_codice_fiscale")/>
            <Field id="erede_email" label="Email (riceverai qui l'esito)" value=email error=error("erede_email") autocomplete="email" kind="email"/>
            <h2 class="h4 mt-4">"I documenti"</h2>
            <DocumentField id="certificato_di_morte" label="Certificato di morte (PDF, JPEG o PNG, al massimo 8 MB)"
                error=with_local(certificato_error, "certificato_di_morte")/>
            <DocumentField id="documento_identita" label="Il tuo documento d'identità (PDF, JPEG o PNG, al massimo 8 MB)"
                error=with_local(identita_error, "documento_identita")/>
            <p class="mt-3" data-testid="heirs-declaration">{DICHIARAZIONE_EREDI}</p>
            <div class="form-check mb-3">
                <input id="dichiarazione_accettata" type="checkbox" class="form-check-input" data-testid="dichiarazione_accettata"
                    aria-describedby="dichiarazione_accettata-error"
                    aria-invalid=move || declaration_error.get().is_some().to_string()
                    prop:checked=move || accepted.get()
                    on:change:target=move |ev| accepted.set(ev.target().checked())/>
                <label for="dichiarazione_accettata" class="form-check-label">"Confermo la dichiarazione"</label>
                <p id="dichiarazione_accettata-error" class="field-error" data-testid="dichiarazione_accettata-error">{move || declaration_error.get()}</p>
            </div>
            <button type="submit" class="btn btn-primary" data-testid="heirs-submit" disabled=move || send.pending().get()>
                {move || if send.pending().get() { "Invio…" } else { "Invia la richiesta" }}
            </button>
            <div aria-live="polite">
                {move || send.value().get().and_then(Result::err).filter(|e| e.field().is_none()).map(|err| view! {
                    <ErrorAlert message=err.to_string() testid="heirs-error"/>
                })}
            </div>
        </form>
        </Show>
        </Page>
    }
}

#[component]
fn Received(receipt: DisdettaRicevuta) -> impl IntoView {
    view! {
        <div class="alert alert-success" role="status" data-testid="heirs-received">
            <p class="mb-1"><strong>"Richiesta inviata."</strong></p>
            <p class="mb-0">{format!(
                "La Fondazione CNI ha ricevuto il {} la richiesta di chiudere la casella {}. Esaminerà i documenti e ti comunicherà l'esito a {}, dove di solito arriva subito anche una conferma della richiesta: se non la trovi, guarda nella posta indesiderata.",
                format::date(format::italian_day(receipt.richiesta_il)),
                receipt.indirizzo,
                receipt.email,
            )}</p>
        </div>
    }
}
