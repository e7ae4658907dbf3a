//! *Domicilio digitale*: the Ordine's side of the DL 76/2020 duty. Who has no domicilio,
//! whose domicilio is an address of ours that receives nothing, whose mailbox is not his
//! domicilio; for one in breach the secretariat records the diffida it sent, and sees the
//! 30 days' term, then whether he complied or is to be proposed for suspension.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use shared::api::{DiffidaRichiesta, DomicilioReport, RigaDomicilio};
use shared::domicilio::{CanaleDiffida, StatoDiffida, mostra};
use shared::ui::path;

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::download;
use crate::components::form::{field_error, focus_first_error};
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::components::scroll_table::ScrollTable;
use crate::format;
use crate::session::SessionContext;

#[component]
pub fn DomicilioPage() -> impl IntoView {
    let ordine = SessionContext::get()
        .0
        .get_untracked()
        .and_then(|s| s.caller.ordine);
    let Some(ordine) = ordine else {
        return view! { <Redirect path="/accesso"/> }.into_any();
    };
    let sigla = StoredValue::new(ordine.to_string());
    let export = Action::new_local(move |_: &()| async move {
        let sigla = sigla.get_value();
        let csv = api::domicilio_export(&sigla).await?;
        let today = chrono::Local::now().date_naive();
        download::save_bytes(
            &format!("domicilio-digitale-{sigla}-{today}.csv"),
            "text/csv;charset=utf-8",
            &csv,
        );
        Ok::<_, ClientError>(())
    });
    view! {
        <Page title="Domicilio digitale">
        <p class="lead">
            "Ogni iscritto deve comunicare all'Albo un domicilio digitale (DL 76/2020, art. 37). A chi non lo ha, o ne ha uno che non riceve, l'Ordine invia una diffida: se entro 30 giorni non lo comunica, va proposto per la sospensione fino a quando non lo comunica."
        </p>
        <p>
            <button type="button" class="btn btn-outline-primary" data-testid="domicilio-export"
                disabled=move || export.pending().get() on:click=move |_| { export.dispatch(()); }>
                "Esporta l'elenco (CSV)"
            </button>
        </p>
        {move || export.value().get().and_then(Result::err).map(|e| view! { <ErrorAlert message=e.to_string() testid="export-error"/> })}
        <Loaded what="del domicilio digitale"
            load=move || async move { api::domicilio(&sigla.get_value()).await }
            view=move |report: DomicilioReport| view! { <Report report sigla=sigla.get_value()/> }/>
        </Page>
    }
    .into_any()
}

#[component]
fn Report(report: DomicilioReport, sigla: String) -> impl IntoView {
    let sigla = StoredValue::new(sigla);
    let summary = format!(
        "Senza domicilio digitale: {}. Domicilio che non riceve: {}. Casella non usata come domicilio: {}. Diffide in corso: {}. Da proporre per la sospensione: {}.",
        report.mancanti,
        report.non_attivi,
        report.caselle_non_domicilio,
        report.in_corso,
        report.da_sospendere
    );
    let today = report.oggi;
    let empty = report.righe.is_empty();
    let rows = report
        .righe
        .into_iter()
        .map(|r| view! { <Row r sigla=sigla.get_value() today/> })
        .collect_view();
    view! {
        <p data-testid="domicilio-summary">{summary}</p>
        {if empty {
            view! { <p data-testid="domicilio-empty">"Tutti gli iscritti hanno un domicilio digitale che riceve."</p> }.into_any()
        } else {
            view! {
                <ScrollTable label="Iscritti e domicilio digitale">
                    <table class="table table-sm" data-testid="domicilio-table">
                        <thead><tr>
                            <th scope="col">"Iscritto"</th>
                            <th scope="col">"Domicilio nell'Albo"</th>
                            <th scope="col">"Casella @ingpec.eu"</th>
                            <th scope="col">"Situazione"</th>
                            <th scope="col">"Diffida"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </ScrollTable>
            }
            .into_any()
        }}
    }
}

#[component]
fn Row(r: RigaDomicilio, sigla: String, today: chrono::NaiveDate) -> impl IntoView {
    let current = RwSignal::new(r.clone());
    let cf = r.codice_fiscale.to_string();
    let id = format!("diffida-{cf}");
    let member = path::iscritto(&cf);
    let who = StoredValue::new((sigla, cf.clone()));
    let data = RwSignal::new(today.to_string());
    let canale = RwSignal::new(CanaleDiffida::Raccomandata);
    let record = Action::new_local(move |request: &DiffidaRichiesta| {
        let request = request.clone();
        let (sigla, cf) = who.get_value();
        async move { api::record_diffida(&sigla, &cf, &request).await }
    });
    Effect::new(move |_| match record.value().get() {
        Some(Ok(row)) => current.set(row),
        Some(Err(_)) => focus_first_error(),
        None => {}
    });
    let errors = Signal::derive(move || record.value().get().and_then(Result::err));
    let server_data_error = field_error(errors, "data");
    let typed_error = RwSignal::new(None::<String>);
    let data_error = Signal::derive(move || typed_error.get().or_else(|| server_data_error.get()));
    let general = move || errors.get().filter(|e| e.field().is_none());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match data.get_untracked().parse() {
            Ok(day) => {
                typed_error.set(None);
                record.dispatch(DiffidaRichiesta {
                    data: day,
                    canale: canale.get_untracked(),
                });
            }
            Err(_) => {
                typed_error.set(Some(
                    "Indica la data in cui la diffida è stata inviata.".to_owned(),
                ));
                focus_first_error();
            }
        }
    };
    let may_warn = move || {
        matches!(
            current.get().stato,
            StatoDiffida::DaDiffidare | StatoDiffida::DaSospendere { .. }
        )
    };
    let date_id = format!("{id}-data");
    let who_name = format!("{} {}", r.cognome, r.nome);
    let canale_id = format!("{id}-canale");
    let options = || {
        CanaleDiffida::ALL
            .iter()
            .map(|c| view! { <option value=format!("{c:?}") selected=*c == CanaleDiffida::Raccomandata>{c.nome()}</option> })
            .collect_view()
    };
    view! {
        <tr data-testid="domicilio-row">
            <td><a href=member rel="external">{format!("{} {}", r.cognome, r.nome)}</a><br/>
                <span class="small">{format!("n. {}", r.numero_iscrizione)}</span></td>
            <td>{mostra(r.domicilio.as_ref())}</td>
            <td>{r.casella.as_ref().map_or_else(|| "nessuna".to_owned(), ToString::to_string)}</td>
            <td>{move || current.get().situazione.map_or("Ora in regola", |s| s.nome())}</td>
            <td>
                <span data-testid="domicilio-stato">{move || current.get().stato.nome()}</span>
                {move || current.get().diffida.map(|d| view! {
                    <span class="small d-block">{format!("Inviata il {} ({})", format::date(d.data), d.canale.nome())}</span>
                })}
                <Show when=may_warn>
                    <form class="diffida-form mt-2" on:submit=submit novalidate data-testid="diffida-form">
                        <label for=date_id.clone() class="form-label small">"Diffida inviata il"
                            <span class="visually-hidden">{format!(" a {who_name}")}</span></label>
                        <input id=date_id.clone() type="date" class="form-control form-control-sm" data-testid="diffida-data"
                            aria-invalid=move || data_error.get().is_some().to_string()
                            aria-describedby=format!("{date_id}-error")
                            prop:value=move || data.get()
                            on:input:target=move |ev| data.set(ev.target().value())/>
                        <div id=format!("{date_id}-error") class="invalid-feedback d-block">{move || data_error.get()}</div>
                        <label for=canale_id.clone() class="form-label small">"Canale"
                            <span class="visually-hidden">{format!(" della diffida a {who_name}")}</span></label>
                        <select id=canale_id.clone() class="form-select form-select-sm" data-testid="diffida-canale"
                            on:change:target=move |ev| {
                                let chosen = CanaleDiffida::ALL
                                    .into_iter()
                                    .find(|c| format!("{c:?}") == ev.target().value());
                                if let Some(c) = chosen { canale.set(c); }
                            }>
                            {options()}
                        </select>
                        <button type="submit" class="btn btn-primary btn-sm mt-1" data-testid="diffida-submit"
                            disabled=move || record.pending().get()>"Registra la diffida"
                            <span class="visually-hidden">{format!(" a {who_name}")}</span></button>
                    </form>
                </Show>
                {move || general().map(|e| view! { <ErrorAlert message=e.to_string() testid="diffida-error"/> })}
            </td>
        </tr>
    }
}
