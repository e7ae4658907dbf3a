//! *Casella dell'Ordine*: the Ordine's own @ingpec.eu mailbox.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api;
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::format;
use crate::session::SessionContext;

#[component]
pub fn OrdineMailboxPage() -> impl IntoView {
    let ordine = SessionContext::get()
        .0
        .get_untracked()
        .and_then(|s| s.caller.ordine);
    let Some(ordine) = ordine else {
        return view! { <Redirect path="/accesso"/> }.into_any();
    };
    let sigla = ordine.to_string();
    view! {
        <Page title="Casella dell'Ordine">
        <Loaded what="della casella"
            load=move || {
                let sigla = sigla.clone();
                async move { api::ordine_mailbox(&sigla).await }
            }
            view=|casella: shared::api::OrdineMailbox| {
                let m = casella.mailbox;
                view! {
                    <p class="lead">{casella.nome}</p>
                    <dl class="facts" data-testid="ordine-mailbox">
                        <dt>"Indirizzo"</dt><dd data-testid="ordine-mailbox-address">{m.address.to_string()}</dd>
                        <dt>"Piano"</dt><dd>{m.plan.nome()}</dd>
                        <dt>"Spazio"</dt><dd>{format!("{} GB inbox, {} GB archivio", m.space.inbox_gb, m.space.archivio_gb)}</dd>
                        <dt>"Attiva dal"</dt><dd>{format::date(m.activated_on)}</dd>
                        <dt>"Scadenza"</dt><dd>{format::date(m.scadenza)}</dd>
                    </dl>
                }
            }/>
        </Page>
    }
    .into_any()
}
