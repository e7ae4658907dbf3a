//! The daily verifica fanned out through its queue on DynamoDB (moto), each partition held
//! to a write budget: on the worst day (every mailbox due at once) every mailbox is
//! renewed, what is throttled is retried, and the report counts each mailbox once.

use functions::testing::worst_day::{self, Plan};
use shared::province::OrdineCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worst_day_fans_out_per_ordine_and_loses_nothing_when_throttled() {
    let ordini: Vec<OrdineCode> = ["RM", "MI", "NA", "TO"]
        .iter()
        .map(|o| OrdineCode::parse(o).unwrap())
        .collect();
    let day = worst_day::play(&Plan {
        mailboxes: 160,
        ordini,
        // Far under what the jobs write at once: the run's shares and the day's audit
        // index are throttled.
        budget: 10.0,
        concurrency: 4,
        // The SDK's standard attempts: a throttled transaction is also retried by the
        // store; what is still refused is postponed and its job delivered again.
        attempts: 3,
    })
    .await;
    eprintln!("{day}");
    assert!(day.activated > 100, "{day}");
    // Nothing lost: every mailbox renewed, none postponed, no job given up.
    assert_eq!(day.renewed, day.activated);
    assert_eq!(day.report.aggiornate, day.activated);
    assert_eq!(day.report.verificate, day.activated);
    assert_eq!(day.report.rinviate, 0);
    assert_eq!(day.delivered.dead_letters, 0);
    // One job per Ordine, each done once, however often it was delivered.
    assert_eq!(day.report.ordini, OrdineCode::all().count());
    assert_eq!(day.report.ordini_verificati, day.report.ordini);
    assert_eq!(day.delivered.done, day.report.ordini);
    assert_eq!(
        day.delivered.invocations,
        day.delivered.done + day.delivered.failed
    );
    // The budget was reached: the proxy throttled, and the writes went through on retry.
    assert!(day.seen.throttled > 0, "{day}");
}
