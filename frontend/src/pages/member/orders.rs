//! Buying for one's own mailbox: the purchase form (extra space, Avanzata), the order with
//! its price frozen, its card payment and what becomes of it, the list of one's orders.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::api::{Intent, MailboxView, ModalitaPagamento, OrdineRichiesta, PagamentoProva};
use shared::catalog::{PlanCode, ServiceKind, SpaceArea};
use shared::lifecycle::{RENEWAL_WINDOW_DAYS, one_year_after};
use shared::order::{Acquisto, Order, StatoOrdine};
use shared::ui::path;

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::form::{Field, field_error, focus_first_error};
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::components::quote_table::QuoteTable;
use crate::components::scroll_table::ScrollTable;
use crate::format;
use crate::pages::member::card_payment::StripeCheckout;
use crate::pages::plans::{ExpiryWarning, gigabytes};

/// What the form buys.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scelta {
    Spazio(SpaceArea),
    Avanzata,
}

/// The purchase form of the holder's mailbox: what its plan allows, one service at a
/// time; the order it makes opens on its own page.
#[component]
pub fn BuyForm(mailbox: MailboxView) -> impl IntoView {
    let base = mailbox.plan == PlanCode::Base;
    let scelta = RwSignal::new(Scelta::Spazio(SpaceArea::Inbox));
    let gb = RwSignal::new(String::new());
    let typed_error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let create = Action::new_local(|request: &OrdineRichiesta| {
        let request = request.clone();
        async move { api::create_order(&request).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(order)) = create.value().get() {
            navigate(&path::ordine_acquisto(&order.id), Default::default());
        }
    });
    let errors = Signal::derive(move || create.value().get().and_then(Result::err));
    let gb_error = Signal::derive(move || {
        typed_error.get().or_else(|| match errors.get() {
            Some(e) if matches!(e.field(), Some(f) if f.starts_with("extra")) => {
                Some(e.to_string())
            }
            _ => None,
        })
    });
    let general_error = move || {
        errors
            .get()
            .filter(|e| !matches!(e.field(), Some(f) if f.starts_with("extra")))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let servizio = match scelta.get() {
            Scelta::Avanzata => ServiceKind::Avanzata,
            Scelta::Spazio(area) => match gigabytes(&gb.get()) {
                Ok(0) => {
                    typed_error.set(Some("Indica quanti GB vuoi aggiungere.".to_owned()));
                    focus_first_error();
                    return;
                }
                Ok(gb) => ServiceKind::SpazioExtra { area, gb },
                Err(message) => {
                    typed_error.set(Some(message.to_owned()));
                    focus_first_error();
                    return;
                }
            },
        };
        typed_error.set(None);
        create.dispatch(OrdineRichiesta {
            acquisto: Acquisto::Servizio { servizio },
        });
    };
    let option = move |value: Scelta, label: &'static str, testid: &'static str| {
        view! {
            <label class="radio">
                <input type="radio" name="servizio" data-testid=testid
                    prop:checked=move || scelta.get() == value
                    on:change=move |_| scelta.set(value)/>
                {label}
            </label>
        }
    };
    view! {
        <section class="buy" aria-labelledby="buy-title">
            <h2 id="buy-title">"Acquista per la tua casella"</h2>
            <p>"Scegli un servizio: vedrai l'ordine con il prezzo di oggi prima di pagare. Ogni servizio dura un anno."</p>
            <form on:submit=submit novalidate>
                <fieldset>
                    <legend>"Servizio"</legend>
                    {option(Scelta::Spazio(SpaceArea::Inbox), "Spazio inbox aggiuntivo", "buy-inbox")}
                    {(!base).then(|| option(Scelta::Spazio(SpaceArea::Archivio), "Spazio archivio aggiuntivo", "buy-archivio"))}
                    {base.then(|| option(Scelta::Avanzata, "Passa a PEC Avanzata (7 GB di inbox e 7 GB di archivio)", "buy-avanzata"))}
                </fieldset>
                <Show when=move || scelta.get() != Scelta::Avanzata>
                    <Field id="buy-gb" label="GB da aggiungere" value=gb error=gb_error inputmode="numeric"
                        hint=Signal::derive(move || if base {
                            "Con il piano Base l'inbox arriva al massimo a 5 GB.".to_owned()
                        } else {
                            "Con il tuo piano lo spazio si amplia senza limiti.".to_owned()
                        })/>
                </Show>
                <button type="submit" class="btn btn-primary" data-testid="buy-submit"
                    disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Creazione dell'ordine…" } else { "Continua con l'ordine" }}
                </button>
            </form>
            <div aria-live="polite">
                {move || general_error().map(|e| view! { <ErrorAlert message=e.to_string() testid="buy-error"/> })}
            </div>
        </section>
    }
}

/// The paid services of the mailbox, each renewable in the 90 days before its scadenza
/// (counted from `today` in Italy, as the server has it).
#[component]
pub fn RenewList(mailbox: MailboxView, today: chrono::NaiveDate) -> impl IntoView {
    let navigate = use_navigate();
    let renew = Action::new_local(|id: &u32| {
        let request = OrdineRichiesta {
            acquisto: Acquisto::Rinnovo { servizio: *id },
        };
        async move { api::create_order(&request).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(order)) = renew.value().get() {
            navigate(&path::ordine_acquisto(&order.id), Default::default());
        }
    });
    if mailbox.services.is_empty() {
        return ().into_any();
    }
    let rows = mailbox
        .services
        .iter()
        .map(|s| {
            let opens = s.scadenza - chrono::Duration::days(RENEWAL_WINDOW_DAYS);
            let id = s.id;
            let action = if today >= opens {
                view! {
                    <button type="button" class="btn btn-outline-primary btn-sm" data-testid=format!("renew-{id}")
                        disabled=move || renew.pending().get()
                        on:click=move |_| { renew.dispatch(id); }>"Rinnova per un anno"</button>
                }
                .into_any()
            } else {
                view! { <span class="hint">{format!("Rinnovabile dal {}", format::date(opens))}</span> }.into_any()
            };
            view! {
                <li>
                    {format!("{} – scade il {} ", s.descrizione(), format::date(s.scadenza))}
                    {action}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="renew" aria-labelledby="renew-title">
            <h2 id="renew-title">"Rinnova i tuoi servizi"</h2>
            <ul data-testid="renew-list">{rows}</ul>
            <div aria-live="polite">
                {move || renew.value().get().and_then(Result::err).map(|e| view! { <ErrorAlert message=e.to_string() testid="renew-error"/> })}
            </div>
        </section>
    }
    .into_any()
}

/// The holder's orders, newest first.
#[component]
pub fn OrdersPage() -> impl IntoView {
    view! {
        <Page title="I miei ordini">
        <Loaded what="degli ordini" load=api::orders view=orders_table/>
        </Page>
    }
}

fn orders_table(orders: Vec<Order>) -> AnyView {
    if orders.is_empty() {
        return view! {
            <p data-testid="orders-empty">"Non hai ancora fatto ordini. "
                <A href=path::MIA_PEC_PIANI>"Acquista spazio o PEC Avanzata"</A>"."</p>
        }
        .into_any();
    }
    let rows = orders
        .into_iter()
        .map(|o| {
            let href = path::ordine_acquisto(&o.id);
            let what = o.descrizione();
            view! {
                <tr>
                    <td>{format::date(format::italian_day(o.creato_il))}</td>
                    <td><A href=href>{what}</A></td>
                    <td class="num">{o.totale().to_string()}</td>
                    <td data-testid="order-row-status">{o.stato.nome()}</td>
                    <td>{o.fattura.map(|f| f.to_string()).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ScrollTable label="I tuoi ordini">
        <table class="table" data-testid="orders-table">
            <caption>"I tuoi ordini, dal più recente"</caption>
            <thead><tr>
                <th scope="col">"Data"</th>
                <th scope="col">"Acquisto"</th>
                <th scope="col" class="num">"Totale"</th>
                <th scope="col">"Stato"</th>
                <th scope="col">"Fattura"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        </ScrollTable>
    }
    .into_any()
}

/// One order: its price, its payment, what became of it.
#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    view! {
        <Page title="Ordine">
        <Loaded what="dell'ordine" load=move || { let id = id.clone(); async move { api::order(&id).await } }
            view=|order: Order| view! { <OrderView order/> }/>
        </Page>
    }
}

/// Whether the order may still change by itself (a payment being applied, the provider
/// resizing the mailbox): the page keeps reading it until it settles.
fn settling(stato: StatoOrdine) -> bool {
    stato == StatoOrdine::Pagato
}

#[component]
fn OrderView(order: Order) -> impl IntoView {
    let id = StoredValue::new(order.id.clone());
    let current = RwSignal::new(order);
    let intent = RwSignal::new(None::<Intent>);
    let card = RwSignal::new(String::new());

    // Reads the order again until a payment or an activation has settled it; after a
    // card payment confirmed with the provider, until its event has reached the server.
    let follow_until = move |payment_confirmed: bool| {
        leptos::task::spawn_local(async move {
            for _ in 0..60 {
                api::sleep(1000).await;
                if let Ok(fresh) = api::order(&id.get_value()).await {
                    let waiting = settling(fresh.stato)
                        || (payment_confirmed && fresh.stato == StatoOrdine::InAttesaDiPagamento);
                    current.set(fresh);
                    if !waiting {
                        return;
                    }
                }
            }
        });
    };
    let follow = move || follow_until(false);
    if settling(current.get_untracked().stato) {
        follow();
    }

    let start = Action::new_local(move |_: &()| async move {
        let started = api::start_payment(&id.get_value()).await?;
        intent.set(Some(started.clone()));
        Ok::<_, ClientError>(started)
    });
    let pay = Action::new_local(move |request: &PagamentoProva| {
        let request = request.clone();
        async move {
            let outcome = api::test_checkout(&request).await?;
            if let Ok(fresh) = api::order(&id.get_value()).await {
                let keep_following = settling(fresh.stato);
                current.set(fresh);
                if keep_following {
                    follow();
                }
            }
            Ok::<_, ClientError>(outcome)
        }
    });
    let cancel = Action::new_local(move |_: &()| async move {
        let cancelled = api::cancel_order(&id.get_value()).await?;
        current.set(cancelled.clone());
        Ok::<_, ClientError>(cancelled)
    });
    let download = Action::new_local(move |what: &&'static str| {
        let what = *what;
        async move {
            let order = current.get_untracked();
            let numero = order
                .fattura
                .map(|f| format!("{}-{}", f.anno, f.progressivo))
                .unwrap_or_default();
            let (bytes, name, mime) = if what == "ricevuta" {
                (
                    api::receipt(&order.id).await?,
                    format!("ricevuta-{numero}.pdf"),
                    "application/pdf",
                )
            } else {
                (
                    api::invoice_xml(&order.id).await?,
                    format!("fattura-{numero}.xml"),
                    "application/xml",
                )
            };
            crate::components::download::save_bytes(&name, mime, &bytes);
            Ok::<_, ClientError>(())
        }
    });
    let pay_errors = Signal::derive(move || pay.value().get().and_then(Result::err));
    let card_error = field_error(pay_errors, "numero_carta");
    Effect::new(move |_| {
        if card_error.get().is_some() {
            focus_first_error();
        }
    });
    let submit_card = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(started) = intent.get() {
            pay.dispatch(PagamentoProva {
                client_secret: started.client_secret,
                numero_carta: card.get(),
            });
        }
    };

    let facts = move || {
        let o = current.get();
        let scadenza = match o.acquisto {
            Acquisto::Servizio { .. } => Some(one_year_after(o.preventivo.date)),
            Acquisto::Rinnovo { .. } => None,
        };
        view! {
            <dl class="facts">
                <dt>"Acquisto"</dt>
                <dd data-testid="order-what">{o.descrizione()}</dd>
                <dt>"Casella"</dt>
                <dd>{o.indirizzo.to_string()}</dd>
                <dt>"Ordine"</dt>
                <dd>{format!("n. {} del {}", o.id, format::date(format::italian_day(o.creato_il)))}</dd>
                <dt>"Listino"</dt>
                <dd>{o.preventivo.catalog.nome()}</dd>
                <dt>"Stato"</dt>
                <dd data-testid="order-status">{o.stato.nome()}</dd>
                {o.fattura.map(|f| view! { <dt>"Fattura"</dt><dd data-testid="order-invoice">{format!("n. {f}")}</dd> })}
                {scadenza.map(|d| view! { <dt>"Valido fino al"</dt><dd>{format::date(d)}</dd> })}
            </dl>
        }
    };
    let outcome = move || {
        let o = current.get();
        let refund = (!o.da_rimborsare.is_empty()).then(|| {
            let motivi: Vec<String> = o
                .da_rimborsare
                .iter()
                .map(|p| p.motivo.as_ref().map_or_else(String::new, |m| m.to_string()))
                .collect();
            view! {
                <div class="alert alert-info" role="status" data-testid="order-refund">
                    {format!("Un pagamento di questo ordine non è stato applicato e ti sarà rimborsato dalla Fondazione. {}", motivi.join(" "))}
                </div>
            }
        });
        let state = match o.stato {
            StatoOrdine::Pagato => Some(view! {
                <div class="alert alert-info" role="status" data-testid="order-paid">
                    "Pagamento ricevuto. Stiamo aggiornando la tua casella presso il gestore: ci vuole qualche istante."
                </div>
            }.into_any()),
            StatoOrdine::Attivato => Some(view! {
                <div class="alert alert-success" role="status" data-testid="order-active">
                    {format!("Fatto: «{}» è attivo sulla tua casella.", o.descrizione())}
                    " "<A href=path::MIA_PEC>"Vedi la tua casella"</A>
                </div>
            }.into_any()),
            StatoOrdine::Scaduto => Some(view! {
                <div class="alert alert-warning" role="status">
                    "L'ordine è scaduto perché non è stato pagato entro un'ora. "
                    <A href=path::MIA_PEC_PIANI>"Fai un nuovo ordine"</A>
                </div>
            }.into_any()),
            _ => None,
        };
        let documents = o.fattura.map(|_| view! {
            <div class="actions">
                <button type="button" class="btn btn-outline-primary" data-testid="receipt-download"
                    disabled=move || download.pending().get()
                    on:click=move |_| { download.dispatch("ricevuta"); }>"Scarica la ricevuta (PDF)"</button>
                <button type="button" class="btn btn-outline-primary" data-testid="invoice-download"
                    disabled=move || download.pending().get()
                    on:click=move |_| { download.dispatch("fattura"); }>"Scarica la fattura elettronica (XML)"</button>
            </div>
        });
        view! { {state} {refund} {documents} }
    };
    let waiting = move || current.get().stato == StatoOrdine::InAttesaDiPagamento;

    view! {
        {facts}
        {move || view! { <QuoteTable quote=current.get().preventivo/> }}
        <div aria-live="polite">{outcome}</div>
        <Show when=waiting>
            <ExpiryWarning/>
            <p data-testid="order-deadline">
                {move || format!(
                    "Il prezzo è garantito per un'ora, fino alle {}: dopo, l'ordine scade e andrà rifatto.",
                    format::time(current.get().scade_il)
                )}
            </p>
            {move || match intent.get() {
                None => view! {
                    <div class="actions">
                        <button type="button" class="btn btn-primary" data-testid="pay-start"
                            disabled=move || start.pending().get()
                            on:click=move |_| { start.dispatch(()); }>
                            {move || format!("Paga {} con carta", current.get().totale())}
                        </button>
                        <button type="button" class="btn btn-outline-secondary" data-testid="order-cancel"
                            disabled=move || cancel.pending().get()
                            on:click=move |_| { cancel.dispatch(()); }>
                            "Annulla l'ordine"
                        </button>
                    </div>
                }.into_any(),
                Some(started) if started.modalita == ModalitaPagamento::Prova => view! {
                    <form class="card-form" on:submit=submit_card novalidate data-testid="test-checkout">
                        <h2>"Pagamento con carta"</h2>
                        <p class="hint">
                            "Ambiente di prova: non avviene alcun addebito reale. Usa la carta di prova 4242 4242 4242 4242; la 4000 0000 0000 0002 simula una carta rifiutata."
                        </p>
                        <Field id="card-number" label="Numero della carta" value=card error=card_error
                            autocomplete="cc-number" inputmode="numeric"/>
                        <button type="submit" class="btn btn-primary" data-testid="pay-submit"
                            disabled=move || pay.pending().get()>
                            {move || if pay.pending().get() { "Pagamento in corso…".to_owned() } else { format!("Paga {}", current.get().totale()) }}
                        </button>
                    </form>
                }.into_any(),
                Some(started) => view! {
                    <StripeCheckout intent=started
                        total=current.get_untracked().totale().to_string()
                        on_confirmed=move || follow_until(true)/>
                }.into_any(),
            }}
        </Show>
        <div aria-live="polite">
            {move || start.value().get().and_then(Result::err).map(|e| view! { <ErrorAlert message=e.to_string() testid="pay-error"/> })}
            {move || pay_errors.get().filter(|e| e.field().is_none()).map(|e| view! { <ErrorAlert message=e.to_string() testid="pay-error"/> })}
            {move || cancel.value().get().and_then(Result::err).map(|e| view! { <ErrorAlert message=e.to_string() testid="cancel-error"/> })}
            {move || download.value().get().and_then(Result::err).map(|e| view! { <ErrorAlert message=e.to_string() testid="download-error"/> })}
        </div>
        <p><A href=path::MIA_PEC_ORDINI>"Tutti i tuoi ordini"</A></p>
    }
}
