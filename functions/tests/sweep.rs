//! The daily verifica over the store: reminders queued once and sent from the official
//! sender, a service expiring with the space it gave, a term renewed for a registered
//! member and closed for a cancelled one; on SQLite and on DynamoDB (moto).

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use functions::outbox::mailer::sandbox::SandboxMailer;
use functions::outbox::provider::sandbox::SandboxProvider;
use functions::outbox::{self as dispatcher, Channels};
use functions::repo::members;
use functions::repo::unit_of_work::Change;
use functions::store::sqlite::SqliteStore;
use functions::store::{Condition, ItemStore, StoreError, WriteOp};
use functions::testing::Moto;
use functions::verifica::queue::Outcome;
use functions::{repo, verifica};
use shared::catalog::{PlanCode, ServiceKind, Space};
use shared::codice_fiscale::CodiceFiscale;
use shared::lifecycle::{Event, MailboxStatus};
use support::{Api, Interloper, Racing, albo_row, caller, cf};

#[tokio::test]
async fn the_daily_verifica_on_sqlite() {
    scenario(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

#[tokio::test]
async fn the_daily_verifica_on_dynamodb() {
    let moto = Moto::start().await;
    scenario(Arc::new(moto.store("sweep").await)).await;
}

fn at(instant: &str) -> DateTime<Utc> {
    instant.parse().unwrap()
}

async fn scenario(store: Arc<dyn ItemStore>) {
    use shared::access::Role;
    let api = Api::new(store.clone());
    let anna = cf("Bianchi", "Anna", 5);
    let luca = cf("Verdi", "Luca", 6);
    api.register(&[
        albo_row("Anna", "Bianchi", &anna, "MI", "B1"),
        albo_row("Luca", "Verdi", &luca, "MI", "B2"),
    ])
    .await;
    api.activate("MI", &anna).await;
    api.activate("MI", &luca).await;
    // Activated on 22/11/2026, both mailboxes run to 22/11/2027. Anna buys Avanzata
    // today (to 22/11/2027 too) and gives a recovery email; Luca leaves the Albo.
    let today = support::NOW.parse::<DateTime<Utc>>().unwrap().date_naive();
    let anna_cf: CodiceFiscale = anna.parse().unwrap();
    let record = members::get(store.as_ref(), &anna_cf)
        .await
        .unwrap()
        .unwrap();
    let mailbox = record.value.mailbox.as_ref().unwrap();
    let bought = mailbox
        .apply(
            &Event::Acquisto {
                servizio: ServiceKind::Avanzata,
            },
            today,
        )
        .unwrap();
    let mut after = record.value.clone();
    after.mailbox = Some(bought.mailbox);
    after.recovery.email = Some("anna.privata@example.it".parse().unwrap());
    let change = Change {
        before: Some(record.clone()),
        after,
        effects: bought.effects,
        actor: shared::audit::Actor::Fondazione("test".into()),
        action: "acquisto PEC Avanzata".into(),
    };
    let (ops, _, _) = change.into_ops(support::NOW.parse().unwrap()).unwrap();
    repo::commit(store.as_ref(), ops).await.unwrap();
    let cancelled = albo_row("Luca", "Verdi", &luca, "MI", "B2")
        .replace(";iscritto;;;", ";cancellato;22/11/2026;dimissioni;");
    api.register(&[cancelled]).await;

    // Today nothing is due within 90 days.
    let quiet = verifica::run(store.as_ref(), at("2026-11-23T01:30:00Z"))
        .await
        .unwrap();
    assert_eq!((quiet.verificate, quiet.aggiornate), (2, 0));

    // 60 days before: one reminder each (Anna's Avanzata, Luca's mailbox), and once only.
    let reminders = verifica::run(store.as_ref(), at("2027-09-23T01:30:00Z"))
        .await
        .unwrap();
    assert_eq!(
        (
            reminders.verificate,
            reminders.aggiornate,
            reminders.avvisi,
            reminders.comandi,
            reminders.rinviate
        ),
        (2, 2, 2, 0, 0)
    );
    assert_eq!(reminders.giorno.to_string(), "2027-09-23");
    let again = verifica::run(store.as_ref(), at("2027-09-23T09:00:00Z"))
        .await
        .unwrap();
    assert_eq!((again.aggiornate, again.avvisi), (0, 0));

    let provider = SandboxProvider::new(store.clone());
    let mailer = SandboxMailer::new(store.clone(), "avvisi@ingpec.eu".into());
    let channels = Channels {
        provider: &provider,
        mailer: &mailer,
    };
    let first_run = at("2027-09-23T02:00:00Z");
    // The two activations' creations, Anna's purchase (a resize) and her new recovery
    // email (for the provider), then the two reminders.
    let run = dispatcher::run_once(store.as_ref(), channels, first_run)
        .await
        .unwrap();
    assert_eq!(run.done, 6);
    let sent = mailer.sent().await.unwrap();
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|s| s.from == "avvisi@ingpec.eu"));
    let to_anna = sent
        .iter()
        .find(|s| s.notice.to[0] == "anna.bianchi@ingpec.eu")
        .expect("Anna's reminder");
    assert_eq!(
        to_anna.notice.to,
        ["anna.bianchi@ingpec.eu", "anna.privata@example.it"]
    );
    assert_eq!(
        to_anna.notice.subject,
        "PEC Ingegneri: PEC Avanzata in scadenza il 22/11/2027"
    );
    assert!(to_anna.notice.body.contains("non saranno più recuperabili"));
    let to_luca = sent
        .iter()
        .find(|s| s.notice.to == ["luca.verdi@ingpec.eu"])
        .expect("Luca's reminder");
    assert!(to_luca.notice.body.contains("Non risultando più iscritto"));
    // Sent once, however often the dispatcher runs.
    dispatcher::run_once(store.as_ref(), channels, first_run)
        .await
        .unwrap();
    assert_eq!(mailer.sent().await.unwrap().len(), 2);

    // The day after the scadenza: Avanzata is gone and Anna back to Base for one more
    // year; Luca's mailbox is closed.
    let expiry = verifica::run(store.as_ref(), at("2027-11-23T01:30:00Z"))
        .await
        .unwrap();
    assert_eq!((expiry.verificate, expiry.aggiornate), (2, 2));
    let anna_now = members::get(store.as_ref(), &anna_cf)
        .await
        .unwrap()
        .unwrap();
    let mailbox = anna_now.value.mailbox.unwrap();
    assert_eq!(mailbox.plan(), PlanCode::Base);
    assert!(mailbox.services.is_empty());
    assert_eq!(mailbox.scadenza.to_string(), "2028-11-22");
    assert_eq!(mailbox.space(), Space::new(1, 3));
    let luca_cf: CodiceFiscale = luca.parse().unwrap();
    let luca_now = members::get(store.as_ref(), &luca_cf)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        luca_now.value.mailbox.unwrap().status,
        MailboxStatus::Chiusa
    );

    let run = dispatcher::run_once(store.as_ref(), channels, at("2027-11-23T02:00:00Z"))
        .await
        .unwrap();
    assert_eq!(run.done, 2, "Anna's resize and Luca's closure");
    let anna_box = provider
        .mailbox("anna.bianchi@ingpec.eu")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(anna_box.space, Space::new(1, 3));
    let luca_box = provider
        .mailbox("luca.verdi@ingpec.eu")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(luca_box.status, "closed");

    // Anna reads each step in her Storico, newest first.
    let holder = api.token(&caller(Role::Iscritto, Some(&anna), Some("MI")));
    let history = api.get("/api/me/history", &holder).await;
    let actions: Vec<&str> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions[0].contains("servizio scaduto e disattivato: PEC Avanzata")
            && actions[0].contains("casella rinnovata fino al 22/11/2028"),
        "{actions:?}"
    );
    assert_eq!(
        actions[1],
        "promemoria: PEC Avanzata in scadenza il 22/11/2027"
    );
    assert!(history.body["items"][0]["actor"] == "verifica");

    // The Fondazione sees the last run's report.
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let last = api.get("/api/verifica", &fondazione).await;
    assert_eq!(last.status, 200, "{}", last.text);
    assert_eq!(last.body["giorno"], "2027-11-23");
    assert_eq!(
        (
            last.body["verificate"].as_u64(),
            last.body["aggiornate"].as_u64()
        ),
        (Some(2), Some(2))
    );
}

/// Another writer that changes a member at the very moment the verifica commits its
/// change, once armed.
#[derive(Default)]
struct MemberRace {
    armed: AtomicBool,
}

#[async_trait::async_trait]
impl Interloper for MemberRace {
    async fn before(&self, store: &dyn ItemStore, ops: &[WriteOp]) -> Result<(), StoreError> {
        let member = ops.iter().find_map(|op| match op {
            WriteOp::Put(item, _) if item.entity_type == "member" => Some(item.key.clone()),
            _ => None,
        });
        if let Some(key) = member
            && self.armed.swap(false, Ordering::SeqCst)
        {
            // Someone else writes the member first (the holder, the Albo…).
            let current = store.get(&key).await?.expect("the member");
            let version = current.version;
            store
                .put(
                    current.with_version(version + 1),
                    Condition::Version(version),
                )
                .await?;
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_member_written_at_the_same_moment_is_verified_again_the_same_day() {
    let racing = Racing::new(MemberRace::default());
    let store: Arc<dyn ItemStore> = racing.clone();
    let api = Api::new(store.clone());
    let luca = cf("Verdi", "Luca", 8);
    api.register(&[albo_row("Luca", "Verdi", &luca, "MI", "B8")])
        .await;
    api.activate("MI", &luca).await;
    let cancelled = albo_row("Luca", "Verdi", &luca, "MI", "B8")
        .replace(";iscritto;;;", ";cancellato;22/11/2026;dimissioni;");
    api.register(&[cancelled]).await;

    // 90 days before his mailbox's scadenza (22/11/2027), a reminder is due.
    racing.interloper.armed.store(true, Ordering::SeqCst);
    let report = verifica::run(store.as_ref(), at("2027-08-24T01:30:00Z"))
        .await
        .unwrap();
    assert!(
        !racing.interloper.armed.load(Ordering::SeqCst),
        "the race happened"
    );
    assert_eq!(
        (report.aggiornate, report.avvisi, report.rinviate),
        (1, 1, 0),
        "{report:?}"
    );
}

#[tokio::test]
async fn the_ordine_s_own_mailbox_renews_like_a_registered_member_s() {
    let store: Arc<dyn ItemStore> = Arc::new(SqliteStore::in_memory().unwrap());
    let mi = shared::province::OrdineCode::parse("MI").unwrap();
    let created = functions::service::ordine::create_mailbox(
        store.as_ref(),
        shared::audit::Actor::Sistema,
        mi,
        at(support::NOW),
    )
    .await
    .unwrap();
    assert!(created);
    let report = verifica::run(store.as_ref(), at("2027-11-23T01:30:00Z"))
        .await
        .unwrap();
    assert_eq!((report.verificate, report.aggiornate), (1, 1), "{report:?}");
    let later = Api::at(store.clone(), "2027-11-23T09:00:00Z");
    let fondazione = later.token(&caller(shared::access::Role::Fondazione, None, None));
    let own = later.get("/api/ordini/MI/mailbox", &fondazione).await;
    assert_eq!(
        own.body["mailbox"]["scadenza"], "2028-11-22",
        "{}",
        own.text
    );
    let registro = later.get("/api/audit?target=ordine:MI", &fondazione).await;
    assert_eq!(
        registro.body["integrita"]["esito"], "integro",
        "{}",
        registro.text
    );
}

#[tokio::test]
async fn the_fondazione_creates_every_ordine_s_missing_mailbox_in_one_step() {
    let store: Arc<dyn ItemStore> = Arc::new(SqliteStore::in_memory().unwrap());
    let mi = shared::province::OrdineCode::parse("MI").unwrap();
    functions::service::ordine::create_mailbox(
        store.as_ref(),
        shared::audit::Actor::Sistema,
        mi,
        at(support::NOW),
    )
    .await
    .unwrap();
    let api = Api::new(store.clone());
    let secretariat = api.token(&caller(shared::access::Role::Segreteria, None, Some("RM")));
    let refused = api
        .json(
            "POST",
            "/api/fondazione/caselle-ordini",
            &secretariat,
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(refused.status, 403);
    let fondazione = api.token(&caller(shared::access::Role::Fondazione, None, None));
    let ordini = shared::province::OrdineCode::all().count();
    let first = api
        .json(
            "POST",
            "/api/fondazione/caselle-ordini",
            &fondazione,
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["presenti"], 1);
    assert_eq!(first.body["create"], ordini - 1);
    let again = api
        .json(
            "POST",
            "/api/fondazione/caselle-ordini",
            &fondazione,
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(again.body["create"], 0, "a second run creates nothing");
    let rome = api.get("/api/ordini/RM/mailbox", &fondazione).await;
    assert_eq!(rome.status, 200, "{}", rome.text);
    assert!(
        rome.body["mailbox"]["address"]
            .as_str()
            .unwrap()
            .ends_with("@ingpec.eu")
    );
}

/// A job's deadline, reached once `left` mailboxes have been looked at.
struct After {
    left: AtomicUsize,
}

impl verifica::Deadline for After {
    fn reached(&self) -> bool {
        self.left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_err()
    }
}

/// The run's jobs, kept for the test to carry out.
#[derive(Default)]
struct Kept(std::sync::Mutex<Vec<verifica::VerificaJob>>);

#[async_trait::async_trait]
impl verifica::JobQueue for Kept {
    async fn send(&self, jobs: &[verifica::VerificaJob]) -> Result<(), verifica::QueueError> {
        self.0.lock().unwrap().extend_from_slice(jobs);
        Ok(())
    }
}

#[tokio::test]
async fn a_job_stopped_at_its_deadline_keeps_what_it_counted_and_ends_when_delivered_again() {
    let store: Arc<dyn ItemStore> = Arc::new(SqliteStore::in_memory().unwrap());
    let api = Api::new(store.clone());
    let names = ["Marco", "Sara", "Paolo"];
    let holders: Vec<String> = (0..3)
        .map(|i| cf("Neri", names[i], 20 + i as u32))
        .collect();
    let rows: Vec<String> = (0..3)
        .map(|i| albo_row(names[i], "Neri", &holders[i], "MI", &format!("N{i}")))
        .collect();
    api.register(&rows).await;
    for holder in &holders {
        api.activate("MI", holder).await;
    }
    // The day after their terms end (22/11/2027), each of the three is renewed.
    let queue = Kept::default();
    verifica::dispatch(
        store.as_ref(),
        &functions::payment::Unconfigured,
        &functions::payment::venditore_from_env(),
        &queue,
        at("2027-11-23T01:30:00Z"),
    )
    .await
    .unwrap();
    let milano = queue
        .0
        .lock()
        .unwrap()
        .iter()
        .copied()
        .find(|job| job.ordine.as_str() == "MI")
        .expect("Milan's job");
    let report = || async {
        functions::repo::reports::last_verifica(store.as_ref())
            .await
            .unwrap()
            .unwrap()
    };

    // The invocation ends after two mailboxes: their renewals are counted, and the job
    // is to be delivered again.
    let deadline = After {
        left: AtomicUsize::new(2),
    };
    assert_eq!(
        verifica::queue::carry_out(store.as_ref(), milano, &deadline).await,
        Outcome::Stopped
    );
    let stopped = report().await;
    assert_eq!(
        (stopped.verificate, stopped.aggiornate, stopped.rinviate),
        (2, 2, 1),
        "{stopped:?}"
    );

    // Delivered again, it ends: each renewal counted once.
    assert_eq!(
        verifica::queue::carry_out(store.as_ref(), milano, &verifica::NoDeadline).await,
        Outcome::Finished
    );
    let done = report().await;
    assert_eq!(
        (done.verificate, done.aggiornate, done.rinviate),
        (3, 3, 0),
        "{done:?}"
    );
    assert_eq!(done.ordini_verificati, 1, "{done:?}");
}
