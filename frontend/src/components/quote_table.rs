use leptos::prelude::*;
use shared::catalog::Quote;

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
            <tfoot>
                <tr>
                    <th scope="row" colspan="3">"Imponibile"</th>
                    <td class="num" data-testid="quote-net">{quote.net.to_string()}</td>
                </tr>
                <tr>
                    <th scope="row" colspan="3">{format!("IVA {}%", quote.iva_percent)}</th>
                    <td class="num" data-testid="quote-iva">{quote.iva.to_string()}</td>
                </tr>
                <tr class="total">
                    <th scope="row" colspan="3">"Totale"</th>
                    <td class="num" data-testid="quote-total">{quote.total.to_string()}</td>
                </tr>
            </tfoot>
        </table>
        <p class="quote-after">
            {format!(
                "Dopo l'acquisto: piano {}, {} GB di inbox e {} GB di archivio. Ogni servizio dura un anno dall'acquisto e si rinnova pagando di nuovo.",
                quote.plan_after, after.inbox_gb, after.archivio_gb,
            )}
        </p>
    }
}
