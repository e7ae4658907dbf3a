//! *Firma digitale*: the members' requests under the signature convention, by state. The
//! secretariat validates each (or refuses it with a reason the member reads), then records
//! its steps: produced, shipped to the Ordine, arrived, picked up (who, when, the document
//! shown; a delegate with the delegation). The kits arrived form the pickup register,
//! oldest first, exported to CSV.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use shared::api::FirmeQuery;
use shared::firma_digitale::{
    PassoFirma, RichiestaFirma, RitiroForm, StatoFirma, TipoDocumentoIdentita,
};
use shared::province::OrdineCode;
use shared::serde_name;

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::decision::{Decision, Wording};
use crate::components::download;
use crate::components::firma_facts::{FirmaFacts, StatoSelect};
use crate::components::form::{Field, field_error, focus_first_error};
use crate::components::page::Page;
use crate::components::queue::Queue;
use crate::session::SessionContext;

#[component]
pub fn FirmeOrdinePage() -> impl IntoView {
    let ordine = SessionContext::get()
        .0
        .get_untracked()
        .and_then(|s| s.caller.ordine);
    let Some(ordine) = ordine else {
        return view! { <Redirect path="/accesso"/> }.into_any();
    };
    let stato = RwSignal::new(StatoFirma::InAttesa);
    provide_context(OpenForm(RwSignal::new(None)));
    let export = Action::new_local(move |_: &()| async move {
        let csv = api::firme_registro(ordine).await?;
        let today = chrono::Local::now().date_naive();
        download::save_bytes(
            &format!("registro-kit-firma-{ordine}-{today}.csv"),
            "text/csv;charset=utf-8",
            &csv,
        );
        Ok::<_, ClientError>(())
    });
    view! {
        <Page title="Firma digitale">
        <p class="lead">
            "Le richieste di firma digitale in convenzione (CNSCNI18, FRCNI25) degli iscritti all'Ordine. Valida quelle i cui dati coincidono con l'Albo, poi registra ogni passo fino al ritiro: il kit si consegna solo all'iscritto, o a un suo delegato con delega firmata, dopo aver visto un documento d'identità."
        </p>
        <div class="field">
            <StatoSelect stato/>
        </div>
        <Show when=move || stato.get() == StatoFirma::ArrivataAllOrdine>
            <h2>"Registro dei kit in attesa di ritiro"</h2>
            <p>
                <button type="button" class="btn btn-outline-primary" data-testid="firme-registro-export"
                    disabled=move || export.pending().get() on:click=move |_| { export.dispatch(()); }>
                    "Esporta il registro (CSV)"
                </button>
            </p>
        </Show>
        {move || export.value().get().and_then(Result::err).map(|e| view! { <ErrorAlert message=e.to_string() testid="export-error"/> })}
        <Queue what="delle richieste" testid="firme"
            empty="Nessuna richiesta in questo stato."
            load=move |cursor| {
                let query = FirmeQuery { stato: Some(stato.get().slug()), convenzione: None, cursor };
                async move { api::firme_ordine(ordine, &query).await }
            }
            item=move |item| view! { <Richiesta item ordine/> }/>
        </Page>
    }
    .into_any()
}

const WORDING: Wording = Wording {
    motivo: "Motivo del rifiuto (l'iscritto lo leggerà)",
    motivo_mancante: "Indica il motivo: l'iscritto lo leggerà.",
    approva: "Valida",
    respingi: "Respingi",
    approvata: "Validata: ora segui la produzione e la spedizione.",
    respinta: "Respinta: l'iscritto riceve il motivo e può presentarne una nuova.",
    approva_chiude: false,
};

#[component]
fn Richiesta(item: RichiestaFirma, ordine: OrdineCode) -> impl IntoView {
    let cf = item.codice_fiscale.to_string();
    let numero = item.numero;
    let key = format!("{cf}-{numero}");
    let who = StoredValue::new(cf);
    let controls = match item.prossimo() {
        Some(StatoFirma::Validata) => {
            let decide = move |valida: bool, motivo: String| {
                let passo = PassoFirma {
                    verso: if valida {
                        StatoFirma::Validata
                    } else {
                        StatoFirma::Respinta
                    },
                    motivo: (!valida).then_some(motivo),
                    ritiro: None,
                    scadenza_certificato: None,
                };
                async move {
                    api::firma_passo(ordine, &who.get_value(), numero, &passo)
                        .await
                        .map(|_| ())
                }
            };
            view! { <Decision testid="firma" key wording=WORDING decide/> }.into_any()
        }
        Some(next) => {
            view! { <Passo next ordine who numero key certificato=item.prodotto.certificato().is_some()/> }
                .into_any()
        }
        None => ().into_any(),
    };
    view! {
        <li class="review card mb-3" data-testid="firma-item">
            <div class="card-body">
                <FirmaFacts r=item/>
                {controls}
            </div>
        </li>
    }
}

/// The request whose step form is open: one at a time, so that its fields' ids are unique
/// on the page.
#[derive(Clone, Copy)]
struct OpenForm(RwSignal<Option<String>>);

/// The next step: a button, which opens the form of the pickup's data or the certificate's
/// expiry where the step records them.
#[component]
fn Passo(
    next: StatoFirma,
    ordine: OrdineCode,
    who: StoredValue<String>,
    numero: u32,
    key: String,
    /// The product carries a certificate, whose expiry is recorded at the end.
    certificato: bool,
) -> impl IntoView {
    let ritiro = next == StatoFirma::Ritirata;
    let scadenza_needed = certificato && next.conclusa();
    let needs_form = ritiro || scadenza_needed;
    let open = expect_context::<OpenForm>().0;
    let this = StoredValue::new(key.clone());
    let is_open = move || open.get().as_deref() == Some(this.get_value().as_str());
    // Empty: the server records today (in Italy).
    let il = RwSignal::new(String::new());
    let scadenza = RwSignal::new(String::new());
    let tipo = RwSignal::new(String::new());
    let documento = RwSignal::new(String::new());
    let delegato = RwSignal::new(false);
    let delegato_nome = RwSignal::new(String::new());
    let delegato_cognome = RwSignal::new(String::new());
    let delega = RwSignal::new(false);
    let send = Action::new_local(move |passo: &PassoFirma| {
        let passo = passo.clone();
        async move { api::firma_passo(ordine, &who.get_value(), numero, &passo).await }
    });
    Effect::new(move |_| {
        if let Some(Err(_)) = send.value().get() {
            focus_first_error();
        }
    });
    let errors = Signal::derive(move || send.value().get().and_then(Result::err));
    let error = move |field: &'static str| field_error(errors, field);
    let (tipo_error, delega_error) = (error("documento_tipo"), error("delega_presentata"));
    let general = move || errors.get().filter(|e| e.field().is_none());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let date = |s: String| s.parse::<chrono::NaiveDate>().ok();
        send.dispatch(PassoFirma {
            verso: next,
            motivo: None,
            ritiro: ritiro.then(|| RitiroForm {
                il: date(il.get_untracked()),
                delegato: delegato.get_untracked(),
                delegato_nome: delegato_nome.get_untracked(),
                delegato_cognome: delegato_cognome.get_untracked(),
                delega_presentata: delega.get_untracked(),
                documento_tipo: serde_name::parse(&tipo.get_untracked()),
                documento_numero: documento.get_untracked(),
            }),
            scadenza_certificato: date(scadenza.get_untracked()),
        });
    };
    let tipi = || {
        TipoDocumentoIdentita::ALL
            .into_iter()
            .map(|t| {
                let value = serde_name::of(t);
                view! { <option value=value>{t.nome()}</option> }
            })
            .collect_view()
    };
    let done = move || send.value().get().and_then(Result::ok);
    let start = move |_| {
        if needs_form {
            open.set(Some(this.get_value()));
        } else {
            send.dispatch(PassoFirma {
                verso: next,
                motivo: None,
                ritiro: None,
                scadenza_certificato: None,
            });
        }
    };
    view! {
        <Show when=move || done().is_none() fallback=move || view! {
            <p class="alert alert-success" role="status" data-testid="firma-done">
                {done().map(|r| format!("Registrato: {}.", r.stato.nome()))}
            </p>
        }>
        <Show when=is_open fallback=move || view! {
            <button type="button" class="btn btn-primary btn-sm" data-testid="firma-avanza"
                disabled=move || send.pending().get() on:click=start>{next.azione()}</button>
        }>
        <form class="firma-passo" on:submit=submit novalidate data-testid="firma-passo">
            {ritiro.then(|| view! {
                <fieldset>
                    <legend>"Ritiro"</legend>
                    <Field id="ritiro_il" label="Data del ritiro (se non la indichi: oggi)" kind="date" value=il error=error("ritiro_il")/>
                    <div class="field">
                        <label for="documento_tipo">"Documento d'identità mostrato"</label>
                        <select id="documento_tipo" class="form-select" data-testid="documento_tipo"
                            aria-describedby="documento_tipo-error"
                            aria-invalid=move || tipo_error.get().is_some().to_string()
                            on:change:target=move |ev| tipo.set(ev.target().value())>
                            <option value="">"Scegli il tipo…"</option>
                            {tipi()}
                        </select>
                        <p id="documento_tipo-error" class="field-error" data-testid="documento_tipo-error">{move || tipo_error.get()}</p>
                    </div>
                    <Field id="documento_numero" label="Numero del documento" value=documento error=error("documento_numero")/>
                    <div class="form-check my-2">
                        <input id="delegato" type="checkbox" class="form-check-input" data-testid="delegato"
                            prop:checked=move || delegato.get()
                            on:change:target=move |ev| delegato.set(ev.target().checked())/>
                        <label for="delegato" class="form-check-label">"Ritira un delegato (il documento è il suo)"</label>
                    </div>
                    <Show when=move || delegato.get()>
                        <Field id="delegato_nome" label="Nome del delegato" value=delegato_nome error=error("delegato_nome")/>
                        <Field id="delegato_cognome" label="Cognome del delegato" value=delegato_cognome error=error("delegato_cognome")/>
                        <div class="form-check my-2">
                            <input id="delega_presentata" type="checkbox" class="form-check-input" data-testid="delega_presentata"
                                aria-invalid=move || delega_error.get().is_some().to_string()
                                aria-describedby="delega_presentata-error"
                                prop:checked=move || delega.get()
                                on:change:target=move |ev| delega.set(ev.target().checked())/>
                            <label for="delega_presentata" class="form-check-label">"Ha consegnato la delega firmata dall'iscritto, con copia del suo documento"</label>
                            <p id="delega_presentata-error" class="field-error" data-testid="delega_presentata-error">{move || delega_error.get()}</p>
                        </div>
                    </Show>
                </fieldset>
            })}
            {scadenza_needed.then(|| view! {
                <Field id="scadenza_certificato" label="Scadenza del certificato" kind="date" value=scadenza error=error("scadenza_certificato")/>
            })}
            <button type="submit" class="btn btn-primary btn-sm" data-testid="firma-conferma"
                disabled=move || send.pending().get()>{next.azione()}</button>
            <button type="button" class="btn btn-link btn-sm" on:click=move |_| open.set(None)>"Annulla"</button>
        </form>
        </Show>
        </Show>
        <div aria-live="polite">
            {move || general().map(|e| view! { <ErrorAlert message=e.to_string() testid="firma-passo-error"/> })}
        </div>
    }
}
