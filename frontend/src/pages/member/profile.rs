//! *Dati anagrafici* and *Recupero credenziali*: what the holder keeps current himself.
//! Name, surname and codice fiscale come from the Albo and are shown read-only.

use leptos::prelude::*;
use shared::api::{MemberDetail, ProfileUpdate, RecoveryUpdate};

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::form::{Field, field_error, focus_errors_of};
use crate::components::loaded::Loaded;
use crate::components::page::Page;

/// Loads the holder's data and shows `form` with it.
#[component]
fn WithMember<F, V>(form: F) -> impl IntoView
where
    F: Fn(MemberDetail) -> V + Send + Sync + Copy + 'static,
    V: IntoView + 'static,
{
    view! {
        <Loaded load=api::me view=move |me: api::Me| match me.member {
            Some(member) => form(member).into_any(),
            None => view! { <ErrorAlert message="Questa pagina è riservata agli iscritti."/> }.into_any(),
        }/>
    }
}

/// The outcome of a save: a confirmation, or an error not tied to a field.
fn outcome(result: Option<Result<MemberDetail, ClientError>>) -> impl IntoView {
    match result {
        Some(Ok(_)) => Some(
            view! { <div class="alert alert-success" role="status" data-testid="saved">"Dati salvati."</div> }
                .into_any(),
        ),
        Some(Err(err)) if err.field().is_none() => {
            Some(view! { <ErrorAlert message=err.to_string() testid="save-error"/> }.into_any())
        }
        _ => None,
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    view! {
        <Page title="Dati anagrafici">
        <WithMember form=|member| view! { <ProfileForm member/> }/>
        </Page>
    }
}

#[component]
fn ProfileForm(member: MemberDetail) -> impl IntoView {
    let a = &member.anagrafica;
    let version = RwSignal::new(member.version);
    let indirizzo = RwSignal::new(a.indirizzo.clone());
    let comune = RwSignal::new(a.comune.clone());
    let provincia = RwSignal::new(a.provincia.clone());
    let cap = RwSignal::new(a.cap.as_str().to_owned());
    let email = RwSignal::new(a.email.to_string());
    let telefono = RwSignal::new(
        a.telefono
            .as_ref()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
    );
    let save = Action::new_local(|update: &ProfileUpdate| {
        let update = update.clone();
        async move { api::update_profile(&update).await }
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
        save.dispatch(ProfileUpdate {
            indirizzo: indirizzo.get(),
            comune: comune.get(),
            provincia: provincia.get(),
            cap: cap.get(),
            email: email.get(),
            telefono: telefono.get(),
            version: version.get(),
        });
    };
    view! {
        <dl class="facts readonly">
            <dt>"Nome"</dt><dd data-testid="nome">{a.nome.clone()}</dd>
            <dt>"Cognome"</dt><dd data-testid="cognome">{a.cognome.clone()}</dd>
            <dt>"Codice fiscale"</dt><dd>{a.codice_fiscale.to_string()}</dd>
        </dl>
        <p class="hint">
            "Nome, cognome e codice fiscale provengono dall'Albo e non si modificano da qui: per correggerli rivolgiti alla segreteria del tuo Ordine."
        </p>
        <form class="profile-form" on:submit=submit novalidate>
            <Field id="indirizzo" label="Indirizzo" value=indirizzo error=field_error(errors, "indirizzo") autocomplete="street-address"/>
            <Field id="comune" label="Comune" value=comune error=field_error(errors, "comune") autocomplete="address-level2"/>
            <Field id="provincia" label="Provincia (sigla)" value=provincia error=field_error(errors, "provincia")/>
            <Field id="cap" label="CAP" value=cap error=field_error(errors, "cap") autocomplete="postal-code"/>
            <Field id="email" label="Email ordinaria" value=email error=field_error(errors, "email") autocomplete="email" kind="email"/>
            <Field id="telefono" label="Telefono" value=telefono error=field_error(errors, "telefono") autocomplete="tel" kind="tel"/>
            <button type="submit" class="btn btn-primary" data-testid="save" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Salvataggio…" } else { "Salva" }}
            </button>
        </form>
        <div aria-live="polite">{move || outcome(save.value().get())}</div>
    }
}

#[component]
pub fn RecoveryPage() -> impl IntoView {
    view! {
        <Page title="Recupero credenziali">
        <p>
            "L'email e il cellulare di recupero servono a reimpostare la password della casella. "
            "Solo tu puoi cambiarli: la segreteria dell'Ordine non può farlo."
        </p>
        <WithMember form=|member| view! { <RecoveryForm member/> }/>
        </Page>
    }
}

#[component]
fn RecoveryForm(member: MemberDetail) -> impl IntoView {
    let recovery = member.recovery.clone().unwrap_or_default();
    let version = RwSignal::new(member.version);
    let email = RwSignal::new(recovery.email.map(|e| e.to_string()).unwrap_or_default());
    let cellulare = RwSignal::new(
        recovery
            .cellulare
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
    );
    let save = Action::new_local(|update: &RecoveryUpdate| {
        let update = update.clone();
        async move { api::update_recovery(&update).await }
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
        save.dispatch(RecoveryUpdate {
            email: email.get(),
            cellulare: cellulare.get(),
            version: version.get(),
        });
    };
    view! {
        <form class="profile-form" on:submit=submit novalidate>
            <Field id="email" label="Email di recupero" value=email error=field_error(errors, "email") autocomplete="email" kind="email"/>
            <Field id="cellulare" label="Cellulare" value=cellulare error=field_error(errors, "cellulare") autocomplete="tel" kind="tel"/>
            <button type="submit" class="btn btn-primary" data-testid="save" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Salvataggio…" } else { "Salva" }}
            </button>
        </form>
        <div aria-live="polite">{move || outcome(save.value().get())}</div>
    }
}
