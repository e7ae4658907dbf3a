//! The production adapter: one DynamoDB table (`PK`, `SK`, indexes `GSI1` and `GSI2`,
//! TTL on `ttl`), the entity's fields as a JSON document in `data`.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, Delete, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, Projection, ProjectionType, Put, PutRequest, ScalarAttributeType,
    TransactWriteItem, WriteRequest,
};

use super::{
    Condition, CursorKey, Index, Item, ItemStore, Key, Page, Query, SortKey, StoreError, WriteOp,
    check_transaction,
};

type Attrs = HashMap<String, AttributeValue>;

/// Index names and their key attributes, as the infrastructure template declares them.
pub const INDEXES: [(&str, &str, &str); 2] =
    [("GSI1", "GSI1PK", "GSI1SK"), ("GSI2", "GSI2PK", "GSI2SK")];
pub const TTL_ATTRIBUTE: &str = "ttl";

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// The table `PEC_TABLE`, as the Lambda functions find it.
    pub fn from_env(config: &aws_config::SdkConfig) -> Result<Self, &'static str> {
        let table = std::env::var("PEC_TABLE").map_err(|_| "PEC_TABLE is not set")?;
        Ok(Self::new(Client::new(config), table))
    }

    /// Creates the table as the template does (for tests and local runs against an emulator).
    pub async fn create_table(&self) -> Result<(), StoreError> {
        let string_attr = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .map_err(StoreError::backend)
        };
        let key = |name: &str, kind: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build()
                .map_err(StoreError::backend)
        };
        let mut request = self
            .client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .key_schema(key("PK", KeyType::Hash)?)
            .key_schema(key("SK", KeyType::Range)?);
        for name in ["PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK"] {
            request = request.attribute_definitions(string_attr(name)?);
        }
        for (index, pk, sk) in INDEXES {
            request = request.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(index)
                    .key_schema(key(pk, KeyType::Hash)?)
                    .key_schema(key(sk, KeyType::Range)?)
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::All)
                            .build(),
                    )
                    .build()
                    .map_err(StoreError::backend)?,
            );
        }
        request.send().await.map_err(StoreError::backend)?;
        Ok(())
    }
}

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

fn key_attrs(key: &Key) -> Attrs {
    HashMap::from([("PK".to_owned(), s(&key.pk)), ("SK".to_owned(), s(&key.sk))])
}

fn to_attrs(item: &Item) -> Result<Attrs, StoreError> {
    let mut attrs = key_attrs(&item.key);
    for (keys, (_, pk, sk)) in [(&item.gsi1, INDEXES[0]), (&item.gsi2, INDEXES[1])] {
        if let Some(k) = keys {
            attrs.insert(pk.to_owned(), s(&k.pk));
            attrs.insert(sk.to_owned(), s(&k.sk));
        }
    }
    attrs.insert("entity_type".into(), s(&item.entity_type));
    attrs.insert(
        "version".into(),
        AttributeValue::N(item.version.to_string()),
    );
    if let Some(ttl) = item.expires_at {
        attrs.insert(TTL_ATTRIBUTE.into(), AttributeValue::N(ttl.to_string()));
    }
    attrs.insert("data".into(), AttributeValue::S(item.data.clone()));
    Ok(attrs)
}

fn from_attrs(attrs: &Attrs) -> Result<Item, StoreError> {
    let text = |name: &str| attrs.get(name).and_then(|v| v.as_s().ok()).cloned();
    let number = |name: &str| {
        attrs
            .get(name)
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse::<i64>().ok())
    };
    let key = Key::new(
        text("PK").unwrap_or_default(),
        text("SK").unwrap_or_default(),
    );
    let corrupt = |reason: &str| StoreError::Corrupt {
        key: key.clone(),
        reason: reason.to_owned(),
    };
    let pair = |pk: &str, sk: &str| text(pk).zip(text(sk)).map(|(p, s)| Key::new(p, s));
    let data = text("data").ok_or_else(|| corrupt("no data"))?;
    Ok(Item {
        gsi1: pair("GSI1PK", "GSI1SK"),
        gsi2: pair("GSI2PK", "GSI2SK"),
        entity_type: text("entity_type").unwrap_or_default(),
        version: number("version").ok_or_else(|| corrupt("no version"))? as u64,
        expires_at: number(TTL_ATTRIBUTE),
        data,
        key,
    })
}

/// A conditional write's outcome: a failed condition is `ConditionFailed`.
fn conditional<T, E, R>(
    result: Result<T, aws_sdk_dynamodb::error::SdkError<E, R>>,
    failed_condition: impl Fn(&E) -> bool,
) -> Result<(), StoreError>
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(()),
        Err(e) if e.as_service_error().is_some_and(&failed_condition) => {
            Err(StoreError::condition_failed())
        }
        Err(e) => Err(StoreError::backend(e)),
    }
}

/// The condition expression and its values.
fn condition(condition: &Condition) -> (Option<&'static str>, Option<Attrs>) {
    match condition {
        Condition::Always => (None, None),
        Condition::NotExists => (Some("attribute_not_exists(PK)"), None),
        Condition::Exists => (Some("attribute_exists(PK)"), None),
        Condition::Version(v) => (
            Some("version = :expected"),
            Some(HashMap::from([(
                ":expected".to_owned(),
                AttributeValue::N(v.to_string()),
            )])),
        ),
    }
}

#[async_trait]
impl ItemStore for DynamoStore {
    #[tracing::instrument(skip_all, fields(pk = %key.pk))]
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::backend)?;
        output.item().map(from_attrs).transpose()
    }

    #[tracing::instrument(skip_all, fields(pk = %item.key.pk))]
    async fn put(&self, item: Item, condition_: Condition) -> Result<(), StoreError> {
        let (expression, values) = condition(&condition_);
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_attrs(&item)?))
            .set_condition_expression(expression.map(str::to_owned))
            .set_expression_attribute_values(values)
            .send()
            .await;
        conditional(result, |e| e.is_conditional_check_failed_exception())
    }

    #[tracing::instrument(skip_all, fields(pk = %key.pk))]
    async fn delete(&self, key: &Key, condition_: Condition) -> Result<(), StoreError> {
        let (expression, values) = condition(&condition_);
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_attrs(key)))
            .set_condition_expression(expression.map(str::to_owned))
            .set_expression_attribute_values(values)
            .send()
            .await;
        conditional(result, |e| e.is_conditional_check_failed_exception())
    }

    #[tracing::instrument(skip_all, fields(pk = %query.pk))]
    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        let (index_name, pk_attr, sk_attr) = match query.index {
            None => (None, "PK", "SK"),
            Some(Index::Gsi1) => (Some(INDEXES[0].0), INDEXES[0].1, INDEXES[0].2),
            Some(Index::Gsi2) => (Some(INDEXES[1].0), INDEXES[1].1, INDEXES[1].2),
        };
        let mut values = HashMap::from([(":pk".to_owned(), s(&query.pk))]);
        let mut names = HashMap::from([("#pk".to_owned(), pk_attr.to_owned())]);
        let mut expression = "#pk = :pk".to_owned();
        match &query.sk {
            SortKey::All => {}
            SortKey::BeginsWith(prefix) => {
                expression.push_str(" AND begins_with(#sk, :prefix)");
                values.insert(":prefix".into(), s(prefix));
                names.insert("#sk".into(), sk_attr.into());
            }
            SortKey::Between(from, to) => {
                expression.push_str(" AND #sk BETWEEN :from AND :to");
                values.insert(":from".into(), s(from));
                values.insert(":to".into(), s(to));
                names.insert("#sk".into(), sk_attr.into());
            }
            SortKey::UpTo(to) => {
                expression.push_str(" AND #sk <= :to");
                values.insert(":to".into(), s(to));
                names.insert("#sk".into(), sk_attr.into());
            }
        }
        let start = match query.resume_at()? {
            None => None,
            Some(cursor) => {
                let mut start = key_attrs(&cursor.key);
                if query.index.is_some() {
                    let index_key = cursor.index.ok_or(StoreError::BadCursor)?;
                    start.insert(pk_attr.to_owned(), s(&index_key.pk));
                    start.insert(sk_attr.to_owned(), s(&index_key.sk));
                }
                Some(start)
            }
        };
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .set_index_name(index_name.map(str::to_owned))
            .key_condition_expression(expression)
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .limit(query.limit as i32)
            // The table's own partitions (a target's audit chain beside its head) are read
            // consistently; indexes cannot be.
            .consistent_read(query.index.is_none())
            .scan_index_forward(!query.descending)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(StoreError::backend)?;
        let items = output
            .items()
            .iter()
            .map(from_attrs)
            .collect::<Result<Vec<_>, _>>()?;
        let cursor = match (output.last_evaluated_key(), items.last()) {
            (Some(_), Some(last)) => Some(CursorKey::of(last, query.index).encode()),
            _ => None,
        };
        Ok(Page { items, cursor })
    }

    #[tracing::instrument(skip_all, fields(ops = ops.len()))]
    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), StoreError> {
        check_transaction(&ops)?;
        let mut items = Vec::with_capacity(ops.len());
        for op in &ops {
            let item = match op {
                WriteOp::Put(item, c) => {
                    let (expression, values) = condition(c);
                    TransactWriteItem::builder().put(
                        Put::builder()
                            .table_name(&self.table)
                            .set_item(Some(to_attrs(item)?))
                            .set_condition_expression(expression.map(str::to_owned))
                            .set_expression_attribute_values(values)
                            .build()
                            .map_err(StoreError::backend)?,
                    )
                }
                WriteOp::Delete(key, c) => {
                    let (expression, values) = condition(c);
                    TransactWriteItem::builder().delete(
                        Delete::builder()
                            .table_name(&self.table)
                            .set_key(Some(key_attrs(key)))
                            .set_condition_expression(expression.map(str::to_owned))
                            .set_expression_attribute_values(values)
                            .build()
                            .map_err(StoreError::backend)?,
                    )
                }
                WriteOp::Check(key, c) => {
                    let (expression, values) = condition(c);
                    TransactWriteItem::builder().condition_check(
                        ConditionCheck::builder()
                            .table_name(&self.table)
                            .set_key(Some(key_attrs(key)))
                            .condition_expression(
                                expression
                                    .unwrap_or("attribute_exists(PK) OR attribute_not_exists(PK)"),
                            )
                            .set_expression_attribute_values(values)
                            .build()
                            .map_err(StoreError::backend)?,
                    )
                }
            };
            items.push(item.build());
        }
        use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError as E;
        let mut delay = Duration::from_millis(100);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            let e = match sent {
                Ok(_) => return Ok(()),
                Err(e) => e,
            };
            // A busy partition cancels the transaction with a throttling reason, which the
            // SDK does not retry by itself: back off (full jitter) and send it again.
            let throttled = match e.as_service_error() {
                Some(E::TransactionCanceledException(cancelled)) => {
                    let reasons = cancelled.cancellation_reasons();
                    reasons.iter().any(|r| {
                        matches!(
                            r.code(),
                            Some("ThrottlingError" | "ProvisionedThroughputExceeded")
                        )
                    }) && !reasons
                        .iter()
                        .any(|r| r.code() == Some("ConditionalCheckFailed"))
                }
                _ => false,
            };
            if throttled && attempt < THROTTLED_ATTEMPTS {
                tokio::time::sleep(delay.mul_f64(rand::random::<f64>())).await;
                delay = (delay * 2).min(Duration::from_secs(5));
                continue;
            }
            return Err(transaction_error(e));
        }
    }

    #[tracing::instrument(skip_all, fields(items = items.len()))]
    async fn batch_put(&self, items: Vec<Item>) -> Result<(), StoreError> {
        for chunk in items.chunks(25) {
            let mut pending = chunk
                .iter()
                .map(|item| {
                    Ok(WriteRequest::builder()
                        .put_request(
                            PutRequest::builder()
                                .set_item(Some(to_attrs(item)?))
                                .build()
                                .map_err(StoreError::backend)?,
                        )
                        .build())
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let mut delay = Duration::from_millis(50);
            while !pending.is_empty() {
                let output = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .map_err(StoreError::backend)?;
                pending = output
                    .unprocessed_items()
                    .and_then(|u| u.get(&self.table).cloned())
                    .unwrap_or_default();
                if !pending.is_empty() {
                    // Unprocessed items mean throttling: back off, then retry them.
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
        Ok(())
    }
}

/// Sends of a transaction that a busy partition cancelled, before it is an error.
const THROTTLED_ATTEMPTS: usize = 8;

type TransactError = aws_sdk_dynamodb::error::SdkError<
    aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError,
    aws_sdk_dynamodb::config::http::HttpResponse,
>;

/// A cancelled transaction is `ConditionFailed` when its data decided it (a condition, a
/// conflict with another transaction); anything else is the backend's error.
fn transaction_error(e: TransactError) -> StoreError {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError as E;
    match e.as_service_error() {
        Some(E::TransactionCanceledException(cancelled)) => {
            let reasons = cancelled.cancellation_reasons();
            let failed: Vec<usize> = reasons
                .iter()
                .enumerate()
                .filter(|(_, r)| r.code() == Some("ConditionalCheckFailed"))
                .map(|(i, _)| i)
                .collect();
            let conflict = reasons
                .iter()
                .any(|r| r.code() == Some("TransactionConflict"));
            if failed.is_empty() && !conflict {
                // Throttling or a validation problem: not about the data.
                StoreError::backend(e)
            } else {
                StoreError::ConditionFailed { failed }
            }
        }
        _ => StoreError::backend(e),
    }
}
