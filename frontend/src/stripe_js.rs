//! Stripe.js, loaded only when a holder pays by card, from where the server says (Stripe's
//! own, or localstripe's stand-in in the tests): the card field is Stripe's, so the card
//! number never reaches the product; Stripe.js confirms the PaymentIntent and runs 3-D
//! Secure. Whether the payment happened the server learns from Stripe's signed webhook.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The object `Stripe(publishableKey)` returns.
    #[derive(Clone)]
    pub type StripeClient;

    #[wasm_bindgen(js_name = Stripe, catch)]
    fn stripe(key: &str, options: &JsValue) -> Result<StripeClient, JsValue>;

    #[wasm_bindgen(method)]
    fn elements(this: &StripeClient) -> Elements;

    #[wasm_bindgen(method, js_name = confirmCardPayment)]
    fn confirm_card_payment(this: &StripeClient, secret: &str, data: &JsValue) -> Promise;

    type Elements;

    #[wasm_bindgen(method, catch)]
    fn create(this: &Elements, kind: &str, options: &JsValue) -> Result<CardElement, JsValue>;

    /// Stripe's card field.
    #[derive(Clone)]
    pub type CardElement;

    #[wasm_bindgen(method, catch)]
    fn mount(this: &CardElement, target: &web_sys::Element) -> Result<(), JsValue>;
}

/// Why the card form could not be shown or the payment not completed, in Italian.
fn unavailable(_: JsValue) -> String {
    "Il servizio di pagamento con carta non risponde. Ricarica la pagina e riprova tra qualche minuto."
        .to_owned()
}

/// Loads Stripe.js from `src` once per page.
async fn load(src: &str) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    if Reflect::has(&window, &"Stripe".into())? {
        return Ok(());
    }
    let document = window.document().ok_or(JsValue::NULL)?;
    let script: web_sys::HtmlScriptElement = document.create_element("script")?.dyn_into()?;
    script.set_src(src);
    let loaded = Promise::new(&mut |resolve, reject| {
        script.set_onload(Some(&resolve));
        script.set_onerror(Some(&reject));
    });
    document
        .head()
        .ok_or(JsValue::NULL)?
        .append_child(&script)?;
    JsFuture::from(loaded).await.map(|_| ())
}

/// Stripe.js for the publishable key `key`, with its card field mounted in `target`.
pub async fn card_field(
    src: &str,
    key: &str,
    target: &web_sys::Element,
) -> Result<(StripeClient, CardElement), String> {
    load(src).await.map_err(unavailable)?;
    let options = Object::new();
    Reflect::set(&options, &"locale".into(), &"it".into()).map_err(unavailable)?;
    let client = stripe(key, &options).map_err(unavailable)?;
    let style = Object::new();
    Reflect::set(&style, &"hidePostalCode".into(), &true.into()).map_err(unavailable)?;
    let card = client
        .elements()
        .create("card", &style)
        .map_err(unavailable)?;
    card.mount(target).map_err(unavailable)?;
    Ok((client, card))
}

/// Confirms the PaymentIntent `secret` with the card typed in `card`, through 3-D Secure
/// when the bank asks; Stripe's own message (in Italian) when the card is refused.
pub async fn confirm(
    client: &StripeClient,
    secret: &str,
    card: &CardElement,
) -> Result<(), String> {
    let method = Object::new();
    Reflect::set(&method, &"card".into(), card).map_err(unavailable)?;
    let data = Object::new();
    Reflect::set(&data, &"payment_method".into(), &method).map_err(unavailable)?;
    let outcome = JsFuture::from(client.confirm_card_payment(secret, &data))
        .await
        .map_err(unavailable)?;
    let error = Reflect::get(&outcome, &"error".into()).map_err(unavailable)?;
    if error.is_undefined() || error.is_null() {
        return Ok(());
    }
    let message = Reflect::get(&error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .filter(|m| !m.is_empty());
    Err(match message {
        Some(message) => format!("Il pagamento non è riuscito: {message}"),
        None => "Il pagamento non è riuscito. Controlla i dati della carta e riprova.".to_owned(),
    })
}
