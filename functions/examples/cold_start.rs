//! Cold start: time from process start to the first `next` call on the runtime API, for
//! each Lambda binary and for a `lambda_http` hello world built the same way, as Lambda's
//! init phase would see it (minus the download). `cargo xtask bench` builds them in release
//! and runs `cold_start target/release`. The functions read nothing at start: the first
//! event reads the table's key layout (`functions::lambda`). Then pec-api's first request
//! after its start, against the warm ones that follow it: it carries that read, to moto on
//! loopback here, and no TLS, credential or client setup is left for it.

#[path = "../tests/runtime_api/mod.rs"]
mod runtime_api;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use runtime_api::Emulator;

/// Starts of each binary. A start takes about 3 ms, and on this shared machine the median of
/// 30 still moved by a tenth of the ratio from one run to the next.
const RUNS: usize = 150;
/// Starts of pec-api whose first request is timed, and warm requests after each.
const FIRST_RUNS: usize = 30;
const WARM: usize = 20;

/// `binary` started as Lambda starts it, on the table `cold-start` in `moto`.
fn spawn(binary: &PathBuf, moto: &str, emulator: &Emulator) -> tokio::process::Child {
    tokio::process::Command::new(binary)
        .envs(emulator.lambda_env("cold-start"))
        .envs([
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_ENDPOINT_URL", moto),
            ("PEC_TABLE", "cold-start"),
            // pec-documents makes its S3 client at start, as on Lambda (no call yet).
            ("PEC_CONTRACTS_BUCKET", "cold-start"),
            ("PEC_PROVIDER_URL", "http://127.0.0.1:9"),
            (
                "PEC_VERIFICA_QUEUE_URL",
                "http://127.0.0.1:9/000000000000/pec-verifica",
            ),
            ("RUST_LOG", "warn"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts")
}

async fn first_next(binary: &PathBuf, moto: &str) -> Duration {
    let emulator = Emulator::start().await;
    let started = Instant::now();
    let mut child = spawn(binary, moto, &emulator);
    let at = emulator.first_next(Duration::from_secs(30)).await;
    child.kill().await.ok();
    at - started
}

/// How long `GET /api/catalog` (a read of the table) takes to answer, as API Gateway sends it.
async fn request(emulator: &Emulator) -> Duration {
    let event: serde_json::Value =
        serde_json::from_str(include_str!("../tests/fixtures/apigw-v2-catalog.json"))
            .expect("the fixture");
    let started = Instant::now();
    let outcome = emulator
        .outcome(&emulator.invoke(event), Duration::from_secs(30))
        .await;
    let elapsed = started.elapsed();
    match outcome {
        runtime_api::Outcome::Response(response) if response["statusCode"] == 200 => elapsed,
        other => panic!("the catalog was not served: {other:?}"),
    }
}

/// The first request after a start, and the median of the warm ones after it.
async fn first_and_warm(binary: &PathBuf, moto: &str) -> (Duration, Duration) {
    let emulator = Emulator::start().await;
    let mut child = spawn(binary, moto, &emulator);
    emulator.first_next(Duration::from_secs(30)).await;
    let first = request(&emulator).await;
    let mut warm = Vec::with_capacity(WARM);
    for _ in 0..WARM {
        warm.push(request(&emulator).await);
    }
    child.kill().await.ok();
    (first, median_of(warm))
}

fn median_of(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::main]
async fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or("target/release".into()));
    let moto = functions::testing::Moto::start().await;
    moto.store("cold-start").await;
    let binaries = [
        ("lambda_http hello world", dir.join("examples/lambda_hello")),
        ("pec-api", dir.join("pec-api")),
        ("pec-documents", dir.join("pec-documents")),
        ("pec-outbox", dir.join("pec-outbox")),
        ("pec-sweep", dir.join("pec-sweep")),
    ];
    // In rounds, one start of each binary a round: what else the machine does moves every
    // binary's starts alike, not one binary's all.
    let mut starts = vec![Vec::with_capacity(RUNS); binaries.len()];
    for _ in 0..RUNS {
        for ((_, path), times) in binaries.iter().zip(&mut starts) {
            times.push(first_next(path, &moto.endpoint).await);
        }
    }
    let mut baseline = None;
    println!("time to the first `next`, median (p90) of {RUNS} starts:");
    for ((name, path), mut times) in binaries.into_iter().zip(starts) {
        times.sort();
        let p90 = times[RUNS * 9 / 10];
        let median = median_of(times);
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let ratio = match baseline {
            None => {
                baseline = Some(median);
                String::new()
            }
            Some(base) => {
                let ratio = median.as_secs_f64() / base.as_secs_f64();
                functions::testing::figure(
                    &format!("lambda_start_{name}"),
                    median.as_secs_f64() * 1000.0,
                    "ms",
                    Some(("lambda_http hello world", base.as_secs_f64() * 1000.0)),
                    Some(ratio),
                    "<= 1.5x the hello world",
                    ratio <= 1.5,
                );
                format!(", {ratio:.2}× the hello world")
            }
        };
        println!(
            "  {name:<24} {:>7.2} ms ({:.2} ms), binary {:.1} MB{ratio}",
            median.as_secs_f64() * 1000.0,
            p90.as_secs_f64() * 1000.0,
            size as f64 / 1e6
        );
    }

    let (mut first, mut warm) = (Vec::new(), Vec::new());
    for _ in 0..FIRST_RUNS {
        let (one, rest) = first_and_warm(&dir.join("pec-api"), &moto.endpoint).await;
        first.push(one);
        warm.push(rest);
    }
    let (first, warm) = (median_of(first), median_of(warm));
    let ratio = first.as_secs_f64() / warm.as_secs_f64();
    functions::testing::figure(
        "lambda_first_request_pec-api",
        first.as_secs_f64() * 1000.0,
        "ms",
        Some(("a warm request", warm.as_secs_f64() * 1000.0)),
        Some(ratio),
        "<= 3x a warm request",
        ratio <= 3.0,
    );
    println!(
        "pec-api's first `GET /api/catalog` after its start: {:.2} ms, warm {:.2} ms ({ratio:.2}×), median of {FIRST_RUNS} starts",
        first.as_secs_f64() * 1000.0,
        warm.as_secs_f64() * 1000.0
    );
}
