//! A stand-in for DynamoDB's partition limits in front of moto (which has none): a
//! loopback proxy that counts the write units each request spends on each partition,
//! the table's and its indexes', per second, and answers
//! `ProvisionedThroughputExceededException` to a request that would take a partition
//! over its budget, as DynamoDB does over 1,000 units a second. Everything else is
//! passed to moto unchanged.
//!
//! Units follow DynamoDB's rules closely enough to compare partitions: one per KB of the
//! item written (attribute names and values), twice that in a transaction (a condition
//! check too); an index written with the item spends the same units on its own partition.
//! An update or a delete is charged as the item it replaces or removes (read from moto
//! first: its size, on its partition and its indexes'). A put that replaces an item is
//! charged as the new item only: the removal of the old item's index entries (an outbox
//! entry leaving the pending index, say) is not counted, so an index partition may take a
//! little more than the figures say. A second is counted whole: a partition may take up
//! to twice its budget across a second's boundary, as DynamoDB's burst allows.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// What the proxy saw.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    /// Requests of every kind (reads too).
    pub requests: usize,
    /// Write requests passed to moto.
    pub writes: usize,
    /// Requests answered with throttling.
    pub throttled: usize,
    /// The most units one partition took in one second, and that partition.
    pub busiest: f64,
    pub busiest_partition: String,
    /// The units each partition took in all.
    pub units: HashMap<String, f64>,
}

/// Per partition: the second counted and the units taken in it.
type Windows = HashMap<String, (u64, f64)>;

struct State {
    upstream: String,
    budget: f64,
    started: Instant,
    client: reqwest::Client,
    windows: Mutex<(Windows, Seen)>,
}

pub struct Throttle {
    pub endpoint: String,
    state: Arc<State>,
    server: tokio::task::JoinHandle<()>,
}

impl Throttle {
    /// A proxy to `upstream` allowing each partition `budget` write units a second.
    pub async fn start(upstream: &str, budget: f64) -> Self {
        let state = Arc::new(State {
            upstream: upstream.to_owned(),
            budget,
            started: Instant::now(),
            client: reqwest::Client::new(),
            windows: Mutex::default(),
        });
        let app = axum::Router::new()
            .fallback(forward)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let endpoint = format!("http://{}", listener.local_addr().expect("an address"));
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("the proxy serves");
        });
        Self {
            endpoint,
            state,
            server,
        }
    }

    pub fn seen(&self) -> Seen {
        self.state.windows.lock().expect("not poisoned").1.clone()
    }
}

impl Drop for Throttle {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn forward(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let request = serde_json::from_slice::<Value>(&body).unwrap_or_default();
    let existing = state.existing(&headers, &by_key(&target, &request)).await;
    let spends = spending(&target, &request, &existing);
    state.windows.lock().expect("not poisoned").1.requests += 1;
    if !spends.is_empty() && !state.admit(&spends) {
        let body = throttled(&target, &request);
        return (
            StatusCode::BAD_REQUEST,
            [("content-type", "application/x-amz-json-1.0")],
            body.to_string(),
        )
            .into_response();
    }
    let mut request = state.client.post(&state.upstream).body(body);
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    match request.send().await {
        Ok(answer) => {
            let status = StatusCode::from_u16(answer.status().as_u16()).expect("a status");
            let mut headers = HeaderMap::new();
            for (name, value) in answer.headers() {
                if name != "content-length" && name != "transfer-encoding" {
                    headers.insert(name.clone(), value.clone());
                }
            }
            let body = answer.bytes().await.unwrap_or_default();
            (status, headers, body).into_response()
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}

/// DynamoDB's answer to a write over a partition's budget: a transaction is cancelled with
/// a throttling reason (which the SDK does not retry: the store does), any other write
/// refused with `ProvisionedThroughputExceededException` (which the SDK retries).
fn throttled(target: &str, request: &Value) -> Value {
    if target.ends_with(".TransactWriteItems") {
        let items = request["TransactItems"].as_array().map_or(1, Vec::len);
        let reasons: Vec<Value> = (0..items)
            .map(|i| match i {
                0 => serde_json::json!({
                    "Code": "ThrottlingError",
                    "Message": "Throughput exceeds the current capacity of your table or index.",
                }),
                _ => serde_json::json!({ "Code": "None" }),
            })
            .collect();
        return serde_json::json!({
            "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
            "message": "Transaction cancelled, please refer cancellation reasons for specific reasons [ThrottlingError]",
            "CancellationReasons": reasons,
        });
    }
    serde_json::json!({
        "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
        "message": "The level of configured provisioned throughput for the table was exceeded.",
    })
}

/// The items of a request's writes by key, as they are before it: by [`lookup`].
type Existing = HashMap<String, Value>;

fn lookup(table: &str, key: &Value) -> String {
    format!("{table} {key}")
}

/// The writes of a request that name an item by key (updates, deletes): table and key.
fn by_key(target: &str, request: &Value) -> Vec<(String, Value)> {
    let table = |r: &Value| r["TableName"].as_str().unwrap_or_default().to_owned();
    match target.rsplit('.').next().unwrap_or_default() {
        "UpdateItem" | "DeleteItem" => vec![(table(request), request["Key"].clone())],
        "TransactWriteItems" => request["TransactItems"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item.get("Update").or_else(|| item.get("Delete")))
            .map(|w| (table(w), w["Key"].clone()))
            .collect(),
        "BatchWriteItem" => request["RequestItems"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(name, writes)| {
                writes
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|w| w.get("DeleteRequest"))
                    .map(|d| (name.clone(), d["Key"].clone()))
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl State {
    /// The items `writes` name, read from moto with the request's own headers (its
    /// region and account); an item absent (or unreadable) is left out.
    async fn existing(&self, headers: &HeaderMap, writes: &[(String, Value)]) -> Existing {
        let mut found = Existing::new();
        for (table, key) in writes {
            let body =
                serde_json::json!({ "TableName": table, "Key": key, "ConsistentRead": true });
            let mut request = self.client.post(&self.upstream).body(body.to_string());
            for (name, value) in headers {
                if name != "host" && name != "content-length" && name != "x-amz-target" {
                    request = request.header(name, value);
                }
            }
            let answer = request
                .header("x-amz-target", "DynamoDB_20120810.GetItem")
                .send()
                .await;
            let item = match answer {
                Ok(answer) => answer.json::<Value>().await.ok(),
                Err(_) => None,
            }
            .and_then(|mut answer| answer.get_mut("Item").map(Value::take));
            if let Some(item) = item {
                found.insert(lookup(table, key), item);
            }
        }
        found
    }

    /// Takes the request's units from each partition's second, unless one would go over.
    fn admit(&self, spends: &[(String, f64)]) -> bool {
        let second = self.started.elapsed().as_secs();
        let mut guard = self.windows.lock().expect("not poisoned");
        let (windows, seen) = &mut *guard;
        let over = spends.iter().any(|(partition, units)| {
            windows
                .get(partition)
                .filter(|(at, _)| *at == second)
                .is_some_and(|(_, taken)| taken + units > self.budget)
        });
        if over {
            seen.throttled += 1;
            return false;
        }
        seen.writes += 1;
        for (partition, units) in spends {
            let window = windows.entry(partition.clone()).or_insert((second, 0.0));
            if window.0 != second {
                *window = (second, 0.0);
            }
            window.1 += units;
            *seen.units.entry(partition.clone()).or_default() += units;
            if window.1 > seen.busiest {
                seen.busiest = window.1;
                seen.busiest_partition = partition.clone();
            }
        }
        true
    }
}

/// The partitions a write request spends units on, and how many; `existing` has the items
/// its updates and deletes name, as they are before it.
fn spending(target: &str, request: &Value, existing: &Existing) -> Vec<(String, f64)> {
    let operation = target.rsplit('.').next().unwrap_or_default();
    let table = |r: &Value| r["TableName"].as_str().unwrap_or_default().to_owned();
    let mut spends = Vec::new();
    // An item written by key: as the item it replaces or removes, at least a unit on
    // its partition if there is none.
    let replaced = |table: &str, key: &Value, factor: f64, spends: &mut Vec<_>| match existing
        .get(&lookup(table, key))
    {
        Some(item) => put(item, factor, spends),
        None => self::key(key, factor, spends),
    };
    match operation {
        "PutItem" => put(&request["Item"], 1.0, &mut spends),
        "UpdateItem" | "DeleteItem" => replaced(&table(request), &request["Key"], 1.0, &mut spends),
        "TransactWriteItems" => {
            for item in request["TransactItems"].as_array().into_iter().flatten() {
                if let Some(p) = item.get("Put") {
                    put(&p["Item"], 2.0, &mut spends);
                } else if let Some(w) = item.get("Update").or_else(|| item.get("Delete")) {
                    replaced(&table(w), &w["Key"], 2.0, &mut spends);
                } else if let Some(c) = item.get("ConditionCheck") {
                    key(&c["Key"], 2.0, &mut spends);
                }
            }
        }
        "BatchWriteItem" => {
            let tables = request["RequestItems"].as_object().into_iter().flatten();
            for (name, writes) in tables {
                for write in writes.as_array().into_iter().flatten() {
                    if let Some(p) = write.get("PutRequest") {
                        put(&p["Item"], 1.0, &mut spends);
                    } else if let Some(d) = write.get("DeleteRequest") {
                        replaced(name, &d["Key"], 1.0, &mut spends);
                    }
                }
            }
        }
        _ => {}
    }
    // One entry per partition.
    let mut merged: HashMap<String, f64> = HashMap::new();
    for (partition, units) in spends {
        *merged.entry(partition).or_default() += units;
    }
    merged.into_iter().collect()
}

/// An item written whole: its units on its partition and on each index's.
fn put(item: &Value, factor: f64, spends: &mut Vec<(String, f64)>) {
    let units = (size(item) as f64 / 1024.0).ceil().max(1.0);
    for (attribute, index) in [("PK", "table"), ("GSI1PK", "GSI1"), ("GSI2PK", "GSI2")] {
        if let Some(pk) = item[attribute]["S"].as_str() {
            let factor = if index == "table" { factor } else { 1.0 };
            spends.push((format!("{index} {pk}"), units * factor));
        }
    }
}

/// An item named by key and not seen (a condition check, an item absent): a unit on its
/// partition.
fn key(key: &Value, factor: f64, spends: &mut Vec<(String, f64)>) {
    if let Some(pk) = key["PK"]["S"].as_str() {
        spends.push((format!("table {pk}"), factor));
    }
}

/// An item's size as DynamoDB counts it, near enough: names and values in bytes.
fn size(item: &Value) -> usize {
    fn value(v: &Value) -> usize {
        let Some((kind, inner)) = v.as_object().and_then(|o| o.iter().next()) else {
            return 1;
        };
        match kind.as_str() {
            "S" | "N" => inner.as_str().map_or(1, str::len),
            "B" => inner.as_str().map_or(1, |b| b.len() * 3 / 4),
            "M" => 3 + size(inner),
            "L" => {
                3 + inner
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(value)
                    .sum::<usize>()
            }
            "SS" | "NS" => inner
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| s.as_str().map_or(1, str::len))
                .sum(),
            _ => 1,
        }
    }
    item.as_object()
        .into_iter()
        .flatten()
        .map(|(name, v)| name.len() + value(v))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_transaction_spends_twice_on_the_table_and_once_on_each_index() {
        let item = json!({"PK": {"S": "MEMBER#X"}, "SK": {"S": "PROFILE"}, "GSI1PK": {"S": "ORDINE#RM"}, "data": {"S": "x".repeat(1500)}});
        let mut spent = spending(
            "DynamoDB_20120810.TransactWriteItems",
            &json!({"TransactItems": [{"Put": {"Item": item}}, {"Update": {"Key": {"PK": {"S": "META"}}}}]}),
            &Existing::new(),
        );
        spent.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            spent,
            vec![
                ("GSI1 ORDINE#RM".to_owned(), 2.0),
                ("table MEMBER#X".to_owned(), 4.0),
                ("table META".to_owned(), 2.0),
            ]
        );
        assert!(spending("DynamoDB_20120810.Query", &json!({}), &Existing::new()).is_empty());
    }

    #[test]
    fn a_delete_spends_as_the_item_it_removes_on_its_partition_and_its_indexes() {
        let key = json!({"PK": {"S": "ITEM#1"}, "SK": {"S": "A"}});
        let item = json!({"PK": {"S": "ITEM#1"}, "SK": {"S": "A"}, "GSI1PK": {"S": "INDEXED"}, "data": {"S": "x".repeat(2500)}});
        let request = json!({"TableName": "pec", "TransactItems": [{"Delete": {"TableName": "pec", "Key": key}}]});
        let target = "DynamoDB_20120810.TransactWriteItems";
        assert_eq!(
            by_key(target, &request),
            vec![("pec".to_owned(), key.clone())]
        );
        let existing = Existing::from([(lookup("pec", &key), item)]);
        let mut spent = spending(target, &request, &existing);
        spent.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            spent,
            vec![
                ("GSI1 INDEXED".to_owned(), 3.0),
                ("table ITEM#1".to_owned(), 6.0),
            ]
        );
        // Gone already: a unit, twice in a transaction, on its partition.
        assert_eq!(
            spending(target, &request, &Existing::new()),
            vec![("table ITEM#1".to_owned(), 2.0)]
        );
    }
}
