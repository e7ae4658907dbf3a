//! Pages fetched on demand. An area's pages other than where people enter it are a
//! WebAssembly module split from the area's bundle by the SPA build (`xtask/src/split.rs`):
//! entering an area downloads its shell and first page only, and the module is fetched
//! once the browser is first idle, or when one of its pages is opened first. A section of
//! a page may be a module of its own too, fetched as the page shows it (*La mia PEC*'s
//! contract section). (The public area is not split: its two pages are small.)

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use crate::components::alert::ErrorAlert;

/// Declares, in an area's binary, pages fetched on demand, in one module: `module =>` then,
/// for each `page: Page`, a Rust module `page` with a function `page()`, the page once the
/// module is loaded, `load()`, the same boxed for [`OnDemand`], `route()`, the page in
/// [`OnDemand`] as a route's view, and `preload()`, which loads the module only; and
/// `preload_all()`, which loads the module. `module` names the module in the bundle: a
/// binary may declare several (each declaration then inside a Rust module of its own). A
/// `Page` is any component without props: a section of a page is declared the same way.
///
/// One module for an area's pages rather than one each: the split would put the code any
/// two pages share in a chunk of its own, which made one module per page come out as
/// dozens to over a hundred small files, each fetched apart, and all of them together
/// twice the size of the same code in one module (brotli compresses each file alone).
///
/// In the binary, not in this library: each page's entry point is an exported function,
/// which the linker keeps in every binary that links the crate it is in.
#[macro_export]
macro_rules! on_demand_pages {
    ($module:ident => $($split:ident: $page:ident,)*) => {
        $(
            pub mod $split {
                use ::leptos::prelude::*;
                use ::leptos::wasm_split::SplitLoaderError;

                #[::leptos::wasm_split::wasm_split(
                    $module,
                    wasm_split_path = ::leptos::wasm_split,
                    fallible,
                    preload(preload)
                )]
                // Named after the page: the entry points of one module's pages are told
                // apart by their names.
                pub fn $split() -> Result<AnyView, SplitLoaderError> {
                    Ok(view! { <super::$page/> }.into_any())
                }

                pub fn load() -> $crate::components::on_demand::Loading {
                    Box::pin($split())
                }

                /// The page as a route's view: [`OnDemand`] on this page. (Unused for a
                /// section, which its page shows through [`OnDemand`] itself.)
                #[allow(dead_code)]
                pub fn route() -> AnyView {
                    use $crate::components::on_demand::OnDemand;
                    view! { <OnDemand load/> }.into_any()
                }
            }
        )*

        /// Loads the pages' module (through any of its pages: it loads once): a failure is
        /// tried again when a page is opened.
        pub async fn preload_all() {
            $( let _ = $split::preload().await; )*
        }
    };
}

/// A page on its way: its module loading, then the page.
pub type Loading = Pin<Box<dyn Future<Output = Result<AnyView, SplitLoaderError>> + Send>>;

/// The page `load` gives once its module is loaded: meanwhile the status line `loading`. If
/// the module cannot be fetched (the connection dropped), the alert `failed` with *Riprova*,
/// which loads the page again. (Not generic over the page: the main module has one copy of
/// it.)
#[component]
pub fn OnDemand(
    load: fn() -> Loading,
    #[prop(default = "Caricamento della pagina…")] loading: &'static str,
    #[prop(default = "La pagina non si è caricata: controlla la connessione e riprova.")]
    failed: &'static str,
) -> impl IntoView {
    let page = load();
    view! {
        <Suspense fallback=move || view! { <p class="loading" role="status">{loading}</p> }>
            {Suspend::new(async move {
                match page.await {
                    Ok(page) => page,
                    Err(_) => view! {
                        <ErrorAlert message=failed testid="page-load-error"/>
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

/// Fetches the pages of `preload_all` once the browser is first idle (the first page's
/// requests may still be on their way), so that opening one seldom waits; a second later
/// where the browser has no idle callbacks (Safari). Not when the browser asks to save
/// data (`Save-Data`): there a page's module is fetched when the page is opened.
pub fn preload_when_idle<Fut>(preload_all: fn() -> Fut)
where
    Fut: Future<Output = ()> + 'static,
{
    if saves_data() {
        return;
    }
    let preload = move || leptos::task::spawn_local(preload_all());
    if request_idle_callback_with_handle(preload).is_err() {
        set_timeout(preload, std::time::Duration::from_secs(1));
    }
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
