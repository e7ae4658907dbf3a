//! The API's routes, one module per area. Each handler is registered with utoipa-axum's
//! `routes!`, so the router and the OpenAPI document come from the same list.

mod albo;
mod audit;
mod catalog;
mod health;
mod login;
mod me;
mod members;
mod ordini;

use axum::routing::{any, get};
use axum::{Json, Router};
use shared::api::{ApiError, ErrorCode};
use shared::province::OrdineCode;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::error::AppError;

#[derive(OpenApi)]
#[openapi(
    info(title = "PEC Ingegneri API", description = "Le caselle PEC @ingpec.eu degli ingegneri iscritti all'Albo."),
    modifiers(&BearerAuth),
    tags(
        (name = "catalogo", description = "Piani, prezzi, preventivi"),
        (name = "accesso", description = "Login locale"),
        (name = "iscritto", description = "La propria casella e i propri dati"),
        (name = "ordine", description = "Il pannello della segreteria dell'Ordine"),
        (name = "fondazione", description = "Ricerca nazionale, registro delle operazioni"),
        (name = "albo", description = "Il flusso dell'Albo Unico"),
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

/// The documented routes, and their OpenAPI document.
pub fn documented() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::router())
        .merge(catalog::router())
        .merge(login::router())
        .merge(me::router())
        .merge(members::router())
        .merge(ordini::router())
        .merge(albo::router())
        .merge(audit::router())
        .split_for_parts()
}

/// Every route of the API, under `/api`.
pub fn router(state: AppState) -> Router {
    let (routes, spec) = documented();
    let spec = Json(spec);
    routes
        .route(
            "/api/openapi.json",
            get(move || async move { spec.clone() }),
        )
        // Below /api, an unknown path is an API error, never the SPA's shell.
        .route("/api", any(no_such_route))
        .route("/api/{*rest}", any(no_such_route))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn no_such_route() -> AppError {
    AppError::new(ErrorCode::NotFound, "Questa operazione non esiste.")
}

/// The Ordine named in a path.
fn ordine(sigla: &str) -> Result<OrdineCode, AppError> {
    OrdineCode::parse(sigla).map_err(|e| AppError::Domain(ApiError::ordine(&e, "ordine")))
}
