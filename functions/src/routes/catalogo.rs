//! The public area: liveness, the catalog and its quotes (prices are no secret), and the
//! API's own OpenAPI document.

use std::sync::LazyLock;

use axum::Json;
use axum::extract::State;
use shared::api::{CatalogResponse, Health};
use shared::catalog::{Quote, QuoteRequest, SERVICE_CHARACTERISTICS};

use super::register::{Routes, operations};
use crate::AppState;
use crate::error::AppError;
use crate::http::extract;

pub fn router<R: Routes>(routes: R) -> R {
    routes
        .add(operations!(health))
        .add(operations!(catalog))
        .add(operations!(quote))
        .add(operations!(openapi))
}

/// Whether the API answers, and its version.
#[utoipa::path(get, path = "/api/health", tag = "catalogo", responses((status = 200, description = "In servizio", body = Health)))]
async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// Every catalog version, the one in force today first.
#[utoipa::path(get, path = "/api/catalog", tag = "catalogo", responses((status = 200, description = "Il listino", body = CatalogResponse)))]
#[tracing::instrument(skip_all)]
async fn catalog(State(state): State<AppState>) -> Result<Json<CatalogResponse>, AppError> {
    let today = state.clock.today();
    let catalog = crate::service::catalogo::catalog(state.store.as_ref()).await?;
    let in_force = catalog
        .in_force_on(today)
        .ok_or_else(|| AppError::from(shared::catalog::QuoteError::NoCatalog(today)))?;
    let mut versions = catalog.versions.clone();
    versions.sort_by_key(|v| std::cmp::Reverse(v.in_force_from));
    Ok(Json(CatalogResponse {
        today,
        in_force: in_force.id,
        versions,
        characteristics: SERVICE_CHARACTERISTICS
            .iter()
            .map(|s| s.to_string())
            .collect(),
    }))
}

/// Prices extra space or the Avanzata upgrade: lines, net, IVA, total.
#[utoipa::path(
    post, path = "/api/quote", tag = "catalogo",
    request_body = QuoteRequest,
    responses((status = 200, description = "Il preventivo", body = Quote))
)]
#[tracing::instrument(skip_all)]
async fn quote(
    State(state): State<AppState>,
    extract::Json(request): extract::Json<QuoteRequest>,
) -> Result<Json<Quote>, AppError> {
    let catalog = crate::service::catalogo::catalog(state.store.as_ref()).await?;
    let quote = catalog.quote(&request, state.clock.today())?;
    Ok(Json(quote))
}

static SPEC: LazyLock<serde_json::Value> = LazyLock::new(|| {
    serde_json::to_value(super::openapi()).expect("the OpenAPI document serialises")
});

/// This document: every operation of the API, its parameters and its answers.
#[utoipa::path(get, path = "/api/openapi.json", tag = "catalogo", responses((status = 200, description = "Il documento OpenAPI", body = Object)))]
async fn openapi() -> Json<&'static serde_json::Value> {
    Json(&SPEC)
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use http_body_util::BodyExt;
    use serde_json::{Value, json};
    use tower::ServiceExt;

    use crate::testing::test_state;

    async fn call(method: &str, uri: &str, body: Option<&str>) -> (StatusCode, Value) {
        let app = crate::router(test_state("2026-11-22T10:00:00Z"));
        let mut request = Request::builder().method(method).uri(uri);
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let request = request
            .body(body.map(|b| Body::from(b.to_owned())).unwrap_or_default())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn health_answers() {
        let (status, body) = call("GET", "/api/health", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["status"], "ok");
    }

    #[tokio::test]
    async fn the_catalog_in_force_comes_first() {
        let (status, body) = call("GET", "/api/catalog", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["in_force"], "contratto2024");
        assert_eq!(body["today"], "2026-11-22");
        assert_eq!(body["versions"][0]["plans"][1]["code"], "avanzata");
        assert_eq!(body["versions"][0]["plans"][1]["annual_fee"], 2000);
        assert_eq!(body["versions"].as_array().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn a_quote_shows_net_iva_and_total() {
        let request =
            json!({"plan": "base", "upgrade": true, "extra": {"inbox_gb": 3, "archivio_gb": 2}});
        let (status, body) = call("POST", "/api/quote", Some(&request.to_string())).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["net"], 4000);
        assert_eq!(body["iva"], 880);
        assert_eq!(body["total"], 4880);
        assert_eq!(body["plan_after"], "avanzata");
    }

    #[tokio::test]
    async fn a_refused_quote_gets_the_envelope() {
        let request = json!({"plan": "base", "extra": {"inbox_gb": 6, "archivio_gb": 0}});
        let (status, body) = call("POST", "/api/quote", Some(&request.to_string())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["code"], "quote_extra_limit");
        assert_eq!(body["field"], "extra.inbox_gb");
    }

    #[tokio::test]
    async fn malformed_bodies_get_the_envelope_too() {
        let (status, body) = call("POST", "/api/quote", Some("{not json")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["code"], "malformed_request");
        let (status, body) = call(
            "POST",
            "/api/quote",
            Some(r#"{"plan":"base","extra":{"inbox_gb":-1}}"#),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["code"], "malformed_request");
        assert_eq!(body["field"], "extra.inbox_gb");
    }

    #[tokio::test]
    async fn the_openapi_document_is_served() {
        let (status, body) = call("GET", "/api/openapi.json", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body["paths"]["/api/openapi.json"]["get"].is_object());
        assert!(body["paths"]["/api/ordini/{ordine}/profilo"]["put"].is_object());
    }
}
