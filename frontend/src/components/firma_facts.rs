//! A digital-signature request's facts, as the secretariat and the Fondazione read them,
//! and the choice of the state their lists show.

use leptos::prelude::*;
use shared::firma_digitale::{RichiestaFirma, StatoFirma};

use crate::format;

/// A request's facts, shown to the secretariat and the Fondazione.
#[component]
pub fn FirmaFacts(r: RichiestaFirma) -> impl IntoView {
    view! {
        <h2 class="h5">{format!("{} {} – richiesta n. {}", r.cognome, r.nome, r.numero)}</h2>
        <dl class="facts">
            <dt>"Codice fiscale"</dt><dd>{r.codice_fiscale.to_string()}</dd>
            <dt>"Ordine e numero di iscrizione"</dt><dd>{format!("{} – {}", r.ordine.nome(), r.numero_iscrizione)}</dd>
            <dt>"Prodotto"</dt><dd data-testid="firma-prodotto">{format!("{} ({})", r.prodotto.nome(), r.prodotto.convenzione().codice())}</dd>
            <dt>"Consegna"</dt><dd>{r.consegna.nome()}</dd>
            {r.riconoscimento.map(|x| view! { <dt>"Riconoscimento"</dt><dd>{x.nome()}</dd> })}
            {r.indirizzo_consegna.clone().map(|a| view! { <dt>"Indirizzo di consegna"</dt><dd>{a}</dd> })}
            <dt>"Totale"</dt><dd>{format!("{} (IVA inclusa)", r.preventivo.totale)}</dd>
            <dt>"Presentata il"</dt><dd>{format::date(format::italian_day(r.presentata_il))}</dd>
            <dt>"Stato"</dt><dd data-testid="firma-stato">{format!("{} dal {}", r.stato.nome(), format::date(format::italian_day(r.dal)))}</dd>
            {r.motivo.clone().map(|m| view! { <dt>"Motivo"</dt><dd>{m}</dd> })}
            {r.scadenza_certificato.map(|d| view! { <dt>"Scadenza del certificato"</dt><dd>{format::date(d)}</dd> })}
        </dl>
    }
}

/// The state whose requests a list shows.
#[component]
pub fn StatoSelect(stato: RwSignal<StatoFirma>) -> impl IntoView {
    let states = StatoFirma::ALL
        .into_iter()
        .map(|s| view! { <option value=s.slug()>{s.nome()}</option> })
        .collect_view();
    view! {
        <label for="stato">"Stato"</label>
        <select id="stato" class="form-select" data-testid="firme-stato"
            on:change:target=move |ev| {
                if let Some(s) = StatoFirma::parse(&ev.target().value()) {
                    stato.set(s);
                }
            }>
            {states}
        </select>
    }
}
