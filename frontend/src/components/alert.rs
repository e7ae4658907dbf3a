use leptos::prelude::*;

/// An error shown as an alert that screen readers announce.
#[component]
pub fn ErrorAlert(
    #[prop(into)] message: String,
    #[prop(optional, into)] testid: String,
) -> impl IntoView {
    view! {
        <div class="alert alert-danger" role="alert" data-testid=testid>
            {message}
        </div>
    }
}
