//! *Contratti in revisione*: the signed contracts the verifier could not decide, oldest
//! first. The operator opens the file, reads what the verifier found, and approves it or
//! rejects it with a reason the holder reads.

use leptos::prelude::*;
use shared::api::{ContrattoInRevisione, DecisioneRichiesta};

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::decision::{Decision, Wording};
use crate::components::download;
use crate::components::page::Page;
use crate::components::queue::Queue;
use crate::format;

#[component]
pub fn ReviewPage() -> impl IntoView {
    view! {
        <Page title="Contratti in revisione">
        <p class="lead">
            "I contratti firmati che la verifica automatica non ha potuto accettare: firma di un certificatore fuori dall'elenco di fiducia, PDF con una firma visibile o con altre modifiche oltre alla firma, scansione di una firma autografa. Dal più vecchio."
        </p>
        <Queue what="dei contratti in revisione" testid="review"
            empty="Nessun contratto in revisione."
            load=|cursor| async move { api::review_queue(cursor.as_deref()).await }
            item=|item| view! { <Review item/> }/>
        </Page>
    }
}

#[component]
fn Review(item: ContrattoInRevisione) -> impl IntoView {
    let cf = item.codice_fiscale.to_string();
    let sha = item.sha256.clone();
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
    let decide = move |approvato: bool, motivo: String| {
        let (cf, sha) = who.get_value();
        let request = DecisioneRichiesta { approvato, motivo };
        async move { api::decide(&cf, &sha, &request).await.map(|_| ()) }
    };
    let field_key = item.sha256.get(..12).unwrap_or(&item.sha256).to_owned();
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
                <Decision testid="review" key=field_key wording=WORDING decide>
                    <button type="button" class="btn btn-outline-primary btn-sm me-2" data-testid="review-open"
                        disabled=move || open.pending().get() on:click=move |_| { open.dispatch(()); }>
                        "Scarica il file"
                    </button>
                    {move || open.value().get().and_then(Result::err).map(|err| view! {
                        <ErrorAlert message=err.to_string() testid="review-open-error"/>
                    })}
                </Decision>
            </div>
        </li>
    }
}

const WORDING: Wording = Wording {
    motivo: "Motivo del rifiuto (il titolare lo leggerà)",
    motivo_mancante: "Indica il motivo del rifiuto: il titolare lo leggerà.",
    approva: "Approva",
    respingi: "Respingi",
    approvata: "Approvato: il contratto del titolare risulta firmato.",
    respinta: "Respinto: il titolare riceve il motivo e può caricarlo di nuovo.",
    approva_chiude: false,
};
