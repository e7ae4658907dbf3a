//! The price lists the Fondazione published, kept in one item with who published each and
//! when. The catalog every price and size is taken from is the convention's (in the code)
//! with these.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::catalog::{Catalog, CatalogVersion};

use super::Versioned;
use crate::store::{Condition, Item, ItemStore, StoreError, WriteOp, keys};

/// One published price list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pubblicazione {
    pub versione: CatalogVersion,
    /// Who published it.
    pub da: String,
    pub il: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub listini: Vec<Pubblicazione>,
}

/// What was published, with the version read (none yet: `None`).
pub async fn published(store: &dyn ItemStore) -> Result<Option<Versioned<Published>>, StoreError> {
    super::get_versioned(store, &keys::catalog()).await
}

/// The catalog in force: the convention's versions and the published price lists.
pub async fn load(store: &dyn ItemStore) -> Result<Catalog, StoreError> {
    let published = published(store).await?.map(|p| p.value).unwrap_or_default();
    let versions: Vec<CatalogVersion> = published.listini.into_iter().map(|p| p.versione).collect();
    Ok(Catalog::with_published(&versions))
}

/// Writes `after` over `before` (none: the first publication), if nobody published
/// meanwhile.
pub fn save(
    before: Option<&Versioned<Published>>,
    after: &Published,
) -> Result<WriteOp, StoreError> {
    Ok(match before {
        None => WriteOp::Put(
            Item::new(keys::catalog(), keys::CATALOG, after)?,
            Condition::NotExists,
        ),
        Some(b) => WriteOp::Put(
            Item::new(keys::catalog(), keys::CATALOG, after)?.with_version(b.version + 1),
            Condition::Version(b.version),
        ),
    })
}
