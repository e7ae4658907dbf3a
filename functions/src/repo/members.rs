//! Members: anagrafica, Albo record, recovery contacts and the mailbox, in one item keyed
//! by the person; GSI1 files it under the member's current Ordine, so a transfer moves it
//! between panels in the same write.

use futures::{Stream, stream};
use serde::{Deserialize, Serialize};
use shared::codice_fiscale::CodiceFiscale;
use shared::lifecycle::Mailbox;
use shared::member::{AlboRecord, Anagrafica, RecoveryContacts};
use shared::province::OrdineCode;

use super::Versioned;
use crate::store::{
    Condition, Index, Item, ItemStore, Page, Query, SortKey, StoreError, WriteOp, keys,
};

/// Members read at once when going through a whole Ordine.
const PAGE: usize = 1000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub anagrafica: Anagrafica,
    pub albo: AlboRecord,
    #[serde(default)]
    pub recovery: RecoveryContacts,
    #[serde(default)]
    pub mailbox: Option<Mailbox>,
}

impl MemberRecord {
    pub fn cf(&self) -> &CodiceFiscale {
        &self.anagrafica.codice_fiscale
    }
}

pub fn item(record: &MemberRecord, version: u64) -> Result<Item, StoreError> {
    let a = &record.anagrafica;
    Ok(
        Item::new(keys::member(&a.codice_fiscale), keys::MEMBER, record)?
            .with_gsi1(keys::member_in_ordine(
                record.albo.ordine,
                &a.cognome,
                &a.nome,
                &a.codice_fiscale,
            ))
            .with_version(version),
    )
}

/// Creates a member that must not exist yet.
pub fn create(record: &MemberRecord) -> Result<WriteOp, StoreError> {
    Ok(WriteOp::Put(item(record, 1)?, Condition::NotExists))
}

/// Replaces the member read at `version`.
pub fn replace(record: &MemberRecord, version: u64) -> Result<WriteOp, StoreError> {
    Ok(WriteOp::Put(
        item(record, version + 1)?,
        Condition::Version(version),
    ))
}

pub async fn get(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
) -> Result<Option<Versioned<MemberRecord>>, StoreError> {
    super::get_versioned(store, &keys::member(cf)).await
}

pub fn decode_page(
    page: Page,
) -> Result<(Vec<Versioned<MemberRecord>>, Option<String>), StoreError> {
    let members = page
        .items
        .iter()
        .map(Versioned::decode)
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((members, page.cursor))
}

/// Every member now in `ordine`, a page at a time (overview, export, the verifica).
pub fn pages_in_ordine(
    store: &dyn ItemStore,
    ordine: OrdineCode,
) -> impl Stream<Item = Result<Vec<Versioned<MemberRecord>>, StoreError>> + '_ {
    let query = in_ordine(ordine, None).limit(PAGE);
    // The state is the next page's cursor, `None` once the last page is read.
    stream::try_unfold(Some(None), move |cursor: Option<Option<String>>| {
        let query = query.clone();
        async move {
            let Some(cursor) = cursor else {
                return Ok(None);
            };
            let (records, next) = decode_page(store.query(&query.after(cursor)).await?)?;
            Ok(Some((records, next.map(Some))))
        }
    })
}

/// The members currently in `ordine`, by surname, optionally those whose surname starts
/// with `cognome`.
pub fn in_ordine(ordine: OrdineCode, cognome: Option<&str>) -> Query {
    Query::new(
        Some(Index::Gsi1),
        keys::ordine_members(ordine),
        SortKey::BeginsWith(keys::members_by_surname(cognome.unwrap_or_default())),
    )
}
