//! Use cases: what people do, on the repositories, checked against the caller.

pub mod activation;
pub mod albo;
pub mod csv_rows;
pub mod directory;
pub mod ordine_mailbox;
pub mod overview;
pub mod profile;
pub mod sweep;

use shared::access::Caller;
use shared::api::ErrorCode;

use crate::error::AppError;

pub fn forbidden() -> AppError {
    AppError::new(
        ErrorCode::Forbidden,
        "Non hai i permessi per questa operazione.",
    )
}

pub fn ensure(allowed: bool) -> Result<(), AppError> {
    if allowed { Ok(()) } else { Err(forbidden()) }
}

pub fn conflict() -> AppError {
    AppError::new(
        ErrorCode::Conflict,
        "I dati sono stati modificati nel frattempo da un'altra operazione: ricarica la pagina e riprova.",
    )
}

/// `member:{cf}`: the audit target of a member.
pub fn member_target(cf: &shared::codice_fiscale::CodiceFiscale) -> String {
    format!("member:{}", cf.person_key())
}

pub fn actor(caller: &Caller) -> String {
    caller.actor()
}
