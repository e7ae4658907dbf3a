//! Pages fetched on demand. Each page of an area but its first is a WebAssembly module of
//! its own, split from the area's bundle by the SPA build (`xtask/src/spa.rs`): entering
//! an area downloads its shell and first page only, and the other pages' modules are
//! fetched while the browser is idle, or when one is opened first.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use crate::components::alert::ErrorAlert;

/// Declares, in an area's binary, its pages fetched on demand: for each `split: Page`, a
/// module `split` with `page()`, the page once its module is loaded, `load()`, the same
/// for [`OnDemand`], and `preload()`, which loads the module only; and `preload_all()`,
/// which loads every page's module in turn. `split` names the page's module in the
/// bundle.
///
/// In the binary, not in this library: each page's entry point is an exported function,
/// which the linker keeps in every binary that links the crate it is in.
#[macro_export]
macro_rules! on_demand_pages {
    ($($split:ident: $page:ident,)*) => {
        $(
            mod $split {
                use ::leptos::prelude::*;
                use ::leptos::wasm_split::SplitLoaderError;

                #[::leptos::wasm_split::wasm_split(
                    $split,
                    wasm_split_path = ::leptos::wasm_split,
                    fallible,
                    preload(preload)
                )]
                pub fn page() -> Result<AnyView, SplitLoaderError> {
                    Ok(view! { <super::$page/> }.into_any())
                }

                /// `page()` as `OnDemand` takes it.
                pub fn load() -> $crate::components::on_demand::Loading {
                    Box::pin(page())
                }
            }
        )*

        /// Loads each page's module, one at a time: a failure is tried again when the page
        /// is opened.
        async fn preload_all() {
            $( let _ = $split::preload().await; )*
        }
    };
}

/// A page on its way: its module loading, then the page.
pub type Loading = Pin<Box<dyn Future<Output = Result<AnyView, SplitLoaderError>> + Send>>;

/// The page `load` gives once its module is loaded: meanwhile a status line. If the module
/// cannot be fetched (the connection dropped, or a deploy replaced the app since this page
/// was loaded), an alert with *Riprova*, which loads the page again, with the app as it
/// now is. (One function for every page, not one for each: the area's first module is the
/// smaller.)
#[component]
pub fn OnDemand(load: fn() -> Loading) -> impl IntoView {
    let page = load();
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Caricamento della pagina…"</p> }>
            {Suspend::new(async move {
                match page.await {
                    Ok(page) => page,
                    Err(_) => view! {
                        <ErrorAlert
                            message="La pagina non si è caricata: controlla la connessione e riprova."
                            testid="page-load-error"
                        />
                        <button type="button" class="btn btn-outline-primary" on:click=|_| reload()>
                            "Riprova"
                        </button>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// Fetches the pages of `preload_all` once the browser is idle after the first page, so
/// that opening one seldom waits; not when the browser asks to save data (`Save-Data`),
/// where each page is fetched when opened.
pub fn preload_when_idle<Fut>(preload_all: fn() -> Fut)
where
    Fut: Future<Output = ()> + 'static,
{
    if saves_data() {
        return;
    }
    request_idle_callback(move || leptos::task::spawn_local(preload_all()));
}

/// `navigator.connection.saveData`, where the browser has it.
fn saves_data() -> bool {
    let property = |object: &wasm_bindgen::JsValue, name: &str| {
        js_sys::Reflect::get(object, &name.into())
            .ok()
            .filter(|value| !value.is_undefined() && !value.is_null())
    };
    let Some(window) = web_sys::window() else {
        return false;
    };
    property(&window, "navigator")
        .and_then(|navigator| property(&navigator, "connection"))
        .and_then(|connection| property(&connection, "saveData"))
        .and_then(|save| save.as_bool())
        .unwrap_or(false)
}
