//! Use cases: what people do, checked against the caller, on the repositories. Each has
//! its own error enum with domain meaning; `crate::error` maps them all to the API's
//! envelope in one place.

pub mod acquisti;
pub mod activation;
pub mod albo;
pub mod audit;
pub mod catalogo;
pub mod code;
pub mod contratto;
pub mod directory;
pub mod disdetta;
pub mod documenti;
pub mod domicilio;
pub mod eredi;
pub mod firme;
pub mod gestore;
pub mod login;
pub mod ordine;
pub mod overview;
pub mod pannello;
pub mod primo_accesso;
pub mod profile;
pub mod prospetto;
pub mod richieste;
pub mod spreadsheet;
pub mod upload;

use thiserror::Error;

/// The caller's role or Ordine does not allow this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("Non hai i permessi per questa operazione.")]
pub struct Forbidden;

/// The caller's own codice fiscale: only a member acts on his own data.
pub fn holder_cf(
    caller: &shared::access::Caller,
) -> Result<&shared::codice_fiscale::CodiceFiscale, Forbidden> {
    caller.own_code().ok_or(Forbidden)
}

pub fn ensure(allowed: bool) -> Result<(), Forbidden> {
    if allowed { Ok(()) } else { Err(Forbidden) }
}
