//! *Listino*: every catalog version with its date, plans, prices and sizes, and the form
//! that publishes a new price list of the current contract's plans. It starts after
//! today and after every version; services bought before keep their terms.

use leptos::prelude::*;
use shared::api::CatalogResponse;
use shared::catalog::{CatalogVersion, NuovoListino, Space};
use shared::money::Money;

use crate::api;
use crate::components::alert::ErrorAlert;
use crate::components::form::{Field, field_error, focus_errors_of, focus_first_error};
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::components::scroll_table::ScrollTable;
use crate::format;

#[component]
pub fn ListinoPage() -> impl IntoView {
    // Published here: the versions are read again.
    let published = RwSignal::new(0u32);
    view! {
        <Page title="Listino">
        <p class="lead">
            "Le versioni del catalogo, dalla più recente. Un nuovo listino dei piani Base e Avanzata entra in vigore dalla data indicata, che deve essere successiva a oggi e all'ultimo listino pubblicato: da quel giorno prezza gli acquisti e i rinnovi e dà le sue dimensioni alle caselle attivate e ai periodi che iniziano. I servizi già acquistati mantengono le loro condizioni fino alla scadenza."
        </p>
        {move || {
            published.track();
            view! {
                <Loaded what="del listino" load=api::catalog view=|catalog: CatalogResponse| view! { <Versions catalog/> }/>
            }
        }}
        <h2 class="h4 mt-4">"Pubblica un nuovo listino"</h2>
        <PublishForm published/>
        </Page>
    }
}

fn space(s: Space) -> String {
    format!("{} GB inbox + {} GB archivio", s.inbox_gb, s.archivio_gb)
}

#[component]
fn Versions(catalog: CatalogResponse) -> impl IntoView {
    let in_force = catalog.in_force;
    let rows = catalog
        .versions
        .into_iter()
        .map(|v: CatalogVersion| {
            let state = if v.id == in_force {
                "in vigore"
            } else if v.in_force_from > catalog.today {
                "futuro"
            } else {
                "storico"
            };
            let plans = v
                .plans
                .iter()
                .map(|p| {
                    let extra = p
                        .extra
                        .iter()
                        .map(|r| format!("{} {}/GB", r.area.nome(), r.price_per_gb))
                        .collect::<Vec<_>>()
                        .join(", ");
                    format!(
                        "{}: {}, {}{}",
                        p.nome,
                        if p.is_free() {
                            "gratuita".to_owned()
                        } else {
                            format!("{} all'anno", p.annual_fee)
                        },
                        space(p.included),
                        if extra.is_empty() {
                            String::new()
                        } else {
                            format!("; spazio aggiuntivo {extra}")
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join(" · ");
            view! {
                <tr data-testid="listino-row">
                    <td>{v.nome.clone()}</td>
                    <td>{format::date(v.in_force_from)}</td>
                    <td>{state}</td>
                    <td>{plans}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <ScrollTable label="Versioni del catalogo">
            <thead><tr>
                <th scope="col">"Versione"</th><th scope="col">"In vigore dal"</th>
                <th scope="col">"Stato"</th><th scope="col">"Piani"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </ScrollTable>
    }
}

/// The form's fields, as typed.
#[derive(Clone, Copy)]
struct Fields {
    dal: RwSignal<String>,
    base_inbox: RwSignal<String>,
    base_archivio: RwSignal<String>,
    base_prezzo: RwSignal<String>,
    base_max: RwSignal<String>,
    canone: RwSignal<String>,
    avanzata_inbox: RwSignal<String>,
    avanzata_archivio: RwSignal<String>,
    avanzata_prezzo: RwSignal<String>,
}

impl Fields {
    fn new() -> Self {
        let f = |v: &str| RwSignal::new(v.to_owned());
        Self {
            dal: f(""),
            base_inbox: f("1"),
            base_archivio: f("3"),
            base_prezzo: f("4"),
            base_max: f("5"),
            canone: f("20"),
            avanzata_inbox: f("7"),
            avanzata_archivio: f("7"),
            avanzata_prezzo: f("4"),
        }
    }

    /// The draft, or the fields that cannot be read, each with why.
    fn draft(&self) -> Result<NuovoListino, Vec<(&'static str, &'static str)>> {
        let mut errors = Vec::new();
        let gb = |id: &'static str, s: RwSignal<String>, errors: &mut Vec<_>| {
            s.get_untracked().trim().parse::<u32>().unwrap_or_else(|_| {
                errors.push((id, "Scrivi un numero intero di GB."));
                0
            })
        };
        let euros = |id: &'static str, s: RwSignal<String>, errors: &mut Vec<_>| {
            Money::parse_euros(&s.get_untracked()).unwrap_or_else(|| {
                errors.push((id, "Scrivi un importo in euro, per esempio 4 oppure 4,50."));
                Money::ZERO
            })
        };
        let dal = self.dal.get_untracked().parse().ok();
        if dal.is_none() {
            errors.push(("in_force_from", "Indica la data di entrata in vigore."));
        }
        let draft = NuovoListino {
            in_force_from: dal.unwrap_or_default(),
            base: Space::new(
                gb("base_inbox", self.base_inbox, &mut errors),
                gb("base_archivio", self.base_archivio, &mut errors),
            ),
            base_prezzo_gb: euros("base_prezzo_gb", self.base_prezzo, &mut errors),
            base_extra_max_gb: gb("base_extra_max_gb", self.base_max, &mut errors),
            avanzata_canone: euros("avanzata_canone", self.canone, &mut errors),
            avanzata: Space::new(
                gb("avanzata_inbox", self.avanzata_inbox, &mut errors),
                gb("avanzata_archivio", self.avanzata_archivio, &mut errors),
            ),
            avanzata_prezzo_gb: euros("avanzata_prezzo_gb", self.avanzata_prezzo, &mut errors),
        };
        if errors.is_empty() {
            Ok(draft)
        } else {
            Err(errors)
        }
    }
}

#[component]
fn PublishForm(published: RwSignal<u32>) -> impl IntoView {
    let fields = Fields::new();
    let typed = RwSignal::new(Vec::<(&'static str, &'static str)>::new());
    let publish = Action::new_local(|draft: &NuovoListino| {
        let draft = draft.clone();
        async move { api::publish_listino(&draft).await }
    });
    focus_errors_of(publish);
    Effect::new(move |_| {
        if let Some(Ok(_)) = publish.value().get() {
            published.update(|n| *n += 1);
        }
    });
    let errors = Signal::derive(move || publish.value().get().and_then(Result::err));
    // A field's error: the one found while reading the form, or the server's (which
    // names the plan for its sizes: shown at its inbox).
    let error = move |id: &'static str, server: &'static str| {
        let from_server = field_error(errors, server);
        Signal::derive(move || {
            typed
                .read()
                .iter()
                .find(|(f, _)| *f == id)
                .map(|(_, m)| (*m).to_owned())
                .or_else(|| from_server.get())
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match fields.draft() {
            Ok(draft) => {
                typed.set(Vec::new());
                publish.dispatch(draft);
            }
            Err(found) => {
                typed.set(found);
                focus_first_error();
            }
        }
    };
    view! {
        <form class="profile-form" on:submit=submit novalidate data-testid="listino-form">
            <Field id="in_force_from" label="In vigore dal" kind="date" value=fields.dal error=error("in_force_from", "in_force_from")/>
            <h3 class="h5 mt-3">"PEC Base (gratuita)"</h3>
            <Field id="base_inbox" label="GB inclusi in inbox" value=fields.base_inbox error=error("base_inbox", "base") inputmode="numeric"/>
            <Field id="base_archivio" label="GB inclusi in archivio" value=fields.base_archivio error=error("base_archivio", "base_archivio") inputmode="numeric"/>
            <Field id="base_prezzo_gb" label="Spazio inbox aggiuntivo: euro per GB all'anno" value=fields.base_prezzo error=error("base_prezzo_gb", "base_prezzo_gb") inputmode="decimal"/>
            <Field id="base_extra_max_gb" label="Spazio inbox aggiuntivo: GB al massimo (0: non in vendita)" value=fields.base_max error=error("base_extra_max_gb", "base_extra_max_gb") inputmode="numeric"/>
            <h3 class="h5 mt-3">"PEC Avanzata"</h3>
            <Field id="avanzata_canone" label="Canone annuo in euro" value=fields.canone error=error("avanzata_canone", "avanzata_canone") inputmode="decimal"/>
            <Field id="avanzata_inbox" label="GB inclusi in inbox" value=fields.avanzata_inbox error=error("avanzata_inbox", "avanzata") inputmode="numeric"/>
            <Field id="avanzata_archivio" label="GB inclusi in archivio" value=fields.avanzata_archivio error=error("avanzata_archivio", "avanzata_archivio") inputmode="numeric"/>
            <Field id="avanzata_prezzo_gb" label="Spazio aggiuntivo (inbox o archivio): euro per GB all'anno" value=fields.avanzata_prezzo error=error("avanzata_prezzo_gb", "avanzata_prezzo_gb") inputmode="decimal"/>
            <button type="submit" class="btn btn-primary mt-2" data-testid="listino-publish" disabled=move || publish.pending().get()>
                {move || if publish.pending().get() { "Pubblicazione…" } else { "Pubblica il listino" }}
            </button>
            <div aria-live="polite">
                {move || match publish.value().get() {
                    Some(Ok(v)) => Some(view! {
                        <div class="alert alert-success mt-3" role="status" data-testid="listino-published">
                            {format!("Pubblicato: {}, in vigore dal {}.", v.nome, format::date(v.in_force_from))}
                        </div>
                    }.into_any()),
                    Some(Err(err)) if err.field().is_none() => Some(view! {
                        <ErrorAlert message=err.to_string() testid="listino-error"/>
                    }.into_any()),
                    _ => None,
                }}
            </div>
        </form>
    }
}
