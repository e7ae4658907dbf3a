//! *Piani e prezzi* in the member's area: the quote for his own mailbox.

use leptos::prelude::*;

use crate::api;
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::format;
use crate::pages::plans::{ExpiryWarning, QuoteCalculator};

#[component]
pub fn MemberPlansPage() -> impl IntoView {
    view! {
        <Page title="Piani e prezzi">
        <Loaded what="della casella" load=api::me view=|me: api::Me| {
            let mailbox = me.member.and_then(|m| m.mailbox);
            view! {
                {mailbox.clone().map(|m| view! {
                    <p class="lead" data-testid="member-plan">
                        {format!("La tua casella {} è sul piano {}, con {} GB di inbox e {} GB di archivio, fino al {}.",
                            m.address, m.plan.nome(), m.space.inbox_gb, m.space.archivio_gb, format::date(m.scadenza))}
                    </p>
                })}
                <p>"Il preventivo parte dal tuo piano e dallo spazio che hai già. I servizi acquistati durano un anno dalla data di acquisto. "
                    <a href="/piani" rel="external">"Vedi tutti i piani"</a>"."</p>
                <ExpiryWarning/>
                <QuoteCalculator current=mailbox/>
            }
        }/>
        </Page>
    }
}
