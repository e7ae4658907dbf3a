//! A queue of requests to decide (the Fondazione's console, the Ordine's requests), a
//! page at a time (oldest first, as the server gives it): a line when it is empty, the
//! items, and a button for the next page.

use std::future::Future;

use leptos::prelude::*;
use shared::api::{
    BloccatePage, ComandiPage, ComandoFermo, ContrattoInRevisione, DisdettaInCoda, DisdettePage,
    RevisionePage,
};

use crate::api::ClientError;
use crate::components::loaded::Loaded;

/// A page of a queue: its items and where the next page starts.
pub trait QueuePage: Clone + 'static {
    type Item: 'static;
    fn into_parts(self) -> (Vec<Self::Item>, Option<String>);
}

macro_rules! queue_page {
    ($page:ty, $item:ty) => {
        impl QueuePage for $page {
            type Item = $item;
            fn into_parts(self) -> (Vec<$item>, Option<String>) {
                (self.items, self.cursor)
            }
        }
    };
}

queue_page!(RevisionePage, ContrattoInRevisione);
queue_page!(DisdettePage, DisdettaInCoda);
queue_page!(ComandiPage, ComandoFermo);
queue_page!(BloccatePage, shared::api::CasellaBloccata);
queue_page!(shared::api::RichiestePage, shared::api::RichiestaInCoda);
queue_page!(
    shared::api::RichiesteFirmaPage,
    shared::firma_digitale::RichiestaFirma
);

/// The queue `load` reads from a cursor; `item` draws one entry. `testid` names the empty
/// line (`{testid}-empty`) and the next-page button (`{testid}-next`).
#[component]
pub fn Queue<P, Fut, L, I, V>(
    load: L,
    item: I,
    /// What is loading ("dei contratti in revisione").
    what: &'static str,
    /// The line shown when nothing waits.
    empty: &'static str,
    testid: &'static str,
) -> impl IntoView
where
    P: QueuePage,
    Fut: Future<Output = Result<P, ClientError>> + 'static,
    L: Fn(Option<String>) -> Fut + Send + Sync + Copy + 'static,
    I: Fn(P::Item) -> V + Send + Sync + Copy + 'static,
    V: IntoView + 'static,
{
    let cursor = RwSignal::new(None::<String>);
    view! {
        <Loaded what
            load=move || load(cursor.get())
            view=move |page: P| {
                let (items, next) = page.into_parts();
                let none = items.is_empty();
                let items = items.into_iter().map(item).collect_view();
                view! {
                    {none.then(|| view! { <p data-testid=format!("{testid}-empty")>{empty}</p> })}
                    <ul class="reviews list-unstyled">{items}</ul>
                    {next.map(|next| view! {
                        <button type="button" class="btn btn-outline-primary" data-testid=format!("{testid}-next")
                            on:click=move |_| cursor.set(Some(next.clone()))>"Pagina successiva"</button>
                    })}
                }
            }/>
    }
}
