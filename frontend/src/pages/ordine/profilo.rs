//! *Profilo dell'Ordine*: what the secretariat says of itself. Its ordinary email stands
//! in for a member who has none (the Modello Anagrafiche), and reaches the provider as the
//! holder's contact for the Ordine's own mailbox.

use leptos::prelude::*;
use shared::ordine::{OrdineProfiloUpdate, OrdineProfiloView};

use crate::api;
use crate::components::alert::ErrorAlert;
use crate::components::form::{Field, field_error, focus_errors_of};
use crate::components::loaded::Loaded;
use crate::components::page::Page;
use crate::session::SessionContext;

#[component]
pub fn ProfiloPage() -> impl IntoView {
    let ordine = SessionContext::get()
        .0
        .get_untracked()
        .and_then(|s| s.caller.ordine);
    view! {
        <Page title="Profilo dell'Ordine">
            {ordine.map(|ordine| view! {
                <Loaded what="del profilo"
                    load=move || api::ordine_profilo(ordine)
                    view=|view: OrdineProfiloView| view! { <ProfiloForm view/> }/>
            })}
        </Page>
    }
}

#[component]
fn ProfiloForm(view: OrdineProfiloView) -> impl IntoView {
    let profilo = view.profilo.clone();
    let email = RwSignal::new(
        profilo
            .as_ref()
            .map(|p| p.email_segreteria.to_string())
            .unwrap_or_default(),
    );
    let telefono = RwSignal::new(
        profilo
            .as_ref()
            .and_then(|p| p.telefono.as_ref().map(|t| t.as_str().to_owned()))
            .unwrap_or_default(),
    );
    let indirizzo = RwSignal::new(profilo.map(|p| p.indirizzo).unwrap_or_default());
    let version = RwSignal::new(view.version);
    let ordine = view.ordine;
    let save = Action::new_local(move |update: &OrdineProfiloUpdate| {
        let update = update.clone();
        async move { api::update_ordine_profilo(ordine, &update).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            version.set(saved.version);
        }
    });
    let errors = Signal::derive(move || save.value().get().and_then(Result::err));
    focus_errors_of(save);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(OrdineProfiloUpdate {
            email_segreteria: email.get(),
            telefono: telefono.get(),
            indirizzo: indirizzo.get(),
            version: version.get(),
        });
    };
    view! {
        <p class="lead">{view.nome.clone()}</p>
        <p>"L'email della segreteria vale per gli iscritti che non hanno indicato un'email ordinaria: deve essere un'email ordinaria, non una PEC."</p>
        <form class="profile-form" on:submit=submit novalidate>
            <Field id="email_segreteria" label="Email della segreteria" kind="email" value=email error=field_error(errors, "email_segreteria") autocomplete="email"/>
            <Field id="telefono" label="Telefono" kind="tel" value=telefono error=field_error(errors, "telefono") autocomplete="tel"/>
            <Field id="indirizzo" label="Indirizzo della segreteria" kind="text" value=indirizzo error=field_error(errors, "indirizzo") autocomplete="street-address"/>
            <button type="submit" class="btn btn-primary" data-testid="profilo-save" disabled=move || save.pending().get()>"Salva"</button>
        </form>
        <div aria-live="polite">
            {move || match save.value().get() {
                Some(Ok(_)) => Some(view! { <div class="alert alert-success" role="status" data-testid="profilo-saved">"Profilo salvato."</div> }.into_any()),
                Some(Err(err)) if err.field().is_none() =>
                    Some(view! { <ErrorAlert message=err.to_string() testid="profilo-error"/> }.into_any()),
                _ => None,
            }}
        </div>
    }
}
