//! *Verifica mittente*: anyone pastes the sender of a mail about renewing his PEC (an
//! address, or the message's headers) and is told whether it is an official sender, and
//! why. Judged in the browser by `shared::mittente`: nothing pasted leaves the page.

use leptos::prelude::*;
use shared::mittente::{self, Verdetto};

use crate::components::form::focus_first_error;
use crate::components::page::Page;

#[component]
pub fn SenderCheckPage() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let verdict = RwSignal::new(None::<Verdetto>);
    let outcome = NodeRef::<leptos::html::Div>::new();
    let check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let pasted = text.get_untracked();
        if pasted.trim().is_empty() {
            error.set(Some(
                "Incolla l'indirizzo del mittente o le intestazioni del messaggio.",
            ));
            verdict.set(None);
            focus_first_error();
            return;
        }
        error.set(None);
        verdict.set(Some(mittente::verifica(&pasted)));
        request_animation_frame(move || {
            if let Some(outcome) = outcome.get_untracked() {
                let _ = outcome.focus();
            }
        });
    };
    view! {
        <Page title="Verifica mittente">
        <p class="lead">
            "Gli avvisi di rinnovo della casella @ingpec.eu arrivano solo da indirizzi @fondazionecni.it, @fondazionecni.org e @ingpec.eu. "
            "Se hai ricevuto un messaggio che ti chiede di pagare o rinnovare, controlla qui chi lo ha inviato."
        </p>
        <form on:submit=check novalidate>
            <div class="mb-3">
                <label for="mittente" class="form-label">"Indirizzo del mittente o intestazioni del messaggio"</label>
                <textarea id="mittente" class="form-control" rows="5" spellcheck="false" data-testid="sender-input"
                    aria-describedby=move || if error.get().is_some() { "mittente-error mittente-hint" } else { "mittente-hint" }
                    aria-invalid=move || error.get().is_some().to_string()
                    prop:value=move || text.get()
                    on:input:target=move |ev| text.set(ev.target().value())></textarea>
                {move || error.get().map(|message| view! {
                    <div id="mittente-error" class="invalid-feedback d-block" data-testid="sender-error">{message}</div>
                })}
                <div id="mittente-hint" class="form-text">
                    "Per esempio rinnovi@fondazionecni.it, oppure le righe «Da:»/«From:» copiate dal messaggio. Il controllo avviene nel tuo browser: quello che incolli non viene inviato."
                </div>
            </div>
            <button type="submit" class="btn btn-primary" data-testid="sender-check">"Verifica"</button>
        </form>
        <div class="mt-4" aria-live="polite" tabindex="-1" node_ref=outcome data-testid="sender-outcome">
            {move || verdict.get().map(|v| view! { <Outcome verdict=v/> })}
        </div>
        </Page>
    }
}

#[component]
fn Outcome(verdict: Verdetto) -> impl IntoView {
    let (class, title) = if verdict.ufficiale {
        (
            "alert alert-success",
            "Il dominio del mittente è uno di quelli ufficiali.",
        )
    } else {
        ("alert alert-danger", "Non è un mittente ufficiale.")
    };
    let sender = verdict
        .mittente
        .map(|m| view! { <p class="address">"Mittente: " <strong>{m}</strong></p> });
    let reasons = verdict
        .motivi
        .into_iter()
        .map(|m| view! { <li>{m}</li> })
        .collect_view();
    view! {
        <div class=class role="status" data-testid="sender-verdict">
            <p><strong>{title}</strong></p>
            {sender}
            <ul class="mb-0" data-testid="sender-reasons">{reasons}</ul>
        </div>
    }
}
