//! *Contratti in revisione*: the signed contracts the verifier could not decide, oldest
//! first. The operator opens the file, reads what the verifier found, and approves it or
//! rejects it with a reason the holder reads.

use leptos::prelude::*;
use shared::api::{ContrattoInRevisione, DecisioneRichiesta};

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::download;
use crate::components::form::focus_first_error;
use crate::components::page::Page;
use crate::components::queue::Queue;
use crate::format;

#[component]
pub fn ReviewPage() -> impl IntoView {
    // Decided here: the list drops them without reloading.
    let decided = RwSignal::new(Vec::<String>::new());
    view! {
        <Page title="Contratti in revisione">
        <p class="lead">
            "I contratti firmati che la verifica automatica non ha potuto accettare: firma di un certificatore fuori dall'elenco di fiducia, PDF con una firma visibile o con altre modifiche oltre alla firma, scansione di una firma autografa. Dal più vecchio."
        </p>
        <Queue what="dei contratti in revisione" testid="review"
            empty="Nessun contratto in revisione."
            load=|cursor| async move { api::review_queue(cursor.as_deref()).await }
            item=move |item| view! { <Review item decided/> }/>
        </Page>
    }
}

#[component]
fn Review(item: ContrattoInRevisione, decided: RwSignal<Vec<String>>) -> impl IntoView {
    let cf = item.codice_fiscale.to_string();
    let sha = item.sha256.clone();
    let key = sha.clone();
    let gone = move || decided.read().contains(&key);
    let who = StoredValue::new((cf.clone(), sha.clone()));
    let open = Action::new_local(move |_: &()| {
        let (cf, sha) = who.get_value();
        async move {
            let bytes = api::review_file(&cf, &sha).await?;
            let name = if bytes.starts_with(b"%PDF-") {
                format!("contratto-{cf}.pdf")
            } else {
                format!("contratto-{cf}.p7m")
            };
            Ok::<bool, ClientError>(download::save_bytes(
                &name,
                "application/octet-stream",
                &bytes,
            ))
        }
    });
    let motivo = RwSignal::new(String::new());
    let motivo_error = RwSignal::new(None::<String>);
    let decide = Action::new_local(move |approvato: &bool| {
        let (cf, sha) = who.get_value();
        let request = DecisioneRichiesta {
            approvato: *approvato,
            motivo: motivo.get_untracked(),
        };
        async move {
            api::decide(&cf, &sha, &request)
                .await
                .map(|_| request.approvato)
        }
    });
    let motivo_id = format!("motivo-{}", sha.get(..12).unwrap_or(&sha));
    let reject = move |_| {
        if motivo.get_untracked().trim().is_empty() {
            motivo_error.set(Some(
                "Indica il motivo del rifiuto: il titolare lo leggerà.".into(),
            ));
            focus_first_error();
            return;
        }
        motivo_error.set(None);
        decide.dispatch(false);
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = decide.value().get() {
            decided.update(|d| d.push(sha.clone()));
        }
    });
    let signers = item
        .referto
        .firmatari
        .iter()
        .map(|f| {
            view! {
                <li>{format!(
                    "{} ({}), certificato di {}, {}, valido dal {} al {}",
                    f.nome,
                    f.codice_fiscale.as_deref().unwrap_or("codice fiscale non indicato"),
                    f.emittente,
                    f.algoritmo,
                    format::date(f.valido_dal.date_naive()),
                    format::date(f.valido_al.date_naive()),
                )}</li>
            }
        })
        .collect_view();
    let no_signers = item.referto.firmatari.is_empty();
    let uploaded = format::date(item.caricato_il.with_timezone(&chrono::Local).date_naive());
    let address = item
        .indirizzo
        .as_ref()
        .map(|a| a.to_string())
        .unwrap_or_default();
    view! {
        <li class="review card mb-3" data-testid="review-item">
            <div class="card-body">
                <h2 class="h5">{format!("{} {}", item.nome, item.cognome)}</h2>
                <p>{format!("{} · {} · {} · caricato il {} · {} kB", item.codice_fiscale, address, item.ordine.nome(), uploaded, item.dimensione.div_ceil(1024))}</p>
                <p data-testid="review-reason"><strong>"Perché è in revisione: "</strong>{item.motivo.clone()}</p>
                {if no_signers {
                    view! { <p>"Nessuna firma digitale nel file."</p> }.into_any()
                } else {
                    view! { <p class="mb-1">"Firme valide trovate:"</p><ul>{signers}</ul> }.into_any()
                }}
                <Show when=move || !gone() fallback=move || view! {
                    <p class="alert alert-success" role="status" data-testid="review-done">
                        {move || match decide.value().get() {
                            Some(Ok(true)) => "Approvato: il contratto del titolare risulta firmato.",
                            _ => "Respinto: il titolare riceve il motivo e può caricarlo di nuovo.",
                        }}
                    </p>
                }>
                    <button type="button" class="btn btn-outline-primary btn-sm me-2" data-testid="review-open"
                        disabled=move || open.pending().get() on:click=move |_| { open.dispatch(()); }>
                        "Scarica il file"
                    </button>
                    <div class="mt-3">
                        <label for=motivo_id.clone() class="form-label">"Motivo del rifiuto (il titolare lo leggerà)"</label>
                        <textarea id=motivo_id.clone() class="form-control" rows="2" data-testid="review-motivo"
                            aria-invalid=move || motivo_error.get().is_some().to_string()
                            prop:value=move || motivo.get()
                            on:input:target=move |ev| motivo.set(ev.target().value())></textarea>
                        {move || motivo_error.get().map(|m| view! {
                            <div class="invalid-feedback d-block" data-testid="review-motivo-error">{m}</div>
                        })}
                    </div>
                    <div class="mt-2">
                        <button type="button" class="btn btn-primary me-2" data-testid="review-approve"
                            disabled=move || decide.pending().get() on:click=move |_| { decide.dispatch(true); }>
                            "Approva"
                        </button>
                        <button type="button" class="btn btn-outline-danger" data-testid="review-reject"
                            disabled=move || decide.pending().get() on:click=reject>
                            "Respingi"
                        </button>
                    </div>
                    {move || match (open.value().get(), decide.value().get()) {
                        (_, Some(Err(err))) | (Some(Err(err)), _) => Some(view! { <ErrorAlert message=err.to_string() testid="review-error"/> }),
                        _ => None,
                    }}
                </Show>
            </div>
        </li>
    }
}
