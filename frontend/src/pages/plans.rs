//! *Piani e prezzi*: the plans of the catalog in force side by side, and a quote calculator.

use leptos::prelude::*;
use shared::api::{CatalogResponse, MailboxView};
use shared::catalog::{Plan, PlanCode, QuoteRequest, ServiceKind, Space, SpaceArea};

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::page::Page;
use crate::components::quote_table::QuoteTable;
use crate::format;

#[component]
pub fn PlansPage() -> impl IntoView {
    let catalog = LocalResource::new(api::catalog);
    view! {
        <Page title="Piani e prezzi">
        <p class="lead">
            "Ogni ingegnere iscritto all'Albo ha gratuitamente una casella PEC @ingpec.eu. "
            "Chi ha bisogno di più spazio può ampliarla o passare a PEC Avanzata dalla propria area riservata."
        </p>
        <Transition fallback=|| view! { <p class="loading" role="status">"Caricamento del listino…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! {
                    <ErrorAlert
                        testid="catalog-error"
                        message=errors.get().iter().next().map(|(_, e)| e.to_string()).unwrap_or_default()
                    />
                }
            }>
                {move || Suspend::new(async move {
                    catalog.await.map(|catalog| view! { <Catalog catalog/> })
                })}
            </ErrorBoundary>
        </Transition>
        <QuoteCalculator/>
        </Page>
    }
}

#[component]
fn Catalog(catalog: CatalogResponse) -> impl IntoView {
    let Some(version) = catalog.current().cloned() else {
        return view! { <ErrorAlert message="Nessun listino in vigore." /> }.into_any();
    };
    let cards = version
        .plans
        .into_iter()
        .map(|plan| view! { <PlanCard plan/> })
        .collect_view();
    let characteristics = catalog
        .characteristics
        .into_iter()
        .map(|c| view! { <li>{c}</li> })
        .collect_view();
    view! {
        <section aria-labelledby="plans-title">
            <h2 id="plans-title">
                {version.nome}
                <small>{format!(" – in vigore dal {}", format::date(version.in_force_from))}</small>
            </h2>
            <div class="plans">{cards}</div>
            <div class="alert alert-warning" role="note">
                <strong>"Attenzione: "</strong>
                "se un servizio a pagamento non viene rinnovato, alla scadenza è disattivato e la casella torna "
                "alla configurazione Base (1 GB di inbox). I documenti contenuti negli spazi disattivati "
                <strong>"non saranno più recuperabili"</strong>"."
            </div>
            <h3>"Con ogni casella"</h3>
            <ul class="characteristics">{characteristics}</ul>
        </section>
    }
    .into_any()
}

#[component]
fn PlanCard(plan: Plan) -> impl IntoView {
    let extras = plan
        .extra
        .iter()
        .map(|rule| view! { <li>{format::extra_rule(rule)}</li> })
        .collect_view();
    let testid = format!("plan-{}", serde_plan_code(plan.code));
    view! {
        <article class="plan-card" data-testid=testid>
            <h3>{plan.nome.clone()}</h3>
            <p class="price">{format::annual_fee(&plan)}</p>
            <p>{plan.descrizione.clone()}</p>
            <dl class="space">
                <dt>"Inbox"</dt>
                <dd>{format!("{} GB", plan.included.inbox_gb)}</dd>
                <dt>"Archivio"</dt>
                <dd>{format!("{} GB", plan.included.archivio_gb)}</dd>
            </dl>
            <ul class="extras">{extras}</ul>
        </article>
    }
}

fn serde_plan_code(code: PlanCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Reads a whole number of GB from a field; empty means zero.
fn gigabytes(value: &str) -> Result<u32, ()> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(0);
    }
    value.parse().map_err(|_| ())
}

/// The quote calculator; with `current`, it starts from that mailbox (its plan and the
/// extra inbox space it already has).
#[component]
pub fn QuoteCalculator(#[prop(default = None)] current: Option<MailboxView>) -> impl IntoView {
    let owned = current.as_ref().map_or(0, |m| {
        m.services
            .iter()
            .filter_map(|s| match s.kind {
                ServiceKind::SpazioExtra {
                    area: SpaceArea::Inbox,
                    gb,
                } => Some(gb),
                _ => None,
            })
            .sum::<u32>()
    });
    let plan = RwSignal::new(current.as_ref().map_or(PlanCode::Base, |m| m.plan));
    let upgrade = RwSignal::new(false);
    let owned_inbox = RwSignal::new(if owned > 0 {
        owned.to_string()
    } else {
        String::new()
    });
    let extra_inbox = RwSignal::new(String::new());
    let extra_archivio = RwSignal::new(String::new());
    let input_error = RwSignal::new(None::<String>);

    let quote = Action::new_local(|request: &QuoteRequest| {
        let request = request.clone();
        async move { api::quote(&request).await }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields = (
            gigabytes(&owned_inbox.get()),
            gigabytes(&extra_inbox.get()),
            gigabytes(&extra_archivio.get()),
        );
        let (Ok(owned), Ok(inbox), Ok(archivio)) = fields else {
            input_error.set(Some(
                "Indica lo spazio in GB con un numero intero, senza decimali.".into(),
            ));
            return;
        };
        input_error.set(None);
        let upgrading = plan.get() == PlanCode::Base && upgrade.get();
        quote.dispatch(QuoteRequest {
            plan: Some(plan.get()),
            owned_extra: Space::new(owned, 0),
            upgrade: upgrading,
            extra: Space::new(inbox, archivio),
            ..Default::default()
        });
    };

    let result = quote.value();
    let error_for = move |field: &'static str| {
        move || match result.get() {
            Some(Err(err)) if err.field() == Some(field) => Some(err.to_string()),
            _ => None,
        }
    };
    let general_error = move || match result.get() {
        Some(Err(err)) if !matches!(err.field(), Some("extra.inbox_gb" | "extra.archivio_gb")) => {
            Some(err)
        }
        _ => None,
    };

    view! {
        <section class="calculator" aria-labelledby="quote-title">
            <h2 id="quote-title">"Calcola il preventivo"</h2>
            <form on:submit=submit novalidate>
                <fieldset>
                    <legend>"Piano attuale della casella"</legend>
                    <label class="radio">
                        <input type="radio" name="plan" value="base" data-testid="plan-current-base"
                            prop:checked=move || plan.get() == PlanCode::Base
                            on:change=move |_| plan.set(PlanCode::Base)/>
                        "Base"
                    </label>
                    <label class="radio">
                        <input type="radio" name="plan" value="avanzata" data-testid="plan-current-avanzata"
                            prop:checked=move || plan.get() == PlanCode::Avanzata
                            on:change=move |_| plan.set(PlanCode::Avanzata)/>
                        "Avanzata"
                    </label>
                </fieldset>
                <Show when=move || plan.get() == PlanCode::Base>
                    <label class="checkbox">
                        <input type="checkbox" data-testid="upgrade"
                            prop:checked=move || upgrade.get()
                            on:change:target=move |ev| upgrade.set(ev.target().checked())/>
                        "Passa a PEC Avanzata (7 GB di inbox e 7 GB di archivio, spazio ampliabile senza limiti)"
                    </label>
                    <div class="field">
                        <label for="owned-inbox">"Spazio inbox aggiuntivo già attivo (GB)"</label>
                        <input id="owned-inbox" type="number" min="0" step="1" inputmode="numeric"
                            prop:value=move || owned_inbox.get()
                            on:input:target=move |ev| owned_inbox.set(ev.target().value())/>
                    </div>
                </Show>
                <div class="field">
                    <label for="extra-inbox">"Spazio inbox da aggiungere (GB)"</label>
                    <input id="extra-inbox" type="number" min="0" step="1" inputmode="numeric"
                        data-testid="extra-inbox"
                        aria-describedby="extra-inbox-error"
                        class:is-invalid=move || error_for("extra.inbox_gb")().is_some()
                        prop:value=move || extra_inbox.get()
                        on:input:target=move |ev| extra_inbox.set(ev.target().value())/>
                    <p id="extra-inbox-error" class="field-error" data-testid="extra-inbox-error">
                        {error_for("extra.inbox_gb")}
                    </p>
                </div>
                <div class="field">
                    <label for="extra-archivio">"Spazio archivio da aggiungere (GB)"</label>
                    <input id="extra-archivio" type="number" min="0" step="1" inputmode="numeric"
                        data-testid="extra-archivio"
                        aria-describedby="extra-archivio-error"
                        class:is-invalid=move || error_for("extra.archivio_gb")().is_some()
                        prop:value=move || extra_archivio.get()
                        on:input:target=move |ev| extra_archivio.set(ev.target().value())/>
                    <p id="extra-archivio-error" class="field-error" data-testid="extra-archivio-error">
                        {error_for("extra.archivio_gb")}
                    </p>
                </div>
                <button type="submit" class="btn btn-primary" data-testid="quote-submit"
                    disabled=move || quote.pending().get()>
                    {move || if quote.pending().get() { "Calcolo in corso…" } else { "Calcola il preventivo" }}
                </button>
            </form>
            <div aria-live="polite">
                {move || input_error.get().map(|message| view! { <ErrorAlert message testid="quote-error"/> })}
                {move || general_error().map(|err: ClientError| view! { <ErrorAlert message=err.to_string() testid="quote-error"/> })}
                {move || match result.get() {
                    Some(Ok(quote)) if input_error.get().is_none() => Some(view! { <QuoteTable quote/> }),
                    _ => None,
                }}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::gigabytes;

    #[test]
    fn gigabytes_are_whole_numbers_and_empty_is_zero() {
        assert_eq!(gigabytes(""), Ok(0));
        assert_eq!(gigabytes(" 3 "), Ok(3));
        assert_eq!(gigabytes("2,5"), Err(()));
        assert_eq!(gigabytes("-1"), Err(()));
    }
}
