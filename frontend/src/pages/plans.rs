//! *Piani e prezzi*: the plans of the catalog in force side by side, and a quote calculator.

use leptos::prelude::*;
use shared::api::{CatalogResponse, MailboxView};
use shared::catalog::{
    CatalogVersion, MAX_GB_PER_ORDER, Plan, PlanCode, QuoteRequest, ServiceKind, Space, SpaceArea,
};
use shared::serde_name;

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::form::{Field, focus_first_error};
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
        <QuoteCalculator catalog/>
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
            <ExpiryWarning/>
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
    let testid = format!("plan-{}", serde_name::of(plan.code));
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

/// Reads a whole number of GB from a field as people type it; empty means zero. Space
/// is sold by the whole GB: "2,5" or "2.5" is refused in words, never read as 2 or 0.
pub fn gigabytes(value: &str) -> Result<u32, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(0);
    }
    if value.starts_with('-') {
        return Err("Indica un numero di GB pari o maggiore di zero.");
    }
    // "1.000" is a thousand written the Italian way, not a decimal: say so.
    let thousands = value.split('.').skip(1).all(|group| group.len() == 3);
    if value.contains('.') && thousands && value.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err("Scrivi il numero di GB senza punti (per esempio 1000, non 1.000).");
    }
    if value.contains([',', '.']) {
        return Err(
            "Lo spazio si acquista a GB interi: scrivi un numero senza decimali (per esempio 2, non 2,5).",
        );
    }
    if !value.chars().all(|c| c.is_ascii_digit()) {
        return Err("Indica lo spazio con un numero intero di GB (per esempio 2).");
    }
    match value.parse::<u32>() {
        Ok(gb) if gb <= MAX_GB_PER_ORDER => Ok(gb),
        _ => Err("Il numero di GB è troppo grande: al massimo 1000 GB per area."),
    }
}

/// The extra space the mailbox's services already add, by area.
fn owned_extra(mailbox: &MailboxView) -> Space {
    let sum = |wanted: SpaceArea| {
        mailbox
            .services
            .iter()
            .filter_map(|s| match s.kind {
                ServiceKind::SpazioExtra { area, gb } if area == wanted => Some(gb),
                _ => None,
            })
            .sum()
    };
    Space::new(sum(SpaceArea::Inbox), sum(SpaceArea::Archivio))
}

/// What `plan` allows in `area` on top of `owned` extra GB, in words, for the field's hint.
fn room_hint(plan: &Plan, area: SpaceArea, owned: u32) -> String {
    let Some(rule) = plan.extra_rule(area) else {
        return format!(
            "Con {} lo spazio {} non si amplia: scegli il passaggio a PEC Avanzata.",
            plan.nome,
            area.nome()
        );
    };
    let rule_text = format::extra_rule(rule);
    match plan.extra_room(area, owned) {
        Some(0) => format!("{rule_text}. Hai già raggiunto il limite del piano."),
        Some(room) if owned > 0 => format!("{rule_text}. Puoi aggiungerne ancora {room} GB."),
        _ => format!("{rule_text}."),
    }
}

/// What happens to bought space that is not renewed (seed 000): said before any purchase.
#[component]
pub fn ExpiryWarning() -> impl IntoView {
    view! {
        <div class="alert alert-warning" role="note" data-testid="expiry-warning">
            <strong>"Attenzione: "</strong>
            "se un servizio a pagamento non viene rinnovato, alla scadenza è disattivato e la casella torna "
            "alla configurazione Base (1 GB di inbox). I documenti contenuti negli spazi disattivati "
            <strong>"non saranno più recuperabili"</strong>"."
        </div>
    }
}

/// The quote calculator, under `catalog` as the server has it (the Fondazione publishes
/// new price lists), loaded once by the page. With `current` it is the member's own
/// mailbox: its plan and the space it already has are known, not asked. Each field says
/// what its plan allows.
#[component]
pub fn QuoteCalculator(
    catalog: LocalResource<Result<CatalogResponse, ClientError>>,
    #[prop(default = None)] current: Option<MailboxView>,
) -> impl IntoView {
    // The rules of the version in force, once the page has them.
    let version = RwSignal::new(None::<CatalogVersion>);
    leptos::task::spawn_local(async move {
        if let Ok(catalog) = catalog.await {
            version.set(catalog.current().cloned());
        }
    });
    let known = current.is_some();
    // Priced on the plan in force today (a 2022 PRO as Avanzata).
    let plan = RwSignal::new(
        current
            .as_ref()
            .map_or(PlanCode::Base, |m| m.plan.current()),
    );
    let upgrade = RwSignal::new(false);
    // The member's own extra space is known; on the public page only a Base mailbox's
    // inbox extra is asked (Avanzata's space grows without limits, so it does not count).
    let known_extra = current.as_ref().map(owned_extra);
    let owned_inbox_gb = RwSignal::new(String::new());
    let extra_inbox = RwSignal::new(String::new());
    let extra_archivio = RwSignal::new(String::new());
    // Errors found before asking the server, by field.
    let typed_errors = RwSignal::new(Vec::<(&'static str, &'static str)>::new());

    let quote = Action::new_local(|request: &QuoteRequest| {
        let request = request.clone();
        async move { api::quote(&request).await }
    });
    let result = quote.value();
    let error_for = move |field: &'static str| {
        Signal::derive(move || {
            let typed = typed_errors
                .get()
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, message)| (*message).to_owned());
            typed.or_else(|| match result.get() {
                Some(Err(err)) if err.field() == Some(field) => Some(err.to_string()),
                _ => None,
            })
        })
    };
    let general_error = move || match result.get() {
        Some(Err(err))
            if !matches!(
                err.field(),
                Some("extra.inbox_gb" | "extra.archivio_gb" | "owned_extra.inbox_gb")
            ) =>
        {
            Some(err)
        }
        _ => None,
    };
    let effective_plan = move || {
        let code = match plan.get() {
            PlanCode::Base if upgrade.get() => PlanCode::Avanzata,
            code => code,
        };
        version.with(|v| v.as_ref().and_then(|v| v.plan(code)).cloned())
    };
    let owned = move || {
        known_extra.unwrap_or_else(|| {
            let inbox = match plan.get() {
                PlanCode::Base => gigabytes(&owned_inbox_gb.get()).unwrap_or(0),
                _ => 0,
            };
            Space::new(inbox, 0)
        })
    };
    let hint = move |area: SpaceArea| {
        Signal::derive(move || {
            effective_plan()
                .map(|p| room_hint(&p, area, owned().get(area)))
                .unwrap_or_default()
        })
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let asked_owned = if known || plan.get() != PlanCode::Base {
            String::new()
        } else {
            owned_inbox_gb.get()
        };
        let fields = [
            ("owned_extra.inbox_gb", asked_owned),
            ("extra.inbox_gb", extra_inbox.get()),
            ("extra.archivio_gb", extra_archivio.get()),
        ];
        let read: Vec<_> = fields
            .iter()
            .map(|(field, value)| (*field, gigabytes(value)))
            .collect();
        let errors: Vec<_> = read
            .iter()
            .filter_map(|(field, r)| r.err().map(|message| (*field, message)))
            .collect();
        let has_errors = !errors.is_empty();
        typed_errors.set(errors);
        if has_errors {
            focus_first_error();
            return;
        }
        let gb = |i: usize| read[i].1.unwrap_or(0);
        quote.dispatch(QuoteRequest {
            plan: Some(plan.get()),
            owned_extra: known_extra.unwrap_or(Space::new(gb(0), 0)),
            upgrade: plan.get() == PlanCode::Base && upgrade.get(),
            extra: Space::new(gb(1), gb(2)),
            ..Default::default()
        });
    };
    Effect::new(move |_| {
        if matches!(result.get(), Some(Err(ref e)) if e.field().is_some()) {
            focus_first_error();
        }
    });

    let current_plan = current.map(|m| {
        let extra = owned_extra(&m);
        let bought: Vec<String> = SpaceArea::ALL
            .into_iter()
            .filter(|area| extra.get(*area) > 0)
            .map(|area| format!("{} GB di {}", extra.get(area), area.nome()))
            .collect();
        let with = if bought.is_empty() {
            String::new()
        } else {
            format!(", con {} aggiuntivi già acquistati", bought.join(" e "))
        };
        format!("Piano attuale: {}{with}.", m.plan.nome())
    });

    view! {
        <section class="calculator" aria-labelledby="quote-title">
            <h2 id="quote-title">{if known { "Calcola il preventivo per la tua casella" } else { "Calcola il preventivo" }}</h2>
            <form on:submit=submit novalidate>
                {match current_plan {
                    Some(text) => view! { <p data-testid="quote-current-plan">{text}</p> }.into_any(),
                    None => view! {
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
                    }
                    .into_any(),
                }}
                <Show when=move || plan.get() == PlanCode::Base>
                    <label class="checkbox">
                        <input type="checkbox" data-testid="upgrade"
                            prop:checked=move || upgrade.get()
                            on:change:target=move |ev| upgrade.set(ev.target().checked())/>
                        "Passa a PEC Avanzata (7 GB di inbox e 7 GB di archivio, spazio ampliabile senza limiti)"
                    </label>
                    {(!known).then(|| view! {
                        <Field id="owned-inbox" label="Spazio inbox aggiuntivo già attivo (GB)" value=owned_inbox_gb
                            error=error_for("owned_extra.inbox_gb") inputmode="numeric"/>
                    })}
                </Show>
                <Field id="extra-inbox" label="Spazio inbox da aggiungere (GB)" value=extra_inbox
                    error=error_for("extra.inbox_gb") hint=hint(SpaceArea::Inbox) inputmode="numeric"/>
                <Field id="extra-archivio" label="Spazio archivio da aggiungere (GB)" value=extra_archivio
                    error=error_for("extra.archivio_gb") hint=hint(SpaceArea::Archivio) inputmode="numeric"/>
                <button type="submit" class="btn btn-primary" data-testid="quote-submit"
                    disabled=move || quote.pending().get()>
                    {move || if quote.pending().get() { "Calcolo in corso…" } else { "Calcola il preventivo" }}
                </button>
            </form>
            <div aria-live="polite">
                {move || general_error().map(|err: ClientError| view! { <ErrorAlert message=err.to_string() testid="quote-error"/> })}
                {move || match result.get() {
                    Some(Ok(quote)) if typed_errors.get().is_empty() => Some(view! { <QuoteTable quote/> }),
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
        assert!(gigabytes("2,5").unwrap_err().contains("GB interi"));
        assert!(gigabytes("2.5").unwrap_err().contains("GB interi"));
        assert!(gigabytes("-1").unwrap_err().contains("maggiore di zero"));
        assert!(gigabytes("due").unwrap_err().contains("numero intero"));
        assert!(
            gigabytes("99999999999")
                .unwrap_err()
                .contains("troppo grande")
        );
        assert_eq!(gigabytes("1000"), Ok(1000));
        assert!(gigabytes("1001").unwrap_err().contains("1000 GB"));
        assert!(gigabytes("1.000").unwrap_err().contains("senza punti"));
    }
}
