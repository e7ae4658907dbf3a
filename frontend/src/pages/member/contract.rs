//! The contract on *La mia PEC*: download it, sign it with one's own signing program,
//! upload it on the same page and see at once what the verification found. The member's
//! bundle fetches it on demand (`src/bin/iscritto.rs`): its upload and the verification's
//! outcome are the bulk of the page's code, and the mailbox's facts need none of it.

use leptos::prelude::*;
use shared::api::{CaricamentoView, ContrattoView};
use shared::firma::{Esito, MAX_BYTES};
use shared::lifecycle::StatoContratto;
use wasm_bindgen::JsCast;

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::download;
use crate::components::form::focus_first_error;
use crate::format;
use crate::precheck;

/// What the page gives the contract section, as a context (the section is fetched on
/// demand, with no props): the mailbox's standing, which an upload moves, and the holder's
/// codice fiscale, with which a file is pre-checked in the browser before it is sent.
#[derive(Clone)]
pub struct ContractOf {
    pub stato: RwSignal<StatoContratto>,
    pub codice_fiscale: Option<String>,
}

/// The contract section of the mailbox given by [`ContractOf`].
#[component]
pub fn ContractSection() -> impl IntoView {
    let ContractOf {
        stato,
        codice_fiscale,
    } = expect_context::<ContractOf>();
    let view_version = RwSignal::new(0u32);
    let contract = LocalResource::new(move || {
        view_version.get();
        api::contratto()
    });
    let download = Action::new_local(|_: &()| async move {
        let pdf = api::contract_document().await?;
        Ok::<bool, ClientError>(download::save_bytes(
            "contratto-pec.pdf",
            "application/pdf",
            &pdf,
        ))
    });
    let codice_fiscale = StoredValue::new(codice_fiscale);
    let file_error = RwSignal::new(None::<String>);
    // Why the browser's pre-check refused the chosen file, which was not sent.
    let refused_here = RwSignal::new(None::<String>);
    let checking = RwSignal::new(false);
    let upload = Action::new_local(|file: &Vec<u8>| {
        let file = file.clone();
        async move { api::upload_contract(file).await }
    });
    let outcome = NodeRef::<leptos::html::Div>::new();
    let precheck_outcome = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(Ok(view)) = upload.value().get() {
            stato.set(view.contratto);
            view_version.update(|v| *v += 1);
            // The outcome replaces the form's answer: the focus goes to it.
            request_animation_frame(move || {
                if let Some(outcome) = outcome.get_untracked() {
                    let _ = outcome.focus();
                }
            });
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        file_error.set(None);
        let Some(file) = chosen_file() else {
            file_error.set(Some("Scegli il file firmato da caricare.".into()));
            focus_first_error();
            return;
        };
        if file.size() as usize > MAX_BYTES {
            file_error.set(Some(
                "Il file supera il limite di 10 MB: carica il contratto firmato, non altri documenti.".into(),
            ));
            focus_first_error();
            return;
        }
        refused_here.set(None);
        leptos::task::spawn_local(async move {
            let Ok(buffer) = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await else {
                file_error.set(Some("Impossibile leggere il file scelto.".into()));
                focus_first_error();
                return;
            };
            let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
            checking.set(true);
            let refusal = match codice_fiscale.get_value() {
                Some(cf) => precheck::refusal(&bytes, &cf).await,
                None => None,
            };
            checking.set(false);
            match refusal {
                Some(reason) => {
                    refused_here.set(Some(reason));
                    request_animation_frame(move || {
                        if let Some(outcome) = precheck_outcome.get_untracked() {
                            let _ = outcome.focus();
                        }
                    });
                }
                None => {
                    upload.dispatch(bytes);
                }
            }
        });
    };
    let signed = move || stato.get() == StatoContratto::Firmato;
    view! {
        <section class="contract" aria-labelledby="contract-title" data-testid="contract">
            <h3 id="contract-title">"Contratto"</h3>
            <Transition fallback=|| view! { <p class="loading" role="status">"Caricamento del contratto…"</p> }>
                {move || contract.get().map(|loaded| match loaded {
                    Ok(view) => view_of(&view).into_any(),
                    Err(err) => view! { <ErrorAlert message=err.to_string()/> }.into_any(),
                })}
            </Transition>
            <Show when=move || !signed()>
                <ol class="steps">
                    <li>
                        "Scarica il contratto, intestato a te, e leggilo: contiene le condizioni, le clausole da approvare specificamente e l'informativa sul trattamento dei dati. "
                        <button type="button" class="btn btn-outline-primary btn-sm" data-testid="contract-download"
                            disabled=move || download.pending().get()
                            on:click=move |_| { download.dispatch(()); }>
                            {move || if download.pending().get() { "Preparazione…" } else { "Scarica il contratto (PDF)" }}
                        </button>
                    </li>
                    <li>"Firmalo con il tuo programma di firma digitale (file .p7m oppure PDF firmato)."</li>
                    <li>"Caricalo qui: la firma viene verificata subito."</li>
                </ol>
                {move || match download.value().get() {
                    Some(Err(err)) => Some(view! { <ErrorAlert message=err.to_string() testid="contract-download-error"/> }),
                    _ => None,
                }}
                <form class="contract-upload" on:submit=submit novalidate>
                    <label for="contract-file" class="form-label">"File firmato (.p7m o .pdf, al massimo 10 MB)"</label>
                    <input id="contract-file" type="file" class="form-control" data-testid="contract-file"
                        accept=".p7m,.pdf,application/pkcs7-mime,application/pdf"
                        aria-invalid=move || file_error.get().is_some().to_string()
                        aria-describedby=move || file_error.get().map(|_| "contract-file-error")/>
                    {move || file_error.get().map(|message| view! {
                        <div id="contract-file-error" class="invalid-feedback d-block" data-testid="contract-file-error">{message}</div>
                    })}
                    <button type="submit" class="btn btn-primary mt-2" data-testid="contract-upload"
                        disabled=move || upload.pending().get() || checking.get()>
                        {move || if checking.get() {
                            "Controllo del file…"
                        } else if upload.pending().get() {
                            "Verifica della firma in corso…"
                        } else {
                            "Carica e verifica"
                        }}
                    </button>
                </form>
                <div aria-live="polite" tabindex="-1" node_ref=precheck_outcome>
                    {move || refused_here.get().map(|reason| view! {
                        <div class="alert alert-danger" role="status" data-testid="contract-precheck">
                            <p><strong>"Il file non può essere accettato."</strong></p>
                            <p data-testid="contract-precheck-reason">{reason}</p>
                            <p class="small mb-0">"Controllato nel tuo browser: il file non è stato inviato. Firma il contratto scaricato da questa pagina con il tuo certificato e caricalo di nuovo."</p>
                        </div>
                    })}
                </div>
            </Show>
            <div aria-live="polite" tabindex="-1" node_ref=outcome data-testid="contract-outcome-region">
                {move || match upload.value().get() {
                    Some(Err(err)) => Some(view! { <ErrorAlert message=err.to_string() testid="contract-upload-error"/> }.into_any()),
                    _ => None,
                }}
            </div>
        </section>
    }
}

/// The standing and what the latest upload got.
fn view_of(view: &ContrattoView) -> impl IntoView + use<> {
    let latest = view.ultimo_caricamento.clone();
    view! {
        <p data-testid="contract-state">
            {format!("Stato: {}. Testo in vigore: versione {}.", view.stato.nome(), view.versione)}
        </p>
        {latest.map(|upload| view! { <Outcome upload/> })}
    }
}

#[component]
fn Outcome(upload: CaricamentoView) -> impl IntoView {
    let (class, title) = match upload.referto.esito {
        Esito::Verificato => (
            "alert alert-success",
            "Firma verificata: il contratto è firmato.",
        ),
        Esito::InRevisione { .. } => (
            "alert alert-info",
            "Contratto in verifica presso la Fondazione CNI.",
        ),
        Esito::Rifiutato { .. } => (
            "alert alert-danger",
            "Il file caricato non è stato accettato.",
        ),
    };
    let signer = upload.referto.firmatari.first().map(|f| {
        format!(
            "Firmato da {} ({}), certificato di {}.",
            f.nome,
            f.codice_fiscale
                .as_deref()
                .unwrap_or("codice fiscale non indicato"),
            f.emittente
        )
    });
    let when = format::date(
        upload
            .caricato_il
            .with_timezone(&chrono::Local)
            .date_naive(),
    );
    view! {
        <div class=class role="status" data-testid="contract-outcome">
            <p><strong>{title}</strong></p>
            {upload.motivo.map(|m| view! { <p data-testid="contract-reason">{m}</p> })}
            {signer.map(|s| view! { <p>{s}</p> })}
            <p class="small mb-0">{format!("Caricato il {when}.")}</p>
        </div>
    }
}

fn file_input() -> Option<web_sys::HtmlInputElement> {
    web_sys::window()?
        .document()?
        .get_element_by_id("contract-file")?
        .dyn_into()
        .ok()
}

fn chosen_file() -> Option<web_sys::File> {
    file_input()?.files()?.get(0)
}
