//! The daily verifica's worst day on DynamoDB (`cargo xtask bench`): every mailbox due on
//! one date (about 150,000 of the 2009 roll-out did), the run fanned out one job per
//! Ordine through the verifica's queue, played on moto at a smaller scale
//! (`PEC_BENCH_WORST_DAY` mailboxes, 400 by default):
//!
//! 1. without limits, to see the fan-out's own pace and which partitions it writes most;
//! 2. with each partition held to half the busiest second of 1, to see the SDK's
//!    retries and the queue's redeliveries at work, and nothing lost;
//! 3. the national day projected from what 1 counted per mailbox (round trips beyond an
//!    empty day's, write units on the busiest partition) at DynamoDB's round trip.

use functions::testing::figure;
use functions::testing::worst_day::{self, Day, Plan};
use shared::province::OrdineCode;

/// The allocator of `pec-local`, whose work this bench measures.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Mailboxes of the worst day in the real history, and the share of the largest Ordine
/// (Rome, about a tenth of Italy's engineers).
const WORST_DAY: f64 = 150_000.0;
const LARGEST_ORDINE_SHARE: f64 = 0.10;
/// A DynamoDB round trip from Lambda in the same region, generously (single-digit
/// milliseconds for reads, about 10-20 for a transaction).
const ROUND_TRIP_S: f64 = 0.015;
/// The template's `MaximumConcurrency` of the verifica's queue.
const JOBS_AT_ONCE: usize = 8;

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(run());
}

fn lost(day: &Day) -> usize {
    day.activated - day.renewed + day.report.rinviate + day.delivered.dead_letters
}

async fn run() {
    let mailboxes = std::env::var("PEC_BENCH_WORST_DAY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let ordini: Vec<OrdineCode> = ["RM", "MI", "NA", "TO", "BA", "PA", "FI", "BO"]
        .iter()
        .map(|o| OrdineCode::parse(o).expect("an Ordine"))
        .collect();
    let plan = |budget: f64| Plan {
        mailboxes,
        ordini: ordini.clone(),
        budget,
        concurrency: JOBS_AT_ONCE,
        attempts: 6,
    };

    // 1. Unlimited.
    let free = worst_day::play(&plan(f64::INFINITY)).await;
    println!("WORST DAY unlimited: {free}");
    let renewed = free.renewed as f64;
    figure(
        &format!("verifica_worst_day_{}_mailboxes_moto", free.activated),
        free.took.as_secs_f64(),
        "s",
        None,
        None,
        "every mailbox renewed, one job per Ordine",
        lost(&free) == 0 && free.report.ordini_verificati == free.report.ordini,
    );

    // 2. Each partition held to half the busiest second above.
    let budget = (free.seen.busiest / 2.0).max(2.0);
    let tight = worst_day::play(&plan(budget)).await;
    println!("WORST DAY at {budget} units/s a partition: {tight}");
    figure(
        &format!("verifica_worst_day_{}_mailboxes_throttled", tight.activated),
        tight.took.as_secs_f64(),
        "s",
        Some(("the same day unthrottled", free.took.as_secs_f64())),
        Some(tight.took.as_secs_f64() / free.took.as_secs_f64()),
        "throttled, nothing lost",
        lost(&tight) == 0 && tight.seen.throttled > 0,
    );
    println!(
        "throttled requests: {}, jobs delivered again: {}, lost: {}",
        tight.seen.throttled,
        tight.delivered.failed,
        lost(&tight)
    );

    // 3. The national worst day on DynamoDB, from the counts of 1 beyond an empty day's
    // (each job's own reads and writes, 107 of them, whatever the day).
    let empty = worst_day::play(&Plan {
        mailboxes: 0,
        ..plan(f64::INFINITY)
    })
    .await;
    println!("EMPTY DAY: {empty}");
    let round_trips = free.seen.requests.saturating_sub(empty.seen.requests) as f64 / renewed;
    let per_mailbox = round_trips * ROUND_TRIP_S;
    let largest_job = WORST_DAY * LARGEST_ORDINE_SHARE * per_mailbox;
    println!(
        "round trips per mailbox: {round_trips:.2}; the largest Ordine's job: {largest_job:.0} s"
    );
    figure(
        "verifica_worst_day_largest_job_projected",
        largest_job,
        "s",
        None,
        None,
        "<= 900 s (Lambda's limit)",
        largest_job <= 900.0,
    );
    // The busiest partition written per mailbox (the report and the run's shares are
    // written once per job).
    let (partition, units) = free
        .seen
        .units
        .iter()
        .filter(|(p, _)| !p.starts_with("table META") && !p.starts_with("table VERIFICA#"))
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(p, u)| (p.clone(), *u))
        .unwrap_or_default();
    let per_second = units / renewed * JOBS_AT_ONCE as f64 / per_mailbox;
    println!(
        "busiest partition {partition}: {:.2} units a mailbox",
        units / renewed
    );
    figure(
        "verifica_worst_day_busiest_partition_projected",
        per_second,
        "units/s",
        None,
        None,
        "<= 1000 units/s a partition",
        per_second <= 1000.0,
    );
    let total_minutes = WORST_DAY * per_mailbox / JOBS_AT_ONCE as f64 / 60.0;
    println!("the whole worst day at {JOBS_AT_ONCE} jobs at once: {total_minutes:.0} min");
}
