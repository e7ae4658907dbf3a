//! One list of operations, registered two ways. Plain, only the path and methods are
//! read: the routers, local and deployed. Documented, each operation and the schemas it
//! names go into the OpenAPI document, without the handler, so that `pec-api` can make
//! the whole document (`GET /api/openapi.json`) without linking `pec-documents`'
//! handlers. utoipa-axum's `routes!` would compute every operation and schema as it
//! registers a route: 4.6 ms of each cold start of `pec-api` (measured with `strace`: the
//! quiet stretch before the runtime API's first call, 0.5 ms since).

use axum::Router;
use axum::handler::Handler;
use axum::routing::MethodRouter;
use utoipa::openapi::OpenApi;
use utoipa_axum::PathItemExt;

use super::Lambda;
use crate::AppState;

/// The handlers of one path, both ways; a type made by `operations!`. A type, not two
/// function pointers: a document adds only `document`, so making it never instantiates
/// the handlers, and `pec-api`'s document does not link `pec-documents`' handlers.
pub trait Operations {
    fn plain(router: Router<AppState>) -> Router<AppState>;
    fn document(openapi: &mut OpenApi, lambda: Lambda);
}

/// A router, or a document, the areas add their operations to.
pub trait Routes {
    fn add<O: Operations>(self, operations: O) -> Self;
}

impl Routes for Router<AppState> {
    fn add<O: Operations>(self, _: O) -> Self {
        O::plain(self)
    }
}

/// The OpenAPI document, each operation added named with the binary that serves it.
pub struct Document {
    pub openapi: OpenApi,
    pub lambda: Lambda,
}

impl Routes for Document {
    fn add<O: Operations>(mut self, _: O) -> Self {
        O::document(&mut self.openapi, self.lambda);
        self
    }
}

/// `P`'s operation, named with its binary (`x-lambda`), and the schemas it names, added to
/// `openapi` as `routes!` adds them.
pub fn document<P>(openapi: &mut OpenApi, lambda: Lambda)
where
    P: utoipa::Path + utoipa::__dev::SchemaReferences + for<'t> utoipa::__dev::Tags<'t>,
{
    let mut operation = P::operation();
    let tags = P::tags();
    if !tags.is_empty() {
        let operation_tags = operation.tags.get_or_insert_with(Vec::new);
        operation_tags.extend(tags.iter().map(ToString::to_string));
    }
    operation
        .extensions
        .get_or_insert_with(Default::default)
        .insert("x-lambda".to_owned(), lambda.binary().into());
    let mut schemas = Vec::new();
    P::schemas(&mut schemas);
    openapi
        .components
        .get_or_insert_with(Default::default)
        .schemas
        .extend(schemas);
    openapi
        .paths
        .add_path_operation(P::path(), P::methods(), operation);
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

/// Handlers, each one a function with its `#[utoipa::path]`, in scope: the areas list one
/// path's handlers (a GET and a POST) together.
macro_rules! operations {
    ($($handler:ident),+ $(,)?) => {{
        struct Handlers;
        impl $crate::routes::register::Operations for Handlers {
            fn plain(
                router: axum::Router<$crate::AppState>,
            ) -> axum::Router<$crate::AppState> {
                $(
                    let router = utoipa_axum::paste! {
                        $crate::routes::register::route::<[<__path_ $handler>], _, _>(
                            router, $handler,
                        )
                    };
                )+
                router
            }

            fn document(
                openapi: &mut utoipa::openapi::OpenApi,
                lambda: $crate::routes::Lambda,
            ) {
                $(
                    utoipa_axum::paste! {
                        $crate::routes::register::document::<[<__path_ $handler>]>(
                            openapi, lambda,
                        )
                    };
                )+
            }
        }
        Handlers
    }};
}

pub(crate) use operations;
