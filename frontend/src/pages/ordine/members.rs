//! *Iscritti*: the members now registered in the Ordine, searched and filtered on the
//! server, with search, filters and page kept in the URL.

use leptos::prelude::*;
use leptos_router::components::{A, Redirect};
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::api::MemberSummary;

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::format;
use crate::session::SessionContext;

const FILTERS: [&str; 4] = ["q", "casella", "contratto", "cursor"];

fn encode(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let session = SessionContext::get();
    let query = use_query_map();
    let navigate = use_navigate();
    let ordine = move || {
        session
            .0
            .get()
            .and_then(|s| s.caller.ordine)
            .map(|o| o.to_string())
    };
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let query_string = move || {
        FILTERS
            .iter()
            .filter_map(|name| {
                let value = param(name);
                (!value.is_empty()).then(|| format!("{name}={}", encode(&value)))
            })
            .collect::<Vec<_>>()
            .join("&")
    };
    let page = LocalResource::new(move || {
        let (ordine, qs) = (ordine(), query_string());
        async move {
            match ordine {
                Some(ordine) => api::ordine_members(&ordine, &qs).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let q = RwSignal::new(param("q"));
    let casella = RwSignal::new(param("casella"));
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut url = format!("/ordine/iscritti?q={}", encode(&q.get()));
        if !casella.get().is_empty() {
            url.push_str(&format!("&casella={}", encode(&casella.get())));
        }
        navigate(&url, Default::default());
    };
    let next_page = move |cursor: String| {
        let mut parts: Vec<String> = ["q", "casella", "contratto"]
            .iter()
            .filter_map(|name| {
                let value = param(name);
                (!value.is_empty()).then(|| format!("{name}={}", encode(&value)))
            })
            .collect();
        parts.push(format!("cursor={}", encode(&cursor)));
        format!("/ordine/iscritti?{}", parts.join("&"))
    };
    view! {
        <h1>"Iscritti"</h1>
        <Show when=move || session.0.get().is_some() fallback=|| view! { <Redirect path="/accesso"/> }>
            <form class="search" role="search" on:submit=search.clone()>
                <div class="field">
                    <label for="q">"Cerca per cognome, codice fiscale o indirizzo PEC"</label>
                    <input id="q" type="search" data-testid="members-q" prop:value=move || q.get()
                        on:input:target=move |ev| q.set(ev.target().value())/>
                </div>
                <div class="field">
                    <label for="casella">"Casella"</label>
                    <select id="casella" data-testid="members-casella" prop:value=move || casella.get()
                        on:change:target=move |ev| casella.set(ev.target().value())>
                        <option value="">"Tutte"</option>
                        <option value="attiva">"Attiva"</option>
                        <option value="nessuna">"Senza casella"</option>
                        <option value="bloccata">"Bloccata"</option>
                        <option value="chiusa">"Chiusa"</option>
                    </select>
                </div>
                <button type="submit" class="btn btn-primary" data-testid="members-search">"Cerca"</button>
            </form>
            <Transition fallback=|| view! { <p class="loading" role="status">"Caricamento degli iscritti…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(Some(page)) => {
                            let next = page.cursor.clone().map(next_page);
                            view! {
                                <MembersTable members=page.items/>
                                {next.map(|href| view! {
                                    <p><A href=href attr:data-testid="members-next">"Pagina successiva"</A></p>
                                })}
                            }
                            .into_any()
                        }
                        Ok(None) => view! { <ErrorAlert message="Questa pagina è riservata alle segreterie degli Ordini."/> }.into_any(),
                        Err(ClientError::Unauthorized) => {
                            session.sign_out();
                            view! { <Redirect path="/accesso"/> }.into_any()
                        }
                        Err(err) => view! { <ErrorAlert message=err.to_string() testid="members-error"/> }.into_any(),
                    }
                })}
            </Transition>
        </Show>
    }
}

#[component]
fn MembersTable(members: Vec<MemberSummary>) -> impl IntoView {
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
                    <td><A href=href>{format!("{} {}", m.cognome, m.nome)}</A></td>
                    <td>{m.codice_fiscale.to_string()}</td>
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
        <table class="data-table" data-testid="members-table">
            <thead>
                <tr>
                    <th scope="col">"Iscritto"</th>
                    <th scope="col">"Codice fiscale"</th>
                    <th scope="col">"Albo"</th>
                    <th scope="col">"Casella PEC"</th>
                    <th scope="col">"Piano"</th>
                    <th scope="col">"Contratto"</th>
                    <th scope="col">"Scadenza"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}
