//! *Registro delle operazioni*: the audit log of a member or of a day.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::api::{AuditPage, AuditQuery};
use shared::audit::AuditTarget;
use shared::codice_fiscale::CodiceFiscale;

use crate::api::{self, encode};
use crate::components::form::focus_first_error;
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::pages::member::history::{AuditTable, IntegrityNote};

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let cf = RwSignal::new(param("cf"));
    let day = RwSignal::new(param("day"));
    let cursor = RwSignal::new(None::<String>);
    let cf_error = RwSignal::new(None::<String>);
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = cf.get();
        let typed = typed.trim();
        if !typed.is_empty()
            && let Err(err) = CodiceFiscale::parse(typed)
        {
            cf_error.set(Some(err.to_string()));
            focus_first_error();
            return;
        }
        cf_error.set(None);
        // A new search starts from its most recent entries.
        cursor.set(None);
        let url = if !typed.is_empty() {
            format!("/fondazione/registro?cf={}", encode(typed))
        } else {
            format!("/fondazione/registro?day={}", encode(&day.get()))
        };
        navigate(&url, Default::default());
    };
    let load = move || {
        let (cf, day) = (param("cf"), param("day"));
        let query = AuditQuery {
            target: CodiceFiscale::parse(&cf).ok().map(AuditTarget::Member),
            day: day.parse().ok(),
            cursor: cursor.get(),
        };
        async move { api::audit(&query).await }
    };
    view! {
        <Page title="Registro delle operazioni">
        <form class="row g-3 align-items-end mb-4" role="search" on:submit=search>
            <div class="col-12 col-md-5">
                <label for="audit-cf" class="form-label">"Codice fiscale dell'iscritto"</label>
                <input id="audit-cf" type="text" class="form-control" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="16" data-testid="audit-cf" prop:value=move || cf.get()
                    aria-invalid=move || cf_error.get().is_some().to_string()
                    aria-describedby=move || cf_error.get().map(|_| "audit-cf-error")
                    class:is-invalid=move || cf_error.get().is_some()
                    on:input:target=move |ev| cf.set(ev.target().value())/>
                {move || cf_error.get().map(|message| view! {
                    <div id="audit-cf-error" class="invalid-feedback d-block" data-testid="audit-cf-error">{message}</div>
                })}
            </div>
            <div class="col-12 col-md-4">
                <label for="audit-day" class="form-label">"oppure il giorno"</label>
                <input id="audit-day" type="date" class="form-control" data-testid="audit-day" prop:value=move || day.get()
                    on:input:target=move |ev| day.set(ev.target().value())/>
            </div>
            <div class="col-12 col-md-3">
                <button type="submit" class="btn btn-primary" data-testid="audit-search">"Cerca"</button>
            </div>
        </form>
        <p class="hint">"Senza codice fiscale né giorno: le operazioni di oggi."</p>
        <Loaded what="del registro" load view=move |page: AuditPage| view! {
            <IntegrityNote integrita=page.integrita.clone()/>
            <AuditTable entries=page.items.clone() with_target=true
                focus=cursor.get_untracked().is_some()/>
            {page.cursor.clone().map(|next| view! {
                <button type="button" class="btn btn-outline-primary"
                    on:click=move |_| cursor.set(Some(next.clone()))>"Operazioni precedenti"</button>
            })}
        }/>
        </Page>
    }
}
