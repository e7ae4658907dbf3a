//! *Accedi*: the local accounts' login. (On AWS, Cognito's hosted login takes its place.)

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::access::Role;
use shared::api::LoginRequest;

use crate::api;
use crate::components::alert::ErrorAlert;
use crate::session::{Session, SessionContext};

/// Where each role starts.
pub fn home(role: Role) -> &'static str {
    match role {
        Role::Iscritto => "/mia-pec",
        Role::Segreteria => "/ordine/iscritti",
        Role::Fondazione | Role::Albo => "/",
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = SessionContext::get();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let navigate = use_navigate();
    let login = Action::new_local(|request: &LoginRequest| {
        let request = request.clone();
        async move { api::login(&request).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(response)) = login.value().get() {
            let role = response.caller.role;
            session.sign_in(Session::from(response));
            navigate(home(role), Default::default());
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
        <section class="login" aria-labelledby="login-title">
            <h1 id="login-title">"Accedi"</h1>
            <p>"Accedi con le credenziali del tuo account per gestire la casella PEC."</p>
            <form on:submit=submit class="login-form">
                <div class="field">
                    <label for="username">"Nome utente"</label>
                    <input id="username" name="username" autocomplete="username" required data-testid="login-username"
                        prop:value=move || username.get()
                        on:input:target=move |ev| username.set(ev.target().value())/>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required
                        data-testid="login-password"
                        prop:value=move || password.get()
                        on:input:target=move |ev| password.set(ev.target().value())/>
                </div>
                <button type="submit" class="btn btn-primary" data-testid="login-submit" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { "Accesso in corso…" } else { "Accedi" }}
                </button>
            </form>
            <div aria-live="polite">
                {move || match login.value().get() {
                    Some(Err(err)) => Some(view! { <ErrorAlert message=err.to_string() testid="login-error"/> }),
                    _ => None,
                }}
            </div>
        </section>
    }
}
