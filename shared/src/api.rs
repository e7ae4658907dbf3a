//! The HTTP API's types, shared by the server and the browser: the error envelope with
//! its stable codes, and the DTOs of each route.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::address::AddressError;
use crate::catalog::{CatalogId, CatalogVersion, QuoteError};
use crate::codice_fiscale::CodiceFiscaleError;
use crate::province::UnknownProvincia;

/// Stable codes for programs; the message beside them is for people.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not the JSON the route expects.
    MalformedRequest,
    /// An uploaded file cannot be read as what the route expects (a CSV with its columns).
    InvalidFile,
    /// A field is not valid; `field` says which.
    InvalidInput,
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
    /// The member is not registered in the caller's Ordine (or at all).
    NotInOrdine,
    NotRegistered,
    /// The data declared differ from the Albo's (the signature convention): `field` names
    /// the first, the message all of them.
    AlboMismatch,
    AlreadyActive,
    /// An `Idempotency-Key` reused for a different request.
    IdempotencyMismatch,
    /// The same request is still being processed.
    InProgress,
    /// A rule of the mailbox's lifecycle refused the request.
    LifecycleRefused,
    Unauthorized,
    /// Too many failed logins for this account: wait before trying again.
    TooManyAttempts,
    Forbidden,
    NotFound,
    /// The route exists, but not with this HTTP method.
    MethodNotAllowed,
    /// The request took longer than the time limit; it may have been carried out.
    Timeout,
    /// The body is larger than the route accepts.
    PayloadTooLarge,
    /// The body is not of a type the route accepts.
    UnsupportedMediaType,
    Conflict,
    /// A payment event whose signature does not hold (tampered, replayed, stale): the
    /// sender is not authenticated.
    BadSignature,
    /// A payment event of a type the server does not handle, or not readable.
    UnknownEvent,
    /// The card was declined; nothing was charged.
    PaymentDeclined,
    /// The order can no longer be paid: its hour passed.
    OrderExpired,
    /// A service the product depends on (the payment provider) does not answer.
    Unavailable,
    Internal,
    /// A code this build does not know yet (a newer server).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status that carries this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Unauthorized | ErrorCode::BadSignature => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Timeout => 408,
            ErrorCode::Conflict | ErrorCode::InProgress => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::TooManyAttempts => 429,
            ErrorCode::Internal | ErrorCode::Unknown => 500,
            ErrorCode::MalformedRequest => 400,
            ErrorCode::Unavailable => 503,
            _ => 422,
        }
    }
}

/// Rows of a bulk activation CSV per request; the app sends a larger file in parts.
pub const BULK_ACTIVATION_MAX_ROWS: usize = 1_000;
/// Rows of an Albo CSV per request.
pub const ALBO_IMPORT_MAX_ROWS: usize = 5_000;

/// The most rows one request of the current panel's import may carry (the page sends a
/// longer export in parts).
pub const PANNELLO_IMPORT_MAX_ROWS: usize = 1_000;
/// The largest CSV a request may carry.
pub const CSV_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Audit entries per page.
pub const AUDIT_PAGE: usize = 50;

/// The body of every error response.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// `GET /api/catalog`: the version in force today first, then the history.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    fn member_filters_round_trip_through_the_url() {
        let filters = MemberFilters {
            q: Some("De Santis".into()),
            albo: Some(AlboFilter::Sospeso),
            casella: Some(CasellaFilter::Nessuna),
            contratto: Some(crate::lifecycle::StatoContratto::DaFirmare),
            scadenza_entro: Some(30),
            senza_domicilio: Some(true),
            ..Default::default()
        };
        let query = filters.to_query();
        assert_eq!(
            query,
            "q=De+Santis&albo=sospeso&casella=nessuna&contratto=da-firmare&scadenza_entro=30&senza_domicilio=true"
        );
        assert_eq!(MemberFilters::from_query(&format!("?{query}")), filters);
        // A hand-edited URL keeps what parses.
        let partial = MemberFilters::from_query("albo=platino&q=rossi&limit=x");
        assert_eq!(partial.q.as_deref(), Some("rossi"));
        assert_eq!(partial.albo, None);
    }

    /// *La mia PEC* reads `/api/me` as [`MeMailbox`]: the caller and the mailbox it finds
    /// there are those of the whole answer.
    #[test]
    fn the_mailbox_page_reads_the_caller_and_mailbox_of_me() {
        use crate::access::{Caller, Role};
        use crate::lifecycle::{AlboStatus, Mailbox};
        use crate::member::{AlboRecord, Anagrafica, Cap, RecoveryContacts};

        let cf = crate::CodiceFiscale::parse("RSSMRA85T10A562S").unwrap();
        let address = crate::address::EmailAddress::parse("mario.rossi@ingpec.eu").unwrap();
        let activated = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        let mailbox = Mailbox::activate(address.clone(), AlboStatus::Iscritto, activated).mailbox;
        let me = Me {
            caller: Caller {
                subject: "iscritto-1".into(),
                role: Role::Iscritto,
                codice_fiscale: Some(cf.clone()),
                ordine: None,
            },
            member: Some(MemberDetail {
                anagrafica: Anagrafica {
                    nome: "Mario".into(),
                    cognome: "Rossi".into(),
                    codice_fiscale: cf,
                    indirizzo: "Via Roma 1".into(),
                    comune: "Roma".into(),
                    provincia: "RM".into(),
                    cap: Cap::parse("00100").unwrap(),
                    email: address.clone(),
                    telefono: None,
                },
                albo: AlboRecord {
                    ordine: crate::province::OrdineCode::parse("RM").unwrap(),
                    numero_iscrizione: "A-1".into(),
                    stato: AlboStatus::Iscritto,
                    domicilio_digitale: Some(address),
                },
                recovery: Some(RecoveryContacts::default()),
                mailbox: Some(MailboxView::of(&mailbox)),
                version: 3,
            }),
            oggi: activated,
        };
        let read: MeMailbox = serde_json::from_value(serde_json::to_value(&me).unwrap()).unwrap();
        assert_eq!(read.caller, me.caller);
        assert_eq!(
            read.member.and_then(|m| m.mailbox),
            me.member.and_then(|m| m.mailbox)
        );
    }

    #[test]
    fn codes_map_to_http_statuses() {
        assert_eq!(ErrorCode::QuoteEmpty.http_status(), 422);
        assert_eq!(ErrorCode::MalformedRequest.http_status(), 400);
        assert_eq!(ErrorCode::Forbidden.http_status(), 403);
        assert_eq!(ErrorCode::Internal.http_status(), 500);
    }
}

pub use dto::*;

/// The DTOs of the members, mailboxes, imports and activations routes.
mod dto {
    use chrono::{DateTime, NaiveDate, Utc};
    use serde::{Deserialize, Serialize};

    use crate::access::Caller;
    use crate::address::EmailAddress;
    use crate::audit::{AuditEntry, AuditTarget, Integrity};
    use crate::catalog::{PlanCode, Space};
    use crate::codice_fiscale::CodiceFiscale;
    use crate::lifecycle::{AlboStatus, Mailbox, MailboxStatus, PaidService, StatoContratto};
    use crate::member::{AlboChange, AlboRecord, Anagrafica, FieldError, RecoveryContacts};
    use crate::province::OrdineCode;

    /// `GET /api/me`: who is calling; for a member, his data and mailbox.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Me {
        pub caller: Caller,
        pub member: Option<MemberDetail>,
        /// Today in Italy by the server's clock: what the screens date windows by (a
        /// renewal's, say), whatever the browser's clock or time zone.
        pub oggi: NaiveDate,
    }

    /// `GET /api/me` as *La mia PEC* reads it: who is calling and his mailbox. The rest of
    /// [`Me`] is left unread, so the member area's first page in the browser carries no
    /// decoder for his other data (the Albo's record, his anagrafica).
    #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
    pub struct MeMailbox {
        pub caller: Caller,
        pub member: Option<MemberMailbox>,
    }

    /// The member of a [`MeMailbox`]: his mailbox only.
    #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
    pub struct MemberMailbox {
        pub mailbox: Option<MailboxView>,
    }

    /// `POST /api/auth/login` (local accounts only).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct LoginRequest {
        pub username: String,
        pub password: String,
    }

    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct LoginResponse {
        /// A bearer token for the `Authorization` header.
        pub token: String,
        pub expires_at: DateTime<Utc>,
        pub caller: Caller,
    }

    /// A mailbox as people read it.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct MailboxView {
        pub address: EmailAddress,
        pub status: MailboxStatus,
        /// As the holder's terms name it: `pro` for a 2022 PRO still in its term.
        pub plan: PlanCode,
        pub space: Space,
        pub activated_on: NaiveDate,
        pub scadenza: NaiveDate,
        pub services: Vec<PaidService>,
        pub contratto: StatoContratto,
        pub prossimo_passo: Option<String>,
        pub first_access_on: Option<NaiveDate>,
    }

    impl MemberDetail {
        /// Whether the Ordine may activate a mailbox for him now (the same rule the server
        /// applies).
        pub fn can_activate(&self) -> bool {
            let open = self.mailbox.as_ref().is_some_and(|m| m.status.is_open());
            crate::lifecycle::activation_eligibility(&self.albo.stato, open).is_ok()
        }
    }

    impl MailboxView {
        pub fn of(mailbox: &Mailbox) -> Self {
            Self {
                address: mailbox.address.clone(),
                status: mailbox.status,
                plan: mailbox.plan_by_terms(),
                space: mailbox.space(),
                activated_on: mailbox.activated_on,
                scadenza: mailbox.scadenza,
                services: mailbox.services.clone(),
                contratto: mailbox.contratto,
                prossimo_passo: mailbox.contratto.prossimo_passo().map(str::to_owned),
                first_access_on: mailbox.first_access_on,
            }
        }
    }

    /// A mailbox in a member list: what the list shows of it. (Its services and space are
    /// on the member's page.)
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct MailboxRow {
        pub address: EmailAddress,
        pub status: MailboxStatus,
        /// As the holder's terms name it: `pro` for a 2022 PRO still in its term.
        pub plan: PlanCode,
        pub contratto: StatoContratto,
        pub scadenza: NaiveDate,
    }

    impl MailboxRow {
        pub fn of(mailbox: &Mailbox) -> Self {
            Self {
                address: mailbox.address.clone(),
                status: mailbox.status,
                plan: mailbox.plan_by_terms(),
                contratto: mailbox.contratto,
                scadenza: mailbox.scadenza,
            }
        }
    }

    /// One row of a member list.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct MemberSummary {
        pub codice_fiscale: CodiceFiscale,
        pub nome: String,
        pub cognome: String,
        pub ordine: OrdineCode,
        pub numero_iscrizione: String,
        pub stato: AlboStatus,
        pub domicilio_digitale: Option<EmailAddress>,
        pub mailbox: Option<MailboxRow>,
    }

    /// A member in full, with the version to send back with a change.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct MemberDetail {
        pub anagrafica: Anagrafica,
        pub albo: AlboRecord,
        /// Shown to the holder and the Fondazione only.
        pub recovery: Option<RecoveryContacts>,
        pub mailbox: Option<MailboxView>,
        pub version: u64,
    }

    /// The Albo standing a member list may be filtered by.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum AlboFilter {
        Iscritto,
        Sospeso,
        Cancellato,
    }

    impl AlboFilter {
        pub const ALL: [Self; 3] = [Self::Iscritto, Self::Sospeso, Self::Cancellato];

        pub fn nome(self) -> &'static str {
            match self {
                AlboFilter::Iscritto => "Iscritto",
                AlboFilter::Sospeso => "Sospeso",
                AlboFilter::Cancellato => "Cancellato",
            }
        }

        pub fn matches(self, stato: &AlboStatus) -> bool {
            matches!(
                (self, stato),
                (AlboFilter::Iscritto, AlboStatus::Iscritto)
                    | (AlboFilter::Sospeso, AlboStatus::Sospeso { .. })
                    | (AlboFilter::Cancellato, AlboStatus::Cancellato { .. })
            )
        }
    }

    /// The mailbox state a member list may be filtered by (`nessuna`: no mailbox).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum CasellaFilter {
        Attiva,
        Bloccata,
        Chiusa,
        Nessuna,
    }

    impl CasellaFilter {
        pub const ALL: [Self; 4] = [Self::Attiva, Self::Nessuna, Self::Bloccata, Self::Chiusa];

        pub fn nome(self) -> &'static str {
            match self {
                CasellaFilter::Attiva => "Attiva",
                CasellaFilter::Bloccata => "Bloccata",
                CasellaFilter::Chiusa => "Chiusa",
                CasellaFilter::Nessuna => "Nessuna casella",
            }
        }

        pub fn matches(self, status: Option<MailboxStatus>) -> bool {
            match self {
                CasellaFilter::Nessuna => status.is_none(),
                CasellaFilter::Attiva => status == Some(MailboxStatus::Attiva),
                CasellaFilter::Bloccata => status == Some(MailboxStatus::Bloccata),
                CasellaFilter::Chiusa => status == Some(MailboxStatus::Chiusa),
            }
        }
    }

    /// Most days ahead `scadenza_entro` may look.
    pub const SCADENZA_ENTRO_MAX: u16 = 3660;
    /// Members per page of a list.
    pub const MEMBER_PAGE_DEFAULT: u16 = 50;
    pub const MEMBER_PAGE_MAX: u16 = 200;

    /// Search and filters of a member list, in the URL query: the server's query
    /// parameters and the SPA's page URL, serialised by both from this one type.
    #[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
    #[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct MemberFilters {
        /// Codice fiscale, PEC address, or the beginning of the surname.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", param(max_length = 100))]
        pub q: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub albo: Option<AlboFilter>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub casella: Option<CasellaFilter>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub piano: Option<PlanCode>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub contratto: Option<StatoContratto>,
        /// Mailboxes with a scadenza that will happen (the plan's when it will not renew by
        /// itself, or a paid service's) within this many days.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", param(minimum = 0, maximum = 3660))]
        pub scadenza_entro: Option<u16>,
        /// Only members without a domicilio digitale (DL 76/2020).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub senza_domicilio: Option<bool>,
        /// From a previous page's `cursor`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cursor: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
        pub limit: Option<u16>,
    }

    impl MemberFilters {
        /// The fields out of range, in Italian (the rest is checked by the types).
        pub fn check(&self) -> Result<(), FieldError> {
            if self.scadenza_entro.is_some_and(|d| d > SCADENZA_ENTRO_MAX) {
                return Err(FieldError::new(
                    "scadenza_entro",
                    format!("Indica un numero di giorni tra 0 e {SCADENZA_ENTRO_MAX}."),
                ));
            }
            if self
                .limit
                .is_some_and(|l| !(1..=MEMBER_PAGE_MAX).contains(&l))
            {
                return Err(FieldError::new(
                    "limit",
                    format!("Si possono chiedere da 1 a {MEMBER_PAGE_MAX} iscritti per pagina."),
                ));
            }
            if self.q.as_deref().is_some_and(|q| q.chars().count() > 100) {
                return Err(FieldError::new(
                    "q",
                    "La ricerca può avere al massimo 100 caratteri.",
                ));
            }
            Ok(())
        }

        /// The URL query of these filters (without the leading `?`).
        pub fn to_query(&self) -> String {
            serde_urlencoded::to_string(self).unwrap_or_default()
        }

        /// The filters of a URL query; what does not parse is left out.
        pub fn from_query(query: &str) -> Self {
            let query = query.trim_start_matches('?');
            serde_urlencoded::from_str(query).unwrap_or_else(|_| {
                // Keep each parameter that parses on its own.
                let mut filters = MemberFilters::default();
                for pair in query.split('&') {
                    if let Ok(one) = serde_urlencoded::from_str::<MemberFilters>(pair) {
                        filters.merge(one);
                    }
                }
                filters
            })
        }

        fn merge(&mut self, other: MemberFilters) {
            self.q = other.q.or(self.q.take());
            self.albo = other.albo.or(self.albo);
            self.casella = other.casella.or(self.casella);
            self.piano = other.piano.or(self.piano);
            self.contratto = other.contratto.or(self.contratto);
            self.scadenza_entro = other.scadenza_entro.or(self.scadenza_entro);
            self.senza_domicilio = other.senza_domicilio.or(self.senza_domicilio);
            self.cursor = other.cursor.or(self.cursor.take());
            self.limit = other.limit.or(self.limit);
        }

        pub fn page_size(&self) -> usize {
            usize::from(self.limit.unwrap_or(MEMBER_PAGE_DEFAULT))
        }

        /// The search text, trimmed, if any.
        pub fn search(&self) -> Option<&str> {
            self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
        }
    }

    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct MemberPage {
        pub items: Vec<MemberSummary>,
        /// Pass back as `cursor` for the next page; absent on the last one.
        pub cursor: Option<String>,
    }

    /// `PATCH /api/me/profile`: the editable fields and the version they were read at.
    /// (Flat, not a flattened `AnagraficaUpdate`: serde's flatten buffers the whole body
    /// and refuses numbers an ignored field may carry.)
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ProfileUpdate {
        pub indirizzo: String,
        pub comune: String,
        pub provincia: String,
        pub cap: String,
        pub email: String,
        #[serde(default)]
        pub telefono: String,
        pub version: u64,
    }

    impl ProfileUpdate {
        pub fn fields(&self) -> crate::member::AnagraficaUpdate {
            crate::member::AnagraficaUpdate {
                indirizzo: self.indirizzo.clone(),
                comune: self.comune.clone(),
                provincia: self.provincia.clone(),
                cap: self.cap.clone(),
                email: self.email.clone(),
                telefono: self.telefono.clone(),
            }
        }
    }

    /// `PUT /api/me/recovery`
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RecoveryUpdate {
        pub email: String,
        pub cellulare: String,
        pub version: u64,
    }

    /// `POST /api/ordini/{ordine}/activations` (and its `/preview`)
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ActivationRequest {
        pub codice_fiscale: String,
    }

    /// `POST /api/ordini/{ordine}/activations/preview`: the address an activation would
    /// create now (nothing is reserved: another activation may take it first).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ActivationPreview {
        pub indirizzo: EmailAddress,
    }

    /// How a CSV is processed: checked only, or applied.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum Mode {
        DryRun,
        Commit,
    }

    /// What happened (or would happen) to one CSV row.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case", tag = "esito")]
    pub enum RowOutcome {
        /// Albo import: a new member.
        Nuovo,
        /// Albo import: changes to a known member.
        Aggiornato {
            modifiche: Vec<AlboChange>,
        },
        Invariato,
        /// Activation: the mailbox that is (or would be) created.
        DaAttivare {
            indirizzo: EmailAddress,
        },
        Attivata {
            indirizzo: EmailAddress,
        },
        GiaAttiva {
            indirizzo: EmailAddress,
        },
        NonIscrittoOrdine,
        NonIscritto,
        /// Import from the current panel: the mailbox that is (or would be) taken over.
        DaImportare {
            indirizzo: EmailAddress,
        },
        Importata {
            indirizzo: EmailAddress,
        },
        Errore,
    }

    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RowReport {
        /// The row's line in the file (the header is line 1).
        pub riga: usize,
        pub codice_fiscale: Option<String>,
        /// The name the row gives, so a person finds the row again.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub nome: Option<String>,
        #[serde(flatten)]
        pub outcome: RowOutcome,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub errori: Vec<FieldError>,
    }

    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CsvReport {
        pub mode: Mode,
        pub rows: Vec<RowReport>,
        /// Rows with an error: nothing was written for them.
        pub errors: usize,
    }

    impl RowReport {
        /// The report of a row not processed yet (an error until it is).
        pub fn of_row(riga: usize, input: &crate::member::AnagraficaInput) -> Self {
            let nome = format!("{} {}", input.nome.trim(), input.cognome.trim());
            Self {
                riga,
                codice_fiscale: Some(input.codice_fiscale.trim().to_uppercase())
                    .filter(|s| !s.is_empty()),
                nome: Some(nome.trim().to_owned()).filter(|n| !n.is_empty()),
                outcome: RowOutcome::Errore,
                errori: Vec::new(),
            }
        }
    }

    impl CsvReport {
        pub fn of(mode: Mode, rows: Vec<RowReport>) -> Self {
            let errors = rows
                .iter()
                .filter(|r| r.outcome == RowOutcome::Errore)
                .count();
            Self { mode, rows, errors }
        }
    }

    /// A page of an audit log, newest first. On the first page of one target's log,
    /// whether its chain is whole (`integrita`).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct AuditPage {
        pub items: Vec<AuditEntry>,
        pub cursor: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub integrita: Option<Integrity>,
    }

    /// `GET /api/audit`: one target's log, or else one Italian calendar day's.
    #[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
    #[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct AuditQuery {
        /// `member:{codice fiscale}` or `ordine:{sigla}`; without it, a day.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", param(value_type = Option<String>, pattern = "^(member|ordine):[A-Za-z0-9]+$"))]
        pub target: Option<AuditTarget>,
        /// The day (AAAA-MM-GG, Italian calendar), today if omitted.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub day: Option<NaiveDate>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cursor: Option<String>,
    }

    /// `GET /api/me/history`
    #[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
    #[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct PageQuery {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cursor: Option<String>,
    }

    /// One Ordine in the Fondazione's overview: its members and their mailboxes, counted.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct OrdineOverview {
        pub ordine: OrdineCode,
        pub nome: String,
        /// Members the Albo files under the Ordine, whatever their status (registered,
        /// suspended, cancelled).
        pub iscritti: u32,
        /// Open mailboxes (active or blocked).
        pub caselle: u32,
        pub avanzata: u32,
        /// Open mailboxes whose contract is still to be signed.
        pub da_firmare: u32,
        /// Open mailboxes with a scadenza (plan or paid service) within 90 days.
        pub in_scadenza: u32,
        /// Registered members without a domicilio digitale.
        pub senza_domicilio: u32,
        /// Registered members whose domicilio is an @ingpec.eu address that is not their
        /// open mailbox.
        #[serde(default)]
        pub domicilio_non_attivo: u32,
        /// Diffide whose 30 days are running.
        #[serde(default)]
        pub diffide_in_corso: u32,
        /// Members whose diffida's term passed in breach: to propose for suspension.
        #[serde(default)]
        pub da_sospendere: u32,
    }

    /// The last daily verifica: when it ran and what it did (Fondazione).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Verifica {
        /// The Italian calendar day it verified.
        pub giorno: NaiveDate,
        /// The instant it started.
        pub avviata_alle: DateTime<Utc>,
        /// Open mailboxes looked at.
        pub verificate: usize,
        /// Mailboxes changed (reminder recorded, service expired, term renewed or ended).
        pub aggiornate: usize,
        pub avvisi: usize,
        pub comandi: usize,
        /// Members left for the next day after a write failed.
        pub rinviate: usize,
        /// Orders paid whose event never came, applied by the reconciliation.
        #[serde(default)]
        pub ordini_riconciliati: usize,
        /// Orders not paid in their hour, recorded as expired.
        #[serde(default)]
        pub ordini_scaduti: usize,
        /// The Ordini whose mailboxes it verifies (each is a job of its own: on AWS, a
        /// message on the verifica's queue), and those done so far.
        #[serde(default)]
        pub ordini: usize,
        #[serde(default)]
        pub ordini_verificati: usize,
    }

    /// How the SPA signs people in.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(tag = "mode", rename_all = "kebab-case")]
    pub enum AuthConfig {
        /// The local accounts (`POST /api/auth/login`).
        Local,
        /// Cognito's hosted login, OAuth2 authorization code with PKCE. `authority` is the
        /// user pool domain (`https://….auth.<region>.amazoncognito.com`).
        Oidc {
            authority: String,
            client_id: String,
        },
    }

    /// `GET /config.json`, written at deploy time beside the SPA.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SpaConfig {
        pub auth: AuthConfig,
    }

    /// The Ordine's own mailbox.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct OrdineMailbox {
        pub ordine: OrdineCode,
        pub nome: String,
        pub mailbox: MailboxView,
    }

    /// `GET /api/me/contratto`: where the holder's contract stands and his latest upload.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ContrattoView {
        pub stato: StatoContratto,
        /// The version of the text in force, which a new download carries.
        pub versione: String,
        pub ultimo_caricamento: Option<CaricamentoView>,
    }

    /// A signed contract as uploaded, with what the verifier found.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CaricamentoView {
        pub sha256: String,
        pub caricato_il: DateTime<Utc>,
        pub referto: crate::firma::Referto,
        /// The reason in words: the verifier's, or the Fondazione's on a rejection.
        pub motivo: Option<String>,
        pub contratto: StatoContratto,
    }

    /// An HTTP header.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Intestazione {
        pub nome: String,
        pub valore: String,
    }

    /// `POST /api/me/contratto/caricamenti`: the file the browser is about to send.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CaricamentoRichiesta {
        /// In bytes.
        pub dimensione: u64,
        /// Its SHA-256, 64 hex digits.
        pub sha256: String,
    }

    /// Where to send the file (one PUT of that size and content, for a few minutes), or,
    /// for a file already uploaded, its outcome.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CaricamentoPronto {
        pub sha256: String,
        pub url: Option<String>,
        /// Headers the PUT carries, as given.
        pub intestazioni: Vec<Intestazione>,
        pub gia_caricato: Option<CaricamentoView>,
    }

    /// A signed contract waiting for the Fondazione's review.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ContrattoInRevisione {
        pub codice_fiscale: CodiceFiscale,
        pub nome: String,
        pub cognome: String,
        pub ordine: OrdineCode,
        pub indirizzo: Option<EmailAddress>,
        pub caricato_il: DateTime<Utc>,
        pub sha256: String,
        pub dimensione: u64,
        pub referto: crate::firma::Referto,
        /// Why it is in review, in words.
        pub motivo: String,
    }

    /// `GET /api/contratti/revisione`: oldest first.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RevisionePage {
        pub items: Vec<ContrattoInRevisione>,
        pub cursor: Option<String>,
    }

    /// The Fondazione's decision on a contract in review.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DecisioneRichiesta {
        pub approvato: bool,
        /// Required to reject: the holder reads it.
        #[serde(default)]
        pub motivo: String,
    }

    /// `GET /api/me/disdetta`: whether the holder may ask to close his mailbox now, why
    /// not, the domicilio digitale the Albo lists, the declaration, and his request.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DisdettaView {
        /// His open mailbox, if any.
        pub indirizzo: Option<EmailAddress>,
        /// Whether he is registered in the Albo (then another domicilio is needed).
        pub iscritto: bool,
        pub domicilio_digitale: Option<EmailAddress>,
        /// Whether he may file a request now.
        pub ammessa: bool,
        /// Why not, when not.
        pub motivo: Option<String>,
        pub dichiarazione: String,
        pub richiesta: Option<crate::disdetta::Disdetta>,
        /// Today in Italy, the date a request filed now bears.
        pub oggi: NaiveDate,
    }

    /// `POST /api/me/disdetta`: the form; the holder types the address he closes.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DisdettaRichiesta {
        pub indirizzo: String,
        pub dichiarazione_accettata: bool,
    }

    /// `POST /api/fondazione/disdette/{codice_fiscale}/decisione`: the decision on the
    /// request filed at `richiesta_il` (one filed later is not decided by it).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DecisioneDisdetta {
        pub approvato: bool,
        /// Required to reject: the holder reads it.
        #[serde(default)]
        pub motivo: String,
        /// When the request decided on was filed, as the queue showed it.
        pub richiesta_il: DateTime<Utc>,
    }

    /// A disdetta in the Fondazione's queue, with the holder and the Albo as they are now.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DisdettaInCoda {
        pub disdetta: crate::disdetta::Disdetta,
        pub nome: String,
        pub cognome: String,
        pub ordine: OrdineCode,
        pub albo: AlboStatus,
        pub domicilio_oggi: Option<EmailAddress>,
        /// Why approving would be refused today (the Albo changed since), if it would.
        pub ostacolo: Option<String>,
    }

    /// A deceased holder whose mailbox is still open: it is not renewed and sends no
    /// reminders; it closes at its scadenza, or earlier at the heirs' disdetta.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DecessoInCoda {
        pub codice_fiscale: CodiceFiscale,
        pub nome: String,
        pub cognome: String,
        pub ordine: OrdineCode,
        /// When the Albo recorded the death.
        pub deceduto_il: NaiveDate,
        pub indirizzo: EmailAddress,
        /// When the mailbox closes if nobody asks earlier.
        pub scadenza: NaiveDate,
        /// Whether a disdetta waits for the Fondazione.
        pub disdetta_in_attesa: bool,
    }

    /// `GET /api/fondazione/decessi`: oldest death first.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DecessiPage {
        pub items: Vec<DecessoInCoda>,
        pub cursor: Option<String>,
    }

    /// `GET /api/fondazione/code`: how much waits in each of the Fondazione's queues (a
    /// queue longer than [`Code::MAX`] counts as that).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Code {
        pub contratti: u32,
        pub disdette: u32,
        pub decessi: u32,
        /// Commands the provider or the mail service refused.
        #[serde(default)]
        pub comandi_fermi: u32,
        /// Blocked mailboxes.
        #[serde(default)]
        pub bloccate: u32,
        /// Activation requests an Ordine has left waiting more than 30 days.
        #[serde(default)]
        pub richieste_ferme: u32,
    }

    /// A blocked mailbox of a living holder.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CasellaBloccata {
        pub codice_fiscale: CodiceFiscale,
        pub nome: String,
        pub cognome: String,
        pub ordine: OrdineCode,
        pub indirizzo: EmailAddress,
    }

    /// `GET /api/fondazione/bloccate`.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct BloccatePage {
        pub items: Vec<CasellaBloccata>,
        pub cursor: Option<String>,
    }

    /// A command the provider or the mail service refused, with its answer.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ComandoFermo {
        pub id: String,
        /// What it does, in words.
        pub descrizione: String,
        pub creato_il: DateTime<Utc>,
        pub tentativi: u32,
        /// The refusal, as the provider or the mail service gave it.
        pub risposta: Option<String>,
        /// Whether it carries out a paid order.
        pub per_ordine: Option<String>,
        /// Whether it may be discarded (a notice, the holder's data); else only retried.
        #[serde(default)]
        pub scartabile: bool,
    }

    /// `GET /api/fondazione/comandi`: oldest first.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ComandiPage {
        pub items: Vec<ComandoFermo>,
        pub cursor: Option<String>,
    }

    impl Code {
        pub const MAX: u32 = 999;
    }

    /// A member of the Ordine whose domicilio digitale is amiss, or who was warned.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RigaDomicilio {
        pub codice_fiscale: CodiceFiscale,
        pub nome: String,
        pub cognome: String,
        pub numero_iscrizione: String,
        pub domicilio: Option<EmailAddress>,
        /// His open mailbox of ours, if any.
        pub casella: Option<EmailAddress>,
        /// None: compliant now (after a diffida).
        pub situazione: Option<crate::domicilio::Situazione>,
        pub diffida: Option<crate::domicilio::Diffida>,
        pub stato: crate::domicilio::StatoDiffida,
    }

    /// `GET /api/ordini/{ordine}/domicilio`: the Ordine's members and the duty, with the
    /// counts.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DomicilioReport {
        pub ordine: OrdineCode,
        pub oggi: NaiveDate,
        pub righe: Vec<RigaDomicilio>,
        pub mancanti: u32,
        pub non_attivi: u32,
        pub caselle_non_domicilio: u32,
        pub in_corso: u32,
        pub da_sospendere: u32,
    }

    /// `POST /api/ordini/{ordine}/domicilio/{codice_fiscale}/diffida`: the diffida sent.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DiffidaRichiesta {
        /// When it was sent (not in the future).
        pub data: NaiveDate,
        pub canale: crate::domicilio::CanaleDiffida,
    }

    /// `POST /api/fondazione/caselle-ordini`: what creating the Ordini's own mailboxes did.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CaselleOrdini {
        /// Mailboxes created now.
        pub create: u32,
        /// Ordini that had theirs already.
        pub presenti: u32,
    }

    /// `POST /api/richieste-attivazione/documento`: a document about to be sent, by its
    /// size and content.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DocumentoDaInviare {
        /// The codice fiscale of the person the document is for.
        pub codice_fiscale: String,
        pub sha256: String,
        pub dimensione: u64,
    }

    /// Where to send the document: one PUT of its size and content, for ten minutes.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DocumentoPronto {
        pub sha256: String,
        pub url: String,
        pub intestazioni: Vec<Intestazione>,
    }

    /// The heir, as the public form gives him.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct EredeForm {
        pub nome: String,
        pub cognome: String,
        pub codice_fiscale: String,
        pub email: String,
    }

    /// `POST /api/disdette-eredi`: the heirs' request to close a deceased holder's
    /// mailbox, naming the documents sent about the holder.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct DisdettaErediForm {
        /// The deceased holder's codice fiscale.
        pub titolare: String,
        /// His mailbox, as the heir typed it.
        pub indirizzo: String,
        pub erede: EredeForm,
        /// The SHA-256 of the death certificate sent.
        pub certificato_di_morte: String,
        /// The SHA-256 of the heir's identity document sent.
        pub documento_identita: String,
        pub dichiarazione_accettata: bool,
    }

    /// The answer to the heirs' form: the request as filed.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DisdettaRicevuta {
        pub indirizzo: EmailAddress,
        pub richiesta_il: DateTime<Utc>,
        /// Where the decision will be sent.
        pub email: EmailAddress,
    }

    /// `POST /api/richieste-attivazione`: the public form, the Modello Anagrafiche with the
    /// Ordine asked and the identity document sent.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct RichiestaAttivazioneForm {
        pub ordine: String,
        pub anagrafica: crate::member::AnagraficaInput,
        pub pre_iscrizione: bool,
        /// The SHA-256 of the identity document sent.
        pub documento: String,
        /// The privacy notice read.
        pub informativa_accettata: bool,
    }

    /// The answer to the form: the request as filed.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RichiestaRicevuta {
        pub ordine: OrdineCode,
        pub presentata_il: DateTime<Utc>,
        pub email: EmailAddress,
    }

    /// A request in a queue, with the Albo's check of it today.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RichiestaInCoda {
        pub richiesta: crate::richiesta::RichiestaAttivazione,
        pub controllo: crate::richiesta::ControlloAlbo,
        pub spiegazione: String,
        pub giorni_di_attesa: i64,
    }

    /// `GET /api/ordini/{ordine}/richieste` and `GET /api/fondazione/richieste`: oldest
    /// first.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RichiestePage {
        pub items: Vec<RichiestaInCoda>,
        pub cursor: Option<String>,
    }

    /// `POST /api/ordini/{ordine}/richieste/{cf}/decisione`: activate, or decline with a
    /// reason, the request filed at `presentata_il`.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DecisioneAttivazione {
        pub attivare: bool,
        #[serde(default)]
        pub motivo: String,
        pub presentata_il: DateTime<Utc>,
    }

    /// `GET /api/fondazione/disdette`: the requests to decide, oldest first.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DisdettePage {
        pub items: Vec<DisdettaInCoda>,
        pub cursor: Option<String>,
    }

    /// `GET /api/me/primo-accesso`: the steps taken, the next, and the text to read.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct PrimoAccessoView {
        pub completato: bool,
        pub prossimo: Option<crate::contratto::Passo>,
        pub passi: Vec<crate::contratto::PassoAccettato>,
        pub testo: crate::contratto::VersioneContratto,
        /// The text's SHA-256, to send back with each step.
        pub impronta: String,
    }

    /// `POST /api/me/primo-accesso`: one step, on the text shown.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct PassoRichiesta {
        pub passo: crate::contratto::Passo,
        pub versione: String,
        pub impronta: String,
        /// At the clauses step: each onerous clause approved, by article.
        #[serde(default)]
        pub clausole: Vec<u32>,
        /// At the anagrafica step: the surname as his address should carry it (his Albo
        /// surname with, say, a second one), when he corrects it; empty otherwise.
        #[serde(default)]
        pub cognome_indirizzo: String,
    }

    /// `POST /api/me/ordini`: what the holder buys; the server prices it at today's
    /// catalog on his mailbox as it is.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct OrdineRichiesta {
        pub acquisto: crate::order::Acquisto,
    }

    /// How the browser completes a payment.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum ModalitaPagamento {
        /// The local test checkout: no real card, the same order states and webhook.
        Prova,
        /// Stripe: the SPA confirms the PaymentIntent with Stripe.js.
        Stripe,
    }

    /// `POST /api/me/ordini/{id}/pagamento`: the payment started for the order.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Intent {
        pub modalita: ModalitaPagamento,
        /// The provider's reference of the payment (a PaymentIntent id).
        pub riferimento: String,
        /// What the browser confirms the payment with.
        pub client_secret: String,
        /// Stripe's publishable key, for Stripe.js.
        #[serde(default)]
        pub chiave_pubblica: Option<String>,
        /// Where Stripe.js is served from (localstripe's stand-in in the tests).
        #[serde(default)]
        pub script: Option<String>,
    }

    /// The local test checkout's card form.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct PagamentoProva {
        pub client_secret: String,
        pub numero_carta: String,
    }

    /// The answer to a payment event: what it did to its order.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum EsitoEvento {
        /// The order is paid and what it buys is on its way to the mailbox.
        Pagato,
        /// Processed before: nothing done again.
        GiaElaborato,
        /// The order could not take the payment: it is to be refunded.
        DaRimborsare,
        /// An event about payments that changes no order.
        Ignorato,
    }

    /// An event the mail provider reports about a mailbox, signed.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct EventoGestore {
        /// The provider's id of the event: the same id again is applied once.
        pub id: String,
        /// `casella.bloccata` or `casella.sbloccata`.
        pub tipo: String,
        pub indirizzo: EmailAddress,
        /// When it happened at the provider: an event older than one applied is stale.
        pub il: DateTime<Utc>,
        #[serde(default)]
        pub motivo: Option<String>,
    }

    /// What a provider's event did.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum EsitoEventoGestore {
        /// The mailbox now stands as the provider says.
        Applicato,
        /// Processed before, or it stood so already: nothing done again.
        GiaElaborato,
        /// Older than an event applied since, or about a mailbox that is no member's.
        Ignorato,
    }

    /// `GET /api/me/prospetto`: the mailbox's coming events, and the data that will not
    /// fit when space lapses.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Prospetto {
        pub indirizzo: EmailAddress,
        pub eventi: Vec<crate::lifecycle::prospetto::EventoProspetto>,
        /// What the provider reports the mailbox holds; absent when it did not answer.
        pub occupazione: Option<crate::lifecycle::prospetto::Occupazione>,
        /// From 30 days before space lapses: what will not fit, in words.
        pub eccedenze: Vec<String>,
    }

    /// One invoice of the register.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct VoceRegistro {
        pub numero: crate::order::NumeroFattura,
        pub data: NaiveDate,
        pub ordine: String,
        pub cliente: String,
        pub codice_fiscale: String,
        pub totale: crate::money::Money,
        pub nome_file: String,
        /// When it was sent to the SdI, and the SdI's id of the delivery.
        pub inviata_il: Option<DateTime<Utc>>,
        pub id_sdi: Option<String>,
    }

    /// `GET /api/fondazione/fatture`: a year's invoices, in number order.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RegistroFatture {
        pub anno: i32,
        pub fatture: Vec<VoceRegistro>,
    }

    /// `POST /api/fondazione/fatture/invio`: the month's invoices sent to the SdI.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct InvioSdi {
        pub mese: String,
        pub inviate: usize,
        /// Sent before: not sent again.
        pub gia_inviate: usize,
        /// Those the SdI did not take, with why (tried again on the next send).
        pub errori: Vec<String>,
    }

    /// `GET /api/fondazione/ordini`: a month's orders, and what is waiting for a refund.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct OrdiniMese {
        pub mese: String,
        pub ordini: Vec<crate::order::Order>,
    }

    /// `POST /api/me/firma/richieste`: a member's request under the signature convention,
    /// with his registration data as he declares them (checked against the Albo).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RichiestaFirmaForm {
        pub prodotto: crate::firma_digitale::ProdottoFirma,
        #[serde(default)]
        pub riconoscimento: Option<crate::firma_digitale::Riconoscimento>,
        pub dati: crate::firma_digitale::DatiIscrizione,
    }

    /// `GET /api/me/firma`: the convention's fees in force, the member's requests (newest
    /// first) and his certificates.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct FirmaDigitaleView {
        pub oggi: NaiveDate,
        pub listino: Option<crate::firma_digitale::ListinoFirma>,
        pub richieste: Vec<crate::firma_digitale::RichiestaFirma>,
        pub certificati: Vec<crate::firma_digitale::CertificatoFirma>,
    }

    /// `GET /api/ordini/{ordine}/firme` and `GET /api/fondazione/firme`: the requests in
    /// one state.
    #[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
    #[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct FirmeQuery {
        /// The state (`in-attesa` when absent).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub stato: Option<String>,
        /// The convention's code (`CNSCNI18`, `FRCNI25`); the Fondazione's list only.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub convenzione: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cursor: Option<String>,
    }

    /// A page of signature requests in one state, the longest in it first.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct RichiesteFirmaPage {
        pub stato: crate::firma_digitale::StatoFirma,
        pub oggi: NaiveDate,
        pub items: Vec<crate::firma_digitale::RichiestaFirma>,
        pub cursor: Option<String>,
    }

    /// How many requests stand in a state under a code, nationwide.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ConteggioFirme {
        pub stato: crate::firma_digitale::StatoFirma,
        pub convenzione: crate::firma_digitale::CodiceConvenzione,
        /// Capped at [`ConteggioFirme::MAX`].
        pub numero: u32,
    }

    impl ConteggioFirme {
        pub const MAX: u32 = 1_000;
    }

    /// `GET /api/fondazione/firme/conteggi`: every state under each code.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct FirmeConteggi {
        pub conteggi: Vec<ConteggioFirme>,
    }
}
