//! *Firma digitale*: every Ordine's requests under the signature convention, counted by
//! state and code, and listed for the state and code chosen.

use leptos::prelude::*;
use shared::api::{ConteggioFirme, FirmeConteggi, FirmeQuery};
use shared::firma_digitale::{CodiceConvenzione, StatoFirma};

use crate::api;
use crate::components::firma_facts::{FirmaFacts, StatoSelect};
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::components::queue::Queue;
use crate::components::scroll_table::ScrollTable;

#[component]
pub fn FirmeNazionaliPage() -> impl IntoView {
    let stato = RwSignal::new(StatoFirma::InAttesa);
    let codice = RwSignal::new(None::<CodiceConvenzione>);
    let codes = CodiceConvenzione::ALL
        .into_iter()
        .map(|c| view! { <option value=c.codice()>{format!("{} – {}", c.codice(), c.descrizione())}</option> })
        .collect_view();
    view! {
        <Page title="Firma digitale">
        <p class="lead">"Le richieste di firma digitale in convenzione di tutti gli Ordini, per stato e codice convenzione."</p>
        <Loaded what="dei conteggi" load=api::firme_conteggi view=|c: FirmeConteggi| view! { <Conteggi c/> }/>
        <h2>"Richieste"</h2>
        <div class="row">
            <div class="field col-md-6">
                <StatoSelect stato/>
            </div>
            <div class="field col-md-6">
                <label for="convenzione">"Codice convenzione"</label>
                <select id="convenzione" class="form-select" data-testid="firme-convenzione"
                    on:change:target=move |ev| codice.set(CodiceConvenzione::parse(&ev.target().value()))>
                    <option value="">"Tutti"</option>
                    {codes}
                </select>
            </div>
        </div>
        <Queue what="delle richieste" testid="firme"
            empty="Nessuna richiesta in questo stato."
            load=move |cursor| {
                let query = FirmeQuery {
                    stato: Some(stato.get().slug()),
                    convenzione: codice.get().map(|c| c.codice().to_owned()),
                    cursor,
                };
                async move { api::firme_nazionali(&query).await }
            }
            item=move |r| view! {
                <li class="review card mb-3" data-testid="firma-item">
                    <div class="card-body"><FirmaFacts r/></div>
                </li>
            }/>
        </Page>
    }
}

/// The counts: a row per state, a column per code.
#[component]
fn Conteggi(c: FirmeConteggi) -> impl IntoView {
    let count = |stato: StatoFirma, codice: CodiceConvenzione| {
        c.conteggi
            .iter()
            .find(|x| x.stato == stato && x.convenzione == codice)
            .map_or(0, |x| x.numero)
    };
    let rows = StatoFirma::ALL
        .into_iter()
        .map(|stato| {
            let cells = CodiceConvenzione::ALL
                .into_iter()
                .map(|codice| {
                    view! {
                        <td class="num" data-testid=format!("conteggio-{}-{}", stato.slug(), codice.codice())>
                            {match count(stato, codice) {
                                n if n >= ConteggioFirme::MAX => format!("oltre {n}"),
                                n => n.to_string(),
                            }}
                        </td>
                    }
                })
                .collect_view();
            view! { <tr><th scope="row">{stato.nome()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <ScrollTable label="Richieste per stato e codice convenzione">
            <table class="table" data-testid="firme-conteggi">
                <caption>"Richieste per stato e codice convenzione (in tutta Italia)"</caption>
                <thead><tr>
                    <th scope="col">"Stato"</th>
                    {CodiceConvenzione::ALL.into_iter().map(|c| view! { <th scope="col" class="num">{c.codice()}</th> }).collect_view()}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </ScrollTable>
    }
}
