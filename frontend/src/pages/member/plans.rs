//! *Piani e prezzi* in the member's area: buying for his own mailbox, and the quote.

use leptos::prelude::*;

use crate::api;
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::format;
use crate::pages::member::orders::{BuyForm, RenewList};
use crate::pages::plans::{ExpiryWarning, QuoteCalculator};

#[component]
pub fn MemberPlansPage() -> impl IntoView {
    let catalog = LocalResource::new(api::catalog);
    view! {
        <Page title="Acquista e rinnova">
        <Loaded what="della casella" load=api::me view=move |me: api::Me| {
            let registered = me.member.as_ref().is_none_or(|m| m.albo.stato.is_registered());
            let today = me.oggi;
            let mailbox = me.member.and_then(|m| m.mailbox);
            // No longer on the Albo, on Base: the mailbox closes at its scadenza unless
            // he moves to Avanzata (DOMAIN.md, Lifecycle 2).
            let closes = mailbox
                .clone()
                .filter(|m| !registered && m.status.is_open() && m.plan == shared::catalog::PlanCode::Base);
            view! {
                {closes.map(|m| view! {
                    <div class="alert alert-warning" role="note" data-testid="cancelled-keep">
                        {format!(
                            "Non risulti più iscritto all'Albo: la casella resterà attiva fino al {}, poi sarà chiusa e i messaggi non saranno più recuperabili. Per mantenerla, passa a PEC Avanzata qui sotto.",
                            format::date(m.scadenza)
                        )}
                    </div>
                })}
                {mailbox.clone().map(|m| view! {
                    <p class="lead" data-testid="member-plan">
                        {format!("La tua casella {} è sul piano {}, con {} GB di inbox e {} GB di archivio, fino al {}.",
                            m.address, m.plan.nome(), m.space.inbox_gb, m.space.archivio_gb, format::date(m.scadenza))}
                    </p>
                })}
                <p>"Il preventivo parte dal tuo piano e dallo spazio che hai già. I servizi acquistati durano un anno dalla data di acquisto. "
                    <a href="/piani" rel="external">"Vedi tutti i piani"</a>"."</p>
                <ExpiryWarning/>
                {mailbox.clone().filter(|m| m.status.is_open()).map(|m| view! { <RenewList mailbox=m.clone() today/> <BuyForm mailbox=m/> })}
                <QuoteCalculator catalog current=mailbox/>
            }
        }/>
        </Page>
    }
}
