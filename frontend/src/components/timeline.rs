//! The mailbox's timeline (*prospetto*): its coming events with dates and amounts, and
//! the data that will not fit when space lapses. The holder sees his own, the Fondazione
//! any member's.

use leptos::prelude::*;
use shared::api::Prospetto;
use shared::lifecycle::prospetto::{EventoProspetto, TipoEvento, gb};

use crate::components::alert::ErrorAlert;
use crate::format;

/// Loads with `load` and shows the timeline (a failure is said, never a blank).
#[component]
pub fn Timeline<Fut, L>(load: L) -> impl IntoView
where
    Fut: std::future::Future<Output = Result<Prospetto, crate::api::ClientError>> + 'static,
    L: Fn() -> Fut + Send + Sync + 'static,
{
    let resource = LocalResource::new(load);
    view! {
        <section class="timeline" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"Prossime scadenze"</h2>
            <Transition fallback=|| view! { <p class="loading" role="status">"Caricamento delle scadenze…"</p> }>
                {move || Suspend::new(async move {
                    match resource.await {
                        Ok(prospetto) => view! { <Events prospetto/> }.into_any(),
                        Err(e) => view! { <ErrorAlert message=e.to_string() testid="timeline-error"/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Events(prospetto: Prospetto) -> impl IntoView {
    let excess = prospetto
        .eccedenze
        .into_iter()
        .map(|text| view! { <div class="alert alert-danger" role="note" data-testid="timeline-excess">{text}</div> })
        .collect_view();
    let used = prospetto.occupazione.map(|o| {
        view! {
            <p data-testid="timeline-used">
                {format!("Oggi la casella occupa {} nell'inbox e {} nell'archivio.", gb(o.inbox_mb), gb(o.archivio_mb))}
            </p>
        }
    });
    let rows = prospetto
        .eventi
        .into_iter()
        .map(|e| view! { <Event e/> })
        .collect_view();
    view! {
        {excess}
        {used}
        <ul class="timeline-events" data-testid="timeline">{rows}</ul>
    }
}

#[component]
fn Event(e: EventoProspetto) -> impl IntoView {
    let mut details = Vec::new();
    if let Some(cost) = e.rinnovo {
        details.push(format!("rinnovo a {cost} IVA inclusa, ai prezzi di oggi"));
    }
    if let Some(from) = e.rinnovabile_dal {
        details.push(format!("rinnovabile dal {}", format::date(from)));
    }
    if let Some(lost) = e.spazio_perso.filter(|s| s.inbox_gb + s.archivio_gb > 0) {
        details.push(format!(
            "se non rinnovi si perdono {} GB di inbox e {} GB di archivio, con i documenti che contengono",
            lost.inbox_gb, lost.archivio_gb
        ));
    }
    let class = match e.tipo {
        TipoEvento::Promemoria => "reminder",
        TipoEvento::ScadenzaServizio | TipoEvento::ChiusuraCasella => "lapse",
        TipoEvento::RinnovoCasella => "renewal",
    };
    view! {
        <li class=class data-testid="timeline-event">
            <strong>{format::date(e.data)}</strong>" – "{e.descrizione}
            {(!details.is_empty()).then(|| view! { <span class="hint">{format!(" ({})", details.join("; "))}</span> })}
        </li>
    }
}
