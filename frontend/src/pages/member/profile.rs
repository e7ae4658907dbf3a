//! *Dati anagrafici* and *Recupero credenziali*: what the holder keeps current himself.
//! Name, surname and codice fiscale come from the Albo and are shown read-only.

use leptos::prelude::*;
use shared::api::{MemberDetail, ProfileUpdate, RecoveryUpdate};

use crate::api::{self, ClientError};
use crate::components::alert::ErrorAlert;
use crate::components::loaded::Loaded;

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

/// A labelled text input bound to `value`, showing the error for `field` from `errors`.
#[component]
fn Field(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    errors: Signal<Option<ClientError>>,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] input_type: &'static str,
) -> impl IntoView {
    let error = move || {
        errors
            .get()
            .filter(|e| e.field() == Some(id))
            .map(|e| e.to_string())
    };
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id name=id type=if input_type.is_empty() { "text" } else { input_type }
                autocomplete=autocomplete data-testid=id aria-describedby=error_id.clone()
                class:is-invalid=move || error().is_some()
                prop:value=move || value.get()
                on:input:target=move |ev| value.set(ev.target().value())/>
            <p id=error_id class="field-error" data-testid=format!("{id}-error")>{error}</p>
        </div>
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
        <h1>"Dati anagrafici"</h1>
        <WithMember form=|member| view! { <ProfileForm member/> }/>
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
            <Field id="indirizzo" label="Indirizzo" value=indirizzo errors autocomplete="street-address"/>
            <Field id="comune" label="Comune" value=comune errors autocomplete="address-level2"/>
            <Field id="provincia" label="Provincia (sigla)" value=provincia errors/>
            <Field id="cap" label="CAP" value=cap errors autocomplete="postal-code"/>
            <Field id="email" label="Email ordinaria" value=email errors autocomplete="email" input_type="email"/>
            <Field id="telefono" label="Telefono" value=telefono errors autocomplete="tel" input_type="tel"/>
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
        <h1>"Recupero credenziali"</h1>
        <p>
            "L'email e il cellulare di recupero servono a reimpostare la password della casella. "
            "Solo tu puoi cambiarli: la segreteria dell'Ordine non può farlo."
        </p>
        <WithMember form=|member| view! { <RecoveryForm member/> }/>
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
            <Field id="email" label="Email di recupero" value=email errors autocomplete="email" input_type="email"/>
            <Field id="cellulare" label="Cellulare" value=cellulare errors autocomplete="tel" input_type="tel"/>
            <button type="submit" class="btn btn-primary" data-testid="save" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Salvataggio…" } else { "Salva" }}
            </button>
        </form>
        <div aria-live="polite">{move || outcome(save.value().get())}</div>
    }
}
