//! *Disdette*: the holders' requests to close their mailbox, oldest first, each with the
//! domicilio digitale the Albo listed at the request and lists now. The operator approves
//! (the mailbox closes) or rejects with a reason the holder reads.

use leptos::prelude::*;
use shared::api::{DecisioneDisdetta, DisdettaInCoda};

use crate::api;
use crate::components::alert::ErrorAlert;
use crate::components::form::focus_first_error;
use crate::components::page::Page;
use crate::components::queue::Queue;
use crate::format;

#[component]
pub fn DisdettePage() -> impl IntoView {
    view! {
        <Page title="Disdette">
        <p class="lead">
            "Le richieste di chiusura immediata delle caselle, dalla più vecchia. Un iscritto all'Albo può disdire solo se l'Albo indica come suo domicilio digitale un'altra PEC; chi è cancellato può sempre."
        </p>
        <Queue what="delle disdette" testid="disdette"
            empty="Nessuna disdetta da decidere."
            load=|cursor| async move { api::disdette(cursor.as_deref()).await }
            item=|item| view! { <Request item/> }/>
        </Page>
    }
}

#[component]
fn Request(item: DisdettaInCoda) -> impl IntoView {
    let cf = StoredValue::new(item.disdetta.codice_fiscale.to_string());
    let richiesta_il = item.disdetta.richiesta_il;
    let motivo = RwSignal::new(String::new());
    let motivo_error = RwSignal::new(None::<String>);
    let decide = Action::new_local(move |approvato: &bool| {
        let request = DecisioneDisdetta {
            approvato: *approvato,
            motivo: motivo.get_untracked(),
            richiesta_il,
        };
        async move { api::decide_disdetta(&cf.get_value(), &request).await }
    });
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
    let done = move || matches!(decide.value().get(), Some(Ok(_)));
    let d = &item.disdetta;
    let shown = |a: &Option<shared::address::EmailAddress>| {
        a.as_ref()
            .map_or_else(|| "nessuno".to_owned(), ToString::to_string)
    };
    let motivo_id = format!("motivo-{}", d.codice_fiscale);
    view! {
        <li class="review card mb-3" data-testid="disdetta-item">
            <div class="card-body">
                <h2 class="h5">{format!("{} {}", item.nome, item.cognome)}</h2>
                <p>{format!("{} · {} · {} · {} · richiesta il {}",
                    d.codice_fiscale, d.indirizzo, item.ordine.nome(), item.albo.nome(),
                    format::date(format::italian_day(d.richiesta_il)))}</p>
                <dl class="facts readonly">
                    <dt>"Domicilio digitale alla richiesta"</dt>
                    <dd>{shown(&d.domicilio_alla_richiesta)}</dd>
                    <dt>"Domicilio digitale oggi"</dt>
                    <dd data-testid="disdetta-domicilio-oggi">{shown(&item.domicilio_oggi)}</dd>
                </dl>
                {item.ostacolo.clone().map(|o| view! {
                    <p class="alert alert-warning" role="note" data-testid="disdetta-ostacolo">{format!("Oggi non può essere approvata: {o}")}</p>
                })}
                <Show when=move || !done() fallback=move || view! {
                    <p class="alert alert-success" role="status" data-testid="disdetta-done">
                        {move || match decide.value().get() {
                            Some(Ok(d)) if d.esito.as_ref().is_some_and(|e| e.approvata) =>
                                "Approvata: la casella viene chiusa presso il gestore e il titolare è avvisato.",
                            _ => "Respinta: il titolare riceve il motivo e può presentare una nuova richiesta.",
                        }}
                    </p>
                }>
                    <div class="mt-3">
                        <label for=motivo_id.clone() class="form-label">"Motivo del rifiuto (il titolare lo leggerà)"</label>
                        <textarea id=motivo_id.clone() class="form-control" rows="2" data-testid="disdetta-motivo"
                            aria-invalid=move || motivo_error.get().is_some().to_string()
                            aria-describedby=format!("{motivo_id}-error")
                            prop:value=move || motivo.get()
                            on:input:target=move |ev| motivo.set(ev.target().value())></textarea>
                        <div id=format!("{motivo_id}-error") class="invalid-feedback d-block">
                            {move || motivo_error.get()}
                        </div>
                    </div>
                    <div class="mt-2">
                        <button type="button" class="btn btn-danger me-2" data-testid="disdetta-approve"
                            disabled=move || decide.pending().get() on:click=move |_| { decide.dispatch(true); }>
                            "Approva e chiudi la casella"
                        </button>
                        <button type="button" class="btn btn-outline-secondary" data-testid="disdetta-reject"
                            disabled=move || decide.pending().get() on:click=reject>
                            "Respingi"
                        </button>
                    </div>
                    {move || decide.value().get().and_then(Result::err).map(|err| view! {
                        <ErrorAlert message=err.to_string() testid="disdetta-decision-error"/>
                    })}
                </Show>
            </div>
        </li>
    }
}
