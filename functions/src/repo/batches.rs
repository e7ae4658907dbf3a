//! A file's rows packed into transactions, as the Albo import and the bulk activation write
//! a window: in the file's order, as many rows a transaction as fit in
//! [`MAX_TRANSACTION_OPS`] writes, a row's writes never split.

use crate::store::{ItemStore, MAX_TRANSACTION_OPS, StoreError};

use super::{Ops, commit_each};

/// Rows with their writes, a transaction each batch.
pub struct Batches<T> {
    batches: Vec<Batch<T>>,
}

struct Batch<T> {
    rows: Vec<T>,
    ops: Ops,
}

/// The outcome of [`Batches::write`].
pub struct Written<T> {
    /// The rows of the transactions committed, in order.
    pub written: Vec<T>,
    /// The rows of the transaction that met another writer and of those after it: nothing
    /// of theirs was written.
    pub unwritten: Vec<T>,
}

impl<T> Default for Batches<T> {
    fn default() -> Self {
        Self {
            batches: Vec::new(),
        }
    }
}

impl<T> Batches<T> {
    /// `row`, whose writes are `ops` (at least one), after the rows pushed before.
    pub fn push(&mut self, row: T, ops: Ops) {
        debug_assert!(!ops.is_empty(), "a row in a batch writes something");
        match self.batches.last_mut() {
            Some(batch) if batch.ops.len() + ops.len() <= MAX_TRANSACTION_OPS => {
                batch.ops.extend(ops);
                batch.rows.push(row);
            }
            _ => self.batches.push(Batch {
                rows: vec![row],
                ops,
            }),
        }
    }

    /// The rows, in order, their writes dropped.
    pub fn into_rows(self) -> impl Iterator<Item = T> {
        self.batches.into_iter().flat_map(|batch| batch.rows)
    }

    /// Writes each batch in one transaction, in order (in one commit where the store can),
    /// until one meets another writer.
    pub async fn write(self, store: &dyn ItemStore) -> Result<Written<T>, StoreError> {
        let (rows, transactions): (Vec<_>, Vec<_>) = self
            .batches
            .into_iter()
            .map(|batch| (batch.rows, batch.ops))
            .unzip();
        let committed = commit_each(store, transactions).await?;
        let mut rows = rows.into_iter();
        Ok(Written {
            written: rows.by_ref().take(committed).flatten().collect(),
            unwritten: rows.flatten().collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::SqliteStore;
    use crate::store::{Condition, Item, Key, WriteOp};

    fn put(pk: &str, sk: usize) -> WriteOp {
        let item = Item::new(Key::new(pk, format!("{sk:04}")), "TEST", &sk).unwrap();
        WriteOp::Put(item, Condition::NotExists)
    }

    fn row(pk: &str, ops: usize) -> Ops {
        (0..ops).map(|sk| put(pk, sk)).collect()
    }

    #[tokio::test]
    async fn rows_fill_a_transaction_whole_and_those_after_a_conflict_are_not_written() {
        let store = SqliteStore::in_memory().unwrap();
        // Already there: the fourth row's first write fails its condition.
        crate::repo::commit(&store, row("D", 1)).await.unwrap();
        let mut batches = Batches::default();
        // 40 + 40 fit in one transaction; the third row's 40 start the second.
        for (name, ops) in [("A", 40), ("B", 40), ("C", 40), ("D", 1), ("E", 3)] {
            batches.push(name, row(name, ops));
        }
        assert_eq!(batches.batches.len(), 2);
        let Written { written, unwritten } = batches.write(&store).await.unwrap();
        assert_eq!(written, ["A", "B"]);
        assert_eq!(unwritten, ["C", "D", "E"]);
        let c = store.get(&Key::new("C", "0000")).await.unwrap();
        assert!(
            c.is_none(),
            "nothing of a batch that met a writer is written"
        );
        let b = store.get(&Key::new("B", "0039")).await.unwrap();
        assert!(b.is_some());
    }
}
