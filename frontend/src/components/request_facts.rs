//! An activation request as the secretariat and the Fondazione read it: who, the data
//! given, how long it has waited, and what the Albo says of it today.

use leptos::prelude::*;
use shared::api::RichiestaInCoda;

use crate::format;

#[component]
pub fn RequestFacts(item: RichiestaInCoda) -> impl IntoView {
    let r = &item.richiesta;
    let a = &r.anagrafica;
    let waited = match item.giorni_di_attesa {
        0 => "presentata oggi".to_owned(),
        1 => "in attesa da 1 giorno".to_owned(),
        n => format!("in attesa da {n} giorni"),
    };
    let alert = if item.controllo.attivabile() {
        "alert alert-success"
    } else {
        "alert alert-warning"
    };
    view! {
        <h2 class="h5">{format!("{} {}", a.nome, a.cognome)}</h2>
        <p>{format!("{} · {} · presentata il {} · {waited}",
            a.codice_fiscale, r.ordine.nome(), format::date(format::italian_day(r.presentata_il)))}</p>
        <dl class="facts readonly">
            <dt>"Residenza"</dt>
            <dd>{format!("{}, {} {} ({})", a.indirizzo, a.cap.as_str(), a.comune, a.provincia)}</dd>
            <dt>"Email ordinaria"</dt>
            <dd>{a.email.to_string()}</dd>
            <dt>"Telefono"</dt>
            <dd>{a.telefono.as_ref().map_or_else(|| "non indicato".to_owned(), |t| t.as_str().to_owned())}</dd>
            <dt>"Pre-iscrizione"</dt>
            <dd>{if r.pre_iscrizione { "sì" } else { "no" }}</dd>
        </dl>
        <p class=alert role="note" data-testid="request-check">
            <strong>"Albo: "</strong>{item.spiegazione.clone()}
        </p>
    }
}
