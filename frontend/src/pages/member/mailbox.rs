//! *La mia PEC*: the holder's mailbox at a glance, with the next step to take.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::api::{MailboxView, MeMailbox};
use shared::lifecycle::{MailboxStatus, StatoContratto};
use shared::ui::path;

use crate::api;
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::components::timeline::Timeline;
use crate::format;
use crate::pages::member::contract::ContractOf;

/// The page; `contract` is the contract section ([`ContractSection`]), which the area's
/// bundle fetches on demand.
///
/// [`ContractSection`]: crate::pages::member::contract::ContractSection
#[component]
pub fn MailboxPage(contract: fn() -> AnyView) -> impl IntoView {
    view! {
        <Page title="La mia PEC">
        <Loaded what="della casella" load=api::own_mailbox view=move |me: MeMailbox| match me.member.and_then(|m| m.mailbox) {
            Some(mailbox) => {
                let codice_fiscale = me.caller.codice_fiscale.map(|cf| cf.to_string());
                view! { <Mailbox mailbox codice_fiscale contract/> }.into_any()
            }
            None => view! {
                <div class="alert alert-warning" role="note" data-testid="no-mailbox">
                    "Non hai ancora una casella @ingpec.eu: chiedi alla segreteria del tuo Ordine di attivarla."
                </div>
            }
            .into_any(),
        }/>
        </Page>
    }
}

fn status(status: MailboxStatus) -> &'static str {
    match status {
        MailboxStatus::Attiva => "Attiva",
        MailboxStatus::Bloccata => "Bloccata: contatta l'assistenza del provider per lo sblocco",
        MailboxStatus::Chiusa => "Chiusa",
    }
}

#[component]
fn Mailbox(
    mailbox: MailboxView,
    codice_fiscale: Option<String>,
    contract: fn() -> AnyView,
) -> impl IntoView {
    let services = mailbox
        .services
        .iter()
        .map(|s| {
            view! {
                <li>{format!("{} – scade il {}", s.descrizione(), format::date(s.scadenza))}</li>
            }
        })
        .collect_view();
    let has_services = !mailbox.services.is_empty();
    let first_access_done = mailbox.first_access_on.is_some();
    // The contract's standing, which an upload on this page moves.
    let contratto = RwSignal::new(mailbox.contratto);
    provide_context(ContractOf {
        stato: contratto,
        codice_fiscale,
    });
    let contract_class = move || {
        if contratto.get() == StatoContratto::Firmato {
            "ok"
        } else {
            "todo"
        }
    };
    view! {
        <section class="mailbox" aria-labelledby="mailbox-address">
            <h2 id="mailbox-address" data-testid="mailbox-address">{mailbox.address.to_string()}</h2>
            <dl class="facts">
                <dt>"Stato"</dt>
                <dd data-testid="mailbox-status">{status(mailbox.status)}</dd>
                <dt>"Piano"</dt>
                <dd data-testid="mailbox-plan">{mailbox.plan.nome()}</dd>
                <dt>"Spazio"</dt>
                <dd data-testid="mailbox-space">{format!("{} GB di inbox, {} GB di archivio", mailbox.space.inbox_gb, mailbox.space.archivio_gb)}</dd>
                <dt>"Attiva dal"</dt>
                <dd>{format::date(mailbox.activated_on)}</dd>
                <dt>"Scadenza"</dt>
                <dd data-testid="mailbox-scadenza">{format::date(mailbox.scadenza)}</dd>
                <dt>"Contratto"</dt>
                <dd class=contract_class data-testid="mailbox-contract">{move || contratto.get().nome()}</dd>
            </dl>
            {if first_access_done {
                view! {
                    {move || contratto.get().prossimo_passo().map(|step| view! {
                        <div class="alert alert-warning" role="note" data-testid="next-step">
                            <strong>"Prossimo passo: "</strong>{step}
                        </div>
                    })}
                    {contract()}
                }
                .into_any()
            } else {
                view! {
                    <div class="alert alert-warning" role="note" data-testid="next-step">
                        <strong>"Prossimo passo: "</strong>
                        "il primo accesso: verifica i tuoi dati, accetta le condizioni e approva le clausole. Poi potrai firmare il contratto. "
                        <A href=path::MIA_PEC_PRIMO_ACCESSO attr:data-testid="first-access-start">"Inizia il primo accesso"</A>
                    </div>
                }
                .into_any()
            }}
            {mailbox.status.is_open().then(|| view! { <Timeline load=api::own_timeline/> })}
            <h3>"Servizi a pagamento"</h3>
            {if has_services {
                view! {
                    <ul data-testid="services">{services}</ul>
                    <p><A href=path::MIA_PEC_PIANI attr:data-testid="services-renew">"Rinnova o acquista altri servizi"</A></p>
                    <p class="hint">
                        "Alla scadenza, un servizio non rinnovato viene disattivato e i documenti negli spazi disattivati non sono più recuperabili."
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <p data-testid="services">"Nessun servizio a pagamento attivo. "
                        <A href=path::MIA_PEC_PIANI attr:data-testid="services-buy">"Acquista spazio o PEC Avanzata"</A></p>
                }
                .into_any()
            }}
        </section>
    }
}
