//! Each Lambda binary as Lambda runs it: started with `AWS_LAMBDA_RUNTIME_API` pointing at
//! a runtime API on loopback, it takes a real event (an API Gateway HTTP API v2 request, a
//! DynamoDB stream record, the scheduler's input, an SQS message) and answers, against DynamoDB and SES in
//! moto through the SDK's usual environment. This proves the bootstrap without AWS.

mod runtime_api;
mod support;

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use functions::repo::outbox::{self, OutboxCommand};
use functions::store::{Condition, Item, ItemStore, keys};
use functions::testing::{Moto, event_source};
use runtime_api::{Emulator, Outcome};
use serde_json::{Value, json};
use support::{Api, albo_row, cf};
use tokio::process::{Child, Command};

const ANSWER: Duration = Duration::from_secs(30);

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Starts `binary` as Lambda would, on `table` in moto, against a new runtime API.
async fn start(
    binary: &str,
    moto: &Moto,
    table: &str,
    extra: &[(&str, &str)],
) -> (Emulator, Child) {
    let emulator = Emulator::start().await;
    let started = Instant::now();
    let child = Command::new(binary)
        .envs(emulator.lambda_env(table))
        .envs([
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_ENDPOINT_URL", moto.endpoint.as_str()),
            ("PEC_TABLE", table),
            ("RUST_LOG", "warn"),
        ])
        .envs(extra.iter().copied())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let first = emulator.first_next(ANSWER).await;
    // A figure to read, not a check: the cold-start benchmark measures it properly.
    eprintln!("{binary}: first `next` after {:?}", first - started);
    (emulator, child)
}

fn response(outcome: Outcome) -> Value {
    match outcome {
        Outcome::Response(value) => value,
        Outcome::Error(error) => panic!("the function failed: {error}"),
    }
}

fn body(response: &Value) -> Value {
    serde_json::from_str(response["body"].as_str().expect("a body")).expect("a JSON body")
}

/// The catalog's API Gateway event, made a public `POST path` with a JSON body.
fn public_post(path: &str, json: &Value) -> Value {
    let mut event = fixture("apigw-v2-catalog.json");
    event["routeKey"] = json!(format!("POST {path}"));
    event["rawPath"] = json!(path);
    event["requestContext"]["http"]["method"] = json!("POST");
    event["requestContext"]["http"]["path"] = json!(path);
    event["requestContext"]["routeKey"] = event["routeKey"].clone();
    event["headers"]["content-type"] = json!("application/json");
    event["body"] = json!(json.to_string());
    event
}

/// A public request's identity document, to be sent to the bucket.
fn document_to_send() -> Value {
    json!({
        "codice_fiscale": cf("Verdi", "Luca", 3),
        "sha256": "ab".repeat(32),
        "dimensione": 2048,
    })
}

const UNKNOWN: &str = "Questa operazione non esiste.";

#[tokio::test]
async fn pec_api_answers_api_gateway_http_events() {
    let moto = Moto::start().await;
    let store: Arc<dyn ItemStore> = Arc::new(moto.store("lambda-api").await);
    Api::new(store)
        .register(&[albo_row(
            "Anna",
            "Bianchi",
            &cf("Bianchi", "Anna", 7),
            "MI",
            "C1",
        )])
        .await;
    let (emulator, _api) = start(env!("CARGO_BIN_EXE_pec-api"), &moto, "lambda-api", &[]).await;

    let catalog = response(
        emulator
            .outcome(&emulator.invoke(fixture("apigw-v2-catalog.json")), ANSWER)
            .await,
    );
    assert_eq!(catalog["statusCode"], 200, "{catalog}");
    assert!(
        body(&catalog)["versions"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
    );

    // The secretariat's claims come from the JWT authorizer; the list is read from the
    // Ordine's index in DynamoDB.
    let members = fixture("apigw-v2-ordine-members.json");
    let listed = response(
        emulator
            .outcome(&emulator.invoke(members.clone()), ANSWER)
            .await,
    );
    assert_eq!(listed["statusCode"], 200, "{listed}");
    let items = body(&listed)["items"].clone();
    assert_eq!(items.as_array().map(Vec::len), Some(1), "{items}");
    assert_eq!(items[0]["cognome"], "Bianchi");

    // Without the authorizer's claims the same request is refused, in Italian.
    let mut anonymous = members;
    anonymous["requestContext"]
        .as_object_mut()
        .unwrap()
        .remove("authorizer");
    let refused = response(emulator.outcome(&emulator.invoke(anonymous), ANSWER).await);
    assert_eq!(refused["statusCode"], 401, "{refused}");
    assert!(body(&refused)["message"].as_str().is_some());

    // The documents are pec-documents' to serve.
    let document = public_post("/api/documenti", &document_to_send());
    let elsewhere = response(emulator.outcome(&emulator.invoke(document), ANSWER).await);
    assert_eq!(elsewhere["statusCode"], 404, "{elsewhere}");
    assert_eq!(body(&elsewhere)["message"], UNKNOWN);
}

#[tokio::test]
async fn pec_documents_answers_for_the_documents_and_only_for_them() {
    let moto = Moto::start().await;
    moto.store("lambda-documents").await;
    let (emulator, _documents) = start(
        env!("CARGO_BIN_EXE_pec-documents"),
        &moto,
        "lambda-documents",
        &[("PEC_CONTRACTS_BUCKET", "pec-contratti")],
    )
    .await;

    // A public request's document: where to send it, signed for the bucket.
    let request = document_to_send();
    let document = public_post("/api/documenti", &request);
    let ready = response(emulator.outcome(&emulator.invoke(document), ANSWER).await);
    assert_eq!(ready["statusCode"], 200, "{ready}");
    let ready = body(&ready);
    assert_eq!(ready["sha256"], request["sha256"]);
    let url = ready["url"].as_str().expect("an upload URL");
    assert!(url.contains("pec-contratti"), "{url}");
    assert!(url.contains("X-Amz-Signature="), "{url}");

    // The rest of the API is pec-api's.
    let catalog = fixture("apigw-v2-catalog.json");
    let elsewhere = response(emulator.outcome(&emulator.invoke(catalog), ANSWER).await);
    assert_eq!(elsewhere["statusCode"], 404, "{elsewhere}");
    assert_eq!(body(&elsewhere)["message"], UNKNOWN);
}

#[tokio::test]
async fn pec_outbox_sends_what_is_due_when_the_stream_wakes_it() {
    let moto = Moto::start().await;
    let store = moto.store("lambda-outbox").await;
    moto.ses("ingpec.eu").await;
    let notice = functions::outbox::mailer::Notice {
        to: vec!["anna.bianchi@ingpec.eu".into()],
        subject: "PEC Ingegneri: PEC Avanzata in scadenza il 22/11/2027".into(),
        body: "Il servizio «PEC Avanzata» scade il 22/11/2027.".into(),
        controllo_spazio: None,
    };
    let queued = OutboxCommand::avviso(notice, chrono::Utc::now() - chrono::Duration::minutes(1));
    store
        .transact(vec![outbox::enqueue(&queued).unwrap()])
        .await
        .unwrap();

    let (emulator, _outbox) = start(
        env!("CARGO_BIN_EXE_pec-outbox"),
        &moto,
        "lambda-outbox",
        // No provider command is due: the provider is never called.
        &[("PEC_PROVIDER_URL", "http://127.0.0.1:9")],
    )
    .await;
    let woken = fixture("dynamodb-stream-outbox.json");
    let run = response(emulator.outcome(&emulator.invoke(woken), ANSWER).await);
    assert_eq!(run, json!({ "done": 1, "retried": 0 }));
    let sent = outbox::get(&store, &queued.id).await.unwrap().unwrap();
    assert!(sent.value.done_at.is_some());
}

#[tokio::test]
async fn pec_sweep_queues_a_job_per_ordine_on_its_schedule_and_carries_each_out() {
    let moto = Moto::start().await;
    let store: Arc<dyn ItemStore> = Arc::new(moto.store("lambda-sweep").await);
    let api = Api::new(store.clone());
    let anna = cf("Bianchi", "Anna", 8);
    api.register(&[albo_row("Anna", "Bianchi", &anna, "MI", "D1")])
        .await;
    api.activate("MI", &anna).await;
    let sqs = aws_sdk_sqs::Client::new(&moto.sdk_config().await);
    let queue = event_source::create_queue(&sqs, "pec-verifica").await;
    let (emulator, _sweep) = start(
        env!("CARGO_BIN_EXE_pec-sweep"),
        &moto,
        "lambda-sweep",
        &[("PEC_VERIFICA_QUEUE_URL", queue.as_str())],
    )
    .await;
    // The schedule's run: one job per Ordine on the queue.
    let scheduled = fixture("scheduler-sweep.json");
    let started = response(emulator.outcome(&emulator.invoke(scheduled), ANSWER).await);
    let ordini = shared::province::OrdineCode::all().count();
    assert_eq!(started["ordini"], ordini, "{started}");
    assert_eq!(started["ordini_verificati"], 0, "{started}");
    let mut jobs = Vec::new();
    while jobs.len() < ordini {
        // Received for an hour: only a message made visible again comes back below.
        let received = sqs
            .receive_message()
            .queue_url(&queue)
            .max_number_of_messages(10)
            .visibility_timeout(3600)
            .send()
            .await
            .unwrap();
        assert!(
            !received.messages().is_empty(),
            "{} jobs queued",
            jobs.len()
        );
        jobs.extend(
            received
                .messages()
                .iter()
                .filter_map(|m| Some((m.body()?.to_owned(), m.receipt_handle()?.to_owned()))),
        );
    }
    let (milano, receipt) = jobs
        .iter()
        .find(|(body, _)| body.contains(r#""ordine":"MI""#))
        .expect("Milan's job");
    // The queue's event for Milan's job, delivered with less time left than a job keeps
    // to record its counts: it stops at once and asks to be delivered again.
    let mut event = fixture("sqs-verifica.json");
    event["Records"][0]["body"] = json!(milano);
    event["Records"][0]["receiptHandle"] = json!(receipt);
    let id = emulator.invoke_within(event.clone(), Duration::from_secs(20));
    let stopped = response(emulator.outcome(&id, ANSWER).await);
    assert_eq!(
        stopped,
        json!({ "batchItemFailures": [{ "itemIdentifier": event["Records"][0]["messageId"] }] })
    );
    // Its message is visible again at once, not after its visibility timeout.
    let again = sqs
        .receive_message()
        .queue_url(&queue)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap();
    let again: Vec<_> = again.messages().iter().filter_map(|m| m.body()).collect();
    assert_eq!(again, [milano.as_str()]);
    let report = functions::repo::reports::last_verifica(store.as_ref())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((report.verificate, report.rinviate), (0, 1), "{report:?}");
    // Delivered again with the sweep's 15 minutes: Anna's mailbox is verified.
    let id = emulator.invoke_within(event, Duration::from_secs(900));
    let done = response(emulator.outcome(&id, ANSWER).await);
    assert_eq!(done, json!({ "batchItemFailures": [] }));
    let report = functions::repo::reports::last_verifica(store.as_ref())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.verificate, 1, "{report:?}");
    assert_eq!(report.rinviate, 0, "{report:?}");
    assert_eq!(report.ordini_verificati, 1, "{report:?}");
}

#[tokio::test]
async fn a_table_of_another_layout_ends_each_function_at_its_first_event_untouched() {
    // The start reads nothing (its figure is the cold-start benchmark's): the first event
    // reads the table's layout mark before anything else, and a newer version's mark
    // ends the function as a failed start would, with the event unanswered.
    let moto = Moto::start().await;
    let store = moto.store("lambda-newer").await;
    moto.ses("ingpec.eu").await;
    let newer = json!({ "version": keys::LAYOUT + 1 });
    let mark = Item::new(keys::meta(keys::META_LAYOUT), "meta", &newer).unwrap();
    store.put(mark, Condition::NotExists).await.unwrap();
    // A notice due now, which pec-outbox would send if it went on.
    let queued = OutboxCommand::avviso(
        functions::outbox::mailer::Notice {
            to: vec!["anna.bianchi@ingpec.eu".into()],
            subject: "PEC Ingegneri".into(),
            body: "Avviso.".into(),
            controllo_spazio: None,
        },
        chrono::Utc::now() - chrono::Duration::minutes(1),
    );
    store
        .transact(vec![outbox::enqueue(&queued).unwrap()])
        .await
        .unwrap();
    let sqs = aws_sdk_sqs::Client::new(&moto.sdk_config().await);
    let queue = event_source::create_queue(&sqs, "pec-verifica-newer").await;

    let functions = [
        (
            env!("CARGO_BIN_EXE_pec-api"),
            fixture("apigw-v2-catalog.json"),
            ("PEC_PROVIDER_URL", "http://127.0.0.1:9"),
        ),
        (
            env!("CARGO_BIN_EXE_pec-documents"),
            public_post("/api/documenti", &document_to_send()),
            ("PEC_CONTRACTS_BUCKET", "pec-contratti"),
        ),
        (
            env!("CARGO_BIN_EXE_pec-outbox"),
            fixture("dynamodb-stream-outbox.json"),
            ("PEC_PROVIDER_URL", "http://127.0.0.1:9"),
        ),
        (
            env!("CARGO_BIN_EXE_pec-sweep"),
            fixture("scheduler-sweep.json"),
            ("PEC_VERIFICA_QUEUE_URL", queue.as_str()),
        ),
    ];
    for (binary, event, setting) in functions {
        let (emulator, mut function) = start(binary, &moto, "lambda-newer", &[setting]).await;
        let invocation = emulator.invoke(event);
        let ended = tokio::time::timeout(ANSWER, function.wait())
            .await
            .expect("the function ends")
            .unwrap();
        // 1: the check's own exit (a panic would be 101, a start's failure never
        // reaches its first `next`).
        assert_eq!(ended.code(), Some(1), "{binary}: {ended}");
        let answer = emulator.answer(&invocation);
        assert!(answer.is_none(), "{binary}: {answer:?}");
    }
    // The notice was never tried, and no job was queued.
    let entry = outbox::get(&store, &queued.id).await.unwrap().unwrap();
    assert_eq!((entry.version, entry.value.attempts), (1, 0));
    assert!(entry.value.done_at.is_none());
    let received = sqs
        .receive_message()
        .queue_url(&queue)
        .send()
        .await
        .unwrap();
    assert!(received.messages().is_empty());
}
