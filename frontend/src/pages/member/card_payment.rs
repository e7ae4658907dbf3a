//! Paying an order by card through Stripe: Stripe's card field in the page, Stripe.js
//! confirms the payment (and runs 3-D Secure); the order turns paid when Stripe's signed
//! event reaches the server, which the order page then shows.

use leptos::prelude::*;
use shared::api::Intent;

use crate::components::alert::ErrorAlert;
use crate::stripe_js::{self, CardElement, StripeClient};

/// The card form of a Stripe payment; `on_confirmed` runs once Stripe has taken it.
#[component]
pub fn StripeCheckout(
    intent: Intent,
    /// What is paid (the order's total, frozen while it waits).
    total: String,
    on_confirmed: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let target = NodeRef::<leptos::html::Div>::new();
    let field = StoredValue::new_local(None::<(StripeClient, CardElement)>);
    let ready = RwSignal::new(false);
    let load_error = RwSignal::new(None::<String>);
    let script = intent.script.clone().unwrap_or_default();
    let key = intent.chiave_pubblica.clone().unwrap_or_default();
    Effect::new(move |mounted: Option<bool>| {
        if mounted == Some(true) {
            return true;
        }
        let Some(div) = target.get() else {
            return false;
        };
        let (script, key) = (script.clone(), key.clone());
        leptos::task::spawn_local(async move {
            match stripe_js::card_field(&script, &key, &div).await {
                Ok(handles) => {
                    field.set_value(Some(handles));
                    ready.set(true);
                }
                Err(e) => load_error.set(Some(e)),
            }
        });
        true
    });
    let secret = StoredValue::new(intent.client_secret);
    let pay = Action::new_local(move |_: &()| async move {
        let Some((client, card)) = field.get_value() else {
            return Err(
                "Il modulo della carta non è ancora pronto: attendi un istante.".to_owned(),
            );
        };
        stripe_js::confirm(&client, &secret.get_value(), &card).await?;
        on_confirmed();
        Ok(())
    });
    let confirmed = move || matches!(pay.value().get(), Some(Ok(())));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        pay.dispatch(());
    };

    view! {
        <form class="card-form" on:submit=submit novalidate data-testid="stripe-checkout">
            <h2 id="card-title">"Pagamento con carta"</h2>
            <p class="hint">
                "I dati della carta vanno direttamente a Stripe, il gestore dei pagamenti: il portale non li riceve e non li conserva. La tua banca può chiederti di confermare il pagamento."
            </p>
            <div class="card-field" role="group" aria-labelledby="card-title"
                node_ref=target data-testid="card-element"></div>
            <button type="submit" class="btn btn-primary" data-testid="pay-submit"
                disabled=move || !ready.get() || pay.pending().get() || confirmed()>
                {move || if pay.pending().get() { "Pagamento in corso…".to_owned() } else { format!("Paga {total}") }}
            </button>
        </form>
        <div aria-live="polite">
            {move || load_error.get().map(|e| view! { <ErrorAlert message=e testid="pay-error"/> })}
            {move || pay.value().get().and_then(Result::err).map(|e| view! { <ErrorAlert message=e testid="pay-error"/> })}
            {move || confirmed().then(|| view! {
                <p class="hint" role="status" data-testid="pay-confirmed">"Pagamento autorizzato: attendiamo la conferma di Stripe…"</p>
            })}
        </div>
    }
}
