//! One list of operations, registered two ways. Documented, each route comes with its
//! OpenAPI operation and schemas: the local server's router and the published document.
//! Plain, only the path and methods are read: the deployed function's router, which makes
//! the document only if `GET /api/openapi.json` asks for it. utoipa-axum's `routes!`
//! computes every operation and schema as it registers a route: 4.6 ms of each cold start
//! of `pec-api` (measured with `strace`: the quiet stretch before the runtime API's first
//! call, 0.5 ms since).

use axum::Router;
use axum::handler::Handler;
use axum::routing::MethodRouter;
use utoipa_axum::PathItemExt;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

use crate::AppState;

/// The handlers of one path, both ways; made by `operations!`.
pub struct Operations {
    pub documented: fn() -> UtoipaMethodRouter<AppState>,
    pub plain: fn(Router<AppState>) -> Router<AppState>,
}

/// A router the areas add their operations to.
pub trait Routes {
    fn add(self, operations: Operations) -> Self;
}

impl Routes for OpenApiRouter<AppState> {
    fn add(self, operations: Operations) -> Self {
        self.routes((operations.documented)())
    }
}

impl Routes for Router<AppState> {
    fn add(self, operations: Operations) -> Self {
        (operations.plain)(self)
    }
}

/// `handler` at its operation's path and for its methods, as `routes!` registers the
/// handlers of one path.
pub fn route<P, H, T>(router: Router<AppState>, handler: H) -> Router<AppState>
where
    P: utoipa::Path,
    H: Handler<T, AppState>,
    T: 'static,
{
    let methods = P::methods()
        .iter()
        .fold(MethodRouter::new(), |methods, method| {
            methods.on(method.to_method_filter(), handler.clone())
        });
    let path = P::path();
    let path = if path.is_empty() { "/" } else { path.as_str() };
    // Two handlers of one path (a GET and a POST) merge into its method router.
    router.route(path, methods)
}

/// The handlers of one path (a GET and a POST), as for utoipa-axum's `routes!`: each one a
/// function with its `#[utoipa::path]`, in scope. Handlers of different paths take one
/// `operations!` each: `routes!` would register each of them at every path.
macro_rules! operations {
    ($($handler:ident),+ $(,)?) => {
        $crate::routes::register::Operations {
            documented: || utoipa_axum::routes!($($handler),+),
            plain: |router| {
                $(
                    let router = utoipa_axum::paste! {
                        $crate::routes::register::route::<[<__path_ $handler>], _, _>(
                            router, $handler,
                        )
                    };
                )+
                router
            },
        }
    };
}

pub(crate) use operations;
