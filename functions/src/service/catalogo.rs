//! The catalog: the convention's versions and the price lists the Fondazione publishes.
//! A new list starts after today and after every list there is, so no price already
//! offered changes and no two lists overlap; services bought before keep their terms
//! until they lapse (the lifecycle records them on each service and term).

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::catalog::{Catalog, CatalogVersion, ListinoError, NuovoListino};
use thiserror::Error;

use super::{Forbidden, ensure};
use crate::clock::rome_date;
use crate::repo::catalogo::{self, Pubblicazione};
use crate::repo::{self};
use crate::store::{ItemStore, StoreError};

/// Tries when another publication comes at the same moment.
const ATTEMPTS: usize = 3;

#[derive(Debug, Error)]
pub enum CatalogoError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Listino(#[from] ListinoError),
    #[error("contention")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The catalog in force: every version, the published ones included.
pub async fn catalog(store: &dyn ItemStore) -> Result<Catalog, StoreError> {
    catalogo::load(store).await
}

/// Publishes `draft` as a new price list. The same list sent again (a retry) answers the
/// one published.
pub async fn publish(
    store: &dyn ItemStore,
    caller: &Caller,
    draft: &NuovoListino,
    now: DateTime<Utc>,
) -> Result<CatalogVersion, CatalogoError> {
    ensure(caller.can_publish_catalog())?;
    let today = rome_date(now);
    for _ in 0..ATTEMPTS {
        let before = catalogo::published(store).await?;
        let mut after = before.as_ref().map(|b| b.value.clone()).unwrap_or_default();
        let catalog = Catalog::with_published(
            &after
                .listini
                .iter()
                .map(|p| p.versione.clone())
                .collect::<Vec<_>>(),
        );
        let version = match catalog.listino(draft, today) {
            Ok(version) => version,
            // Published already (a retry): that one.
            Err(ListinoError::Overlaps(_) | ListinoError::NotFuture(_))
                if after.listini.last().is_some_and(|p| {
                    CatalogVersion::listino(draft).as_ref() == Ok(&p.versione)
                }) =>
            {
                return Ok(after.listini.last().expect("checked").versione.clone());
            }
            Err(e) => return Err(e.into()),
        };
        after.listini.push(Pubblicazione {
            versione: version.clone(),
            da: caller.actor().to_string(),
            il: now,
        });
        match repo::commit(store, vec![catalogo::save(before.as_ref(), &after)?]).await {
            Ok(()) => {
                tracing::info!(from = %version.in_force_from, "price list published");
                return Ok(version);
            }
            Err(e) if e.is_condition_failed() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(CatalogoError::Busy)
}
