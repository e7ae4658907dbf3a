//! What a signed-in page loads: while loading a status is shown; an expired session
//! signs out and goes to the login, which brings back here; any other error is an alert
//! with *Riprova*. Never a blank page. (The area's guard has checked the session.)

use std::future::Future;

use leptos::prelude::*;

use crate::api::ClientError;
use crate::components::alert::ErrorAlert;
use crate::session::SessionContext;

/// The login, coming back to this page.
pub fn login_and_back() -> String {
    let here = web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.pathname().ok()?, l.search().ok()?))
        })
        .unwrap_or_default();
    shared::ui::path::accesso_poi(&here)
}

/// Loads with `load` (re-run when the signals it reads change) and shows `view` with the
/// value.
#[component]
pub fn Loaded<T, Fut, L, F, V>(
    load: L,
    view: F,
    /// What is loading, for the status line ("Caricamento dei dati…").
    #[prop(default = "dei dati")]
    what: &'static str,
) -> impl IntoView
where
    T: Clone + 'static,
    Fut: Future<Output = Result<T, ClientError>> + 'static,
    L: Fn() -> Fut + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + Clone + 'static,
    V: IntoView + 'static,
{
    let session = SessionContext::get();
    let resource = LocalResource::new(load);
    let view = StoredValue::new(view);
    view! {
            <Transition fallback=move || view! { <p class="loading" role="status">{format!("Caricamento {what}…")}</p> }>
                {move || Suspend::new(async move {
                    match resource.await {
                        Ok(value) => {
                            crate::mark_once("pec-data");
                            view.get_value()(value).into_any()
                        }
                        Err(ClientError::Unauthorized) => {
                            session.expired();
                            view! { <p class="loading" role="status">"Sessione scaduta: accedi di nuovo…"</p> }.into_any()
                        }
                        Err(err) => view! {
                            <ErrorAlert message=err.to_string() testid="load-error"/>
                            <button type="button" class="btn btn-outline-primary"
                                on:click=move |_| resource.refetch()>"Riprova"</button>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
    }
}
