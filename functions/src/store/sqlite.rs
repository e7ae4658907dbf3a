//! The embedded adapter: one SQLite file (WAL), one table shaped like the DynamoDB one.
//! SQLite compares text byte by byte, as DynamoDB orders its string keys.

use std::path::Path;
use std::sync::{Arc, LazyLock, Mutex};

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

use super::{
    Condition, CursorKey, Index, Item, ItemStore, Key, Page, Query, SortKey, StoreError, WriteOp,
    check_transaction,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS items (
    pk TEXT NOT NULL,
    sk TEXT NOT NULL,
    gsi1pk TEXT, gsi1sk TEXT,
    gsi2pk TEXT, gsi2sk TEXT,
    entity_type TEXT NOT NULL,
    version INTEGER NOT NULL,
    expires_at INTEGER,
    data TEXT NOT NULL,
    PRIMARY KEY (pk, sk)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS items_gsi1 ON items (gsi1pk, gsi1sk, pk, sk) WHERE gsi1pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_gsi2 ON items (gsi2pk, gsi2sk, pk, sk) WHERE gsi2pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_gsi1_mailbox ON items (gsi1pk, gsi1sk, pk, sk)
    WHERE gsi1pk IS NOT NULL AND json_extract(data, '$.mailbox') IS NOT NULL;
";

/// The fields a query may ask items to have ([`Query::only_with`]), each with a partial
/// index of the items that have it: without one, the filter would read every row.
const INDEXED_FIELDS: [&str; 1] = ["mailbox"];

const COLUMNS: &str =
    "pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, entity_type, version, expires_at, data";
// The statements every read and write runs, prepared once per connection (rusqlite's
// statement cache): parsing them again each time was a visible part of an import. Each
// write carries its own condition, so that it finds its row once: a read of the version
// before each write was 14% of a bulk activation.
static SELECT_ONE: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {COLUMNS} FROM items WHERE pk = ?1 AND sk = ?2"));
const SELECT_VERSION: &str = "SELECT version FROM items WHERE pk = ?1 AND sk = ?2";
static INSERT_NEW: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO items ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
         ON CONFLICT DO NOTHING"
    )
});
static UPSERT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT OR REPLACE INTO items ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    )
});
// An item whose index keys stay is updated without naming them, so SQLite leaves their
// indexes alone: rewriting an entry that comes back the same still writes its page to the
// WAL again. `?7` is the version expected, or NULL for any.
const UPDATE_IN_PLACE: &str = "UPDATE items \
    SET entity_type = ?3, version = ?4, expires_at = ?5, data = ?6 \
    WHERE pk = ?1 AND sk = ?2 AND (?7 IS NULL OR version = ?7) \
    AND gsi1pk IS ?8 AND gsi1sk IS ?9 AND gsi2pk IS ?10 AND gsi2sk IS ?11";
const UPDATE_ALL: &str = "UPDATE items \
    SET entity_type = ?3, version = ?4, expires_at = ?5, data = ?6, \
    gsi1pk = ?8, gsi1sk = ?9, gsi2pk = ?10, gsi2sk = ?11 \
    WHERE pk = ?1 AND sk = ?2 AND (?7 IS NULL OR version = ?7)";
const DELETE_ONE: &str = "DELETE FROM items WHERE pk = ?1 AND sk = ?2";
const DELETE_VERSION: &str = "DELETE FROM items WHERE pk = ?1 AND sk = ?2 AND version = ?3";

/// The size of the file's pages. SQLite keeps at most about a quarter of a page of a
/// `WITHOUT ROWID` row in the page and the rest in an overflow page of its own: at 4 KiB,
/// every audit entry (about 1 KiB with its keys) took a page of its own, two thirds of
/// the file was empty, and each write touched two pages.
const PAGE_SIZE: i64 = 8192;
/// Transactions written in one commit by `transact_each`. Each commit copies its pages to
/// the WAL and scans the whole page cache: SQLite's B-tree gives a page it reorders the
/// number just past the first GiB for a moment, and dropping numbers past the file's end
/// at the commit then scans every page cached. With a commit for each transaction of 100
/// writes, that scan was 15% of a bulk activation's profile. A page written by two
/// commits is copied to the WAL twice, and rows with random keys share few pages: at
/// 250,000 members, a whole file of the Albo (5,000 rows, a hundred transactions) a
/// commit imported them in 23.1-24.4 s, writing 28 kB a row; half a file a commit, with the
/// next half worked out meanwhile, in 25.7-28.6 s, writing 36 kB a row (alternated runs).
/// A whole file holds the store for about half a second (twice that when one transaction
/// meets another writer: the commit is rolled back and those before it written again).
/// The bulk activation sends at most ten at a time (its windows).
const TRANSACTIONS_PER_COMMIT: usize = 100;
/// Prepared statements kept per connection.
const STATEMENTS_CACHED: usize = 64;
/// How long a statement waits for another process's lock on the file.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// Pages the WAL grows to before a checkpoint (1 GiB).
const WAL_CHECKPOINT_PAGES: i64 = 1024 * 1024 * 1024 / PAGE_SIZE;

#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (or creates) the store in `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        with_page_size(path).map_err(StoreError::backend)?;
        let conn = Connection::open(path).map_err(StoreError::backend)?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(StoreError::backend)?;
        // One process owns the file (a second server on it waits, then fails). Without
        // this, each read takes and drops a file lock: two `fcntl` calls, measured at 6% of
        // a member's `GET /api/me`. Set before WAL so the WAL index lives in memory.
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(StoreError::backend)?;
        // A new file only: an existing one keeps the size `with_page_size` gave it.
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(StoreError::backend)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(StoreError::backend)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(StoreError::backend)?;
        // A national Albo is hundreds of MB with random keys: the default 2 MB page cache
        // makes every insert a disk read. Up to 1 GiB (taken only as pages are read) holds
        // the whole store of 250,000 members: a bulk activation there was 8-12% faster than
        // at 256 MB (alternated runs), as its writes no longer read pages from the file.
        conn.pragma_update(None, "cache_size", -1024 * 1024)
            .map_err(StoreError::backend)?;
        conn.pragma_update(None, "mmap_size", 1024 * 1024 * 1024)
            .map_err(StoreError::backend)?;
        // A checkpoint copies the WAL's pages into the file and waits for the disk; with
        // random keys, a page changed by many transactions is copied once per checkpoint.
        // At SQLite's default (every 1,000 pages) checkpoints were most of an Albo import.
        // The WAL may grow to 1 GiB and keeps its size until the store is closed: cutting
        // it back after each checkpoint made the next writes grow the file again (an import
        // of 250,000 members took 39 s instead of 30). The price, on a laptop: a checkpoint
        // holds the store for a few seconds, and a power cut (not a crash of the server)
        // can lose the writes since the last one (`synchronous=NORMAL`).
        conn.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)
            .map_err(StoreError::backend)?;
        Self::init(conn)
    }

    /// A private store in memory, for tests.
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory().map_err(StoreError::backend)?)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        conn.execute_batch(SCHEMA).map_err(StoreError::backend)?;
        // rusqlite keeps 16 statements by default: the writes' eight and the queries', whose
        // text varies with their page size and bounds, would push one another out.
        conn.set_prepared_statement_cache_capacity(STATEMENTS_CACHED);
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Deletes items whose TTL has passed (DynamoDB does this by itself).
    pub async fn purge_expired(&self, now_epoch: i64) -> Result<usize, StoreError> {
        self.with(move |conn| {
            conn.execute(
                "DELETE FROM items WHERE expires_at IS NOT NULL AND expires_at < ?1",
                [now_epoch],
            )
            .map_err(StoreError::backend)
        })
        .await
    }

    /// Copies the WAL's pages into the file now, as SQLite does by itself when the WAL
    /// reaches [`WAL_CHECKPOINT_PAGES`]: the bench charges the checkpoint of an Albo
    /// import's writes to the import, not to whatever writes next.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        self.with_blocking(|conn| {
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                .map_err(StoreError::backend)
        })
        .await
    }

    /// Runs `f` on the connection, on the calling thread. The statements are mostly point
    /// reads, short range queries and single transactions (microseconds), so the hop to
    /// tokio's blocking pool and back cost more than the work: measured side by side, a
    /// member's `GET /api/me` went from 0.20 to 0.27 of an axum hello world's requests per
    /// second, and an Albo import 8% faster. A caller may wait here for a commit of many
    /// transactions under way on the blocking pool (up to half a second), or a checkpoint.
    async fn with<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let mut guard = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }

    /// Runs `f` on the connection on a thread of tokio's blocking pool: for a commit of many
    /// transactions (up to 5,000 writes: a quarter of a second, half when it is redone after
    /// a conflict), during which the caller may work out what it writes next (a CSV's
    /// activation does). The store stays held until `f` returns, even if the caller stops
    /// waiting.
    async fn with_blocking<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        let done = tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await;
        match done {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(StoreError::backend(e)),
        }
    }
}

/// Rewrites a file made with pages of another size to [`PAGE_SIZE`], once (`VACUUM`,
/// outside WAL, which cannot change the page size). On a connection of its own, in the
/// normal locking mode: under an exclusive lock SQLite keeps the rollback journal of the
/// `VACUUM`, as large as the store, instead of deleting it.
fn with_page_size(path: &Path) -> rusqlite::Result<()> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let current: i64 = conn.pragma_query_value(None, "page_size", |row| row.get(0))?;
    let pages: i64 = conn.pragma_query_value(None, "page_count", |row| row.get(0))?;
    if current == PAGE_SIZE || pages == 0 {
        return Ok(());
    }
    tracing::info!(
        from = current,
        to = PAGE_SIZE,
        "rewriting the store's pages"
    );
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    conn.execute_batch("VACUUM")
}

fn read_item(row: &Row<'_>) -> rusqlite::Result<Item> {
    let pair = |a: Option<String>, b: Option<String>| a.zip(b).map(|(pk, sk)| Key::new(pk, sk));
    let version: i64 = row.get(7)?;
    Ok(Item {
        key: Key::new(row.get::<_, String>(0)?, row.get::<_, String>(1)?),
        gsi1: pair(row.get(2)?, row.get(3)?),
        gsi2: pair(row.get(4)?, row.get(5)?),
        entity_type: row.get(6)?,
        version: version as u64,
        expires_at: row.get(8)?,
        data: row.get(9)?,
    })
}

fn current_version(conn: &Connection, key: &Key) -> Result<Option<u64>, StoreError> {
    conn.prepare_cached(SELECT_VERSION)
        .map_err(StoreError::backend)?
        .query_row(params![key.pk, key.sk], |row| row.get::<_, i64>(0))
        .optional()
        .map(|v| v.map(|v| v as u64))
        .map_err(StoreError::backend)
}

fn holds(condition: &Condition, version: Option<u64>) -> bool {
    match condition {
        Condition::Always => true,
        Condition::NotExists => version.is_none(),
        Condition::Exists => version.is_some(),
        Condition::Version(expected) => version == Some(*expected),
    }
}

/// Runs a write statement: how many rows it wrote.
fn execute(
    tx: &Transaction<'_>,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<usize, StoreError> {
    tx.prepare_cached(sql)
        .map_err(StoreError::backend)?
        .execute(params)
        .map_err(StoreError::backend)
}

/// Writes `item` whatever is stored under its key.
fn upsert(tx: &Transaction<'_>, item: &Item) -> Result<(), StoreError> {
    execute(tx, &UPSERT, columns(item))?;
    Ok(())
}

/// An item's values of `COLUMNS`, in order.
type Columns<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    &'a str,
    i64,
    Option<i64>,
    &'a str,
);

fn columns(item: &Item) -> Columns<'_> {
    (
        &item.key.pk,
        &item.key.sk,
        item.gsi1.as_ref().map(|k| k.pk.as_str()),
        item.gsi1.as_ref().map(|k| k.sk.as_str()),
        item.gsi2.as_ref().map(|k| k.pk.as_str()),
        item.gsi2.as_ref().map(|k| k.sk.as_str()),
        &item.entity_type,
        item.version as i64,
        item.expires_at,
        &item.data,
    )
}

/// Writes `item` over the one stored under its key, if there is one at `expected` (any
/// version if `None`): whether there was. `in_place_only` leaves an item whose index keys
/// change unwritten (for a caller that writes it whole anyway).
fn update(
    tx: &Transaction<'_>,
    item: &Item,
    expected: Option<u64>,
    in_place_only: bool,
) -> Result<bool, StoreError> {
    let params = params![
        item.key.pk,
        item.key.sk,
        item.entity_type,
        item.version as i64,
        item.expires_at,
        item.data,
        expected.map(|v| v as i64),
        item.gsi1.as_ref().map(|k| &k.pk),
        item.gsi1.as_ref().map(|k| &k.sk),
        item.gsi2.as_ref().map(|k| &k.pk),
        item.gsi2.as_ref().map(|k| &k.sk),
    ];
    Ok(execute(tx, UPDATE_IN_PLACE, params)? == 1
        || (!in_place_only && execute(tx, UPDATE_ALL, params)? == 1))
}

/// Writes `item` if `condition` holds: whether it did.
fn put(tx: &Transaction<'_>, item: &Item, condition: &Condition) -> Result<bool, StoreError> {
    match condition {
        Condition::NotExists => Ok(execute(tx, &INSERT_NEW, columns(item))? == 1),
        Condition::Version(expected) => update(tx, item, Some(*expected), false),
        Condition::Exists => update(tx, item, None, false),
        Condition::Always => {
            if !update(tx, item, None, true)? {
                upsert(tx, item)?;
            }
            Ok(true)
        }
    }
}

/// Deletes `key`'s item if `condition` holds: whether it did.
fn delete(tx: &Transaction<'_>, key: &Key, condition: &Condition) -> Result<bool, StoreError> {
    match condition {
        Condition::Always => execute(tx, DELETE_ONE, params![key.pk, key.sk]).map(|_| true),
        Condition::Exists => Ok(execute(tx, DELETE_ONE, params![key.pk, key.sk])? == 1),
        Condition::Version(expected) => {
            let params = params![key.pk, key.sk, *expected as i64];
            Ok(execute(tx, DELETE_VERSION, params)? == 1)
        }
        Condition::NotExists => Ok(current_version(tx, key)?.is_none()),
    }
}

/// Writes one transaction's operations in order until one's condition fails; then
/// `ConditionFailed`, and the caller rolls back what was written. The keys are distinct,
/// so no write changes what a later condition reads.
fn apply(tx: &Transaction<'_>, ops: &[WriteOp]) -> Result<(), StoreError> {
    for op in ops {
        let held = match op {
            WriteOp::Put(item, condition) => put(tx, item, condition)?,
            WriteOp::Delete(key, condition) => delete(tx, key, condition)?,
            WriteOp::Check(key, condition) => holds(condition, current_version(tx, key)?),
        };
        if !held {
            return Err(StoreError::condition_failed());
        }
    }
    Ok(())
}

/// Which of `ops`' conditions do not hold, read after a transaction was rolled back.
fn failed(conn: &Connection, ops: &[WriteOp]) -> Result<StoreError, StoreError> {
    let mut failed = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let condition = match op {
            WriteOp::Put(_, c) | WriteOp::Delete(_, c) | WriteOp::Check(_, c) => c,
        };
        if !holds(condition, current_version(conn, op.key())?) {
            failed.push(i);
        }
    }
    Ok(StoreError::ConditionFailed { failed })
}

/// The statement and arguments that read `query`'s page from `cursor` (one more row than
/// the page, to know whether another follows).
fn select(query: &Query, cursor: Option<&CursorKey>) -> Result<(String, Vec<String>), StoreError> {
    let (pk_col, sk_col) = match query.index {
        None => ("pk", "sk"),
        Some(Index::Gsi1) => ("gsi1pk", "gsi1sk"),
        Some(Index::Gsi2) => ("gsi2pk", "gsi2sk"),
    };
    let mut sql = format!("SELECT {COLUMNS} FROM items WHERE {pk_col} = ?1");
    let mut args: Vec<String> = vec![query.pk.clone()];
    let mut arg = |sql: &mut String, clause: &str, value: String| {
        args.push(value);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    match &query.sk {
        SortKey::All => {}
        SortKey::BeginsWith(prefix) => {
            arg(&mut sql, &format!(" AND {sk_col} >= ?"), prefix.clone());
            arg(&mut sql, &format!(" AND {sk_col} < ?"), prefix_end(prefix));
        }
        SortKey::Between(from, to) => {
            arg(&mut sql, &format!(" AND {sk_col} >= ?"), from.clone());
            arg(&mut sql, &format!(" AND {sk_col} <= ?"), to.clone());
        }
        SortKey::UpTo(to) => arg(&mut sql, &format!(" AND {sk_col} <= ?"), to.clone()),
    }
    // Written as the partial index's own condition, so that SQLite uses it.
    if let Some(field) = query
        .only_with
        .filter(|f| query.index == Some(Index::Gsi1) && INDEXED_FIELDS.contains(f))
    {
        sql.push_str(&format!(" AND json_extract(data, '$.{field}') IS NOT NULL"));
    }
    let op = if query.descending { "<" } else { ">" };
    let order = if query.descending { "DESC" } else { "ASC" };
    if let Some(cursor) = cursor {
        match (query.index, &cursor.index) {
            (None, _) => arg(&mut sql, &format!(" AND sk {op} ?"), cursor.key.sk.clone()),
            (Some(_), Some(index_key)) => {
                arg(
                    &mut sql,
                    &format!(" AND ({sk_col}, pk, sk) {op} (?"),
                    index_key.sk.clone(),
                );
                arg(&mut sql, ", ?", cursor.key.pk.clone());
                arg(&mut sql, ", ?)", cursor.key.sk.clone());
            }
            (Some(_), None) => return Err(StoreError::BadCursor),
        }
    }
    match query.index {
        None => sql.push_str(&format!(" ORDER BY sk {order}")),
        Some(_) => sql.push_str(&format!(
            " ORDER BY {sk_col} {order}, pk {order}, sk {order}"
        )),
    }
    sql.push_str(&format!(" LIMIT {}", query.limit + 1));
    Ok((sql, args))
}

/// The smallest string greater than every string that starts with `prefix`.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

#[async_trait]
impl ItemStore for SqliteStore {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        let key = key.clone();
        self.with(move |conn| {
            conn.prepare_cached(&SELECT_ONE)
                .map_err(StoreError::backend)?
                .query_row(params![key.pk, key.sk], read_item)
                .optional()
                .map_err(StoreError::backend)
        })
        .await
    }

    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        self.transact(vec![WriteOp::Put(item, condition)]).await
    }

    async fn delete(&self, key: &Key, condition: Condition) -> Result<(), StoreError> {
        self.transact(vec![WriteOp::Delete(key.clone(), condition)])
            .await
    }

    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        let query = query.clone();
        let cursor = query.resume_at()?;
        self.with(move |conn| {
            let (sql, args) = select(&query, cursor.as_ref())?;
            let mut statement = conn.prepare_cached(&sql).map_err(StoreError::backend)?;
            let mut items = statement
                .query_map(rusqlite::params_from_iter(args.iter()), read_item)
                .map_err(StoreError::backend)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(StoreError::backend)?;
            let cursor = if items.len() > query.limit {
                items.truncate(query.limit);
                items
                    .last()
                    .map(|last| CursorKey::of(last, query.index).encode())
            } else {
                None
            };
            Ok(Page { items, cursor })
        })
        .await
    }

    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), StoreError> {
        check_transaction(&ops)?;
        self.with(move |conn| {
            let tx = conn.transaction().map_err(StoreError::backend)?;
            match apply(&tx, &ops) {
                Ok(()) => tx.commit().map_err(StoreError::backend),
                Err(e) if e.is_condition_failed() => {
                    tx.rollback().map_err(StoreError::backend)?;
                    Err(failed(conn, &ops)?)
                }
                Err(e) => Err(e),
            }
        })
        .await
    }

    /// One commit for them all; nothing is written if one is invalid or the store fails.
    /// When one's condition fails, the commit is rolled back and those before it written
    /// again: they held, and nobody else writes while the store is held.
    async fn transact_each(&self, transactions: Vec<Vec<WriteOp>>) -> Result<usize, StoreError> {
        for ops in &transactions {
            check_transaction(ops)?;
        }
        self.with_blocking(move |conn| {
            let mut written = transactions.len();
            loop {
                let tx = conn.transaction().map_err(StoreError::backend)?;
                let mut refused = None;
                for (i, ops) in transactions[..written].iter().enumerate() {
                    match apply(&tx, ops) {
                        Ok(()) => {}
                        Err(e) if e.is_condition_failed() => {
                            refused = Some(i);
                            break;
                        }
                        Err(e) => return Err(e),
                    }
                }
                match refused {
                    None => {
                        tx.commit().map_err(StoreError::backend)?;
                        return Ok(written);
                    }
                    Some(i) => {
                        tx.rollback().map_err(StoreError::backend)?;
                        written = i;
                    }
                }
            }
        })
        .await
    }

    fn transactions_per_commit(&self) -> usize {
        TRANSACTIONS_PER_COMMIT
    }

    async fn batch_put(&self, items: Vec<Item>) -> Result<(), StoreError> {
        if items.is_empty() {
            return Ok(());
        }
        self.with(move |conn| {
            let tx = conn.transaction().map_err(StoreError::backend)?;
            for item in &items {
                upsert(&tx, item)?;
            }
            tx.commit().map_err(StoreError::backend)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn member(cf: &str, data: serde_json::Value) -> Item {
        Item::new(Key::new(format!("MEMBER#{cf}"), "PROFILE"), "member", &data)
            .unwrap()
            .with_gsi1(Key::new("ORDINE#RM", format!("MEMBER#{cf}")))
    }

    #[tokio::test]
    async fn a_commit_whose_caller_stops_waiting_ends_whole() {
        let store = SqliteStore::in_memory().unwrap();
        let transactions: Vec<Vec<WriteOp>> = (0..50)
            .map(|i| {
                let item = member(&format!("CF{i}"), json!({ "n": i }));
                vec![WriteOp::Put(item, Condition::NotExists)]
            })
            .collect();
        // Polled once, so the commit is under way on the blocking pool; then dropped, as a
        // request past its time limit is.
        let mut commit = Box::pin(store.transact_each(transactions));
        let _ = futures::poll!(commit.as_mut());
        drop(commit);
        // The commit goes on to its end: seen by a reader, it wrote none or all.
        let query = Query::new(Some(Index::Gsi1), "ORDINE#RM", SortKey::All).limit(100);
        for _ in 0..500 {
            match store.query(&query).await.unwrap().items.len() {
                50 => return,
                0 => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
                partial => panic!("{partial} of 50 transactions seen"),
            }
        }
        panic!("the commit did not end");
    }

    #[tokio::test]
    async fn only_members_with_a_mailbox_are_read_through_their_index() {
        let store = SqliteStore::in_memory().unwrap();
        store
            .batch_put(vec![
                member("A", json!({"mailbox": {"address": "a@ingpec.eu"}})),
                member("B", json!({"mailbox": null})),
                member("C", json!({})),
                member("D", json!({"mailbox": {"address": "d@ingpec.eu"}})),
            ])
            .await
            .unwrap();
        let query = Query::new(
            Some(Index::Gsi1),
            "ORDINE#RM",
            SortKey::BeginsWith("MEMBER#".into()),
        )
        .only_with("mailbox")
        .limit(1);
        let first = store.query(&query).await.unwrap();
        let rest = store
            .query(&query.clone().after(first.cursor))
            .await
            .unwrap();
        let pks: Vec<&str> = first
            .items
            .iter()
            .chain(&rest.items)
            .map(|i| i.key.pk.as_str())
            .collect();
        assert_eq!(pks, ["MEMBER#A", "MEMBER#D"]);
        assert_eq!(rest.cursor, None);
        // And through the partial index, not by reading every member of the Ordine.
        let (sql, args) = select(&query, None).unwrap();
        let conn = store.conn.lock().unwrap();
        let plan: String = conn
            .query_row(
                &format!("EXPLAIN QUERY PLAN {sql}"),
                rusqlite::params_from_iter(args.iter()),
                |row| row.get(3),
            )
            .unwrap();
        assert!(plan.contains("items_gsi1_mailbox"), "{plan}");
    }

    #[tokio::test]
    async fn a_put_over_an_item_keeps_every_index_true_in_place_or_not() {
        let store = SqliteStore::in_memory().unwrap();
        let in_rome = Query::new(Some(Index::Gsi1), "ORDINE#RM", SortKey::All);
        let with_mailbox = in_rome.clone().only_with("mailbox");
        let pks =
            |page: Page| -> Vec<String> { page.items.into_iter().map(|i| i.key.pk).collect() };
        let mut item = member("A", json!({"mailbox": null}));
        store.put(item.clone(), Condition::NotExists).await.unwrap();
        assert!(pks(store.query(&with_mailbox).await.unwrap()).is_empty());

        // The same index keys: written in place, and the mailbox's partial index follows.
        item.data = json!({"mailbox": {"address": "a@ingpec.eu"}}).to_string();
        item.version = 2;
        item.expires_at = Some(99);
        store
            .put(item.clone(), Condition::Version(1))
            .await
            .unwrap();
        let read = store.get(&item.key).await.unwrap().unwrap();
        assert_eq!((read.version, read.expires_at), (2, Some(99)));
        assert_eq!(read.data, item.data);
        assert_eq!(pks(store.query(&with_mailbox).await.unwrap()), ["MEMBER#A"]);
        // And out of it when the mailbox goes.
        let mut closed = item.clone();
        closed.data = json!({"mailbox": null}).to_string();
        closed.version = 3;
        store.put(closed, Condition::Version(2)).await.unwrap();
        assert!(pks(store.query(&with_mailbox).await.unwrap()).is_empty());
        store
            .put(item.clone(), Condition::Version(3))
            .await
            .unwrap();
        assert_eq!(pks(store.query(&with_mailbox).await.unwrap()), ["MEMBER#A"]);

        // Other index keys: the entries move.
        let moved = item
            .clone()
            .with_gsi1(Key::new("ORDINE#MI", "MEMBER#A"))
            .with_gsi2(Key::new("BLOCCATA", "A"));
        store
            .transact(vec![WriteOp::Put(moved, Condition::Version(2))])
            .await
            .unwrap();
        assert!(pks(store.query(&in_rome).await.unwrap()).is_empty());
        let in_milan = Query::new(Some(Index::Gsi1), "ORDINE#MI", SortKey::All);
        assert_eq!(pks(store.query(&in_milan).await.unwrap()), ["MEMBER#A"]);
        let blocked = Query::new(Some(Index::Gsi2), "BLOCCATA", SortKey::All);
        assert_eq!(pks(store.query(&blocked).await.unwrap()), ["MEMBER#A"]);

        // And back without the second index's key.
        let back = item.with_gsi1(Key::new("ORDINE#MI", "MEMBER#A"));
        store
            .transact(vec![WriteOp::Put(back, Condition::Always)])
            .await
            .unwrap();
        assert!(pks(store.query(&blocked).await.unwrap()).is_empty());
        assert_eq!(pks(store.query(&in_milan).await.unwrap()), ["MEMBER#A"]);
    }

    #[tokio::test]
    async fn a_file_with_smaller_pages_is_rewritten_and_keeps_its_items() {
        let dir = std::env::temp_dir().join(format!("pec-pages-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let made = dir.join("made.sqlite");
        let path = dir.join("store.sqlite");
        // A store made before the page size was chosen (4 KiB pages, in WAL), copied while
        // its last write is in the WAL only, as a server stopped without closing leaves it.
        let mut conn = Connection::open(&made).unwrap();
        conn.pragma_update(None, "page_size", 4096).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        let tx = conn.transaction().unwrap();
        upsert(&tx, &member("A", json!({"mailbox": null}))).unwrap();
        tx.commit().unwrap();
        std::fs::copy(&made, &path).unwrap();
        std::fs::copy(dir.join("made.sqlite-wal"), dir.join("store.sqlite-wal")).unwrap();
        drop(conn);

        let store = SqliteStore::open(&path).unwrap();
        let pragma = |name: &str| -> String {
            let conn = store.conn.lock().unwrap();
            conn.pragma_query_value(None, name, |row| row.get::<_, rusqlite::types::Value>(0))
                .map(|v| format!("{v:?}"))
                .unwrap()
        };
        assert_eq!(pragma("page_size"), "Integer(8192)");
        assert_eq!(pragma("journal_mode"), "Text(\"wal\")");
        let item = store.get(&Key::new("MEMBER#A", "PROFILE")).await.unwrap();
        assert!(item.is_some(), "the write in the WAL survives the rewrite");
        assert!(
            !dir.join("store.sqlite-journal").exists(),
            "no journal of the rewrite is left behind"
        );
        drop(store);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
