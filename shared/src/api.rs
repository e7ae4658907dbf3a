//! The HTTP API's types, shared by the server and the browser: the error envelope with
//! its stable codes, and the DTOs of each route.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::address::AddressError;
use crate::catalog::{CatalogId, CatalogVersion, QuoteError};
use crate::codice_fiscale::CodiceFiscaleError;
use crate::province::UnknownProvincia;

/// Stable codes for programs; the message beside them is for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not the JSON the route expects.
    MalformedRequest,
    InvalidCodiceFiscale,
    InvalidEmail,
    InvalidAddress,
    UnknownOrdine,
    QuoteNoCatalog,
    QuoteMissingPlan,
    QuotePlanNotSold,
    QuoteEmpty,
    QuoteNoUpgrade,
    QuoteAreaNotAllowed,
    QuoteExtraLimit,
    QuoteTooMuch,
    QuoteNotAPack,
    QuoteAddonRequired,
    QuoteAddonUnknown,
    QuoteAddonActive,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    Internal,
    /// A code this build does not know yet (a newer server).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status that carries this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::Internal | ErrorCode::Unknown => 500,
            ErrorCode::MalformedRequest => 400,
            _ => 422,
        }
    }
}

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    /// In Italian, for the person using the portal.
    pub message: String,
    /// The request field concerned, when there is one (`extra.inbox_gb`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<&QuoteError> for ApiError {
    fn from(err: &QuoteError) -> Self {
        let code = match err {
            QuoteError::NoCatalog(_) => ErrorCode::QuoteNoCatalog,
            QuoteError::MissingPlan => ErrorCode::QuoteMissingPlan,
            QuoteError::PlanNotInCatalog { .. } => ErrorCode::QuotePlanNotSold,
            QuoteError::NothingRequested => ErrorCode::QuoteEmpty,
            QuoteError::NoUpgrade(_) => ErrorCode::QuoteNoUpgrade,
            QuoteError::AreaNotAllowed { .. } => ErrorCode::QuoteAreaNotAllowed,
            QuoteError::ExtraLimit { .. } => ErrorCode::QuoteExtraLimit,
            QuoteError::TooMuch => ErrorCode::QuoteTooMuch,
            QuoteError::NotAPack { .. } => ErrorCode::QuoteNotAPack,
            QuoteError::AddonRequired(_) => ErrorCode::QuoteAddonRequired,
            QuoteError::AddonNotInCatalog => ErrorCode::QuoteAddonUnknown,
            QuoteError::AddonAlreadyActive(_) => ErrorCode::QuoteAddonActive,
        };
        let api = ApiError::new(code, err.to_string());
        match err.field() {
            Some(field) => api.with_field(field),
            None => api,
        }
    }
}

impl ApiError {
    pub fn codice_fiscale(err: &CodiceFiscaleError, field: &str) -> Self {
        ApiError::new(ErrorCode::InvalidCodiceFiscale, err.to_string()).with_field(field)
    }

    pub fn address(err: &AddressError, field: &str) -> Self {
        let code = match err {
            AddressError::Invalid(_) => ErrorCode::InvalidEmail,
            _ => ErrorCode::InvalidAddress,
        };
        ApiError::new(code, err.to_string()).with_field(field)
    }

    pub fn ordine(err: &UnknownProvincia, field: &str) -> Self {
        ApiError::new(ErrorCode::UnknownOrdine, err.to_string()).with_field(field)
    }
}

/// `GET /api/health`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// `GET /api/catalog`: the version in force today first, then the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogResponse {
    pub today: NaiveDate,
    pub in_force: CatalogId,
    pub versions: Vec<CatalogVersion>,
    /// What every mailbox offers, whatever the plan.
    pub characteristics: Vec<String>,
}

impl CatalogResponse {
    pub fn current(&self) -> Option<&CatalogVersion> {
        self.versions.iter().find(|v| v.id == self.in_force)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, PlanCode, QuoteRequest, Space};

    #[test]
    fn the_envelope_is_stable_json() {
        let err = Catalog::standard()
            .quote(
                &QuoteRequest {
                    plan: Some(PlanCode::Base),
                    extra: Space::new(6, 0),
                    ..Default::default()
                },
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            )
            .unwrap_err();
        let json = serde_json::to_value(ApiError::from(&err)).unwrap();
        assert_eq!(json["code"], "quote_extra_limit");
        assert_eq!(json["field"], "extra.inbox_gb");
        assert!(
            json["message"]
                .as_str()
                .unwrap()
                .starts_with("Sul piano Base")
        );
    }

    #[test]
    fn unknown_codes_still_decode() {
        let err: ApiError =
            serde_json::from_str(r#"{"code":"something_new","message":"Nuovo"}"#).unwrap();
        assert_eq!(err.code, ErrorCode::Unknown);
        assert_eq!(err.field, None);
    }

    #[test]
    fn codes_map_to_http_statuses() {
        assert_eq!(ErrorCode::QuoteEmpty.http_status(), 422);
        assert_eq!(ErrorCode::MalformedRequest.http_status(), 400);
        assert_eq!(ErrorCode::Forbidden.http_status(), 403);
        assert_eq!(ErrorCode::Internal.http_status(), 500);
    }
}
