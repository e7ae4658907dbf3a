//! The API's errors, mapped in this one place: each use case's error enum becomes the
//! shared envelope (stable code, Italian message, field) with its HTTP status. Unexpected
//! failures log their cause chain and show none of it.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shared::api::{ApiError, ErrorCode};
use shared::catalog::QuoteError;
use shared::lifecycle::LifecycleError;
use shared::member::FieldError;
use thiserror::Error;

use crate::payment::PaymentError;
use crate::payment::prova::ConfirmError;
use crate::payment::webhook::WebhookError;
use crate::repo::layout::LayoutError;
use crate::service::Forbidden;
use crate::service::acquisti::AcquistoError;
use crate::service::activation::ActivationError;
use crate::service::albo::AlboError;
use crate::service::audit::AuditError;
use crate::service::catalogo::CatalogoError;
use crate::service::code::CodeError;
use crate::service::contratto::{ContrattoError, pdf};
use crate::service::directory::DirectoryError;
use crate::service::disdetta::DisdettaServiceError;
use crate::service::documenti::DocumentoError;
use crate::service::domicilio::DomicilioError;
use crate::service::firme::FirmaError;
use crate::service::gestore::GestoreError;
use crate::service::login::LoginError;
use crate::service::ordine::OrdineError;
use crate::service::overview::OverviewError;
use crate::service::pannello::PannelloError;
use crate::service::primo_accesso::PrimoAccessoError;
use crate::service::profile::ProfileError;
use crate::service::prospetto::ProspettoError;
use crate::service::richieste::RichiestaError;
use crate::service::upload::CsvError;
use crate::store::StoreError;

#[derive(Debug, Error)]
pub enum AppError {
    /// A rule of the domain refused the request; the message says why.
    #[error("{0}")]
    Domain(ApiError),
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Domain(ApiError::new(code, message))
    }

    pub fn internal(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        AppError::Internal(Box::new(err))
    }

    fn field(code: ErrorCode, error: FieldError) -> Self {
        AppError::Domain(ApiError::new(code, error.message).with_field(error.field))
    }

    /// The first of several field errors (forms show one at a time; CSV rows show all).
    fn fields(errors: Vec<FieldError>) -> Self {
        let first = errors
            .into_iter()
            .next()
            .unwrap_or_else(|| FieldError::new("", "Dati non validi."));
        AppError::field(ErrorCode::InvalidInput, first)
    }

    fn conflict() -> Self {
        AppError::new(
            ErrorCode::Conflict,
            "I dati sono stati modificati nel frattempo da un'altra operazione: ricarica la pagina e riprova.",
        )
    }

    fn not_found(message: &str) -> Self {
        AppError::new(ErrorCode::NotFound, message)
    }
}

impl From<ApiError> for AppError {
    fn from(err: ApiError) -> Self {
        AppError::Domain(err)
    }
}

impl From<Forbidden> for AppError {
    fn from(err: Forbidden) -> Self {
        AppError::new(ErrorCode::Forbidden, err.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::BadCursor => AppError::field(
                ErrorCode::InvalidInput,
                FieldError::new(
                    "cursor",
                    "Il riferimento alla pagina non è valido: ricomincia dalla prima.",
                ),
            ),
            // Someone else wrote first: the caller's data is stale.
            StoreError::ConditionFailed { .. } => AppError::conflict(),
            other => AppError::internal(other),
        }
    }
}

impl From<QuoteError> for AppError {
    fn from(err: QuoteError) -> Self {
        AppError::Domain(ApiError::from(&err))
    }
}

impl From<CsvError> for AppError {
    fn from(err: CsvError) -> Self {
        let code = match err {
            CsvError::TooLarge { .. } => ErrorCode::PayloadTooLarge,
            _ => ErrorCode::InvalidFile,
        };
        AppError::new(code, err.to_string())
    }
}

impl From<ActivationError> for AppError {
    fn from(err: ActivationError) -> Self {
        use shared::lifecycle::ActivationError as Refused;
        match err {
            ActivationError::Forbidden(e) => e.into(),
            ActivationError::CodiceFiscale(e) => {
                ApiError::codice_fiscale(&e, "codice_fiscale").into()
            }
            ActivationError::NotInOrdine(_) => AppError::field(
                ErrorCode::NotInOrdine,
                FieldError::new("codice_fiscale", err),
            ),
            ActivationError::Refused(refused) => {
                let code = match refused {
                    Refused::NotRegistered => ErrorCode::NotRegistered,
                    Refused::AlreadyHasMailbox => ErrorCode::AlreadyActive,
                };
                AppError::new(code, refused.to_string())
            }
            ActivationError::Address(e) => ApiError::address(&e, "cognome").into(),
            ActivationError::Csv(e) => e.into(),
            ActivationError::Busy => AppError::conflict(),
            ActivationError::Store(e) => e.into(),
        }
    }
}

impl From<AlboError> for AppError {
    fn from(err: AlboError) -> Self {
        match err {
            AlboError::Forbidden(e) => e.into(),
            AlboError::Invalid(errors) => AppError::fields(errors),
            AlboError::Csv(e) => e.into(),
            AlboError::Store(e) => e.into(),
        }
    }
}

impl From<DirectoryError> for AppError {
    fn from(err: DirectoryError) -> Self {
        match err {
            DirectoryError::Forbidden(e) => e.into(),
            DirectoryError::Invalid(e) => AppError::field(ErrorCode::InvalidInput, e),
            DirectoryError::NotFound => AppError::not_found("Iscritto non trovato."),
            DirectoryError::Store(e) => e.into(),
        }
    }
}

impl From<ProfileError> for AppError {
    fn from(err: ProfileError) -> Self {
        match err {
            ProfileError::Forbidden(e) => e.into(),
            ProfileError::NotInAlbo => AppError::not_found(
                "Il tuo codice fiscale non risulta nell'Albo: contatta il tuo Ordine.",
            ),
            ProfileError::Stale => AppError::conflict(),
            ProfileError::Invalid(errors) => AppError::fields(errors),
            ProfileError::Store(e) => e.into(),
        }
    }
}

impl From<OrdineError> for AppError {
    fn from(err: OrdineError) -> Self {
        match err {
            OrdineError::Forbidden(e) => e.into(),
            OrdineError::NoMailbox => {
                AppError::not_found("La casella dell'Ordine non è ancora stata attivata.")
            }
            OrdineError::Stale => AppError::conflict(),
            OrdineError::Invalid(errors) => AppError::fields(errors),
            OrdineError::Store(e) => e.into(),
        }
    }
}

impl From<OverviewError> for AppError {
    fn from(err: OverviewError) -> Self {
        match err {
            OverviewError::Forbidden(e) => e.into(),
            OverviewError::Store(e) => e.into(),
        }
    }
}

impl From<AuditError> for AppError {
    fn from(err: AuditError) -> Self {
        match err {
            AuditError::Forbidden(e) => e.into(),
            AuditError::Store(e) => e.into(),
        }
    }
}

impl From<LoginError> for AppError {
    fn from(err: LoginError) -> Self {
        match err {
            LoginError::NotHere => AppError::not_found(
                "Su questo ambiente si accede dalla pagina di login della Fondazione.",
            ),
            LoginError::Wrong => AppError::new(ErrorCode::Unauthorized, err.to_string()),
            LoginError::Locked { .. } => AppError::new(ErrorCode::TooManyAttempts, err.to_string()),
            LoginError::Store(e) => e.into(),
            LoginError::Hashing(e) => AppError::internal(e),
        }
    }
}

impl From<ContrattoError> for AppError {
    fn from(err: ContrattoError) -> Self {
        let refused = |code, err: &ContrattoError| AppError::new(code, err.to_string());
        match err {
            ContrattoError::Forbidden(e) => e.into(),
            ContrattoError::NotInAlbo => AppError::not_found(
                "Il tuo codice fiscale non risulta nell'Albo: contatta il tuo Ordine.",
            ),
            ContrattoError::NoMailbox => AppError::not_found(
                "Non hai ancora una casella @ingpec.eu: il contratto arriva con la casella.",
            ),
            ContrattoError::Lifecycle(e) => {
                AppError::new(ErrorCode::LifecycleRefused, e.to_string())
            }
            ContrattoError::TooLarge => refused(ErrorCode::PayloadTooLarge, &err),
            ContrattoError::BadSha => AppError::field(
                ErrorCode::InvalidInput,
                FieldError::new("sha256", err.to_string()),
            ),
            ContrattoError::Empty | ContrattoError::Mismatch | ContrattoError::NotUploaded => {
                refused(ErrorCode::InvalidFile, &err)
            }
            ContrattoError::Pdf(pdf::PdfError::Carattere(c)) => AppError::new(
                ErrorCode::InvalidInput,
                format!(
                    "I tuoi dati contengono il carattere «{c}», che il contratto non può riportare: correggili nei tuoi dati o chiedi al tuo Ordine."
                ),
            ),
            ContrattoError::Busy => AppError::conflict(),
            ContrattoError::UploadNotFound => {
                AppError::not_found("Contratto caricato non trovato.")
            }
            ContrattoError::NotInReview | ContrattoError::AlreadyDecided => {
                refused(ErrorCode::LifecycleRefused, &err)
            }
            ContrattoError::Invalid(e) => AppError::field(ErrorCode::InvalidInput, e),
            ContrattoError::Store(e) => e.into(),
            e @ (ContrattoError::NoText | ContrattoError::Pdf(_) | ContrattoError::Blob(_)) => {
                AppError::internal(e)
            }
        }
    }
}

impl From<DomicilioError> for AppError {
    fn from(err: DomicilioError) -> Self {
        match err {
            DomicilioError::Forbidden(e) => e.into(),
            DomicilioError::NotFound => AppError::not_found(&err.to_string()),
            DomicilioError::NotInBreach(_) => {
                AppError::new(ErrorCode::LifecycleRefused, err.to_string())
            }
            DomicilioError::Invalid(e) => AppError::field(ErrorCode::InvalidInput, e),
            DomicilioError::Busy => AppError::conflict(),
            DomicilioError::Store(e) => e.into(),
        }
    }
}

impl From<CodeError> for AppError {
    fn from(err: CodeError) -> Self {
        match err {
            CodeError::Forbidden(e) => e.into(),
            CodeError::NotParked => AppError::not_found(&err.to_string()),
            CodeError::CarriesOrder | CodeError::ChangesMailbox => {
                AppError::new(ErrorCode::LifecycleRefused, err.to_string())
            }
            CodeError::Busy => AppError::conflict(),
            CodeError::NoMailbox => AppError::not_found(&err.to_string()),
            CodeError::Lifecycle(e) => AppError::new(ErrorCode::LifecycleRefused, e.to_string()),
            CodeError::Store(e) => e.into(),
        }
    }
}

impl From<DisdettaServiceError> for AppError {
    fn from(err: DisdettaServiceError) -> Self {
        let refused = |err: &DisdettaServiceError| {
            AppError::new(ErrorCode::LifecycleRefused, err.to_string())
        };
        match err {
            DisdettaServiceError::Forbidden(e) => e.into(),
            DisdettaServiceError::NoMailbox | DisdettaServiceError::NotFound => {
                AppError::not_found(&err.to_string())
            }
            DisdettaServiceError::NotAllowed(_)
            | DisdettaServiceError::Lifecycle(_)
            | DisdettaServiceError::AlreadyDecided
            | DisdettaServiceError::Pending => refused(&err),
            DisdettaServiceError::Documento { field, error } => documento(field, error),
            DisdettaServiceError::Invalid(e) => AppError::field(ErrorCode::InvalidInput, e),
            DisdettaServiceError::Busy => AppError::conflict(),
            DisdettaServiceError::Store(e) => e.into(),
        }
    }
}

/// A document sent about a request, refused at the request's field `field`.
fn documento(field: &'static str, err: DocumentoError) -> AppError {
    match err {
        DocumentoError::CodiceFiscale(e) => ApiError::codice_fiscale(&e, "codice_fiscale").into(),
        DocumentoError::Blob(e) => AppError::internal(e),
        other => AppError::field(ErrorCode::InvalidInput, FieldError::new(field, other)),
    }
}

impl From<DocumentoError> for AppError {
    fn from(err: DocumentoError) -> Self {
        documento("documento", err)
    }
}

impl From<RichiestaError> for AppError {
    fn from(err: RichiestaError) -> Self {
        let refused = |code: ErrorCode, err: &RichiestaError| AppError::new(code, err.to_string());
        match err {
            RichiestaError::Forbidden(e) => e.into(),
            RichiestaError::CodiceFiscale(e) => {
                ApiError::codice_fiscale(&e, "codice_fiscale").into()
            }
            RichiestaError::Invalid(errors) => AppError::fields(errors),
            RichiestaError::HasMailbox => refused(ErrorCode::AlreadyActive, &err),
            RichiestaError::OtherPerson => AppError::field(
                ErrorCode::InvalidInput,
                FieldError::new("cognome", err.to_string()),
            ),
            RichiestaError::NotInOrdine => AppError::field(
                ErrorCode::NotInOrdine,
                FieldError::new("ordine", err.to_string()),
            ),
            RichiestaError::NotRegistered => refused(ErrorCode::NotRegistered, &err),
            RichiestaError::AlreadyWaiting(..)
            | RichiestaError::AlreadyDecided
            | RichiestaError::NotActivable(_) => refused(ErrorCode::LifecycleRefused, &err),
            RichiestaError::NotFound => AppError::not_found(&err.to_string()),
            RichiestaError::Documento { field, error } => documento(field, error),
            RichiestaError::Activation(e) => e.into(),
            RichiestaError::Busy => AppError::conflict(),
            RichiestaError::Blob(e) => AppError::internal(e),
            RichiestaError::Store(e) => e.into(),
        }
    }
}

impl From<PrimoAccessoError> for AppError {
    fn from(err: PrimoAccessoError) -> Self {
        match err {
            PrimoAccessoError::Forbidden(e) => e.into(),
            PrimoAccessoError::NotInAlbo => AppError::not_found(
                "Il tuo codice fiscale non risulta nell'Albo: contatta il tuo Ordine.",
            ),
            PrimoAccessoError::NoMailbox => AppError::not_found(
                "Non hai ancora una casella @ingpec.eu: chiedi alla segreteria del tuo Ordine di attivarla.",
            ),
            PrimoAccessoError::Done | PrimoAccessoError::OutOfOrder(_) => {
                AppError::new(ErrorCode::LifecycleRefused, err.to_string())
            }
            PrimoAccessoError::TextChanged => AppError::new(ErrorCode::Conflict, err.to_string()),
            PrimoAccessoError::Invalid(e) => AppError::field(ErrorCode::InvalidInput, e),
            PrimoAccessoError::Lifecycle(e) => {
                AppError::new(ErrorCode::LifecycleRefused, e.to_string())
            }
            PrimoAccessoError::Stale => AppError::conflict(),
            PrimoAccessoError::Store(e) => e.into(),
            PrimoAccessoError::NoText => AppError::internal(err),
        }
    }
}

impl From<PaymentError> for AppError {
    fn from(err: PaymentError) -> Self {
        match err {
            PaymentError::Unconfigured => AppError::new(ErrorCode::Unavailable, err.to_string()),
            PaymentError::Unavailable(_) => AppError::new(
                ErrorCode::Unavailable,
                "Il servizio di pagamento non risponde: riprova tra qualche minuto. Nessun importo è stato addebitato.",
            ),
            PaymentError::UnknownPayment | PaymentError::Refused(_) => AppError::internal(err),
        }
    }
}

impl From<AcquistoError> for AppError {
    fn from(err: AcquistoError) -> Self {
        match err {
            AcquistoError::Forbidden(e) => e.into(),
            AcquistoError::NotInAlbo => AppError::not_found(
                "Il tuo codice fiscale non risulta nell'Albo: contatta il tuo Ordine.",
            ),
            AcquistoError::NoMailbox => AppError::not_found(
                "Non hai ancora una casella @ingpec.eu: i servizi a pagamento si acquistano per la propria casella.",
            ),
            AcquistoError::Lifecycle(LifecycleError::Quote(e)) => e.into(),
            AcquistoError::Lifecycle(e) => {
                AppError::new(ErrorCode::LifecycleRefused, e.to_string())
            }
            AcquistoError::NotFound => AppError::not_found("Ordine non trovato."),
            AcquistoError::Order(e) => AppError::new(ErrorCode::LifecycleRefused, e.to_string()),
            AcquistoError::Expired => AppError::new(ErrorCode::OrderExpired, err.to_string()),
            AcquistoError::Payment(e) => e.into(),
            AcquistoError::BadMonth => AppError::field(
                ErrorCode::InvalidInput,
                FieldError::new("mese", err.to_string()),
            ),
            AcquistoError::NothingToRefund => {
                AppError::new(ErrorCode::LifecycleRefused, err.to_string())
            }
            AcquistoError::Stale => AppError::conflict(),
            // The order is there; its invoice comes with the payment.
            AcquistoError::NotInvoiced => {
                AppError::new(ErrorCode::LifecycleRefused, err.to_string())
            }
            AcquistoError::Pdf(e) => AppError::internal(e),
            AcquistoError::Store(e) => e.into(),
        }
    }
}

impl From<WebhookError> for AppError {
    fn from(err: WebhookError) -> Self {
        tracing::warn!(error = %err, "payment event refused");
        match err {
            WebhookError::Signature(_) => AppError::new(
                ErrorCode::BadSignature,
                "Firma dell'evento di pagamento non valida: evento ignorato.",
            ),
            WebhookError::Unreadable(_)
            | WebhookError::UnknownType(_)
            | WebhookError::Currency(_)
            | WebhookError::UnknownOrder(_) => AppError::new(
                ErrorCode::UnknownEvent,
                format!("Evento di pagamento non applicabile: {err}."),
            ),
            WebhookError::Busy => AppError::conflict(),
            WebhookError::Store(e) => e.into(),
        }
    }
}

impl From<CatalogoError> for AppError {
    fn from(err: CatalogoError) -> Self {
        match err {
            CatalogoError::Forbidden(e) => e.into(),
            CatalogoError::Listino(e) => {
                AppError::field(ErrorCode::InvalidInput, FieldError::new(e.field(), e))
            }
            CatalogoError::Busy => AppError::conflict(),
            CatalogoError::Store(e) => e.into(),
        }
    }
}

impl From<PannelloError> for AppError {
    fn from(err: PannelloError) -> Self {
        match err {
            PannelloError::Forbidden(e) => e.into(),
            PannelloError::Csv(e) => e.into(),
            PannelloError::Store(e) => e.into(),
        }
    }
}

impl From<GestoreError> for AppError {
    fn from(err: GestoreError) -> Self {
        tracing::warn!(error = %err, "provider event refused");
        match err {
            GestoreError::Signature(_) => AppError::new(
                ErrorCode::BadSignature,
                "Firma dell'evento del gestore non valida: evento ignorato.",
            ),
            GestoreError::Unreadable(_) | GestoreError::UnknownType(_) => AppError::new(
                ErrorCode::UnknownEvent,
                format!("Evento del gestore non applicabile: {err}."),
            ),
            GestoreError::Lifecycle(e) => AppError::new(ErrorCode::LifecycleRefused, e.to_string()),
            GestoreError::Busy => AppError::conflict(),
            GestoreError::Store(e) => e.into(),
        }
    }
}

impl From<ConfirmError> for AppError {
    fn from(err: ConfirmError) -> Self {
        match err {
            ConfirmError::NotFound => AppError::not_found(&err.to_string()),
            ConfirmError::Declined => AppError::new(ErrorCode::PaymentDeclined, err.to_string()),
            ConfirmError::NotPayable => AppError::new(ErrorCode::OrderExpired, err.to_string()),
            ConfirmError::BadCard => AppError::field(
                ErrorCode::InvalidInput,
                FieldError::new("numero_carta", err.to_string()),
            ),
            ConfirmError::Store(e) => e.into(),
        }
    }
}

impl From<ProspettoError> for AppError {
    fn from(err: ProspettoError) -> Self {
        match err {
            ProspettoError::Forbidden(e) => e.into(),
            ProspettoError::NoMailbox => {
                AppError::not_found("Non c'è una casella @ingpec.eu per questo codice fiscale.")
            }
            ProspettoError::Store(e) => e.into(),
        }
    }
}

impl From<LayoutError> for AppError {
    fn from(err: LayoutError) -> Self {
        AppError::internal(err)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = match self {
            AppError::Domain(api) => api,
            AppError::Internal(cause) => {
                let mut chain = cause.to_string();
                let mut source = cause.source();
                while let Some(s) = source {
                    chain.push_str(": ");
                    chain.push_str(&s.to_string());
                    source = s.source();
                }
                tracing::error!(error = %chain, "request failed");
                ApiError::new(
                    ErrorCode::Internal,
                    "Si è verificato un errore imprevisto. Riprova tra qualche minuto; se il problema continua, scrivi a assistenzapec@fondazionecni.it.",
                )
            }
        };
        let status = StatusCode::from_u16(body.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(body)).into_response()
    }
}

impl From<FirmaError> for AppError {
    fn from(err: FirmaError) -> Self {
        let refused = |code: ErrorCode, err: &FirmaError| AppError::new(code, err.to_string());
        match err {
            FirmaError::Forbidden(e) => e.into(),
            FirmaError::AlboMismatch(ref differenze) => {
                let field = differenze.first().map_or("", |d| d.campo);
                AppError::field(
                    ErrorCode::AlboMismatch,
                    FieldError::new(field, err.to_string()),
                )
            }
            FirmaError::NotRegistered => refused(ErrorCode::NotRegistered, &err),
            FirmaError::Preventivo(ref e) => AppError::field(
                ErrorCode::InvalidInput,
                FieldError::new(e.campo(), err.to_string()),
            ),
            FirmaError::Invalid(e) => AppError::field(ErrorCode::InvalidInput, e),
            FirmaError::Passo(shared::firma_digitale::PassoError::Campi(errors)) => {
                AppError::fields(errors)
            }
            FirmaError::AlreadyOpen(..) | FirmaError::Passo(_) | FirmaError::NotValidatable(_) => {
                refused(ErrorCode::LifecycleRefused, &err)
            }
            FirmaError::NotFound => AppError::not_found(&err.to_string()),
            FirmaError::Busy => AppError::conflict(),
            FirmaError::Store(e) => e.into(),
        }
    }
}
