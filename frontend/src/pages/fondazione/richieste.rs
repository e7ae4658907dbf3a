//! *Richieste ferme*: the activation requests an Ordine has left waiting more than 30
//! days, every Ordine's, oldest first: the Fondazione follows them up with the Ordine.

use leptos::prelude::*;

use crate::api;
use crate::components::page::Page;
use crate::components::queue::Queue;
use crate::components::request_facts::RequestFacts;

#[component]
pub fn RichiesteFermePage() -> impl IntoView {
    view! {
        <Page title="Richieste di attivazione ferme">
        <p class="lead">
            "Le richieste di casella che un Ordine non ha ancora deciso dopo più di 30 giorni, dalla più vecchia: sollecita la segreteria dell'Ordine."
        </p>
        <Queue what="delle richieste ferme" testid="richieste-ferme"
            empty="Nessuna richiesta ferma da più di 30 giorni."
            load=|cursor| async move { api::richieste_ferme(cursor.as_deref()).await }
            item=|item| view! {
                <li class="review card mb-3" data-testid="richiesta-ferma">
                    <div class="card-body"><RequestFacts item/></div>
                </li>
            }/>
        </Page>
    }
}
