use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::access::Role;

use crate::session::SessionContext;

#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="container header-inner">
                <A href="/" attr:class="brand">
                    <span class="brand-title">"PEC Ingegneri"</span>
                    <span class="brand-subtitle">"Convenzione Fondazione CNI – Aruba PEC"</span>
                </A>
                <nav aria-label="Navigazione principale">
                    <A href="/piani">"Piani e prezzi"</A>
                    <Account/>
                </nav>
            </div>
        </header>
    }
}

/// The signed-in person's links, or the way in.
#[component]
fn Account() -> impl IntoView {
    let session = SessionContext::get();
    let navigate = use_navigate();
    let sign_out = move |_| {
        session.sign_out();
        navigate("/", Default::default());
    };
    view! {
        {move || match session.0.get() {
            None => view! { <A href="/accesso" attr:data-testid="nav-login">"Accedi"</A> }.into_any(),
            Some(s) => {
                let member = s.caller.role == Role::Iscritto;
                let secretariat = s.caller.role == Role::Segreteria;
                view! {
                    <Show when=move || member>
                        <A href="/mia-pec">"La mia PEC"</A>
                        <A href="/mia-pec/dati" attr:data-testid="nav-profile">"Dati anagrafici"</A>
                        <A href="/mia-pec/recupero" attr:data-testid="nav-recovery">"Recupero credenziali"</A>
                    </Show>
                    <Show when=move || secretariat>
                        <A href="/ordine/iscritti" attr:data-testid="nav-members">"Iscritti"</A>
                    </Show>
                    <span class="who" data-testid="nav-user">{s.caller.subject.clone()}</span>
                    <button type="button" class="btn-link" data-testid="nav-logout" on:click=sign_out.clone()>"Esci"</button>
                }
                .into_any()
            }
        }}
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="container">
                <p>
                    "Le comunicazioni sui rinnovi arrivano solo da indirizzi "
                    <strong>"@fondazionecni.it"</strong>", "<strong>"@fondazionecni.org"</strong>
                    " e "<strong>"@ingpec.eu"</strong>": ogni altro mittente è da considerare SPAM."
                </p>
                <p>
                    "Assistenza: scrivi una e-mail ordinaria (non PEC) a "
                    <a href="mailto:assistenzapec@fondazionecni.it">"assistenzapec@fondazionecni.it"</a>"."
                </p>
            </div>
        </footer>
    }
}
