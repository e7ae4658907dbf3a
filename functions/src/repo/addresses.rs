//! Address reservations: one item per address ever given, never deleted, so an address
//! is never reused. Homonyms share a partition (`ADDRESS#nome.cognome`), so the first free
//! alias is found with one query, and taken with a create that fails if someone was faster.

use serde::{Deserialize, Serialize};
use shared::address::{AddressError, EmailAddress, LocalPart};

use crate::store::{Condition, Item, ItemStore, Query, SortKey, StoreError, WriteOp, keys};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    pub address: EmailAddress,
    /// Whose it is: `member:{cf}` or `ordine:{sigla}`.
    pub holder: String,
}

/// The aliases of `base` already taken, in order (1 is the base itself).
pub async fn taken(store: &dyn ItemStore, base: &LocalPart) -> Result<Vec<u32>, StoreError> {
    let mut taken = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .query(
                &Query::new(None, keys::address_partition(base), SortKey::All)
                    .limit(1000)
                    .after(cursor),
            )
            .await?;
        taken.extend(page.items.iter().filter_map(|i| {
            i.key
                .sk
                .strip_prefix("ALIAS#")
                .and_then(|n| n.parse::<u32>().ok())
        }));
        cursor = page.cursor;
        if cursor.is_none() {
            return Ok(taken);
        }
    }
}

/// The first alias not in `taken`.
pub fn first_free(taken: &[u32]) -> u32 {
    (1..)
        .find(|n| !taken.contains(n))
        .expect("some alias is free")
}

/// The write that reserves `base` with `alias` for `holder`, failing if it is taken.
pub fn reserve(
    base: &LocalPart,
    alias: u32,
    holder: &str,
) -> Result<(EmailAddress, WriteOp), AddressOrStore> {
    let local = base.with_alias(alias)?;
    let address = EmailAddress::ingpec(&local);
    let reservation = Reservation {
        address: address.clone(),
        holder: holder.to_owned(),
    };
    let item = Item::new(
        keys::address_reservation(base, alias),
        keys::ADDRESS,
        &reservation,
    )?;
    Ok((address, WriteOp::Put(item, Condition::NotExists)))
}

/// The base and alias an address of ours is made of: `nome.cognome.7` is alias 7 of
/// `nome.cognome`; a base has no number (alias 1).
fn parts(address: &EmailAddress) -> Result<(LocalPart, u32), AddressError> {
    let local = address.ingpec_local()?;
    Ok(match local.as_str().rsplit_once('.') {
        Some((base, n)) if n.bytes().all(|b| b.is_ascii_digit()) => {
            (LocalPart::parse(base)?, n.parse().unwrap_or(0))
        }
        _ => (local, 1),
    })
}

/// The write that reserves `address` as it is (an address given before this system, by
/// the current panel) for `holder`, failing if it is taken.
pub fn reserve_exact(address: &EmailAddress, holder: &str) -> Result<WriteOp, AddressOrStore> {
    let (base, alias) = parts(address)?;
    let (_, op) = reserve(&base, alias, holder)?;
    Ok(op)
}

/// Who holds `address`, if it was ever given.
pub async fn lookup(
    store: &dyn ItemStore,
    address: &EmailAddress,
) -> Result<Option<Reservation>, AddressOrStore> {
    let (base, alias) = parts(address)?;
    Ok(store
        .get(&keys::address_reservation(&base, alias))
        .await?
        .map(|item| item.decode())
        .transpose()?)
}

#[derive(Debug, thiserror::Error)]
pub enum AddressOrStore {
    #[error(transparent)]
    Address(#[from] AddressError),
    #[error(transparent)]
    Store(#[from] StoreError),
}
