//! The store's own bookkeeping items: the last daily verifica's report, and the mark that
//! the demo data was loaded.

use chrono::{DateTime, Utc};
use shared::api::Verifica;

use crate::store::{Condition, Item, ItemStore, StoreError, keys};

const VERIFICA: &str = "verifica";
const SEED: &str = "seed";

/// Keeps `report` as the last one, unless a run that started later has already kept its
/// own (a later run has seen at least as much).
pub async fn save_verifica(store: &dyn ItemStore, report: &Verifica) -> Result<(), StoreError> {
    loop {
        let current = store.get(&keys::meta(VERIFICA)).await?;
        let (version, condition) = match &current {
            Some(item) => {
                let kept: Verifica = item.decode()?;
                if kept.avviata_alle > report.avviata_alle {
                    return Ok(());
                }
                (item.version + 1, Condition::Version(item.version))
            }
            None => (1, Condition::NotExists),
        };
        let item =
            Item::new(keys::meta(VERIFICA), keys::META_REPORT, report)?.with_version(version);
        match store.put(item, condition).await {
            Err(e) if e.is_condition_failed() => continue,
            other => return other,
        }
    }
}

pub async fn last_verifica(store: &dyn ItemStore) -> Result<Option<Verifica>, StoreError> {
    store
        .get(&keys::meta(VERIFICA))
        .await?
        .map(|i| i.decode())
        .transpose()
}

/// Marks the demo data as loaded at `now`; false if it already was.
pub async fn mark_seeded(store: &dyn ItemStore, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let marker = Item::new(
        keys::meta(SEED),
        keys::META,
        &serde_json::json!({ "at": now }),
    )?;
    match store.put(marker, Condition::NotExists).await {
        Ok(()) => Ok(true),
        Err(e) if e.is_condition_failed() => Ok(false),
        Err(e) => Err(e),
    }
}
