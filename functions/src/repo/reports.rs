//! The store's own bookkeeping items: the last daily verifica's report (and what each
//! Ordine's share of it counted), and the mark that the demo data was loaded.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::api::Verifica;
use shared::province::OrdineCode;

use crate::store::{Condition, Item, ItemStore, Query, SortKey, StoreError, keys};

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

/// What one attempt at an Ordine's verifica counted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conteggio {
    pub verificate: usize,
    pub aggiornate: usize,
    pub avvisi: usize,
    pub comandi: usize,
    pub rinviate: usize,
    /// Of those postponed, the ones a second try the same day may do (the store failed or
    /// was busy); not kept in the share.
    #[serde(skip)]
    pub da_riprovare: usize,
}

impl Conteggio {
    /// `attempt` after the earlier attempts `self` at the same Ordine's share (a queue
    /// delivers at least once, and a share with members postponed is tried again): what
    /// was written adds up; what was looked at and what is left are the latest attempt's.
    fn then(self, attempt: Self) -> Self {
        Self {
            verificate: attempt.verificate,
            aggiornate: self.aggiornate + attempt.aggiornate,
            avvisi: self.avvisi + attempt.avvisi,
            comandi: self.comandi + attempt.comandi,
            rinviate: attempt.rinviate,
            da_riprovare: attempt.da_riprovare,
        }
    }

    /// Adds these counts to a run's report.
    pub fn add_to(self, report: &mut Verifica) {
        report.verificate += self.verificate;
        report.aggiornate += self.aggiornate;
        report.avvisi += self.avvisi;
        report.comandi += self.comandi;
        report.rinviate += self.rinviate;
    }
}

/// Days an Ordine's share of a verifica is kept (its report keeps the sums).
const SHARE_DAYS: i64 = 60;

/// Records `attempt` at `ordine`'s share of the run started at `avviata_alle`. Each share
/// is an item of its own, so that jobs running at once never write the same item; the
/// report adds them up when it is read.
pub async fn record_ordine(
    store: &dyn ItemStore,
    avviata_alle: DateTime<Utc>,
    ordine: OrdineCode,
    attempt: Conteggio,
) -> Result<(), StoreError> {
    let key = keys::verifica_ordine(avviata_alle, ordine);
    let expires = (avviata_alle + chrono::Duration::days(SHARE_DAYS)).timestamp();
    loop {
        let share = store.get(&key).await?;
        let earlier: Option<Conteggio> = share.as_ref().map(Item::decode).transpose()?;
        let counted = earlier.unwrap_or_default().then(attempt);
        let item = Item::new(key.clone(), keys::VERIFICA_ORDINE, &counted)?
            .with_version(share.as_ref().map_or(1, |i| i.version + 1))
            .expiring_at(expires);
        let condition = share
            .as_ref()
            .map_or(Condition::NotExists, |i| Condition::Version(i.version));
        match store.put(item, condition).await {
            Err(e) if e.is_condition_failed() => continue,
            other => return other,
        }
    }
}

/// The last run as it started (without its Ordini's shares).
pub async fn verifica_started(store: &dyn ItemStore) -> Result<Option<Verifica>, StoreError> {
    store
        .get(&keys::meta(VERIFICA))
        .await?
        .map(|i| i.decode())
        .transpose()
}

/// The last run's report: what it recorded as it started, with its Ordini's shares so far.
pub async fn last_verifica(store: &dyn ItemStore) -> Result<Option<Verifica>, StoreError> {
    let Some(mut report) = verifica_started(store).await? else {
        return Ok(None);
    };
    let mut query = Query::new(
        None,
        keys::verifica_partition(report.avviata_alle),
        SortKey::All,
    )
    .limit(1000);
    loop {
        let page = store.query(&query).await?;
        for share in &page.items {
            share.decode::<Conteggio>()?.add_to(&mut report);
            report.ordini_verificati += 1;
        }
        match page.cursor {
            Some(cursor) => query = query.after(Some(cursor)),
            None => return Ok(Some(report)),
        }
    }
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
