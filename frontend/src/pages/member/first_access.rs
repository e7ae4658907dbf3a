//! *Primo accesso* (seed 004): the holder checks his data (and may ask, only now, for a
//! correction of his address), accepts the conditions, approves each onerous clause, and
//! reads the privacy notice; one step at a time, each confirmed on the text shown.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::api::{PassoRichiesta, PrimoAccessoView};
use shared::contratto::{Passo, VersioneContratto};
use shared::ui::path;

use crate::api;
use crate::components::alert::ErrorAlert;
use crate::components::form::focus_first_error;
use crate::components::loaded::Loaded;
use crate::components::page::Page;

#[component]
pub fn FirstAccessPage() -> impl IntoView {
    view! {
        <Page title="Primo accesso">
        <Loaded what="del primo accesso" load=api::primo_accesso view=|view: PrimoAccessoView| view! { <Wizard initial=view/> }/>
        </Page>
    }
}

#[component]
fn Wizard(initial: PrimoAccessoView) -> impl IntoView {
    let state = RwSignal::new(initial);
    let confirm = Action::new_local(|request: &PassoRichiesta| {
        let request = request.clone();
        async move { api::primo_accesso_passo(&request).await }
    });
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(Ok(view)) = confirm.value().get() {
            state.set(view);
            // The next step replaces the one confirmed: its heading takes the focus.
            request_animation_frame(move || {
                if let Some(h) = heading.get_untracked() {
                    let _ = h.focus();
                }
            });
        }
    });
    let send = move |passo: Passo, clausole: Vec<u32>, cognome_indirizzo: String| {
        let s = state.get_untracked();
        confirm.dispatch(PassoRichiesta {
            passo,
            versione: s.testo.versione.clone(),
            impronta: s.impronta.clone(),
            clausole,
            cognome_indirizzo,
        });
    };
    // The server's refusal of the surname for the address, said on its field.
    let surname_error = Memo::new(move |_| match confirm.value().get() {
        Some(Err(err)) if err.field() == Some("cognome_indirizzo") => Some(err.to_string()),
        _ => None,
    });
    Effect::new(move |_| {
        if surname_error.get().is_some() {
            request_animation_frame(focus_first_error);
        }
    });
    view! {
        {move || {
            let s = state.get();
            let number = s.prossimo.and_then(|p| Passo::ORDINE.iter().position(|q| *q == p));
            match (s.prossimo, number) {
                (Some(passo), Some(n)) => view! {
                    <p class="lead">"Prima di usare la casella e firmare il contratto: quattro passi, come previsto dalla convenzione."</p>
                    <h2 tabindex="-1" node_ref=heading data-testid="first-access-step">
                        {format!("Passo {} di 4: {}", n + 1, passo.nome())}
                    </h2>
                    <Step passo testo=s.testo.clone() send pending=confirm.pending() surname_error/>
                }
                .into_any(),
                _ => view! {
                    <div class="alert alert-success" role="status" data-testid="first-access-done">
                        "Primo accesso completato: i tuoi dati sono verificati e le condizioni accettate. Ora puoi scaricare il contratto, firmarlo e caricarlo."
                    </div>
                    <p><A href=path::MIA_PEC attr:class="btn btn-primary" attr:data-testid="first-access-continue">"Vai a La mia PEC"</A></p>
                }
                .into_any(),
            }
        }}
        <div aria-live="polite">
            {move || match confirm.value().get() {
                Some(Err(err)) if err.field() != Some("cognome_indirizzo") => {
                    Some(view! { <ErrorAlert message=err.to_string() testid="first-access-error"/> })
                }
                _ => None,
            }}
        </div>
    }
}

#[component]
fn Step(
    passo: Passo,
    testo: VersioneContratto,
    send: impl Fn(Passo, Vec<u32>, String) + Clone + Send + Sync + 'static,
    pending: Memo<bool>,
    surname_error: Memo<Option<String>>,
) -> impl IntoView {
    match passo {
        Passo::Anagrafica => view! { <Anagrafica send pending surname_error/> }.into_any(),
        Passo::Condizioni => {
            let articles = testo
                .articoli
                .iter()
                .map(|a| {
                    let commi = a
                        .commi
                        .iter()
                        .enumerate()
                        .map(|(i, c)| view! { <p>{format!("{}.{} {}", a.numero, i + 1, c)}</p> })
                        .collect_view();
                    view! { <h3 class="h6">{format!("Art. {} – {}", a.numero, a.titolo)}</h3>{commi} }
                })
                .collect_view();
            let premessa = testo
                .premessa
                .iter()
                .map(|p| view! { <p>{p.clone()}</p> })
                .collect_view();
            let body = view! { {premessa}{articles} };
            view! {
                <Reading label="Condizioni del servizio" body/>
                <Acceptance id="accept-conditions" label="Ho letto e accetto le condizioni del servizio."
                    button="Accetto le condizioni" pending
                    on_confirm=move || send(Passo::Condizioni, Vec::new(), String::new())/>
            }
            .into_any()
        }
        Passo::Clausole => view! { <Clauses testo send pending/> }.into_any(),
        Passo::Informativa => {
            let body = testo
                .informativa_privacy
                .iter()
                .map(|p| view! { <h3 class="h6">{p.titolo.clone()}</h3><p>{p.testo.clone()}</p> })
                .collect_view();
            view! {
                <Reading label="Informativa sul trattamento dei dati personali" body/>
                <Acceptance id="accept-privacy" label="Ho letto l'informativa sul trattamento dei dati personali."
                    button="Concludi il primo accesso" pending
                    on_confirm=move || send(Passo::Informativa, Vec::new(), String::new())/>
            }
            .into_any()
        }
    }
}

/// A long text in a region the keyboard can scroll.
#[component]
fn Reading(label: &'static str, body: impl IntoView + 'static) -> impl IntoView {
    view! {
        <div class="reading border rounded p-3 mb-3" tabindex="0" role="region" aria-label=label data-testid="first-access-text">
            {body}
        </div>
    }
}

/// A checkbox that must be ticked, and the button that confirms.
#[component]
fn Acceptance(
    id: &'static str,
    label: &'static str,
    button: &'static str,
    pending: Memo<bool>,
    on_confirm: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let ticked = RwSignal::new(false);
    let error = RwSignal::new(false);
    let confirm = move |_| {
        if !ticked.get_untracked() {
            error.set(true);
            focus_first_error();
            return;
        }
        error.set(false);
        on_confirm();
    };
    let error_id = format!("{id}-error");
    view! {
        <div class="form-check mb-2">
            <input id=id type="checkbox" class="form-check-input" data-testid=id
                aria-invalid=move || error.get().to_string()
                aria-describedby=move || error.get().then(|| error_id.clone())
                prop:checked=move || ticked.get()
                on:change:target=move |ev| ticked.set(ev.target().checked())/>
            <label for=id class="form-check-label">{label}</label>
            {move || error.get().then(|| view! {
                <div id=format!("{id}-error") class="invalid-feedback d-block" data-testid=format!("{id}-error")>
                    "Per proseguire devi confermare."
                </div>
            })}
        </div>
        <button type="button" class="btn btn-primary" data-testid="first-access-confirm"
            disabled=move || pending.get() on:click=confirm>{button}</button>
    }
}

#[component]
fn Anagrafica(
    send: impl Fn(Passo, Vec<u32>, String) + Clone + Send + Sync + 'static,
    pending: Memo<bool>,
    surname_error: Memo<Option<String>>,
) -> impl IntoView {
    let surname = RwSignal::new(String::new());
    view! {
        <Loaded what="dei tuoi dati" load=api::me view=move |me: api::Me| {
            let send = send.clone();
            let Some(member) = me.member else {
                return view! { <ErrorAlert message="I tuoi dati non risultano nell'Albo: contatta il tuo Ordine."/> }.into_any();
            };
            let a = &member.anagrafica;
            let address = member.mailbox.as_ref().map(|m| m.address.to_string()).unwrap_or_default();
            view! {
                <p>"Verifica i tuoi dati come risultano all'Ordine. Nome, cognome e codice fiscale si correggono presso il tuo Ordine; gli altri dati dalla pagina «Dati anagrafici»."</p>
                <dl class="facts" data-testid="first-access-data">
                    <dt>"Nome e cognome"</dt><dd>{format!("{} {}", a.nome, a.cognome)}</dd>
                    <dt>"Codice fiscale"</dt><dd>{a.codice_fiscale.to_string()}</dd>
                    <dt>"Residenza"</dt><dd>{format!("{}, {} {} ({})", a.indirizzo, a.cap.as_str(), a.comune, a.provincia)}</dd>
                    <dt>"Email ordinaria"</dt><dd>{a.email.to_string()}</dd>
                    <dt>"Casella PEC"</dt><dd data-testid="first-access-address">{address}</dd>
                </dl>
                <div class="mb-3">
                    <label for="cognome_indirizzo" class="form-label">"Cognome nell'indirizzo PEC (facoltativo)"</label>
                    <input id="cognome_indirizzo" type="text" class="form-control" maxlength="60" autocomplete="off"
                        data-testid="first-access-surname"
                        aria-describedby=move || if surname_error.get().is_some() { "cognome_indirizzo-error cognome_indirizzo-hint" } else { "cognome_indirizzo-hint" }
                        aria-invalid=move || surname_error.get().is_some().to_string()
                        prop:value=move || surname.get()
                        on:input:target=move |ev| surname.set(ev.target().value())/>
                    {move || surname_error.get().map(|message| view! {
                        <div id="cognome_indirizzo-error" class="invalid-feedback d-block" role="alert" data-testid="first-access-surname-error">{message}</div>
                    })}
                    <div id="cognome_indirizzo-hint" class="form-text">
                        "Solo ora, se sei omonimo di un altro iscritto, puoi aggiungere al cognome dell'indirizzo un secondo cognome (per esempio «Rossi Bianchi» diventa nome.rossibianchi@ingpec.eu, con un numero in fondo se è già assegnato): l'indirizzo cambia subito e il gestore rinomina la casella, con i messaggi che contiene. Dopo il primo accesso non si potrà più cambiare. Lascia vuoto per tenere l'indirizzo attuale."
                    </div>
                </div>
                <button type="button" class="btn btn-primary" data-testid="first-access-confirm"
                    disabled=move || pending.get()
                    on:click=move |_| send(Passo::Anagrafica, Vec::new(), surname.get_untracked())>
                    "Confermo i miei dati"
                </button>
            }
            .into_any()
        }/>
    }
}

#[component]
fn Clauses(
    testo: VersioneContratto,
    send: impl Fn(Passo, Vec<u32>, String) + Clone + Send + Sync + 'static,
    pending: Memo<bool>,
) -> impl IntoView {
    let numbers = testo.clausole_onerose.clone();
    let ticked = RwSignal::new(Vec::<u32>::new());
    let error = RwSignal::new(false);
    let items = numbers
        .iter()
        .filter_map(|n| testo.articolo(*n))
        .map(|a| {
            let n = a.numero;
            let id = format!("clausola-{n}");
            let text = a.commi.join(" ");
            view! {
                <div class="form-check mb-3">
                    <input id=id.clone() type="checkbox" class="form-check-input" data-testid=id.clone()
                        aria-invalid=move || (error.get() && !ticked.read().contains(&n)).to_string()
                        prop:checked=move || ticked.read().contains(&n)
                        on:change:target=move |ev| {
                            let on = ev.target().checked();
                            ticked.update(|t| {
                                t.retain(|x| *x != n);
                                if on {
                                    t.push(n);
                                }
                            });
                        }/>
                    <label for=id class="form-check-label">
                        <strong>{format!("Approvo specificamente l'art. {} – {}", n, a.titolo)}</strong>
                        <span class="d-block small">{text}</span>
                    </label>
                </div>
            }
        })
        .collect_view();
    let confirm = move |_| {
        let all = numbers.iter().all(|n| ticked.read_untracked().contains(n));
        if !all {
            error.set(true);
            focus_first_error();
            return;
        }
        error.set(false);
        send(Passo::Clausole, ticked.get_untracked(), String::new());
    };
    view! {
        <p>"Ai sensi e per gli effetti degli articoli 1341 e 1342 del codice civile, approva specificamente ciascuna delle clausole seguenti."</p>
        <fieldset>
            <legend class="visually-hidden">"Clausole da approvare specificamente"</legend>
            {items}
        </fieldset>
        {move || error.get().then(|| view! {
            <div class="invalid-feedback d-block mb-2" role="alert" data-testid="clausole-error">
                "Per proseguire devi approvare ciascuna clausola."
            </div>
        })}
        <button type="button" class="btn btn-primary" data-testid="first-access-confirm"
            disabled=move || pending.get() on:click=confirm>"Approvo le clausole"</button>
    }
}
