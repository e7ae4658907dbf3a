//! The worst day of the verifica on DynamoDB, played on moto at a smaller scale: every
//! mailbox expiring on one date, the run fanned out through the verifica's queue as on
//! AWS, each partition held to a write budget (DynamoDB's 1,000 units a second, scaled to
//! what moto serves) by [`Throttle`], and the SDK retrying what is throttled.

use std::pin::pin;
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use shared::api::Verifica;
use shared::province::OrdineCode;

use super::Moto;
use super::event_source::{self, Delivered};
use super::national;
use super::throttle::{Seen, Throttle};
use crate::payment::Unconfigured;
use crate::repo::{members, reports};
use crate::store::dynamodb::DynamoStore;
use crate::verifica::{self, queue::SqsJobs};

/// How the day is played.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Members generated and activated, all with the same scadenza.
    pub mailboxes: usize,
    /// The Ordini they belong to.
    pub ordini: Vec<OrdineCode>,
    /// Write units a partition takes a second before it is throttled.
    pub budget: f64,
    /// Jobs at once (the event source's `MaximumConcurrency`).
    pub concurrency: usize,
    /// Attempts of each DynamoDB request (the SDK's adaptive retries).
    pub attempts: u32,
}

/// What happened.
#[derive(Debug, Clone)]
pub struct Day {
    pub activated: usize,
    /// Mailboxes whose term now runs past the day.
    pub renewed: usize,
    pub report: Verifica,
    pub delivered: Delivered,
    pub seen: Seen,
    /// From the schedule's run to the queue's last job.
    pub took: Duration,
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = &self.report;
        write!(
            f,
            "{} activated, {} renewed in {:.1?}; report: {} verified, {} changed, {} postponed, {} of {} Ordini; \
             {} invocations ({} done, {} delivered again, {} dead letters); \
             {} requests, {} writes, {} throttled; busiest second {:.0} units on {}",
            self.activated,
            self.renewed,
            self.took,
            r.verificate,
            r.aggiornate,
            r.rinviate,
            r.ordini_verificati,
            r.ordini,
            self.delivered.invocations,
            self.delivered.done,
            self.delivered.failed,
            self.delivered.dead_letters,
            self.seen.requests,
            self.seen.writes,
            self.seen.throttled,
            self.seen.busiest,
            self.seen.busiest_partition,
        )
    }
}

pub async fn play(plan: &Plan) -> Day {
    let moto = Moto::start().await;
    let table = "worst-day";
    // Seeded straight into moto: the throttling is the verifica's, not the seed's.
    let direct = moto.store(table).await;
    let activated_on = Utc::now();
    let generated = national::members(plan.mailboxes, plan.ordini.iter().copied());
    let refused = national::import(&direct, &generated, activated_on).await;
    assert_eq!(refused, 0, "the generated Albo imports whole");
    let activated = national::activate(&direct, &generated, plan.mailboxes, activated_on).await;

    let throttle = Throttle::start(&moto.endpoint, plan.budget).await;
    let config = aws_sdk_dynamodb::config::Builder::from(&moto.sdk_config().await)
        .endpoint_url(&throttle.endpoint)
        .retry_config(RetryConfig::adaptive().with_max_attempts(plan.attempts))
        .build();
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::from_conf(config), table);
    let sqs = aws_sdk_sqs::Client::new(&moto.sdk_config().await);
    let url = event_source::create_queue(&sqs, "pec-verifica").await;

    // The day after the first year: every mailbox is due.
    let day: DateTime<Utc> = activated_on + chrono::Duration::days(366);
    let started = Instant::now();
    let venditore = crate::payment::venditore_from_env();
    verifica::dispatch(
        &store,
        &Unconfigured,
        &venditore,
        &SqsJobs::new(sqs.clone(), url.clone()),
        day,
    )
    .await
    .expect("the schedule's run queues the jobs");
    let delivered = event_source::drain(&sqs, &url, &store, plan.concurrency, 4).await;
    let took = started.elapsed();

    let mut renewed = 0;
    for &ordine in &plan.ordini {
        let mut pages = pin!(members::holders_in_ordine(&direct, ordine));
        while let Some(page) = pages.try_next().await.expect("moto answers") {
            renewed += page
                .iter()
                .filter_map(|m| m.value.mailbox.as_ref())
                .filter(|m| m.scadenza > crate::clock::rome_date(day))
                .count();
        }
    }
    let report = reports::last_verifica(&direct)
        .await
        .expect("moto answers")
        .expect("the day's report");
    Day {
        activated,
        renewed,
        report,
        delivered,
        seen: throttle.seen(),
        took,
    }
}
