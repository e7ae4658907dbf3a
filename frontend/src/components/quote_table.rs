use leptos::prelude::*;
use shared::catalog::Quote;
use shared::money::Money;

/// A quote: its lines, then net, IVA and total.
#[component]
pub fn QuoteTable(quote: Quote) -> impl IntoView {
    let lines = quote
        .lines
        .iter()
        .map(|line| {
            view! {
                <tr>
                    <td>{line.descrizione.clone()}</td>
                    <td class="num">{line.quantity}</td>
                    <td class="num">{line.unit_price.to_string()}</td>
                    <td class="num">{line.net.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    let after = quote.space_after;
    view! {
        <table class="quote-table" data-testid="quote-table">
            <caption>"Preventivo (prezzi annui)"</caption>
            <thead>
                <tr>
                    <th scope="col">"Servizio"</th>
                    <th scope="col" class="num">"Quantità"</th>
                    <th scope="col" class="num">"Prezzo unitario"</th>
                    <th scope="col" class="num">"Importo"</th>
                </tr>
            </thead>
            <tbody>{lines}</tbody>
            <Totals
                net=quote.net
                iva_percent=quote.iva_percent
                iva=quote.iva
                total=quote.total
                label_columns=3
                testid="quote"
            />
        </table>
        <p class="quote-after">
            {format!(
                "Dopo l'acquisto: piano {}, {} GB di inbox e {} GB di archivio. Ogni servizio dura un anno dall'acquisto e si rinnova pagando di nuovo.",
                quote.plan_after, after.inbox_gb, after.archivio_gb,
            )}
        </p>
    }
}

/// A quote's footer: net, IVA and total, each labelled across `label_columns` columns,
/// with test ids `{testid}-net`, `{testid}-iva` and `{testid}-total`.
#[component]
pub fn Totals(
    net: Money,
    iva_percent: i64,
    iva: Money,
    total: Money,
    label_columns: u32,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <tfoot>
            <tr>
                <th scope="row" colspan=label_columns>"Imponibile"</th>
                <td class="num" data-testid=format!("{testid}-net")>{net.to_string()}</td>
            </tr>
            <tr>
                <th scope="row" colspan=label_columns>{format!("IVA {iva_percent}%")}</th>
                <td class="num" data-testid=format!("{testid}-iva")>{iva.to_string()}</td>
            </tr>
            <tr class="total">
                <th scope="row" colspan=label_columns>"Totale"</th>
                <td class="num" data-testid=format!("{testid}-total")>{total.to_string()}</td>
            </tr>
        </tfoot>
    }
}
