//! The API's routes, one module per area, as the SAM template deploys them (a Lambda
//! function per area, the operation's tag naming it). Each handler is listed once with
//! `operations!`, so the router and the OpenAPI document come from one list (`register`).
//! Handlers only extract typed values and call a use case.
//!
//! An area's documents (files in the S3 bucket, PDFs, signature checks) are routed apart,
//! to the `pec-documents` binary ([`Lambda`]), on a function of the area's own: the
//! document names each operation's binary as its `x-lambda`. `pec-api`, which serves
//! everything else, then links none of their crates (the PDF's fonts and shaping, the S3
//! client and its checksums, the signature's), and its functions get no access to the
//! bucket.

mod albo;
mod catalogo;
mod fondazione;
mod gestore;
mod iscritto;
mod ordine;
mod pagamenti;
mod register;
mod richieste;

use axum::Router;
use axum::middleware;
use axum::routing::any;
use serde::Deserialize;
use shared::api::{AlboFilter, ApiError, CasellaFilter, ErrorCode, Mode};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};

use self::register::{Document, Routes};
use crate::AppState;
use crate::error::AppError;
use crate::http;
use crate::lambda::LayoutCheck;

#[derive(OpenApi)]
#[openapi(
    info(title = "PEC Ingegneri API", description = "Le caselle PEC @ingpec.eu degli ingegneri iscritti all'Albo."),
    modifiers(&BearerAuth),
    components(schemas(ApiError, ErrorCode, AlboFilter, CasellaFilter)),
    tags(
        (name = "catalogo", description = "Piani, prezzi, preventivi"),
        (name = "iscritto", description = "La propria casella e i propri dati"),
        (name = "ordine", description = "Il pannello della segreteria dell'Ordine"),
        (name = "fondazione", description = "Ricerca nazionale, verifica giornaliera, registro delle operazioni"),
        (name = "albo", description = "Il flusso dell'Albo Unico"),
        (name = "pagamenti", description = "Gli eventi firmati del gestore dei pagamenti"),
        (name = "gestore", description = "Gli eventi firmati del gestore delle caselle"),
        (name = "richieste", description = "Le richieste di chi non ha un account: l'attivazione di una casella"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The error answers every operation may give, each with the envelope: documented once
/// here rather than on each route, so the document says what the API does.
struct ErrorAnswers;

impl utoipa::Modify for ErrorAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let envelope = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(utoipa::openapi::Ref::from_schema_name("ApiError")))
                            .build(),
                    )
                    .build(),
            )
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                (&mut item.get, false),
                (&mut item.put, true),
                (&mut item.post, true),
                (&mut item.patch, true),
                (&mut item.delete, true),
            ];
            for (operation, writes) in operations {
                let Some(operation) = operation.as_mut() else {
                    continue;
                };
                let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
                let has_body = operation.request_body.is_some();
                let mut answers = vec![
                    (
                        "400",
                        "Richiesta non leggibile (parametri, intestazioni, corpo)",
                    ),
                    ("404", "Non trovato, o non visibile al chiamante"),
                    ("405", "Metodo non ammesso"),
                    ("408", "Tempo della richiesta scaduto"),
                    (
                        "422",
                        "Dati non validi o rifiutati da una regola del dominio",
                    ),
                    ("500", "Errore imprevisto"),
                ];
                if secured {
                    answers.push(("401", "Non autenticato"));
                    answers.push(("403", "Ruolo od Ordine non ammessi"));
                }
                if writes {
                    answers.push((
                        "409",
                        "Modificato nel frattempo, o la stessa richiesta è in corso",
                    ));
                }
                if has_body {
                    answers.push(("413", "Corpo troppo grande"));
                    answers.push(("415", "Tipo di contenuto non accettato"));
                }
                for (status, description) in answers {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| envelope(description));
                }
            }
        }
    }
}

/// The values a path's `{ordine}` and `{codice_fiscale}` may take: the Ordini's sigle, and
/// the shape of a codice fiscale (its check character is checked by the API).
struct PathDomains;

impl utoipa::Modify for PathDomains {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let sigle: Vec<String> = shared::province::OrdineCode::all()
            .map(|o| o.to_string())
            .collect();
        let ordine = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(sigle))
            .build();
        let codice_fiscale = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(
                "^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$",
            ))
            .build();
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                for parameter in operation.parameters.iter_mut().flatten() {
                    let domain = match parameter.name.as_str() {
                        "ordine" => ordine.clone(),
                        "codice_fiscale" => codice_fiscale.clone(),
                        _ => continue,
                    };
                    parameter.schema = Some(RefOr::T(domain.into()));
                }
            }
        }
    }
}

/// How a CSV is processed.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ModeQuery {
    /// `dry-run` (default) checks and reports; `commit` applies.
    #[param(value_type = Option<Mode>)]
    mode: Option<Mode>,
}

impl ModeQuery {
    pub fn mode(&self) -> Mode {
        self.mode.unwrap_or(Mode::DryRun)
    }
}

/// The Lambda binary that serves an operation, named in the OpenAPI document as the
/// operation's `x-lambda`: the template routes each operation to a function running it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lambda {
    /// Everything but the documents.
    Api,
    /// The areas' documents: files in the bucket, PDFs, signature checks.
    Documents,
}

impl Lambda {
    pub const fn binary(self) -> &'static str {
        match self {
            Lambda::Api => "pec-api",
            Lambda::Documents => "pec-documents",
        }
    }
}

/// The operations `pec-api` serves, each area's added to `routes`.
fn api_areas<R: Routes>(routes: R) -> R {
    let areas = [
        catalogo::router,
        iscritto::router,
        ordine::router,
        fondazione::router,
        albo::router,
        pagamenti::router,
        gestore::router,
    ];
    areas.into_iter().fold(routes, |routes, area| area(routes))
}

/// The operations `pec-documents` serves, each area's added to `routes`.
fn document_areas<R: Routes>(routes: R) -> R {
    let areas = [
        iscritto::documents,
        ordine::documents,
        fondazione::documents,
        richieste::documents,
    ];
    areas.into_iter().fold(routes, |routes, area| area(routes))
}

/// The OpenAPI document of the deployed API, made without its handlers: `pec-api` serves
/// it, and links none of `pec-documents`' handlers for it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = api_areas(Document {
        openapi: ApiDoc::openapi(),
        lambda: Lambda::Api,
    });
    document.lambda = Lambda::Documents;
    let mut spec = document_areas(document).openapi;
    // On the whole document: the operations exist only once every area has added its own.
    utoipa::Modify::modify(&ErrorAnswers, &mut spec);
    utoipa::Modify::modify(&PathDomains, &mut spec);
    spec
}

/// Every operation of the deployed API, each binary's on the state it has on Lambda:
/// `pec-api`'s see no files and no trust store (`AppState::without_documents`), so that
/// one of them using either fails here, in the tests and on the local server, as it
/// would deployed.
pub fn routes(state: &AppState) -> Router {
    api_areas(Router::new())
        .with_state(state.without_documents())
        .merge(document_areas(Router::new()).with_state(state.clone()))
}

/// Every route of the API, as the tests and the benches serve it. On Lambda each binary
/// serves its own: [`api_router`], [`documents_router`].
pub fn router(state: AppState) -> Router {
    api(routes(&state))
}

/// The routes `pec-api` serves, registered plain: a function starting does not make the
/// document (`GET /api/openapi.json` makes it once, when first asked). A document's
/// operation answers as unknown, and none of its code is linked.
pub fn api_router(state: AppState) -> Router {
    api(api_routes(state))
}

/// [`api_router`]'s routes without the API's layers, for `pec-api` to serve inside them
/// with its layout check ([`api_on_lambda`]).
pub fn api_routes(state: AppState) -> Router {
    api_areas(Router::new()).with_state(state)
}

/// The routes `pec-documents` serves; any other answers as an unknown operation.
pub fn documents_router(state: AppState) -> Router {
    api(documents_routes(state))
}

/// [`documents_router`]'s routes without the API's layers, as [`api_routes`].
pub fn documents_routes(state: AppState) -> Router {
    document_areas(Router::new()).with_state(state)
}

/// `routes` under `/api` as the API serves them, with its layers: the envelope on every
/// error, the security headers, the time limit (the local server adds its own login).
pub fn api(routes: Router) -> Router {
    layered(routes, None)
}

/// [`api`] as a Lambda function serves it: every request waits for the table's layout
/// check first, inside the API's layers, so that the first request's time limit counts
/// the read.
pub fn api_on_lambda(routes: Router, check: LayoutCheck) -> Router {
    layered(routes, Some(check))
}

/// The layers go on as one stack: axum wraps each route's every method in each layer it
/// is given, and a Lambda function makes its router at every cold start.
fn layered(routes: Router, check: Option<LayoutCheck>) -> Router {
    let layers = tower::ServiceBuilder::new()
        .layer(TraceLayer::new_for_http())
        .layer(middleware::from_fn(http::api_response))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            http::panicked,
        ))
        .option_layer(check.map(|check| middleware::from_fn_with_state(check, LayoutCheck::wait)));
    routes
        // Below /api, an unknown path is an API error, never the SPA's shell.
        .route("/api", any(no_such_route))
        .route("/api/{*rest}", any(no_such_route))
        .layer(layers)
}

async fn no_such_route() -> AppError {
    AppError::Domain(ApiError::new(
        ErrorCode::NotFound,
        "Questa operazione non esiste.",
    ))
}
