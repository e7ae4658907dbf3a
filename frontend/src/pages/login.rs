//! *Accedi*: the local accounts' form, or Cognito's hosted login (authorization code with
//! PKCE), as `/config.json` says.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::access::Role;
use shared::api::{AuthConfig, LoginRequest};
use shared::ui::path;

use crate::api;
use crate::components::alert::ErrorAlert;
use crate::components::page::Page;
use crate::oidc;
use crate::session::{Session, SessionContext};

/// Where to go once signed in: the page that sent to the login, or the role's own area.
/// Always a page load: the area's bundle is another.
fn go_on(role: Role, next: Option<String>) {
    let target = path::after_login(role, next.as_deref());
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(target);
    }
}

/// Where the login was asked to bring back to (kept across the hosted login too).
const NEXT: &str = "pec.next";

fn remember_next(next: Option<&str>) {
    if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = match next.and_then(path::safe_next) {
            Some(next) => storage.set_item(NEXT, next),
            None => storage.remove_item(NEXT),
        };
    }
}

fn remembered_next() -> Option<String> {
    let storage = web_sys::window()?.session_storage().ok()??;
    let next = storage.get_item(NEXT).ok()?;
    let _ = storage.remove_item(NEXT);
    next
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let config = LocalResource::new(api::config);
    let query = use_query_map();
    let next = query.with_untracked(|q| q.get("next"));
    remember_next(next.as_deref());
    view! {
        <section class="login">
            <Page title="Accedi">
            <Suspense fallback=|| view! { <p class="loading" role="status">"Caricamento…"</p> }>
                {move || Suspend::new(async move {
                    match config.await.auth {
                        AuthConfig::Local => view! { <LocalLogin/> }.into_any(),
                        AuthConfig::Oidc { authority, client_id } => view! { <HostedLogin authority client_id/> }.into_any(),
                    }
                })}
            </Suspense>
            </Page>
        </section>
    }
}

#[component]
fn HostedLogin(authority: String, client_id: String) -> impl IntoView {
    let go = Action::new_local(move |_: &()| {
        let (authority, client_id) = (authority.clone(), client_id.clone());
        async move { oidc::begin(&authority, &client_id).await }
    });
    view! {
        <p>"Accedi con il tuo account PEC Ingegneri: ti portiamo alla pagina di accesso sicura e poi ti riportiamo qui."</p>
        <button type="button" class="btn btn-primary" data-testid="login-hosted"
            disabled=move || go.pending().get() on:click=move |_| { go.dispatch(()); }>
            "Vai alla pagina di accesso"
        </button>
        {move || match go.value().get() {
            Some(Err(err)) => Some(view! { <ErrorAlert message=err.to_string() testid="login-error"/> }),
            _ => None,
        }}
    }
}

#[component]
fn LocalLogin() -> impl IntoView {
    let session = SessionContext::get();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let login = Action::new_local(|request: &LoginRequest| {
        let request = request.clone();
        async move { api::login(&request).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(response)) = login.value().get() {
            let role = response.caller.role;
            session.sign_in(Session::from(response));
            go_on(role, remembered_next());
        }
    });
    // A refused login: the focus goes back to the first field, marked invalid.
    let username_field = NodeRef::<leptos::html::Input>::new();
    let failed = move || matches!(login.value().get(), Some(Err(_)));
    Effect::new(move |_| {
        if failed()
            && let Some(field) = username_field.get()
        {
            let _ = field.focus();
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        login.dispatch(LoginRequest {
            username: username.get(),
            password: password.get(),
        });
    };
    view! {
        <p>"Accedi con le credenziali del tuo account per gestire la casella PEC."</p>
        <form on:submit=submit class="login-form">
            <div class="mb-3">
                <label for="username" class="form-label">"Nome utente"</label>
                <input id="username" name="username" type="text" class="form-control" autocomplete="username" required data-testid="login-username"
                    node_ref=username_field aria-invalid=move || failed().to_string() aria-describedby="login-error"
                    prop:value=move || username.get()
                    on:input:target=move |ev| username.set(ev.target().value())/>
            </div>
            <div class="mb-3">
                <label for="password" class="form-label">"Password"</label>
                <input id="password" name="password" type="password" class="form-control" autocomplete="current-password" required
                    data-testid="login-password" aria-invalid=move || failed().to_string() aria-describedby="login-error"
                    prop:value=move || password.get()
                    on:input:target=move |ev| password.set(ev.target().value())/>
            </div>
            <button type="submit" class="btn btn-primary" data-testid="login-submit" disabled=move || login.pending().get()>
                {move || if login.pending().get() { "Accesso in corso…" } else { "Accedi" }}
            </button>
        </form>
        <div aria-live="polite" id="login-error">
            {move || match login.value().get() {
                Some(Err(err)) => Some(view! { <ErrorAlert message=err.to_string() testid="login-error"/> }),
                _ => None,
            }}
        </div>
    }
}

/// Where the hosted login sends people back with a code.
#[component]
pub fn CallbackPage() -> impl IntoView {
    let session = SessionContext::get();
    let query = use_query_map();
    let outcome = LocalResource::new(move || {
        let (code, state) = query.with_untracked(|q| {
            (
                q.get("code").unwrap_or_default(),
                q.get("state").unwrap_or_default(),
            )
        });
        async move { complete(&code, &state).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(signed_in)) = outcome.get() {
            let role = signed_in.caller.role;
            session.sign_in(signed_in);
            go_on(role, remembered_next());
        }
    });
    view! {
        <Page title="Accesso">
            {move || match outcome.get() {
                None | Some(Ok(_)) => view! { <p class="loading" role="status">"Accesso in corso…"</p> }.into_any(),
                Some(Err(message)) => view! {
                    <ErrorAlert message testid="login-error"/>
                    <a href=path::ACCESSO class="btn btn-primary">"Accedi di nuovo"</a>
                }
                .into_any(),
            }}
        </Page>
    }
}

async fn complete(code: &str, state: &str) -> Result<Session, String> {
    let AuthConfig::Oidc {
        authority,
        client_id,
    } = api::config().await.auth
    else {
        return Err("L'accesso con la pagina esterna non è attivo su questo portale.".into());
    };
    if code.is_empty() {
        return Err("Il servizio di accesso non ha concluso l'accesso: riprova.".into());
    }
    let (token, expires_in) = oidc::finish(&authority, &client_id, code, state)
        .await
        .map_err(|e| e.to_string())?;
    let caller = api::caller_with(&token).await.map_err(|e| e.to_string())?;
    Ok(Session {
        token,
        expires_at: chrono::Utc::now() + chrono::Duration::seconds(expires_in),
        caller,
        logout: Some(oidc::logout_url(&authority, &client_id)),
    })
}
