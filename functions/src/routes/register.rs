//! One list of operations, registered two ways. Documented, each route comes with its
//! OpenAPI operation and schemas: the local server's router and the published document.
//! Plain, only the path and methods are read: the deployed function's router, which never
//! serves the document. utoipa-axum's `routes!` computes every operation and schema as it
//! registers a route, about 4.6 ms of each cold start of `pec-api` (measured with `strace`,
//! the quiet stretch before the runtime API's first call).

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

/// `handler` at its operation's path and for its methods, as `routes!` registers it.
pub fn plain<P, H, T>(router: Router<AppState>, handler: H) -> Router<AppState>
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
    // Two handlers of one path (a GET and a POST) merge into its method router.
    router.route(&P::path(), methods)
}

/// The handlers of one path, as for utoipa-axum's `routes!`: each one a function with its
/// `#[utoipa::path]`, in scope.
macro_rules! operations {
    ($($handler:ident),+ $(,)?) => {
        $crate::routes::register::Operations {
            documented: || utoipa_axum::routes!($($handler),+),
            plain: |router| {
                $(
                    let router = utoipa_axum::paste! {
                        $crate::routes::register::plain::<[<__path_ $handler>], _, _>(
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
