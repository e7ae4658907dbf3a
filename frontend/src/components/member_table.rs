use leptos::prelude::*;
use shared::api::MemberSummary;

use crate::components::scroll_table::ScrollTable;
use crate::format;

/// A list of members, each linked to his page.
#[component]
pub fn MemberTable(
    members: Vec<MemberSummary>,
    /// Show each member's Ordine (the nationwide search).
    #[prop(optional)]
    with_ordine: bool,
    /// A next page: the table takes the focus (see `ScrollTable`).
    #[prop(optional)]
    focus: bool,
) -> impl IntoView {
    if members.is_empty() {
        return view! { <p data-testid="members-empty">"Nessun iscritto corrisponde alla ricerca."</p> }.into_any();
    }
    let rows = members
        .into_iter()
        .map(|m| {
            let href = format!("/ordine/iscritti/{}", m.codice_fiscale);
            let mailbox = m.mailbox.as_ref();
            view! {
                <tr data-testid="member-row">
                    // The member's page is the Ordine area's: from another area's bundle
                    // (the nationwide search) the browser loads it, the router does not.
                    <td><a href=href rel=with_ordine.then_some("external")>{format!("{} {}", m.cognome, m.nome)}</a></td>
                    <td>{m.codice_fiscale.to_string()}</td>
                    {with_ordine.then(|| view! { <td>{m.ordine.nome()}</td> })}
                    <td>{format::albo(&m.stato)}</td>
                    <td>{mailbox.map(|b| b.address.to_string()).unwrap_or_else(|| "Nessuna".into())}</td>
                    <td>{mailbox.map(|b| b.plan.nome()).unwrap_or("–")}</td>
                    <td>{mailbox.map(|b| b.contratto.nome()).unwrap_or("–")}</td>
                    <td>{mailbox.map(|b| format::date(b.scadenza)).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ScrollTable label="Iscritti" focus>
            <table class="table table-striped" data-testid="members-table">
                <thead>
                    <tr>
                        <th scope="col">"Iscritto"</th>
                        <th scope="col">"Codice fiscale"</th>
                        {with_ordine.then(|| view! { <th scope="col">"Ordine"</th> })}
                        <th scope="col">"Albo"</th>
                        <th scope="col">"Casella PEC"</th>
                        <th scope="col">"Piano"</th>
                        <th scope="col">"Contratto"</th>
                        <th scope="col">"Scadenza"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </ScrollTable>
    }
    .into_any()
}
