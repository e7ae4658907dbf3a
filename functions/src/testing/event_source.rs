//! Lambda's SQS event source, as the template configures it for the verifica's queue,
//! played against moto's SQS: up to `concurrency` invocations at once, one message each
//! (`BatchSize: 1`), a message reported as failed delivered again some seconds later, and after its
//! `max_receives`-th receive moved aside as a dead letter.

use std::sync::Mutex;
use std::time::Duration;

use aws_lambda_events::event::sqs::SqsEvent;
use aws_sdk_sqs::types::QueueAttributeName;
use futures::future::join_all;

use crate::store::ItemStore;
use crate::verifica::queue;

/// Seconds before a failed message is delivered again (the template's visibility timeout,
/// 5,400 s, scaled down to the simulation's pace).
const RETURNS_AFTER_S: i32 = 5;

/// What the event source did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delivered {
    /// Messages received (each an invocation).
    pub invocations: usize,
    /// Messages done and deleted.
    pub done: usize,
    /// Invocations that reported their message failed (it comes back).
    pub failed: usize,
    /// Messages given up after their last receive.
    pub dead_letters: usize,
}

/// Creates a queue on moto and returns its URL.
pub async fn create_queue(client: &aws_sdk_sqs::Client, name: &str) -> String {
    client
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .expect("moto makes the queue")
        .queue_url()
        .expect("a queue URL")
        .to_owned()
}

/// Delivers every message of `url` to `pec-sweep`'s handler until the queue is empty.
pub async fn drain(
    client: &aws_sdk_sqs::Client,
    url: &str,
    store: &dyn ItemStore,
    concurrency: usize,
    max_receives: usize,
) -> Delivered {
    let delivered = Mutex::new(Delivered::default());
    // Receives per message, counted here (as SQS's own count would be).
    let receives: Mutex<std::collections::HashMap<String, usize>> = Mutex::default();
    let poller = || async {
        loop {
            let received = client
                .receive_message()
                .queue_url(url)
                .max_number_of_messages(1)
                .visibility_timeout(3600)
                .send()
                .await
                .expect("moto answers");
            let Some(message) = received.messages().first().cloned() else {
                if empty(client, url).await {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            };
            let receipt = message.receipt_handle().expect("a receipt").to_owned();
            let receives = {
                let mut counts = receives.lock().expect("not poisoned");
                let count = counts
                    .entry(message.message_id().unwrap_or_default().to_owned())
                    .or_default();
                *count += 1;
                *count
            };
            let event: SqsEvent = serde_json::from_value(serde_json::json!({
                "Records": [{
                    "messageId": message.message_id(),
                    "receiptHandle": receipt,
                    "body": message.body(),
                    "eventSource": "aws:sqs",
                }]
            }))
            .expect("an SQS event");
            let response = queue::handle(store, event, &crate::verifica::NoDeadline)
                .await
                .response;
            let ok = response.batch_item_failures.is_empty();
            {
                let mut d = delivered.lock().expect("not poisoned");
                d.invocations += 1;
                if ok {
                    d.done += 1;
                } else if receives >= max_receives {
                    d.dead_letters += 1;
                } else {
                    d.failed += 1;
                }
            }
            if ok || receives >= max_receives {
                client
                    .delete_message()
                    .queue_url(url)
                    .receipt_handle(&receipt)
                    .send()
                    .await
                    .expect("moto deletes");
            } else {
                // Its visibility timeout, played shorter: the message comes back later.
                client
                    .change_message_visibility()
                    .queue_url(url)
                    .receipt_handle(&receipt)
                    .visibility_timeout(RETURNS_AFTER_S)
                    .send()
                    .await
                    .expect("moto changes the visibility");
            }
        }
    };
    join_all((0..concurrency).map(|_| poller())).await;
    delivered.into_inner().expect("not poisoned")
}

/// No message waiting and none in flight.
async fn empty(client: &aws_sdk_sqs::Client, url: &str) -> bool {
    let attributes = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .expect("moto answers");
    let count = |name| {
        attributes
            .attributes()
            .and_then(|a| a.get(&name))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0)
    };
    count(QueueAttributeName::ApproximateNumberOfMessages) == 0
        && count(QueueAttributeName::ApproximateNumberOfMessagesNotVisible) == 0
}
