//! The mailbox's timeline for its holder and the Fondazione (the secretariat sees nothing
//! of payments): the lifecycle's coming events with their amounts, and, from 30 days before
//! space lapses, what of the data the provider reports will not fit.

use chrono::NaiveDate;
use shared::access::{Caller, Role};
use shared::api::Prospetto;
use shared::codice_fiscale::CodiceFiscale;
use thiserror::Error;

use super::{Forbidden, ensure, holder_cf};
use crate::outbox::provider::Provider;
use crate::repo::members;
use crate::store::{ItemStore, StoreError};

#[derive(Debug, Error)]
pub enum ProspettoError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("no mailbox")]
    NoMailbox,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The caller's own mailbox's timeline.
pub async fn own(
    store: &dyn ItemStore,
    provider: &dyn Provider,
    caller: &Caller,
    today: NaiveDate,
) -> Result<Prospetto, ProspettoError> {
    let cf = holder_cf(caller)?;
    of(store, provider, cf, today).await
}

/// A member's mailbox's timeline (Fondazione).
pub async fn of_member(
    store: &dyn ItemStore,
    provider: &dyn Provider,
    caller: &Caller,
    cf: &CodiceFiscale,
    today: NaiveDate,
) -> Result<Prospetto, ProspettoError> {
    ensure(caller.role == Role::Fondazione)?;
    of(store, provider, cf, today).await
}

async fn of(
    store: &dyn ItemStore,
    provider: &dyn Provider,
    cf: &CodiceFiscale,
    today: NaiveDate,
) -> Result<Prospetto, ProspettoError> {
    let mailbox = members::get(store, cf)
        .await?
        .and_then(|m| m.value.mailbox)
        .ok_or(ProspettoError::NoMailbox)?;
    let occupazione = match provider.occupazione(mailbox.address.as_str()).await {
        Ok(used) => Some(used),
        Err(e) => {
            tracing::warn!(error = %e, "used space unknown");
            None
        }
    };
    let catalog = crate::repo::catalogo::load(store).await?;
    let eccedenze = occupazione
        .map(|used| {
            mailbox
                .eccedenze(used, today, &catalog)
                .iter()
                .map(|e| e.messaggio())
                .collect()
        })
        .unwrap_or_default();
    Ok(Prospetto {
        indirizzo: mailbox.address.clone(),
        eventi: mailbox.prospetto_with(today, &catalog),
        occupazione,
        eccedenze,
    })
}
