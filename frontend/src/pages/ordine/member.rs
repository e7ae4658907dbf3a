//! A member's page in the Ordine's panel, with *Attiva PEC* when he has no mailbox.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;
use shared::api::{ErrorCode, MemberDetail};

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::format;
use crate::session::SessionContext;

#[component]
pub fn MemberPage() -> impl IntoView {
    let session = SessionContext::get();
    let params = use_params_map();
    let cf = move || params.read().get("cf").unwrap_or_default();
    let activate = Action::new_local(|(ordine, cf): &(String, String)| {
        let (ordine, cf) = (ordine.clone(), cf.clone());
        let key = api::new_key();
        async move { api::activate(&ordine, &cf, &key).await }
    });
    let member = LocalResource::new(move || {
        let cf = cf();
        // Read again after an activation.
        activate.version().get();
        async move { api::member(&cf).await }
    });
    view! {
        <Show when=move || session.0.get().is_some() fallback=|| view! { <Redirect path="/accesso"/> }>
            <Transition fallback=|| view! { <p class="loading" role="status">"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match member.await {
                        Ok(member) => view! { <Member member activate/> }.into_any(),
                        Err(ClientError::Api(api)) if api.code == ErrorCode::NotFound => view! {
                            <h1>"Iscritto non trovato"</h1>
                            <p data-testid="member-not-found">
                                "Nessun iscritto con questo codice fiscale risulta nel tuo Ordine."
                            </p>
                        }
                        .into_any(),
                        Err(ClientError::Unauthorized) => {
                            session.sign_out();
                            view! { <Redirect path="/accesso"/> }.into_any()
                        }
                        Err(err) => view! { <ErrorAlert message=err.to_string()/> }.into_any(),
                    }
                })}
            </Transition>
        </Show>
    }
}

#[component]
fn Member(
    member: MemberDetail,
    activate: Action<(String, String), Result<shared::api::MailboxView, ClientError>>,
) -> impl IntoView {
    let a = &member.anagrafica;
    let ordine = member.albo.ordine.to_string();
    let cf = a.codice_fiscale.to_string();
    let can_activate = member.can_activate();
    let mailbox = member.mailbox.clone();
    view! {
        <h1 data-testid="member-name">{format!("{} {}", a.nome, a.cognome)}</h1>
        <dl class="facts readonly">
            <dt>"Codice fiscale"</dt><dd>{cf.clone()}</dd>
            <dt>"Ordine"</dt><dd>{member.albo.ordine.nome()}</dd>
            <dt>"Numero di iscrizione"</dt><dd>{member.albo.numero_iscrizione.clone()}</dd>
            <dt>"Stato nell'Albo"</dt><dd data-testid="member-albo">{format::albo(&member.albo.stato)}</dd>
            <dt>"Email ordinaria"</dt><dd>{a.email.to_string()}</dd>
            <dt>"Domicilio digitale"</dt>
            <dd>{member.albo.domicilio_digitale.as_ref().map(|d| d.to_string()).unwrap_or_else(|| "Non comunicato".into())}</dd>
        </dl>
        <h2>"Casella PEC"</h2>
        {match mailbox {
            Some(m) if m.status.is_open() => view! {
                <dl class="facts readonly" data-testid="member-mailbox">
                    <dt>"Indirizzo"</dt><dd data-testid="member-address">{m.address.to_string()}</dd>
                    <dt>"Piano"</dt><dd>{m.plan.nome()}</dd>
                    <dt>"Scadenza"</dt><dd>{format::date(m.scadenza)}</dd>
                    <dt>"Contratto"</dt><dd>{m.contratto.nome()}</dd>
                </dl>
            }
            .into_any(),
            _ => view! { <p data-testid="member-no-mailbox">"L'iscritto non ha una casella @ingpec.eu attiva."</p> }.into_any(),
        }}
        {(!member.albo.stato.is_registered()).then(|| view! {
            <p class="hint">"La casella si attiva solo per chi è iscritto all'Albo."</p>
        })}
        <Show when=move || can_activate>
            <button type="button" class="btn btn-primary" data-testid="activate"
                disabled=move || activate.pending().get()
                on:click={
                    let (ordine, cf) = (ordine.clone(), cf.clone());
                    move |_| { activate.dispatch((ordine.clone(), cf.clone())); }
                }>
                {move || if activate.pending().get() { "Attivazione in corso…" } else { "Attiva PEC" }}
            </button>
        </Show>
        <div aria-live="polite">
            {move || match activate.value().get() {
                Some(Ok(mailbox)) => Some(view! {
                    <div class="alert alert-success" role="status" data-testid="activated">
                        {format!("Casella attivata: {}. È attiva da subito; l'iscritto dovrà firmare il contratto dalla sua area riservata.", mailbox.address)}
                    </div>
                }.into_any()),
                Some(Err(err)) => Some(view! { <ErrorAlert message=err.to_string() testid="activate-error"/> }.into_any()),
                None => None,
            }}
        </div>
    }
}
