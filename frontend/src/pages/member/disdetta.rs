//! *Disdetta*: the holder asks to close his mailbox at once. The page says first whether he
//! may (a registered member needs another PEC as domicilio digitale in the Albo) and shows
//! the domicilio the Albo holds; the form is the declaration, the address typed, the date.

use leptos::prelude::*;
use shared::api::{DisdettaRichiesta, DisdettaView};
use shared::disdetta::{Disdetta, StatoDisdetta};

use crate::api;
use crate::components::alert::ErrorAlert;
use crate::components::form::{Field, field_error, focus_first_error};
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::format;

#[component]
pub fn DisdettaPage() -> impl IntoView {
    view! {
        <Page title="Disdetta della casella">
            <Loaded what="della disdetta" load=api::disdetta view=|view: DisdettaView| view! { <Disdetta view/> }/>
        </Page>
    }
}

/// Where the holder's request stands.
fn status(d: &Disdetta) -> AnyView {
    let filed = format::date(format::italian_day(d.richiesta_il));
    match d.stato() {
        StatoDisdetta::InAttesa => view! {
            <div class="alert alert-info" role="status" data-testid="disdetta-status">
                {format!("Hai chiesto la disdetta di {} il {filed}. La Fondazione CNI la esaminerà e ti scriverà l'esito; fino ad allora la casella resta attiva.", d.indirizzo)}
            </div>
        }
        .into_any(),
        StatoDisdetta::Approvata => view! {
            <div class="alert alert-success" role="status" data-testid="disdetta-status">
                {format!("La disdetta di {} è stata accolta: la casella è chiusa e il suo indirizzo resta riservato.", d.indirizzo)}
            </div>
        }
        .into_any(),
        StatoDisdetta::Respinta => {
            let motivo = d
                .esito
                .as_ref()
                .and_then(|e| e.motivo.clone())
                .unwrap_or_default();
            view! {
                <div class="alert alert-warning" role="status" data-testid="disdetta-status">
                    {format!("La richiesta del {filed} non è stata accolta dalla Fondazione: {motivo} Puoi presentarne una nuova.")}
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn Disdetta(view: DisdettaView) -> impl IntoView {
    let filed = RwSignal::new(view.richiesta.clone());
    let address = RwSignal::new(String::new());
    let accepted = RwSignal::new(false);
    let send = Action::new_local(move |form: &DisdettaRichiesta| {
        let form = form.clone();
        async move { api::request_disdetta(&form).await }
    });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(d)) => filed.set(Some(d)),
        Some(Err(_)) => focus_first_error(),
        None => {}
    });
    let errors = Signal::derive(move || send.value().get().and_then(Result::err));
    let address_error = field_error(errors, "indirizzo");
    let accepted_error = field_error(errors, "dichiarazione_accettata");
    let general = move || errors.get().filter(|e| e.field().is_none());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send.dispatch(DisdettaRichiesta {
            indirizzo: address.get_untracked(),
            dichiarazione_accettata: accepted.get_untracked(),
        });
    };
    let domicilio = view
        .domicilio_digitale
        .as_ref()
        .map_or_else(|| "nessuno".to_owned(), ToString::to_string);
    let rule = if view.iscritto {
        "Sei iscritto all'Albo: puoi disdire la casella solo se l'Albo Unico indica come tuo domicilio digitale un'altra PEC. Se non è così, comunica prima al tuo Ordine il nuovo indirizzo."
    } else {
        "Non risulti più iscritto all'Albo: puoi chiedere la disdetta in qualsiasi momento."
    };
    let today = format::date(view.oggi);
    let mailbox = view.indirizzo.clone();
    let ammessa = view.ammessa;
    let motivo = view.motivo.clone().unwrap_or_default();
    let dichiarazione = view.dichiarazione.clone();
    let can_file = move || {
        ammessa
            && filed
                .get()
                .is_none_or(|d| d.stato() == StatoDisdetta::Respinta)
    };
    view! {
        <p class="lead">"Con la disdetta la casella viene chiusa subito, senza attendere la scadenza. La esegue la Fondazione CNI."</p>
        <p>{rule}</p>
        <dl class="facts">
            <dt>"Casella"</dt>
            <dd data-testid="disdetta-mailbox">{mailbox.as_ref().map_or_else(|| "nessuna casella attiva".to_owned(), ToString::to_string)}</dd>
            <dt>"Domicilio digitale nell'Albo"</dt>
            <dd data-testid="disdetta-domicilio">{domicilio}</dd>
        </dl>
        <div aria-live="polite">{move || filed.get().map(|d| status(&d))}</div>
        {(!ammessa && mailbox.is_some()).then(|| view! {
            <div class="alert alert-warning" role="note" data-testid="disdetta-blocked">{motivo.clone()}</div>
        })}
        <Show when=can_file>
            <form class="disdetta-form" on:submit=submit novalidate data-testid="disdetta-form">
                <h2>"Modulo di disdetta"</h2>
                <p>{format!("Data della richiesta: {today}")}</p>
                <blockquote class="dichiarazione" data-testid="disdetta-dichiarazione">{dichiarazione.clone()}</blockquote>
                <div class="form-check mb-3">
                    <input id="dichiarazione" type="checkbox" class="form-check-input" data-testid="disdetta-accetto"
                        aria-invalid=move || accepted_error.get().is_some().to_string()
                        aria-describedby=move || accepted_error.get().map(|_| "dichiarazione-error")
                        prop:checked=move || accepted.get()
                        on:change:target=move |ev| accepted.set(ev.target().checked())/>
                    <label for="dichiarazione" class="form-check-label">"Ho letto la dichiarazione e la sottoscrivo"</label>
                    {move || accepted_error.get().map(|m| view! {
                        <div id="dichiarazione-error" class="invalid-feedback d-block">{m}</div>
                    })}
                </div>
                <Field id="disdetta-indirizzo" label="Per conferma, scrivi l'indirizzo della casella da chiudere"
                    value=address error=address_error autocomplete="off"/>
                <button type="submit" class="btn btn-danger" data-testid="disdetta-submit"
                    disabled=move || send.pending().get()>"Chiedi la disdetta"</button>
            </form>
        </Show>
        <div aria-live="polite">
            {move || general().map(|e| view! { <ErrorAlert message=e.to_string() testid="disdetta-error"/> })}
        </div>
    }
}
