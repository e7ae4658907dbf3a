//! A member's page in the Ordine's panel, with *Attiva PEC* when he may have a mailbox:
//! it first shows the address it will create (an address is for good), then activates on
//! confirmation.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::api::{ActivationPreview, ErrorCode, MemberDetail};

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::page::{Page, set_title};
use crate::components::timeline::Timeline;
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
            <Transition fallback=|| view! { <p class="loading" role="status">"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match member.await {
                        Ok(member) => view! { <Member member activate/> }.into_any(),
                        Err(ClientError::Api(api)) if api.code == ErrorCode::NotFound => view! {
                            <Page title="Iscritto non trovato">
                                <p data-testid="member-not-found">
                                    "Nessun iscritto con questo codice fiscale risulta nel tuo Ordine."
                                </p>
                            </Page>
                        }
                        .into_any(),
                        Err(ClientError::Unauthorized) => {
                            session.expired();
                            view! { <p class="loading" role="status">"Sessione scaduta: accedi di nuovo…"</p> }.into_any()
                        }
                        Err(err) => view! {
                            <Page title="Scheda iscritto"><ErrorAlert message=err.to_string()/></Page>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
    }
}

#[component]
fn Member(
    member: MemberDetail,
    activate: Action<(String, String), Result<shared::api::MailboxView, ClientError>>,
) -> impl IntoView {
    let can_activate = member.can_activate();
    let MemberDetail {
        anagrafica: a,
        albo,
        mailbox,
        ..
    } = member;
    let ordine = albo.ordine.to_string();
    let cf = a.codice_fiscale.to_string();
    let name = format!("{} {}", a.nome, a.cognome);
    set_title(&name);
    let domicilio = albo
        .domicilio_digitale
        .as_ref()
        .map(|d| d.to_string())
        .unwrap_or_else(|| "Non comunicato".into());
    let registered = albo.stato.is_registered();
    let has_mailbox = mailbox.as_ref().is_some_and(|m| m.status.is_open());
    let mailbox_status = mailbox.as_ref().map(|m| m.status);
    let fondazione = SessionContext::get()
        .0
        .get_untracked()
        .is_some_and(|s| s.caller.role == shared::access::Role::Fondazione);
    // The confirmation replaces the button that had the focus: it takes the focus.
    let activated = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if matches!(activate.value().get(), Some(Ok(_)))
            && let Some(alert) = activated.get()
        {
            let _ = alert.focus();
        }
    });
    view! {
        <Page title=name>
        <dl class="facts readonly">
            <dt>"Codice fiscale"</dt><dd>{cf.clone()}</dd>
            <dt>"Ordine"</dt><dd>{albo.ordine.nome()}</dd>
            <dt>"Numero di iscrizione"</dt><dd>{albo.numero_iscrizione.clone()}</dd>
            <dt>"Stato nell'Albo"</dt><dd data-testid="member-albo">{format::albo(&albo.stato)}</dd>
            <dt>"Email ordinaria"</dt><dd>{a.email.to_string()}</dd>
            <dt>"Domicilio digitale"</dt>
            <dd>{domicilio}</dd>
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
        // Payments and what they buy are the Fondazione's and the holder's, not the
        // secretariat's.
        {(has_mailbox && fondazione).then(|| {
            let blocked = mailbox_status == Some(shared::lifecycle::MailboxStatus::Bloccata);
            view! { <BlockControl cf=cf.clone() blocked/> }
        })}
        {(has_mailbox && fondazione).then(|| {
            let cf = cf.clone();
            view! { <Timeline load=move || { let cf = cf.clone(); async move { api::member_timeline(&cf).await } }/> }
        })}
        {(!registered).then(|| view! {
            <p class="hint">"La casella si attiva solo per chi è iscritto all'Albo."</p>
        })}
        {can_activate.then(|| view! { <Activation ordine cf activate/> })}
        <div aria-live="polite">
            {move || match activate.value().get() {
                Some(Ok(mailbox)) => Some(view! {
                    <div class="alert alert-success" role="status" tabindex="-1" node_ref=activated data-testid="activated">
                        {format!("Casella attivata: {}. È attiva da subito; l'iscritto dovrà firmare il contratto dalla sua area riservata.", mailbox.address)}
                    </div>
                }),
                _ => None,
            }}
        </div>
        </Page>
    }
}

/// *Attiva PEC*: the address first, then the activation on confirmation. Once refused by
/// the server (another Ordine's secretariat activated him meanwhile, say) it is offered
/// no more; a lost connection only says so, and the button stays to try again.
#[component]
fn Activation(
    ordine: String,
    cf: String,
    activate: Action<(String, String), Result<shared::api::MailboxView, ClientError>>,
) -> impl IntoView {
    let preview = Action::new_local(|(ordine, cf): &(String, String)| {
        let (ordine, cf) = (ordine.clone(), cf.clone());
        async move { api::activation_preview(&ordine, &cf).await }
    });
    let refused = move || {
        matches!(preview.value().get(), Some(Err(ClientError::Api(_))))
            || matches!(activate.value().get(), Some(Err(ClientError::Api(_))))
    };
    let who = StoredValue::new((ordine, cf));
    let confirm_button = NodeRef::<leptos::html::Button>::new();
    let activate_button = NodeRef::<leptos::html::Button>::new();
    // The question takes the focus, so the keyboard answers it next.
    Effect::new(move |_| {
        if matches!(preview.value().get(), Some(Ok(_)))
            && let Some(button) = confirm_button.get()
        {
            let _ = button.focus();
        }
    });
    view! {
        <Show when=move || !refused() && !matches!(activate.value().get(), Some(Ok(_)))>
            {move || match preview.value().get() {
                Some(Ok(ActivationPreview { indirizzo })) => view! {
                    <div class="alert alert-warning" role="alertdialog" aria-labelledby="activation-question" data-testid="activation-confirm">
                        <p id="activation-question">
                            "Sarà creata la casella "<strong data-testid="activation-address">{indirizzo.to_string()}</strong>
                            ", attiva da subito. L'indirizzo resta all'iscritto: dopo il suo primo accesso non si potrà più correggere."
                        </p>
                        <button type="button" class="btn btn-primary me-2" data-testid="activate-confirm" node_ref=confirm_button
                            disabled=move || activate.pending().get() on:click=move |_| { activate.dispatch(who.get_value()); }>
                            {move || if activate.pending().get() { "Attivazione in corso…" } else { "Conferma e attiva" }}
                        </button>
                        <button type="button" class="btn btn-outline-primary" data-testid="activate-cancel"
                            on:click=move |_| {
                                preview.value().set(None);
                                // Back to the button that asked, once it is drawn again.
                                request_animation_frame(move || {
                                    if let Some(button) = activate_button.get_untracked() {
                                        let _ = button.focus();
                                    }
                                });
                            }>"Annulla"</button>
                    </div>
                }
                .into_any(),
                _ => view! {
                    <button type="button" class="btn btn-primary" data-testid="activate" node_ref=activate_button
                        disabled=move || preview.pending().get() on:click=move |_| { preview.dispatch(who.get_value()); }>
                        {move || if preview.pending().get() { "Verifica in corso…" } else { "Attiva PEC…" }}
                    </button>
                }
                .into_any(),
            }}
        </Show>
        <div aria-live="polite">
            {move || match (preview.value().get(), activate.value().get()) {
                (_, Some(Err(err))) | (Some(Err(err)), _) => Some(view! { <ErrorAlert message=err.to_string() testid="activate-error"/> }),
                _ => None,
            }}
        </div>
    }
}

/// The Fondazione blocks or unblocks the mailbox at the provider.
#[component]
fn BlockControl(cf: String, blocked: bool) -> impl IntoView {
    let blocked = RwSignal::new(blocked);
    let cf = StoredValue::new(cf);
    let toggle = Action::new_local(move |block: &bool| {
        let block = *block;
        async move {
            api::set_blocked(&cf.get_value(), block).await?;
            blocked.set(block);
            Ok::<_, api::ClientError>(())
        }
    });
    view! {
        <p data-testid="member-block">
            {move || if blocked.get() {
                "La casella è bloccata presso il gestore. "
            } else {
                ""
            }}
            <button type="button" class="btn btn-outline-danger btn-sm" data-testid="member-block-toggle"
                disabled=move || toggle.pending().get()
                on:click=move |_| { toggle.dispatch(!blocked.get_untracked()); }>
                {move || if blocked.get() { "Sblocca la casella" } else { "Blocca la casella" }}
            </button>
        </p>
        {move || toggle.value().get().and_then(Result::err).map(|e| view! { <ErrorAlert message=e.to_string() testid="member-block-error"/> })}
    }
}
