//! One suite of behaviours every [`ItemStore`] adapter must show, run against SQLite and
//! against DynamoDB (moto) by the tests in `functions/tests/`.

use serde_json::json;

use super::{
    Condition, CursorKey, Index, Item, ItemStore, Key, Query, SortKey, StoreError, WriteOp,
};

type Outcome = Result<(), String>;

macro_rules! check {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

fn item(pk: &str, sk: &str, n: i64) -> Item {
    Item::new(
        Key::new(pk, sk),
        "test",
        &json!({ "n": n, "text": "città €", "nested": { "list": [1, 2] } }),
    )
    .expect("json")
}

fn err<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    format!("{r:?}")
}

/// Every check of the suite, by name.
pub async fn run_all(store: &dyn ItemStore) -> Result<(), String> {
    let checks: Vec<(&str, Outcome)> = vec![
        ("round_trip", round_trip(store).await),
        ("create_is_conditional", create_is_conditional(store).await),
        (
            "replace_checks_the_version",
            replace_checks_the_version(store).await,
        ),
        ("delete_is_conditional", delete_is_conditional(store).await),
        (
            "queries_page_in_key_order",
            queries_page_in_key_order(store).await,
        ),
        (
            "index_queries_page_across_ties",
            index_queries_page_across_ties(store).await,
        ),
        (
            "transactions_are_all_or_nothing",
            transactions_are_all_or_nothing(store).await,
        ),
        (
            "invalid_transactions_are_refused",
            invalid_transactions_are_refused(store).await,
        ),
        (
            "transactions_each_stand_alone",
            transactions_each_stand_alone(store).await,
        ),
        ("batch_put_writes_many", batch_put_writes_many(store).await),
        (
            "bad_cursors_are_refused",
            bad_cursors_are_refused(store).await,
        ),
    ];
    let failures: Vec<String> = checks
        .into_iter()
        .filter_map(|(name, outcome)| outcome.err().map(|e| format!("{name}: {e}")))
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

async fn round_trip(store: &dyn ItemStore) -> Outcome {
    let key = Key::new("RT#1", "A");
    check!(
        store.get(&key).await.map_err(|e| e.to_string())?.is_none(),
        "missing item found"
    );
    let written = item("RT#1", "A", 7)
        .with_gsi1(Key::new("G1#x", "s1"))
        .with_gsi2(Key::new("G2#x", "s2"))
        .expiring_at(4_000_000_000);
    store
        .put(written.clone(), Condition::Always)
        .await
        .map_err(|e| e.to_string())?;
    let read = store.get(&key).await.map_err(|e| e.to_string())?;
    check!(
        read.as_ref() == Some(&written),
        "read {read:?}, wrote {written:?}"
    );
    Ok(())
}

async fn create_is_conditional(store: &dyn ItemStore) -> Outcome {
    store
        .put(item("CR#1", "A", 1), Condition::NotExists)
        .await
        .map_err(|e| e.to_string())?;
    let second = store.put(item("CR#1", "A", 2), Condition::NotExists).await;
    check!(
        matches!(second, Err(StoreError::ConditionFailed { .. })),
        "second create: {}",
        err(second)
    );
    let kept = store
        .get(&Key::new("CR#1", "A"))
        .await
        .map_err(|e| e.to_string())?
        .unwrap();
    check!(field(&kept, "n") == 1, "the first write was overwritten");
    let must_exist = store.put(item("CR#2", "A", 1), Condition::Exists).await;
    check!(
        matches!(must_exist, Err(StoreError::ConditionFailed { .. })),
        "exists on missing: {}",
        err(must_exist)
    );
    store
        .put(item("CR#1", "A", 3).with_version(2), Condition::Exists)
        .await
        .map_err(|e| e.to_string())?;
    let replaced = store
        .get(&Key::new("CR#1", "A"))
        .await
        .map_err(|e| e.to_string())?
        .unwrap();
    check!(field(&replaced, "n") == 3, "exists on present not written");
    Ok(())
}

async fn replace_checks_the_version(store: &dyn ItemStore) -> Outcome {
    store
        .put(item("RP#1", "A", 1), Condition::NotExists)
        .await
        .map_err(|e| e.to_string())?;
    store
        .put(item("RP#1", "A", 2).with_version(2), Condition::Version(1))
        .await
        .map_err(|e| e.to_string())?;
    let stale = store
        .put(item("RP#1", "A", 3).with_version(2), Condition::Version(1))
        .await;
    check!(
        matches!(stale, Err(StoreError::ConditionFailed { .. })),
        "stale replace: {}",
        err(stale)
    );
    let missing = store.put(item("RP#2", "A", 1), Condition::Version(1)).await;
    check!(
        matches!(missing, Err(StoreError::ConditionFailed { .. })),
        "replace of missing: {}",
        err(missing)
    );
    let read = store
        .get(&Key::new("RP#1", "A"))
        .await
        .map_err(|e| e.to_string())?
        .unwrap();
    check!(read.version == 2 && field(&read, "n") == 2, "read {read:?}");
    Ok(())
}

async fn delete_is_conditional(store: &dyn ItemStore) -> Outcome {
    store
        .put(item("DL#1", "A", 1), Condition::Always)
        .await
        .map_err(|e| e.to_string())?;
    let wrong = store
        .delete(&Key::new("DL#1", "A"), Condition::Version(9))
        .await;
    check!(
        matches!(wrong, Err(StoreError::ConditionFailed { .. })),
        "delete with wrong version: {}",
        err(wrong)
    );
    store
        .delete(&Key::new("DL#1", "A"), Condition::Version(1))
        .await
        .map_err(|e| e.to_string())?;
    check!(
        store
            .get(&Key::new("DL#1", "A"))
            .await
            .map_err(|e| e.to_string())?
            .is_none(),
        "not deleted"
    );
    Ok(())
}

async fn all_pages(store: &dyn ItemStore, query: Query) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    let mut cursor = None;
    for _ in 0..100 {
        let page = store
            .query(&query.clone().after(cursor))
            .await
            .map_err(|e| e.to_string())?;
        if page.items.len() > query.limit {
            return Err(format!(
                "page of {} items over the limit {}",
                page.items.len(),
                query.limit
            ));
        }
        items.extend(page.items);
        cursor = page.cursor;
        if cursor.is_none() {
            return Ok(items);
        }
    }
    Err("pagination does not end".into())
}

async fn queries_page_in_key_order(store: &dyn ItemStore) -> Outcome {
    let items: Vec<Item> = (0..23)
        .map(|i| item("QY#1", &format!("B#{i:03}"), i))
        .collect();
    store.batch_put(items).await.map_err(|e| e.to_string())?;
    for other in ["A#000", "C#000", "B"] {
        store
            .put(item("QY#1", other, -1), Condition::Always)
            .await
            .map_err(|e| e.to_string())?;
    }
    store
        .put(item("QY#2", "B#000", -1), Condition::Always)
        .await
        .map_err(|e| e.to_string())?;

    let prefix = all_pages(
        store,
        Query::new(None, "QY#1", SortKey::BeginsWith("B#".into())).limit(5),
    )
    .await?;
    let sks: Vec<&str> = prefix.iter().map(|i| i.key.sk.as_str()).collect();
    let expected: Vec<String> = (0..23).map(|i| format!("B#{i:03}")).collect();
    check!(sks == expected, "begins_with pages: {sks:?}");

    let desc = all_pages(
        store,
        Query::new(None, "QY#1", SortKey::BeginsWith("B#".into()))
            .limit(4)
            .descending(),
    )
    .await?;
    check!(
        desc.first().map(|i| i.key.sk.as_str()) == Some("B#022") && desc.len() == 23,
        "descending"
    );

    let between = all_pages(
        store,
        Query::new(
            None,
            "QY#1",
            SortKey::Between("B#005".into(), "B#009".into()),
        )
        .limit(2),
    )
    .await?;
    check!(
        between.len() == 5 && between[0].key.sk == "B#005",
        "between: {}",
        between.len()
    );

    let up_to = all_pages(
        store,
        Query::new(None, "QY#1", SortKey::UpTo("B#002".into())).limit(10),
    )
    .await?;
    let sks: Vec<&str> = up_to.iter().map(|i| i.key.sk.as_str()).collect();
    check!(
        sks == ["A#000", "B", "B#000", "B#001", "B#002"],
        "up to: {sks:?}"
    );

    let everything = all_pages(store, Query::new(None, "QY#1", SortKey::All).limit(100)).await?;
    check!(
        everything.len() == 26,
        "all of the partition: {}",
        everything.len()
    );
    check!(
        everything[0].key.sk == "A#000" && everything[1].key.sk == "B",
        "byte order: {:?}",
        everything[1].key
    );
    Ok(())
}

async fn index_queries_page_across_ties(store: &dyn ItemStore) -> Outcome {
    // Ten items share each index sort key: paging must still see each exactly once.
    let mut items = Vec::new();
    for i in 0..30 {
        items.push(
            item(&format!("IX#{i:02}"), "A", i).with_gsi1(Key::new("GIX", format!("S#{}", i % 3))),
        );
    }
    items.push(item("IX#other", "A", 0).with_gsi1(Key::new("GIX-other", "S#0")));
    items.push(item("IX#none", "A", 0));
    store.batch_put(items).await.map_err(|e| e.to_string())?;
    let found = all_pages(
        store,
        Query::new(Some(Index::Gsi1), "GIX", SortKey::All).limit(7),
    )
    .await?;
    let mut pks: Vec<String> = found.iter().map(|i| i.key.pk.clone()).collect();
    check!(
        found
            .windows(2)
            .all(|w| w[0].gsi1.as_ref().unwrap().sk <= w[1].gsi1.as_ref().unwrap().sk),
        "not in index order"
    );
    pks.sort();
    pks.dedup();
    check!(
        pks.len() == 30 && found.len() == 30,
        "seen {} distinct of {}",
        pks.len(),
        found.len()
    );
    let prefixed = all_pages(
        store,
        Query::new(Some(Index::Gsi1), "GIX", SortKey::BeginsWith("S#1".into())).limit(4),
    )
    .await?;
    check!(
        prefixed.len() == 10,
        "index begins_with: {}",
        prefixed.len()
    );
    Ok(())
}

async fn transactions_are_all_or_nothing(store: &dyn ItemStore) -> Outcome {
    store
        .put(item("TX#taken", "A", 1), Condition::Always)
        .await
        .map_err(|e| e.to_string())?;
    store
        .put(item("TX#del", "A", 1), Condition::Always)
        .await
        .map_err(|e| e.to_string())?;
    let failing = vec![
        WriteOp::Put(item("TX#new", "A", 1), Condition::NotExists),
        WriteOp::Delete(Key::new("TX#del", "A"), Condition::Always),
        WriteOp::Put(item("TX#taken", "A", 2), Condition::NotExists),
    ];
    let result = store.transact(failing).await;
    check!(
        matches!(&result, Err(StoreError::ConditionFailed { failed }) if failed == &vec![2]),
        "cancellation: {}",
        err(result)
    );
    // Every condition that fails is named, not only the first.
    let two_failing = vec![
        WriteOp::Check(Key::new("TX#del", "A"), Condition::Version(9)),
        WriteOp::Put(item("TX#new", "A", 1), Condition::NotExists),
        WriteOp::Put(item("TX#taken", "A", 2), Condition::NotExists),
    ];
    let result = store.transact(two_failing).await;
    check!(
        matches!(&result, Err(StoreError::ConditionFailed { failed }) if failed == &vec![0, 2]),
        "cancellation of two: {}",
        err(result)
    );
    check!(
        store
            .get(&Key::new("TX#new", "A"))
            .await
            .map_err(|e| e.to_string())?
            .is_none(),
        "half written"
    );
    check!(
        store
            .get(&Key::new("TX#del", "A"))
            .await
            .map_err(|e| e.to_string())?
            .is_some(),
        "half deleted"
    );

    let succeeding = vec![
        WriteOp::Put(item("TX#new", "A", 1), Condition::NotExists),
        WriteOp::Delete(Key::new("TX#del", "A"), Condition::Version(1)),
        WriteOp::Check(Key::new("TX#taken", "A"), Condition::Version(1)),
    ];
    store
        .transact(succeeding)
        .await
        .map_err(|e| e.to_string())?;
    check!(
        store
            .get(&Key::new("TX#new", "A"))
            .await
            .map_err(|e| e.to_string())?
            .is_some(),
        "not written"
    );
    check!(
        store
            .get(&Key::new("TX#del", "A"))
            .await
            .map_err(|e| e.to_string())?
            .is_none(),
        "not deleted"
    );
    Ok(())
}

async fn invalid_transactions_are_refused(store: &dyn ItemStore) -> Outcome {
    let twice = vec![
        WriteOp::Put(item("TV#1", "A", 1), Condition::Always),
        WriteOp::Put(item("TV#1", "A", 2), Condition::Always),
    ];
    let result = store.transact(twice).await;
    check!(
        matches!(result, Err(StoreError::InvalidTransaction)),
        "same item twice: {}",
        err(result)
    );
    let too_many = (0..101)
        .map(|i| WriteOp::Put(item(&format!("TV#{i}"), "A", i), Condition::Always))
        .collect();
    let result = store.transact(too_many).await;
    check!(
        matches!(result, Err(StoreError::InvalidTransaction)),
        "101 operations: {}",
        err(result)
    );
    Ok(())
}

async fn transactions_each_stand_alone(store: &dyn ItemStore) -> Outcome {
    let present = |sk: &'static str| async move {
        store
            .get(&Key::new("TE#1", sk))
            .await
            .map(|i| i.is_some())
            .map_err(|e| e.to_string())
    };
    // The second meets what the first wrote: it writes nothing, and the third is not tried.
    let written = store
        .transact_each(vec![
            vec![WriteOp::Put(item("TE#1", "a", 1), Condition::NotExists)],
            vec![
                WriteOp::Put(item("TE#1", "b", 1), Condition::NotExists),
                WriteOp::Put(item("TE#1", "a", 2), Condition::NotExists),
            ],
            vec![WriteOp::Put(item("TE#1", "c", 1), Condition::NotExists)],
        ])
        .await
        .map_err(|e| e.to_string())?;
    check!(written == 1, "written: {written}");
    check!(present("a").await?, "the first not written");
    check!(!present("b").await?, "the failed one half written");
    check!(!present("c").await?, "the one after the failed one written");
    // Each reads what those before it wrote.
    let written = store
        .transact_each(vec![
            vec![WriteOp::Put(item("TE#1", "c", 1), Condition::NotExists)],
            vec![
                WriteOp::Check(Key::new("TE#1", "c"), Condition::Version(1)),
                WriteOp::Put(item("TE#1", "b", 1), Condition::NotExists),
            ],
        ])
        .await
        .map_err(|e| e.to_string())?;
    check!(written == 2, "written: {written}");
    check!(present("b").await?, "the second not written");
    // An invalid transaction is refused as `transact` refuses it.
    let result = store
        .transact_each(vec![
            vec![
                WriteOp::Put(item("TE#1", "d", 1), Condition::Always),
                WriteOp::Put(item("TE#1", "d", 2), Condition::Always),
            ],
            vec![WriteOp::Put(item("TE#1", "e", 1), Condition::Always)],
        ])
        .await;
    check!(
        matches!(result, Err(StoreError::InvalidTransaction)),
        "same item twice: {}",
        err(result)
    );
    check!(
        !present("d").await? && !present("e").await?,
        "written after an invalid transaction"
    );
    Ok(())
}

async fn batch_put_writes_many(store: &dyn ItemStore) -> Outcome {
    let items: Vec<Item> = (0..60)
        .map(|i| item("BP#1", &format!("{i:03}"), i))
        .collect();
    store.batch_put(items).await.map_err(|e| e.to_string())?;
    let all = all_pages(store, Query::new(None, "BP#1", SortKey::All).limit(1000)).await?;
    check!(all.len() == 60, "batch wrote {}", all.len());
    Ok(())
}

async fn bad_cursors_are_refused(store: &dyn ItemStore) -> Outcome {
    let result = store
        .query(&Query::new(None, "QY#1", SortKey::All).after(Some("not-a-cursor".into())))
        .await;
    check!(
        matches!(result, Err(StoreError::BadCursor)),
        "garbage cursor: {}",
        err(result)
    );
    // A real cursor of another query, and a well-formed one with an empty key.
    let other = CursorKey {
        key: Key::new("QY#2", "0001"),
        index: None,
    }
    .encode();
    let empty = CursorKey {
        key: Key::new("QY#1", ""),
        index: None,
    }
    .encode();
    for cursor in [other, empty] {
        let result = store
            .query(&Query::new(None, "QY#1", SortKey::All).after(Some(cursor)))
            .await;
        check!(
            matches!(result, Err(StoreError::BadCursor)),
            "another query's cursor: {}",
            err(result)
        );
    }
    Ok(())
}

/// One field of an item's data (null if it has none, or cannot be read).
fn field(item: &Item, name: &str) -> serde_json::Value {
    item.decode::<serde_json::Value>()
        .map(|data| data[name].clone())
        .unwrap_or_default()
}
