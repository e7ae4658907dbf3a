//! *Pagamenti*: the Fondazione's register of a month's orders, their payments, invoices and
//! refunds, with filters, the refund of what an order could not take, and the CSV export.

use chrono::Datelike;
use leptos::prelude::*;
use shared::api::OrdiniMese;
use shared::money::Money;
use shared::order::{Order, StatoOrdine};

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::download::save_bytes;
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::components::scroll_table::ScrollTable;
use crate::format;

/// The filter of the register: every order, one state, or those with a refund to make.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Filtro {
    Tutti,
    Stato(StatoOrdine),
    DaRimborsare,
}

impl Filtro {
    fn value(self) -> String {
        match self {
            Filtro::Tutti => "tutti".into(),
            Filtro::DaRimborsare => "da-rimborsare".into(),
            Filtro::Stato(s) => format!("{s:?}"),
        }
    }

    fn of(value: &str) -> Filtro {
        match value {
            "da-rimborsare" => Filtro::DaRimborsare,
            other => StatoOrdine::ALL
                .into_iter()
                .find(|s| format!("{s:?}") == other)
                .map_or(Filtro::Tutti, Filtro::Stato),
        }
    }

    fn keeps(self, order: &Order) -> bool {
        match self {
            Filtro::Tutti => true,
            Filtro::Stato(s) => order.stato == s,
            Filtro::DaRimborsare => !order.da_rimborsare.is_empty(),
        }
    }
}

#[component]
pub fn PaymentsPage() -> impl IntoView {
    let today = chrono::Local::now().date_naive();
    let mese = RwSignal::new(format!("{}-{:02}", today.year(), today.month()));
    let filtro = RwSignal::new(Filtro::Tutti);
    let export = Action::new_local(|mese: &String| {
        let mese = mese.clone();
        async move {
            let bytes = api::month_orders_csv(&mese).await?;
            save_bytes(&format!("ordini-{mese}.csv"), "text/csv", &bytes);
            Ok::<_, ClientError>(())
        }
    });
    let options = std::iter::once(Filtro::Tutti)
        .chain(StatoOrdine::ALL.into_iter().map(Filtro::Stato))
        .chain(std::iter::once(Filtro::DaRimborsare))
        .map(|f| {
            let label = match f {
                Filtro::Tutti => "Tutti gli ordini",
                Filtro::Stato(s) => s.nome(),
                Filtro::DaRimborsare => "Con un pagamento da rimborsare",
            };
            view! { <option value=f.value()>{label}</option> }
        })
        .collect_view();
    view! {
        <Page title="Pagamenti">
        <form class="filters" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="orders-month">"Mese"</label>
                <input id="orders-month" type="month" data-testid="orders-month"
                    prop:value=move || mese.get()
                    on:change:target=move |ev| {
                        let value = ev.target().value();
                        if !value.is_empty() { mese.set(value); }
                    }/>
            </div>
            <div class="field">
                <label for="orders-filter">"Mostra"</label>
                <select id="orders-filter" data-testid="orders-filter"
                    on:change:target=move |ev| filtro.set(Filtro::of(&ev.target().value()))>
                    {options}
                </select>
            </div>
            <button type="button" class="btn btn-outline-primary" data-testid="orders-export"
                disabled=move || export.pending().get()
                on:click=move |_| { export.dispatch(mese.get()); }>"Esporta il mese in CSV"</button>
        </form>
        <div aria-live="polite">
            {move || export.value().get().and_then(Result::err).map(|e| view! { <ErrorAlert message=e.to_string() testid="export-error"/> })}
        </div>
        {move || {
            let m = mese.get();
            view! {
                <Loaded what="degli ordini" load=move || { let m = m.clone(); async move { api::month_orders(&m).await } }
                    view=move |register: OrdiniMese| view! { <Register register filtro/> }/>
            }
        }}
        <Invoices mese/>
        </Page>
    }
}

fn sum(amounts: impl Iterator<Item = Money>) -> Money {
    Money::cents(amounts.map(Money::as_cents).sum())
}

#[component]
fn Register(register: OrdiniMese, filtro: RwSignal<Filtro>) -> impl IntoView {
    let orders = RwSignal::new(register.ordini);
    let incassato = move || {
        sum(orders
            .get()
            .iter()
            .filter_map(|o| o.pagamento.as_ref().map(|p| p.importo)))
    };
    let pending = move || {
        orders
            .get()
            .iter()
            .filter(|o| !o.da_rimborsare.is_empty())
            .count()
    };
    let refund = Action::new_local(|(id, riferimento): &(String, String)| {
        let (id, riferimento) = (id.clone(), riferimento.clone());
        async move { api::refund(&id, &riferimento).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(updated)) = refund.value().get() {
            orders.update(|all| {
                if let Some(o) = all.iter_mut().find(|o| o.id == updated.id) {
                    *o = updated;
                }
            });
        }
    });
    let rows = move || {
        orders
            .get()
            .into_iter()
            .filter(|o| filtro.get().keeps(o))
            .map(|o| {
                let refunds = o
                    .da_rimborsare
                    .iter()
                    .map(|p| {
                        let key = (o.id.clone(), p.riferimento.clone());
                        view! {
                            <button type="button" class="btn btn-outline-danger btn-sm" data-testid="refund"
                                disabled=move || refund.pending().get()
                                on:click=move |_| { refund.dispatch(key.clone()); }>
                                {format!("Rimborsa {}", p.importo)}
                            </button>
                        }
                    })
                    .collect_view();
                let refunded = sum(o.rimborsi.iter().map(|r| r.importo));
                view! {
                    <tr data-testid="order-row">
                        <td>{format::date(format::italian_day(o.creato_il))}</td>
                        <td>{o.codice_fiscale.to_string()}</td>
                        <td>{o.indirizzo.to_string()}</td>
                        <td>{o.descrizione()}</td>
                        <td class="num">{o.totale().to_string()}</td>
                        <td data-testid="order-row-status">{o.stato.nome()}</td>
                        <td>{o.fattura.map(|f| f.to_string()).unwrap_or_default()}</td>
                        <td>
                            {(refunded != Money::ZERO).then(|| format!("Rimborsati {refunded} "))}
                            {refunds}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <p class="lead" data-testid="orders-summary">
            {move || format!(
                "{} ordini nel mese, incassati {}; {} con un pagamento da rimborsare.",
                orders.get().len(), incassato(), pending()
            )}
        </p>
        <div aria-live="polite">
            {move || refund.value().get().and_then(Result::err).map(|e| view! { <ErrorAlert message=e.to_string() testid="refund-error"/> })}
        </div>
        <ScrollTable label="Ordini del mese">
            <table class="table" data-testid="orders-register">
                <caption>"Ordini del mese, dal primo"</caption>
                <thead><tr>
                    <th scope="col">"Data"</th>
                    <th scope="col">"Codice fiscale"</th>
                    <th scope="col">"Casella"</th>
                    <th scope="col">"Acquisto"</th>
                    <th scope="col" class="num">"Totale"</th>
                    <th scope="col">"Stato"</th>
                    <th scope="col">"Fattura"</th>
                    <th scope="col">"Rimborsi"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </ScrollTable>
    }
}

/// The invoice register of the month's year, and the month's invoices sent to the SdI.
#[component]
fn Invoices(mese: RwSignal<String>) -> impl IntoView {
    let anno = move || {
        mese.get()
            .split('-')
            .next()
            .and_then(|y| y.parse::<i32>().ok())
            .unwrap_or(2026)
    };
    let send = Action::new_local(|mese: &String| {
        let mese = mese.clone();
        async move { api::send_invoices(&mese).await }
    });
    view! {
        <section aria-labelledby="invoices-title">
            <h2 id="invoices-title">{move || format!("Registro delle fatture {}", anno())}</h2>
            <button type="button" class="btn btn-outline-primary" data-testid="invoices-send"
                disabled=move || send.pending().get()
                on:click=move |_| { send.dispatch(mese.get()); }>
                {move || format!("Invia al Sistema di Interscambio le fatture di {}", mese.get())}
            </button>
            <div aria-live="polite">
                {move || send.value().get().map(|r| match r {
                    Ok(r) => view! {
                        <div class="alert alert-success" role="status" data-testid="invoices-sent">
                            {format!("Inviate {} fatture; {} erano già state inviate.{}", r.inviate, r.gia_inviate,
                                if r.errori.is_empty() { String::new() } else { format!(" Non inviate: {}", r.errori.join("; ")) })}
                        </div>
                    }.into_any(),
                    Err(e) => view! { <ErrorAlert message=e.to_string() testid="invoices-error"/> }.into_any(),
                })}
            </div>
            {move || {
                let year = anno();
                let _sent = send.value().get();
                view! {
                    <Loaded what="del registro" load=move || api::invoice_register(year) view=invoice_table/>
                }
            }}
        </section>
    }
}

fn invoice_table(register: shared::api::RegistroFatture) -> AnyView {
    if register.fatture.is_empty() {
        return view! { <p data-testid="invoices-empty">"Nessuna fattura emessa nell'anno."</p> }
            .into_any();
    }
    let rows = register
        .fatture
        .into_iter()
        .map(|f| {
            let sent = match (f.inviata_il, f.id_sdi) {
                (Some(il), Some(id)) => format!("{} ({id})", format::date(format::italian_day(il))),
                _ => "Da inviare".to_owned(),
            };
            view! {
                <tr>
                    <td>{f.numero.to_string()}</td>
                    <td>{format::date(f.data)}</td>
                    <td>{f.cliente}</td>
                    <td>{f.codice_fiscale}</td>
                    <td class="num">{f.totale.to_string()}</td>
                    <td data-testid="invoice-sdi">{sent}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ScrollTable label="Registro delle fatture">
            <table class="table" data-testid="invoices-register">
                <caption>"Fatture dell'anno, per numero"</caption>
                <thead><tr>
                    <th scope="col">"Numero"</th>
                    <th scope="col">"Data"</th>
                    <th scope="col">"Cliente"</th>
                    <th scope="col">"Codice fiscale"</th>
                    <th scope="col" class="num">"Totale"</th>
                    <th scope="col">"Inviata al SdI"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </ScrollTable>
    }
    .into_any()
}
