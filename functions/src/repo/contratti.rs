//! The contracts of a member, filed in his partition: each document issued to him (its
//! SHA-256, the text's version and hash, the file), and each signed file he uploaded, once
//! per content, with the verifier's report and, for one in review, its place in the
//! Fondazione's queue.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::codice_fiscale::CodiceFiscale;
use shared::firma::{Esito, Referto};

use super::Versioned;
use crate::store::{Condition, Index, Item, ItemStore, Query, SortKey, StoreError, WriteOp, keys};

/// The documents (or uploads) read of one member; far more than anyone makes.
const ISSUED_MAX: usize = 200;

/// A contract document issued to a member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContrattoEmesso {
    pub codice_fiscale: CodiceFiscale,
    /// "C-…": printed on each page.
    pub documento: String,
    pub emesso_il: DateTime<Utc>,
    /// The text's version and its hash, as shown.
    pub versione: String,
    pub impronta_testo: String,
    /// The SHA-256 (hex) of the PDF.
    pub sha256: String,
    /// What was put in it (data, address, plan, text): unchanged, the same document serves.
    pub impronta_dati: String,
    /// The file's key in the file store.
    pub file: String,
}

/// A signed contract uploaded by its holder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContrattoCaricato {
    pub codice_fiscale: CodiceFiscale,
    pub sha256: String,
    pub dimensione: u64,
    pub caricato_il: DateTime<Utc>,
    pub file: String,
    pub referto: Referto,
    /// The Fondazione's decision on one in review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decisione: Option<Decisione>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decisione {
    pub approvato: bool,
    pub motivo: Option<String>,
    pub da: String,
    pub il: DateTime<Utc>,
}

impl ContrattoCaricato {
    fn awaits_review(&self) -> bool {
        matches!(self.referto.esito, Esito::InRevisione { .. }) && self.decisione.is_none()
    }

    /// The stored item at `version`; one awaiting review is also in the queue.
    pub fn item(&self, version: u64) -> Result<Item, StoreError> {
        let item = Item::new(
            keys::signed_contract(&self.codice_fiscale, &self.sha256),
            keys::SIGNED_CONTRACT,
            self,
        )?
        .with_version(version);
        Ok(if self.awaits_review() {
            item.with_gsi2(keys::contract_review(
                self.caricato_il,
                &self.codice_fiscale,
                &self.sha256,
            ))
        } else {
            item
        })
    }
}

/// Writes a document just issued (its id is new).
pub fn issue(contract: &ContrattoEmesso) -> Result<WriteOp, StoreError> {
    Ok(WriteOp::Put(
        Item::new(
            keys::contract(&contract.codice_fiscale, &contract.documento),
            keys::CONTRACT,
            contract,
        )?,
        Condition::NotExists,
    ))
}

/// The items of `cf`'s partition under `prefix`, decoded.
async fn in_partition<T: serde::de::DeserializeOwned>(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
    prefix: &str,
) -> Result<Vec<T>, StoreError> {
    let query = Query::new(
        None,
        keys::member_partition(cf),
        SortKey::BeginsWith(prefix.into()),
    )
    .descending()
    .limit(ISSUED_MAX);
    super::query_decoded(store, &query).await
}

/// The documents issued to `cf`, newest first.
pub async fn issued(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
) -> Result<Vec<ContrattoEmesso>, StoreError> {
    in_partition(store, cf, keys::CONTRACT_PREFIX).await
}

/// The upload of `cf` with this content, if he made it.
pub async fn uploaded(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
    sha256: &str,
) -> Result<Option<Versioned<ContrattoCaricato>>, StoreError> {
    super::get_versioned(store, &keys::signed_contract(cf, sha256)).await
}

/// The uploads of `cf`, in the order of their content hash (callers sort by time).
pub async fn uploads(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
) -> Result<Vec<ContrattoCaricato>, StoreError> {
    in_partition(store, cf, keys::SIGNED_PREFIX).await
}

/// A first upload of this content.
pub fn record(upload: &ContrattoCaricato) -> Result<WriteOp, StoreError> {
    Ok(WriteOp::Put(upload.item(1)?, Condition::NotExists))
}

/// The uploads waiting for the Fondazione, oldest first, a page at a time.
pub fn review_queue(limit: usize) -> Query {
    Query::new(Some(Index::Gsi2), keys::CONTRACT_REVIEW, SortKey::All).limit(limit)
}
