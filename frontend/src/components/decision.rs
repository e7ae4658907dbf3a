//! A decision on someone's request: approve, or reject with a reason that person reads.
//! The reason is required to reject (said at the field, which takes the focus); while the
//! request is sent the buttons wait; once decided the outcome replaces the controls.

use std::future::Future;

use leptos::prelude::*;

use crate::api::ClientError;
use crate::components::alert::ErrorAlert;
use crate::components::form::focus_first_error;

/// What a decision says on its buttons and after.
#[derive(Clone, Copy)]
pub struct Wording {
    /// The reason's label ("Motivo del rifiuto (il titolare lo leggerà)").
    pub motivo: &'static str,
    /// Said when rejecting without a reason.
    pub motivo_mancante: &'static str,
    pub approva: &'static str,
    pub respingi: &'static str,
    /// Shown once approved, once rejected.
    pub approvata: &'static str,
    pub respinta: &'static str,
    /// Approving closes or ends something (a danger button) rather than grants it.
    pub approva_chiude: bool,
}

/// The controls of one decision. `testid` prefixes the test ids (`-motivo`,
/// `-motivo-error`, `-approve`, `-reject`, `-done`, `-error`); `key` makes the field's id
/// unique on the page; `decide` sends it (approved?, reason); `children` come before the
/// reason (a button to read the file).
#[component]
pub fn Decision<D, Fut>(
    testid: &'static str,
    key: String,
    wording: Wording,
    decide: D,
    #[prop(optional)] children: Option<ChildrenFn>,
) -> impl IntoView
where
    D: Fn(bool, String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), ClientError>> + 'static,
{
    let motivo = RwSignal::new(String::new());
    let motivo_error = RwSignal::new(None::<String>);
    let decide = StoredValue::new(decide);
    let action = Action::new_local(move |approved: &bool| {
        let approved = *approved;
        let sent = decide.with_value(|d| d(approved, motivo.get_untracked()));
        async move { sent.await.map(|()| approved) }
    });
    let reject = move |_| {
        if motivo.get_untracked().trim().is_empty() {
            motivo_error.set(Some(wording.motivo_mancante.to_owned()));
            focus_first_error();
            return;
        }
        motivo_error.set(None);
        action.dispatch(false);
    };
    let done = move || matches!(action.value().get(), Some(Ok(_)));
    let field = format!("motivo-{key}");
    let approve_class = if wording.approva_chiude {
        "btn btn-danger me-2"
    } else {
        "btn btn-primary me-2"
    };
    view! {
        <Show when=move || !done() fallback=move || view! {
            <p class="alert alert-success" role="status" data-testid=format!("{testid}-done")>
                {move || match action.value().get() {
                    Some(Ok(true)) => wording.approvata,
                    _ => wording.respinta,
                }}
            </p>
        }>
            {children.clone().map(|c| c())}
            <div class="mt-3">
                <label for=field.clone() class="form-label">{wording.motivo}</label>
                <textarea id=field.clone() class="form-control" rows="2" data-testid=format!("{testid}-motivo")
                    aria-invalid=move || motivo_error.get().is_some().to_string()
                    aria-describedby=format!("{field}-error")
                    prop:value=move || motivo.get()
                    on:input:target=move |ev| motivo.set(ev.target().value())></textarea>
                <div id=format!("{field}-error") class="invalid-feedback d-block" data-testid=format!("{testid}-motivo-error")>
                    {move || motivo_error.get()}
                </div>
            </div>
            <div class="mt-2">
                <button type="button" class=approve_class data-testid=format!("{testid}-approve")
                    disabled=move || action.pending().get() on:click=move |_| { action.dispatch(true); }>
                    {wording.approva}
                </button>
                <button type="button" class="btn btn-outline-secondary" data-testid=format!("{testid}-reject")
                    disabled=move || action.pending().get() on:click=reject>
                    {wording.respingi}
                </button>
            </div>
            {move || action.value().get().and_then(Result::err).map(|err| view! {
                <ErrorAlert message=err.to_string() testid=format!("{testid}-error")/>
            })}
        </Show>
    }
}
