use leptos::prelude::*;
use leptos_router::components::A;

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
                </nav>
            </div>
        </header>
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
