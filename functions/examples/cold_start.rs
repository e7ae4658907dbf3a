//! Cold start: time from process start to the first `next` call on the runtime API, for
//! each Lambda binary and for a `lambda_http` hello world built the same way, as Lambda's
//! init phase would see it (minus the download). `cargo xtask bench` builds them in release
//! and runs `cold_start target/release`. The functions check the table's key layout before
//! they take an event: their table is in moto, on loopback, so that check's round trip is
//! in their figure as it is on Lambda.

#[path = "../tests/runtime_api/mod.rs"]
mod runtime_api;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use runtime_api::Emulator;

const RUNS: usize = 30;

async fn first_next(binary: &PathBuf, moto: &str) -> Duration {
    let emulator = Emulator::start().await;
    let started = Instant::now();
    let mut child = tokio::process::Command::new(binary)
        .envs(emulator.lambda_env("cold-start"))
        .envs([
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_ENDPOINT_URL", moto),
            ("PEC_TABLE", "cold-start"),
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
        .expect("the binary starts");
    let at = emulator.first_next(Duration::from_secs(30)).await;
    child.kill().await.ok();
    at - started
}

#[tokio::main]
async fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or("target/release".into()));
    let moto = functions::testing::Moto::start().await;
    moto.store("cold-start").await;
    let baseline_path = dir.join("examples/lambda_hello");
    let mut baseline = None;
    println!("time to the first `next`, median (p90) of {RUNS} starts:");
    for (name, path) in [
        ("lambda_http hello world", baseline_path.clone()),
        ("pec-api", dir.join("pec-api")),
        ("pec-outbox", dir.join("pec-outbox")),
        ("pec-sweep", dir.join("pec-sweep")),
    ] {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            times.push(first_next(&path, &moto.endpoint).await);
        }
        times.sort();
        let median = times[RUNS / 2];
        let p90 = times[RUNS * 9 / 10];
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
}
