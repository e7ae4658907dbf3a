//! A homonym's first access: the surname in his address corrected once, before the first
//! access is complete, his mailbox renamed at the provider, the old address never given
//! again; on SQLite and on DynamoDB (moto).

mod support;

use std::sync::Arc;

use functions::outbox::mailer::sandbox::SandboxMailer;
use functions::outbox::provider::sandbox::SandboxProvider;
use functions::outbox::provider::{Command, Provider};
use functions::outbox::{self as dispatcher, Channels};
use functions::store::ItemStore;
use functions::store::sqlite::SqliteStore;
use functions::testing::Moto;
use serde_json::{Value, json};
use shared::access::Role;
use support::{Api, albo_row, caller, cf};

#[tokio::test]
async fn a_homonym_corrects_his_address_on_sqlite() {
    scenario(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

#[tokio::test]
async fn a_homonym_corrects_his_address_on_dynamodb() {
    let moto = Moto::start().await;
    scenario(Arc::new(moto.store("primo-accesso").await)).await;
}

async fn scenario(store: Arc<dyn ItemStore>) {
    let api = Api::new(store.clone());
    let (first, second, third) = (
        cf("Rossi", "Mario", 1),
        cf("Rossi", "Mario", 2),
        cf("Rossi", "Mario", 3),
    );
    api.register(&[
        albo_row("Mario", "Rossi", &first, "MI", "A1"),
        albo_row("Mario", "Rossi", &second, "MI", "A2"),
        albo_row("Mario", "Rossi", &third, "MI", "A3"),
    ])
    .await;
    api.activate("MI", &first).await;
    api.activate("MI", &second).await;
    let holder = api.token(&caller(Role::Iscritto, Some(&second), None));
    let address = |token: String| {
        let api = &api;
        async move {
            api.get("/api/me", &token).await.body["member"]["mailbox"]["address"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    assert_eq!(address(holder.clone()).await, "mario.rossi.2@ingpec.eu");

    let view = api.get("/api/me/primo-accesso", &holder).await.body;
    let step = |passo: &str, cognome: &str| {
        json!({
            "passo": passo,
            "versione": view["testo"]["versione"],
            "impronta": view["impronta"],
            "clausole": view["testo"]["clausole_onerose"],
            "cognome_indirizzo": cognome,
        })
    };
    let post = |body: Value| {
        let (api, holder) = (&api, holder.clone());
        async move {
            api.json("POST", "/api/me/primo-accesso", &holder, &body)
                .await
        }
    };

    // Another's surname: refused on the field, nothing written.
    let refused = post(step("anagrafica", "Bianchi")).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        refused.body["field"], "cognome_indirizzo",
        "{}",
        refused.text
    );
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("cognome iscritto all'Albo")
    );
    let unchanged = api.get("/api/me/primo-accesso", &holder).await.body;
    assert_eq!(unchanged["prossimo"], "anagrafica");
    assert_eq!(address(holder.clone()).await, "mario.rossi.2@ingpec.eu");

    // His own with a second one: the address changes at once.
    let done = post(step("anagrafica", "Rossi Bianchi")).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["prossimo"], "condizioni");
    assert_eq!(done.body["passi"][0]["cognome_indirizzo"], "Rossi Bianchi");
    assert_eq!(
        address(holder.clone()).await,
        "mario.rossibianchi@ingpec.eu"
    );

    // His homonym asks the same: the first free alias of that form.
    let other = api.token(&caller(Role::Iscritto, Some(&first), None));
    let body = step("anagrafica", "rossi-bianchi");
    let corrected = api
        .json("POST", "/api/me/primo-accesso", &other, &body)
        .await;
    assert_eq!(corrected.status, 200, "{}", corrected.text);
    assert_eq!(address(other).await, "mario.rossibianchi.2@ingpec.eu");

    // The address he left is never given again.
    api.activate("MI", &third).await;
    let third_token = api.token(&caller(Role::Iscritto, Some(&third), None));
    assert_eq!(address(third_token).await, "mario.rossi.3@ingpec.eu");

    // The provider renames the mailbox, whatever arrives first.
    let provider = SandboxProvider::new(store.clone());
    let mailer = SandboxMailer::new(store.clone(), "avvisi@ingpec.eu".into());
    let channels = Channels {
        provider: &provider,
        mailer: &mailer,
    };
    let mut now = api.state.clock.now();
    for _ in 0..4 {
        dispatcher::run_once(store.as_ref(), channels, now)
            .await
            .unwrap();
        now += chrono::Duration::hours(2);
    }
    for (gone, to) in [
        ("mario.rossi@ingpec.eu", "mario.rossibianchi.2@ingpec.eu"),
        ("mario.rossi.2@ingpec.eu", "mario.rossibianchi@ingpec.eu"),
    ] {
        let old = provider.mailbox(gone).await.unwrap().expect(gone);
        assert_eq!(
            (old.status.as_str(), old.renamed_to.as_deref()),
            ("renamed", Some(to))
        );
    }
    for (renamed, whose) in [
        ("mario.rossibianchi@ingpec.eu", &second),
        ("mario.rossibianchi.2@ingpec.eu", &first),
    ] {
        let mailbox = provider.mailbox(renamed).await.unwrap().expect(renamed);
        assert_eq!(mailbox.status, "active");
        let titolare = serde_json::to_value(&mailbox.titolare).unwrap();
        assert_eq!(titolare["codice_fiscale"], whose.as_str(), "{renamed}");
    }
    // A command queued for the old address before the rename reaches the mailbox.
    provider
        .execute("late-block", "mario.rossi.2@ingpec.eu", &Command::Block)
        .await
        .unwrap();
    let renamed = provider
        .mailbox("mario.rossibianchi@ingpec.eu")
        .await
        .unwrap();
    assert_eq!(renamed.expect("renamed").status, "blocked");

    // Once the first access is complete, the address is fixed.
    for passo in ["condizioni", "clausole", "informativa"] {
        let next = post(step(passo, "")).await;
        assert_eq!(next.status, 200, "{passo}: {}", next.text);
    }
    let again = post(step("anagrafica", "Rossi Verdi")).await;
    assert_eq!(again.status, 422, "{}", again.text);
    assert_eq!(again.body["code"], "lifecycle_refused");
    assert_eq!(address(holder).await, "mario.rossibianchi@ingpec.eu");
}
