//! *Firma digitale*: the convention with Aruba (codes CNSCNI18 and FRCNI25). The member
//! sees his certificates' expiry and his requests, and asks for a kit or a remote
//! signature with his registration data, which must be the Albo's; the quote (net, IVA,
//! total) follows his choice.

use leptos::prelude::*;
use shared::api::{FirmaDigitaleView, RichiestaFirmaForm};
use shared::firma_digitale::{
    self, CodiceConvenzione, Consegna, DatiIscrizione, ListinoFirma, PreventivoFirma,
    ProdottoFirma, RichiestaFirma, Riconoscimento, StatoFirma,
};
use shared::serde_name;

use crate::api;
use crate::components::alert::ErrorAlert;
use crate::components::form::{Field, field_error, focus_first_error};
use crate::components::loaded::Loaded;
use crate::components::ordine_select::OrdineSelect;
use crate::components::page::Page;
use crate::components::quote_table::Totals;
use crate::components::scroll_table::ScrollTable;
use crate::format;

#[component]
pub fn FirmaPage() -> impl IntoView {
    view! {
        <Page title="Firma digitale">
            <p class="lead">
                "In convenzione con il Consiglio Nazionale degli Ingegneri, Aruba fornisce agli iscritti il kit di firma digitale con CNS (codice convenzione CNSCNI18) e la firma remota con OTP (codice FRCNI25). Aruba valida l'acquisto solo se i tuoi dati coincidono con quelli dell'Albo."
            </p>
            <Loaded what="della firma digitale" load=api::firma view=|view: FirmaDigitaleView| view! { <Firma view/> }/>
        </Page>
    }
}

/// What the member reads of a request's state.
fn stato(r: &RichiestaFirma) -> String {
    let since = format::date(format::italian_day(r.dal));
    match r.stato {
        StatoFirma::Respinta => format!(
            "Non validata il {since}: {}",
            r.motivo.clone().unwrap_or_default()
        ),
        StatoFirma::ArrivataAllOrdine => format!(
            "Arrivata all'Ordine il {since}: ritirala di persona con un documento d'identità"
        ),
        StatoFirma::Ritirata => r.ritiro.as_ref().map_or_else(
            || format!("Ritirata il {since}"),
            |ritiro| format!("Ritirata il {}", format::date(ritiro.il)),
        ),
        stato => format!("{} dal {since}", stato.nome()),
    }
}

fn certificati(view: &FirmaDigitaleView) -> AnyView {
    if view.certificati.is_empty() {
        return view! {
            <p data-testid="firma-certificati-empty">"Nessun certificato registrato. La scadenza si registra al ritiro del kit all'Ordine o alla consegna della firma remota; riceverai i promemoria per il rinnovo nei tre mesi prima."</p>
        }
        .into_any();
    }
    let oggi = view.oggi;
    let rows = view
        .certificati
        .iter()
        .map(|c| {
            let when = if c.scadenza < oggi {
                format!("scaduto il {}", format::date(c.scadenza))
            } else {
                format!(
                    "scade il {} ({})",
                    format::date(c.scadenza),
                    firma_digitale::tra(oggi, c.scadenza)
                )
            };
            view! {
                <dt>{c.tipo.nome()}</dt>
                <dd data-testid="firma-certificato">{when}</dd>
            }
        })
        .collect_view();
    view! { <dl class="facts">{rows}</dl> }.into_any()
}

fn richieste(list: Vec<RichiestaFirma>) -> AnyView {
    if list.is_empty() {
        return view! { <p data-testid="firma-richieste-empty">"Non hai ancora presentato richieste."</p> }
            .into_any();
    }
    let rows = list
        .into_iter()
        .map(|r| {
            view! {
                <tr data-testid="firma-richiesta">
                    <td>{r.numero}</td>
                    <td>{r.prodotto.nome()}</td>
                    <td>{r.prodotto.convenzione().codice()}</td>
                    <td>{format::date(format::italian_day(r.presentata_il))}</td>
                    <td class="num">{r.preventivo.totale.to_string()}</td>
                    <td data-testid="firma-richiesta-stato">{stato(&r)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ScrollTable label="Le tue richieste di firma digitale">
            <table class="table">
                <caption>"Le tue richieste, dalla più recente"</caption>
                <thead><tr>
                    <th scope="col">"N."</th>
                    <th scope="col">"Prodotto"</th>
                    <th scope="col">"Convenzione"</th>
                    <th scope="col">"Presentata il"</th>
                    <th scope="col" class="num">"Totale"</th>
                    <th scope="col">"Stato"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </ScrollTable>
    }
    .into_any()
}

/// The quote's lines, then net, IVA and total.
#[component]
fn PreventivoTable(preventivo: PreventivoFirma) -> impl IntoView {
    let lines = preventivo
        .righe
        .iter()
        .map(|line| {
            view! {
                <tr>
                    <td>{line.descrizione.clone()}</td>
                    <td class="num">{line.net.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="quote-table" data-testid="firma-preventivo">
            <caption>"Preventivo"</caption>
            <thead><tr><th scope="col">"Voce"</th><th scope="col" class="num">"Importo"</th></tr></thead>
            <tbody>{lines}</tbody>
            <Totals
                net=preventivo.netto
                iva_percent=preventivo.iva_percent
                iva=preventivo.iva
                total=preventivo.totale
                label_columns=1
                testid="firma"
            />
        </table>
    }
}

fn prodotti(listino: &ListinoFirma) -> AnyView {
    CodiceConvenzione::ALL
        .into_iter()
        .map(|codice| {
            let options = listino
                .prodotti
                .iter()
                .filter(|(p, _)| p.convenzione() == codice)
                .map(|(p, prezzo)| {
                    let value = serde_name::of(*p);
                    view! { <option value=value>{format!("{} – {prezzo} + IVA", p.nome())}</option> }
                })
                .collect_view();
            view! { <optgroup label=format!("{} – {}", codice.codice(), codice.descrizione())>{options}</optgroup> }
        })
        .collect_view()
        .into_any()
}

fn riconoscimenti(listino: &ListinoFirma) -> AnyView {
    listino
        .riconoscimenti
        .iter()
        .map(|(r, prezzo)| {
            let value = serde_name::of(*r);
            let price = if prezzo.as_cents() == 0 {
                "gratuito".to_owned()
            } else {
                format!("{prezzo} + IVA")
            };
            view! { <option value=value>{format!("{} – {price}", r.nome())}</option> }
        })
        .collect_view()
        .into_any()
}

fn consegna(prodotto: ProdottoFirma) -> &'static str {
    match prodotto.consegna() {
        Consegna::PressoOrdine => {
            "Il kit viene spedito al tuo Ordine: la segreteria ti avvisa quando arriva e lo ritiri di persona con un documento d'identità (o tramite un delegato, con la tua delega firmata)."
        }
        Consegna::AlDomicilio => {
            "Ti riconosci a distanza e la firma remota viene consegnata all'indirizzo di residenza dei tuoi dati anagrafici."
        }
        Consegna::Online => {
            "Il rinnovo si fa online con il certificato ancora valido: nulla viene spedito."
        }
    }
}

#[component]
fn Firma(view: FirmaDigitaleView) -> impl IntoView {
    let filed = RwSignal::new(view.richieste.clone());
    let Some(listino) = view.listino.clone() else {
        return view! {
            {certificati(&view)}
            <p>"Nessuna tariffa della convenzione è in vigore oggi: non si possono presentare richieste."</p>
        }
        .into_any();
    };
    let oggi = view.oggi;
    let prodotto = RwSignal::new(ProdottoFirma::KitCnsArubaKey);
    let riconoscimento = RwSignal::new(None::<Riconoscimento>);
    let nome = RwSignal::new(String::new());
    let cognome = RwSignal::new(String::new());
    let codice_fiscale = RwSignal::new(String::new());
    let ordine = RwSignal::new(String::new());
    let numero = RwSignal::new(String::new());
    let send = Action::new_local(move |form: &RichiestaFirmaForm| {
        let form = form.clone();
        async move { api::request_firma(&form).await }
    });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(r)) => filed.update(|list| {
            list.retain(|x| x.numero != r.numero);
            list.insert(0, r);
        }),
        Some(Err(_)) => focus_first_error(),
        None => {}
    });
    let errors = Signal::derive(move || send.value().get().and_then(Result::err));
    let error = move |field: &'static str| field_error(errors, field);
    let (prodotto_error, riconoscimento_error, ordine_error) =
        (error("prodotto"), error("riconoscimento"), error("ordine"));
    let general = move || errors.get().filter(|e| e.field().is_none());
    let listino = StoredValue::new(listino);
    // The identification counts only for a product identified remotely.
    let scelto = move || {
        riconoscimento
            .get()
            .filter(|_| prodotto.get().riconoscimento_a_distanza())
    };
    let preventivo = move || listino.with_value(|l| l.preventivo(prodotto.get(), scelto(), oggi));
    let remota = move || prodotto.get().riconoscimento_a_distanza();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send.dispatch(RichiestaFirmaForm {
            prodotto: prodotto.get_untracked(),
            riconoscimento: scelto(),
            dati: DatiIscrizione {
                nome: nome.get_untracked(),
                cognome: cognome.get_untracked(),
                codice_fiscale: codice_fiscale.get_untracked(),
                ordine: ordine.get_untracked(),
                numero_iscrizione: numero.get_untracked(),
            },
        });
    };
    view! {
        <h2>"I tuoi certificati"</h2>
        {certificati(&view)}
        <h2>"Le tue richieste"</h2>
        <div aria-live="polite">{move || richieste(filed.get())}</div>
        <form class="profile-form" on:submit=submit novalidate data-testid="firma-form">
            <h2>"Nuova richiesta"</h2>
            <div class="field">
                <label for="prodotto">"Prodotto"</label>
                <select id="prodotto" class="form-select" data-testid="firma-prodotto"
                    aria-describedby="prodotto-hint prodotto-error"
                    aria-invalid=move || prodotto_error.get().is_some().to_string()
                    on:change:target=move |ev| {
                        if let Some(p) = ProdottoFirma::parse(&ev.target().value()) {
                            prodotto.set(p);
                            riconoscimento.set(None);
                        }
                    }>
                    {listino.with_value(prodotti)}
                </select>
                <p id="prodotto-hint" class="hint field-hint" data-testid="firma-consegna">{move || consegna(prodotto.get())}</p>
                <p id="prodotto-error" class="field-error" data-testid="prodotto-error">{move || prodotto_error.get()}</p>
            </div>
            <Show when=remota>
                <div class="field">
                    <label for="riconoscimento">"Riconoscimento a distanza"</label>
                    <select id="riconoscimento" class="form-select" data-testid="firma-riconoscimento"
                        aria-describedby="riconoscimento-error"
                        aria-invalid=move || riconoscimento_error.get().is_some().to_string()
                        prop:value=move || riconoscimento.get().map(serde_name::of).unwrap_or_default()
                        on:change:target=move |ev| {
                            let value = ev.target().value();
                            riconoscimento.set(serde_name::parse(&value));
                        }>
                        <option value="">"Scegli come farti riconoscere…"</option>
                        {listino.with_value(riconoscimenti)}
                    </select>
                    <p id="riconoscimento-error" class="field-error" data-testid="riconoscimento-error">{move || riconoscimento_error.get()}</p>
                </div>
            </Show>
            <h3>"I tuoi dati di iscrizione"</h3>
            <p class="hint">"Scrivili come risultano nell'Albo dell'Ordine: se un dato dell'Albo è sbagliato, chiedi prima alla segreteria di correggerlo."</p>
            <Field id="nome" label="Nome" value=nome error=error("nome") autocomplete="given-name"/>
            <Field id="cognome" label="Cognome" value=cognome error=error("cognome") autocomplete="family-name"/>
            <Field id="codice_fiscale" label="Codice fiscale" value=codice_fiscale error=error("codice_fiscale")/>
            <OrdineSelect label="Ordine di appartenenza" value=ordine error=ordine_error/>
            <Field id="numero_iscrizione" label="Numero di iscrizione all'Albo" value=numero error=error("numero_iscrizione")/>
            <div aria-live="polite">
                {move || match preventivo() {
                    Ok(p) => view! { <PreventivoTable preventivo=p/> }.into_any(),
                    Err(e) => view! { <p class="hint" data-testid="firma-preventivo-hint">{e.to_string()}</p> }.into_any(),
                }}
            </div>
            <p class="hint">"Il pagamento avviene sul sito di Aruba, con il codice convenzione indicato, dopo la validazione dell'Ordine."</p>
            <button type="submit" class="btn btn-primary" data-testid="firma-submit"
                disabled=move || send.pending().get()>"Presenta la richiesta"</button>
        </form>
        <div aria-live="polite">
            {move || general().map(|e| view! { <ErrorAlert message=e.to_string() testid="firma-error"/> })}
            {move || send.value().get().and_then(Result::ok).map(|r| view! {
                <div class="alert alert-success" role="status" data-testid="firma-ok">
                    {format!("Richiesta n. {} presentata: la segreteria dell'{} la validerà.", r.numero, r.ordine.nome())}
                </div>
            })}
        </div>
    }
    .into_any()
}
