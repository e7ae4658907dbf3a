//! The Albo feed, activations, the Ordine's panel and the member's own data, through the
//! API, on SQLite and on DynamoDB (moto).

mod support;

use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use functions::outbox::mailer::sandbox::SandboxMailer;
use functions::outbox::provider::sandbox::SandboxProvider;
use functions::outbox::{self as dispatcher, Channels};
use functions::repo::unit_of_work::Change;
use functions::repo::{addresses, members};
use functions::service::activation;
use functions::store::sqlite::SqliteStore;
use functions::store::{ItemStore, StoreError, WriteOp};
use functions::testing::Moto;
use serde_json::json;
use shared::access::{Caller, Role};
use shared::address::LocalPart;
use shared::codice_fiscale::CodiceFiscale;
use shared::lifecycle::{AlboStatus, CausaCancellazione};
use shared::province::OrdineCode;
use support::{ALBO_HEADER, Api, Interloper, Racing, albo_row, caller, cf};

#[tokio::test]
async fn the_whole_activation_flow_on_sqlite() {
    scenario(Arc::new(SqliteStore::in_memory().unwrap())).await;
}

#[tokio::test]
async fn the_whole_activation_flow_on_dynamodb() {
    let moto = Moto::start().await;
    scenario(Arc::new(moto.store("activation").await)).await;
}

async fn scenario(store: Arc<dyn ItemStore>) {
    let api = Api::new(store.clone());
    let albo = api.token(&caller(Role::Albo, None, None));
    let fondazione = api.token(&caller(Role::Fondazione, None, None));
    let mi = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let rm = api.token(&caller(Role::Segreteria, None, Some("RM")));

    let mario1 = cf("Rossi", "Mario", 1);
    let mario2 = cf("Rossi", "Mario", 2);
    let mario3 = cf("Rossi", "Mario", 3);
    let anna = cf("D'Angelo", "Anna", 4);
    let csv = [
        ALBO_HEADER.to_owned(),
        albo_row("Mario", "Rossi", &mario1, "MI", "A1"),
        albo_row("Mario", "Rossi", &mario2, "MI", "A2"),
        albo_row("Mario", "Rossi", &mario3, "RM", "A3"),
        albo_row("Anna", "D'Angelo", &anna, "MI", "A4"),
        "Luca;Verdi;RSSMRA85T10A562X;Via Po 2;Torino;TO;1012;luca@;;MI;A5;iscritto;;;".to_owned(),
        albo_row("Mario", "Rossi", &mario1, "MI", "A1"),
    ]
    .join("\n");

    // Dry run: a report per row, nothing written.
    let dry = api.csv("/api/albo/import?mode=dry-run", &albo, &csv).await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    let outcomes: Vec<&str> = dry.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["esito"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["nuovo", "nuovo", "nuovo", "nuovo", "errore", "errore"]
    );
    let bad = &dry.body["rows"][4]["errori"];
    let fields: Vec<&str> = bad
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["codice_fiscale", "cap", "email"]);
    assert!(
        dry.body["rows"][5]["errori"][0]["message"]
            .as_str()
            .unwrap()
            .contains("riga 2")
    );
    assert_eq!(
        api.get(&format!("/api/members/{mario1}"), &fondazione)
            .await
            .status,
        404
    );

    // Commit, then the same file again: nothing changes the second time.
    let commit = api.csv("/api/albo/import?mode=commit", &albo, &csv).await;
    assert_eq!(commit.body["errors"], 2, "{}", commit.text);
    let again = api.csv("/api/albo/import?mode=commit", &albo, &csv).await;
    let outcomes: Vec<&str> = again.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["esito"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes[..4], ["invariato"; 4]);

    // Each secretariat sees its own members.
    let list = api.get("/api/ordini/MI/members", &mi).await;
    assert_eq!(
        list.body["items"].as_array().unwrap().len(),
        3,
        "{}",
        list.text
    );
    assert_eq!(
        api.get("/api/ordini/RM/members", &rm).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(api.get("/api/ordini/MI/members", &rm).await.status, 403);

    // Homonyms get .2, .3 in order of activation.
    let activate = |token: &str, ordine: &str, cf: &str| {
        let body = json!({ "codice_fiscale": cf });
        let path = format!("/api/ordini/{ordine}/activations");
        let token = token.to_owned();
        let api = &api;
        async move { api.json("POST", &path, &token, &body).await }
    };
    let first = activate(&mi, "MI", &mario1).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.body["address"], "mario.rossi@ingpec.eu");
    assert_eq!(first.body["plan"], "base");
    assert_eq!(first.body["scadenza"], "2027-11-22");
    assert_eq!(first.body["contratto"], "da-firmare");
    assert_eq!(
        activate(&mi, "MI", &mario2).await.body["address"],
        "mario.rossi.2@ingpec.eu"
    );
    assert_eq!(
        activate(&rm, "RM", &mario3).await.body["address"],
        "mario.rossi.3@ingpec.eu"
    );

    // A second activation, another Ordine's member, an invalid code: clear refusals.
    let twice = activate(&mi, "MI", &mario1).await;
    assert_eq!(
        (twice.status.as_u16(), twice.body["code"].as_str()),
        (422, Some("already_active"))
    );
    let other = activate(&rm, "RM", &anna).await;
    assert_eq!(
        (other.status.as_u16(), other.body["code"].as_str()),
        (422, Some("not_in_ordine"))
    );
    let invalid = activate(&mi, "MI", "RSSMRA85T10A562X").await;
    assert_eq!(invalid.body["code"], "invalid_codice_fiscale");
    assert_eq!(invalid.body["field"], "codice_fiscale");

    // Idempotency: the same key replays the first response.
    let keyed = |key: &'static str| {
        let body = json!({ "codice_fiscale": anna }).to_string();
        let mi = mi.clone();
        let api = &api;
        async move {
            api.send(
                "POST",
                "/api/ordini/MI/activations",
                Some(&mi),
                Some(axum::body::Body::from(body)),
                &[
                    ("content-type", "application/json"),
                    ("Idempotency-Key", key),
                ],
            )
            .await
        }
    };
    let once = keyed("k-anna-1").await;
    assert_eq!(once.status, 201, "{}", once.text);
    assert_eq!(once.body["address"], "anna.dangelo@ingpec.eu");
    let replay = keyed("k-anna-1").await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.body, once.body);
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    // Without the key the repeat is a second activation, refused.
    assert_eq!(
        activate(&mi, "MI", &anna).await.body["code"],
        "already_active"
    );

    // Search and filters.
    let search = api.get("/api/ordini/MI/members?q=rossi", &mi).await;
    assert_eq!(search.body["items"].as_array().unwrap().len(), 2);
    let by_address = api
        .get("/api/ordini/MI/members?q=mario.rossi.2@ingpec.eu", &mi)
        .await;
    assert_eq!(
        by_address.body["items"][0]["codice_fiscale"],
        mario2.as_str()
    );
    let by_cf = api
        .get(&format!("/api/ordini/MI/members?q={anna}"), &mi)
        .await;
    assert_eq!(by_cf.body["items"][0]["cognome"], "D'Angelo");
    let paged = api.get("/api/ordini/MI/members?limit=2", &mi).await;
    assert_eq!(paged.body["items"].as_array().unwrap().len(), 2);
    let cursor = paged.body["cursor"].as_str().expect("a next page");
    let next = api
        .get(
            &format!("/api/ordini/MI/members?limit=2&cursor={cursor}"),
            &mi,
        )
        .await;
    assert_eq!(next.body["items"].as_array().unwrap().len(), 1);
    let unsigned = api
        .get("/api/ordini/MI/members?contratto=da-firmare", &mi)
        .await;
    assert_eq!(unsigned.body["items"].as_array().unwrap().len(), 3);
    // Their Base terms renew by themselves while they are registered: nothing will lapse.
    let expiring = api
        .get("/api/ordini/MI/members?scadenza_entro=400", &mi)
        .await;
    assert_eq!(expiring.status, 200, "{}", expiring.text);
    assert_eq!(expiring.body["items"].as_array().unwrap().len(), 0);
    let bad_filter = api.get("/api/ordini/MI/members?piano=platino", &mi).await;
    assert_eq!(
        (
            bad_filter.status.as_u16(),
            bad_filter.body["field"].as_str()
        ),
        (422, Some("piano"))
    );

    // The export has every member with his address.
    let export = api.get("/api/ordini/MI/export", &mi).await;
    assert_eq!(export.status, 200);
    assert!(
        export.text.contains("mario.rossi.2@ingpec.eu") && export.text.lines().count() == 4,
        "{}",
        export.text
    );

    // A transfer moves Anna to Roma's panel, out of Milano's.
    let mut moved = json!({
        "nome": "Anna", "cognome": "D'Angelo", "codice_fiscale": anna, "indirizzo": "Via Roma 1",
        "comune": "Roma", "provincia": "RM", "cap": "00185", "email": "anna@example.it", "telefono": "",
        "ordine": "RM", "numero_iscrizione": "R77", "stato": "iscritto"
    });
    let transfer = api
        .json("PUT", &format!("/api/albo/members/{anna}"), &albo, &moved)
        .await;
    assert_eq!(transfer.status, 200, "{}", transfer.text);
    assert_eq!(transfer.body["modifiche"][0]["tipo"], "trasferimento");
    assert_eq!(
        api.get(&format!("/api/members/{anna}"), &mi).await.status,
        404
    );
    assert_eq!(
        api.get(&format!("/api/members/{anna}"), &rm).await.status,
        200
    );
    assert!(
        api.get("/api/ordini/MI/members?q=d'angelo", &mi).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    moved["codice_fiscale"] = json!(mario1);
    let mismatch = api
        .json("PUT", &format!("/api/albo/members/{anna}"), &albo, &moved)
        .await;
    assert_eq!(mismatch.status, 422);

    // The holder: his data, a stale edit refused, a fresh one taken, recovery his alone.
    let holder = api.token(&caller(Role::Iscritto, Some(&anna), None));
    let me = api.get("/api/me", &holder).await;
    assert_eq!(
        me.body["member"]["mailbox"]["address"], "anna.dangelo@ingpec.eu",
        "{}",
        me.text
    );
    let version = me.body["member"]["version"].as_u64().unwrap();
    let profile = json!({
        "indirizzo": "Via Nuova 5", "comune": "Roma", "provincia": "RM", "cap": "00100",
        "email": "anna.nuova@example.it", "telefono": "06 5555555", "version": version, "nome": "Annabella"
    });
    let mut stale = profile.clone();
    stale["version"] = json!(version - 1);
    assert_eq!(
        api.json("PATCH", "/api/me/profile", &holder, &stale)
            .await
            .status,
        409
    );
    let updated = api
        .json("PATCH", "/api/me/profile", &holder, &profile)
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.body["anagrafica"]["indirizzo"], "Via Nuova 5");
    assert_eq!(
        updated.body["anagrafica"]["nome"], "Anna",
        "the name is not the holder's to change"
    );
    let mut bad_cap = profile.clone();
    bad_cap["cap"] = json!("001");
    bad_cap["version"] = updated.body["version"].clone();
    let refused = api
        .json("PATCH", "/api/me/profile", &holder, &bad_cap)
        .await;
    assert_eq!(
        (refused.status.as_u16(), refused.body["field"].as_str()),
        (422, Some("cap"))
    );
    let recovery = json!({ "email": "anna.recupero@example.it", "cellulare": "+39 347 1234567", "version": updated.body["version"] });
    let saved = api
        .json("PUT", "/api/me/recovery", &holder, &recovery)
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(saved.body["recovery"]["cellulare"], "+393471234567");
    assert_eq!(
        api.json("PUT", "/api/me/recovery", &rm, &recovery)
            .await
            .status,
        403
    );
    let seen_by_secretariat = api.get(&format!("/api/members/{anna}"), &rm).await;
    assert!(
        seen_by_secretariat.body["recovery"].is_null(),
        "a secretariat does not see recovery contacts"
    );
    let history = api.get("/api/me/history", &holder).await;
    let actions: Vec<&str> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions[0], "modifica contatti di recupero");
    assert!(actions.contains(&"attivazione casella"), "{actions:?}");
    let audit = api
        .get(&format!("/api/audit?target=member:{anna}"), &fondazione)
        .await;
    assert_eq!(audit.body["items"].as_array().unwrap().len(), actions.len());

    // The provider gets each creation once, even through an outage.
    let provider = SandboxProvider::new(store.clone());
    let mailer = SandboxMailer::new(store.clone(), "avvisi@ingpec.eu".into());
    let channels = Channels {
        provider: &provider,
        mailer: &mailer,
    };
    provider
        .down
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let now = api.state.clock.now();
    let run = dispatcher::run_once(store.as_ref(), channels, now)
        .await
        .unwrap();
    // Four creations, and Anna's two changes of her data for the provider.
    assert_eq!((run.done, run.retried), (0, 6));
    assert!(
        provider
            .mailbox("mario.rossi@ingpec.eu")
            .await
            .unwrap()
            .is_none()
    );
    provider
        .down
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let later = now + chrono::Duration::minutes(5);
    assert_eq!(
        dispatcher::run_once(store.as_ref(), channels, later)
            .await
            .unwrap()
            .done,
        6
    );
    assert_eq!(
        dispatcher::run_once(store.as_ref(), channels, later)
            .await
            .unwrap()
            .done,
        0
    );
    let created = provider
        .mailbox("mario.rossi.2@ingpec.eu")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((created.status.as_str(), created.commands), ("active", 1));
    assert_eq!(created.space, shared::catalog::Space::new(1, 3));
    // Recupero credenziali reaches the provider: a locked-out Anna gets her password there.
    let anna_at_provider = provider
        .mailbox("anna.dangelo@ingpec.eu")
        .await
        .unwrap()
        .unwrap();
    let Some(functions::outbox::provider::Titolare::Persona {
        recupero, email, ..
    }) = anna_at_provider.titolare
    else {
        panic!("the provider knows Anna as a person: {anna_at_provider:?}");
    };
    assert_eq!(
        recupero.email.map(|e| e.to_string()).as_deref(),
        Some("anna.recupero@example.it")
    );
    assert_eq!(email.as_str(), "anna.nuova@example.it");

    // The Fondazione's overview counts what each Ordine's list shows.
    let overview = api.get("/api/ordini", &fondazione).await;
    let ordini = overview.body.as_array().expect("a list");
    assert_eq!(ordini.len(), 107);
    for sigla in ["MI", "RM"] {
        let row = ordini.iter().find(|o| o["ordine"] == sigla).unwrap();
        let list = api
            .get(&format!("/api/ordini/{sigla}/members"), &fondazione)
            .await;
        let items = list.body["items"].as_array().unwrap();
        let open = items
            .iter()
            .filter(|m| matches!(m["mailbox"]["status"].as_str(), Some("attiva" | "bloccata")))
            .count();
        assert!(open > 0, "{sigla}: {}", list.text);
        assert_eq!(row["iscritti"], items.len(), "{sigla}: {row}");
        assert_eq!(row["caselle"], open, "{sigla}: {row}");
        assert_eq!(row["da_firmare"], open, "{sigla}: {row}");
    }
    assert_eq!(api.get("/api/ordini", &mi).await.status, 403);
}

#[tokio::test]
async fn concurrent_activations_of_homonyms_never_share_an_address() {
    let store: Arc<dyn ItemStore> = Arc::new(SqliteStore::in_memory().unwrap());
    let api = Arc::new(Api::new(store));
    let albo = api.token(&caller(Role::Albo, None, None));
    let mi = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let codes: Vec<String> = (1..=12).map(|day| cf("Rossi", "Mario", day)).collect();
    let csv = std::iter::once(ALBO_HEADER.to_owned())
        .chain(
            codes
                .iter()
                .enumerate()
                .map(|(i, c)| albo_row("Mario", "Rossi", c, "MI", &format!("N{i}"))),
        )
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        api.csv("/api/albo/import?mode=commit", &albo, &csv)
            .await
            .body["errors"],
        0
    );
    let tasks: Vec<_> = codes
        .iter()
        .map(|code| {
            let (api, mi, body) = (api.clone(), mi.clone(), json!({ "codice_fiscale": code }));
            tokio::spawn(async move {
                api.json("POST", "/api/ordini/MI/activations", &mi, &body)
                    .await
            })
        })
        .collect();
    let mut addresses = Vec::new();
    for task in tasks {
        let response = task.await.unwrap();
        assert_eq!(response.status, 201, "{}", response.text);
        addresses.push(response.body["address"].as_str().unwrap().to_owned());
    }
    addresses.sort();
    addresses.dedup();
    assert_eq!(addresses.len(), 12, "{addresses:?}");
    assert!(addresses.contains(&"mario.rossi@ingpec.eu".to_owned()));
    assert!(addresses.contains(&"mario.rossi.12@ingpec.eu".to_owned()));
}

#[tokio::test]
async fn bulk_activation_reports_each_row_then_activates() {
    let store: Arc<dyn ItemStore> = Arc::new(SqliteStore::in_memory().unwrap());
    let api = Api::new(store);
    let albo = api.token(&caller(Role::Albo, None, None));
    let mi = api.token(&caller(Role::Segreteria, None, Some("MI")));
    let (a, b, c, elsewhere) = (
        cf("Bianchi", "Luca", 1),
        cf("Bianchi", "Luca", 2),
        cf("Verdi", "Sara", 3),
        cf("Neri", "Gino", 4),
    );
    let albo_csv = [
        ALBO_HEADER.to_owned(),
        albo_row("Luca", "Bianchi", &a, "MI", "1"),
        albo_row("Luca", "Bianchi", &b, "MI", "2"),
        albo_row("Sara", "Verdi", &c, "MI", "3"),
        albo_row("Gino", "Neri", &elsewhere, "NA", "4"),
    ]
    .join("\n");
    api.csv("/api/albo/import?mode=commit", &albo, &albo_csv)
        .await;
    api.json(
        "POST",
        "/api/ordini/MI/activations",
        &mi,
        &json!({ "codice_fiscale": c }),
    )
    .await;

    let modello = format!(
        "nome,cognome,codice_fiscale,indirizzo,comune,provincia,cap,email,telefono\n\
         Luca,Bianchi,{a},Via A 1,Milano,MI,20100,,\n\
         Luca,Bianchi,{b},Via A 2,Milano,MI,20100,l@example.it,\n\
         Sara,Verdi,{c},Via B 1,Milano,MI,20100,s@example.it,\n\
         Gino,Neri,{elsewhere},Via C 1,Napoli,NA,80100,g@example.it,\n\
         Marta,Blu,NOTACODE,Via D 1,Milano,MI,20100,m@example.it,\n\
         Luca,Bianco,{a},Via A 1,Milano,MI,20100,,\n"
    );
    // A bulk activation needs only who each row names: the mailbox is made from the Albo's
    // record, so a row without contact data is fine. The secretariat's profile is kept too.
    let profilo = api
        .json(
            "PUT",
            "/api/ordini/MI/profilo",
            &mi,
            &json!({ "email_segreteria": "segreteria@ordine-mi.example.it", "telefono": "02 1234567", "indirizzo": "Viale Andrea Doria 9, Milano", "version": 0 }),
        )
        .await;
    assert_eq!(profilo.status, 200, "{}", profilo.text);
    assert_eq!(profilo.body["version"], 1);

    let dry = api
        .csv(
            "/api/ordini/MI/activations/bulk?mode=dry-run",
            &mi,
            &modello,
        )
        .await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    let rows = dry.body["rows"].as_array().unwrap();
    let outcomes: Vec<&str> = rows.iter().map(|r| r["esito"].as_str().unwrap()).collect();
    assert_eq!(
        outcomes,
        [
            "da-attivare",
            "da-attivare",
            "gia-attiva",
            "non-iscritto-ordine",
            "errore",
            "errore"
        ]
    );
    // Homonyms in one file get distinct previews.
    assert_eq!(rows[0]["indirizzo"], "luca.bianchi@ingpec.eu");
    assert_eq!(rows[1]["indirizzo"], "luca.bianchi.2@ingpec.eu");
    assert_eq!(rows[4]["riga"], 6);
    assert!(
        api.get(&format!("/api/members/{a}"), &mi).await.body["mailbox"].is_null(),
        "a dry run writes nothing"
    );

    let commit = api
        .csv("/api/ordini/MI/activations/bulk?mode=commit", &mi, &modello)
        .await;
    let outcomes: Vec<&str> = commit.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["esito"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "attivata",
            "attivata",
            "gia-attiva",
            "non-iscritto-ordine",
            "errore",
            "errore"
        ]
    );
    assert_eq!(commit.body["errors"], 2);
    let too_big = format!("nome,cognome,codice_fiscale\n{}", "A,B,C\n".repeat(1001));
    assert_eq!(
        api.csv("/api/ordini/MI/activations/bulk", &mi, &too_big)
            .await
            .status,
        422
    );
    assert_eq!(
        api.csv(
            "/api/ordini/MI/activations/bulk",
            &mi,
            "nome;cognome\nA;B\n"
        )
        .await
        .body["code"],
        "invalid_file"
    );
}

/// What another writer does at the very moment a bulk activation sends its first
/// transaction.
enum Race {
    /// Takes the first alias of this base for the Ordine.
    TakeAddress(&'static str),
    /// Cancels the member with this code from the Albo.
    Cancel(String),
    /// Activates the mailbox of the member with this code (another secretariat's user).
    Activate(String),
    /// Activates the mailbox of the member with this code, then cancels him from the Albo.
    ActivateAndCancel(String),
}

/// Another writer doing `race` once armed, at the first transaction after; the size of
/// every transaction since is kept.
struct BulkRace {
    race: Race,
    armed: AtomicBool,
    sizes: Mutex<Vec<usize>>,
}

impl BulkRace {
    fn new(race: Race) -> Self {
        Self {
            race,
            armed: AtomicBool::new(false),
            sizes: Mutex::new(Vec::new()),
        }
    }

    fn arm(&self) {
        self.sizes.lock().unwrap().clear();
        self.armed.store(true, Ordering::SeqCst);
    }

    /// The sizes of the transactions since it was armed; panics if the race did not happen.
    fn raced(&self) -> Vec<usize> {
        assert!(!self.armed.load(Ordering::SeqCst), "the race happened");
        self.sizes.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl Interloper for BulkRace {
    async fn before(&self, store: &dyn ItemStore, ops: &[WriteOp]) -> Result<(), StoreError> {
        self.sizes.lock().unwrap().push(ops.len());
        if !self.armed.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        match &self.race {
            Race::TakeAddress(base) => {
                let base = LocalPart::parse(base).unwrap();
                let (_, reserve) = addresses::reserve(&base, 1, "ordine:MI").unwrap();
                store.transact(vec![reserve]).await
            }
            Race::Cancel(code) => cancel(store, code).await,
            Race::Activate(code) => {
                activate(store, code).await;
                Ok(())
            }
            Race::ActivateAndCancel(code) => {
                activate(store, code).await;
                cancel(store, code).await
            }
        }
    }
}

/// Cancels the member with `code` from the Albo, as its feed does.
async fn cancel(store: &dyn ItemStore, code: &str) -> Result<(), StoreError> {
    let cf = CodiceFiscale::parse(code).unwrap();
    let member = members::get(store, &cf).await?.unwrap();
    let mut after = member.value.clone();
    after.albo.stato = AlboStatus::Cancellato {
        dal: chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
        causa: CausaCancellazione::Dimissioni,
    };
    let change = Change {
        before: Some(member),
        after,
        effects: Vec::new(),
        actor: shared::audit::Actor::Fondazione("test".into()),
        action: "albo: stato nell'Albo".into(),
    };
    let (ops, _, _) = change.into_ops(support::NOW.parse().unwrap())?;
    store.transact(ops).await
}

/// Activates the mailbox of the member with `code`, as Milan's secretariat.
async fn activate(store: &dyn ItemStore, code: &str) {
    let secretariat = caller(Role::Segreteria, None, Some("MI"));
    let ordine = OrdineCode::parse("MI").unwrap();
    let now = support::NOW.parse().unwrap();
    activation::activate(store, &secretariat, ordine, code, now)
        .await
        .expect("the other writer activates the mailbox");
}

/// Registers `people` (nome, cognome, code) in Milan.
async fn register(api: &Api, people: &[(&str, &str, String)]) {
    let albo = api.token(&caller(Role::Albo, None, None));
    let mut csv = vec![ALBO_HEADER.to_owned()];
    csv.extend(
        people.iter().enumerate().map(|(i, (nome, cognome, code))| {
            albo_row(nome, cognome, code, "MI", &format!("R{i}"))
        }),
    );
    let imported = api
        .csv("/api/albo/import?mode=commit", &albo, &csv.join("\n"))
        .await;
    assert_eq!(imported.body["errors"], 0, "{}", imported.text);
}

/// Milan's secretariat activates `people` from one file: each row's outcome and address.
async fn bulk_activate(api: &Api, people: &[(&str, &str, String)]) -> Vec<(String, String)> {
    bulk_activate_as(api, &caller(Role::Segreteria, None, Some("MI")), people).await
}

/// `who` activates `people` in Milan from one file: each row's outcome and address.
async fn bulk_activate_as(
    api: &Api,
    who: &Caller,
    people: &[(&str, &str, String)],
) -> Vec<(String, String)> {
    let mi = api.token(who);
    let mut modello = String::from("nome,cognome,codice_fiscale\n");
    for (nome, cognome, code) in people {
        modello.push_str(&format!("{nome},{cognome},{code}\n"));
    }
    let commit = api
        .csv("/api/ordini/MI/activations/bulk?mode=commit", &mi, &modello)
        .await;
    assert_eq!(commit.status, 200, "{}", commit.text);
    commit.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let address = r["indirizzo"].as_str().unwrap_or_default().to_owned();
            (r["esito"].as_str().unwrap().to_owned(), address)
        })
        .collect()
}

#[tokio::test]
async fn a_bulk_activation_that_meets_another_writer_activates_each_row_again() {
    let racing = Racing::new(BulkRace::new(Race::TakeAddress("anna.gialli")));
    let api = Api::new(racing.clone());
    let mut people: Vec<(&str, &str, String)> = (1..=3)
        .map(|day| ("Anna", "Gialli", cf("Gialli", "Anna", day)))
        .collect();
    people.push(("Paolo", "Viola", cf("Viola", "Paolo", 4)));
    register(&api, &people).await;

    racing.interloper.arm();
    let rows = bulk_activate(&api, &people).await;
    // One transaction of the four rows (member, provider command, audit entry, address
    // each), refused; then each row on its own.
    assert_eq!(racing.interloper.raced(), [16, 4, 4, 4, 4]);
    // The address taken meanwhile is skipped; the rest is as without the race.
    let expected = [
        "anna.gialli.2@ingpec.eu",
        "anna.gialli.3@ingpec.eu",
        "anna.gialli.4@ingpec.eu",
        "paolo.viola@ingpec.eu",
    ];
    assert_eq!(
        rows,
        expected.map(|a| ("attivata".to_owned(), a.to_owned()))
    );
    let mi = api.token(&caller(Role::Segreteria, None, Some("MI")));
    for ((_, _, code), address) in people.iter().zip(expected) {
        let member = api.get(&format!("/api/members/{code}"), &mi).await;
        assert_eq!(
            member.body["mailbox"]["address"], address,
            "{}",
            member.text
        );
    }
}

#[tokio::test]
async fn after_a_batch_meets_another_writer_the_next_rows_get_the_first_free_addresses() {
    // SQLite's transactions a commit, then DynamoDB's one.
    for per_commit in [None, Some(1)] {
        after_a_refused_batch(per_commit).await;
    }
}

async fn after_a_refused_batch(per_commit: Option<usize>) {
    // 27 homonyms: 25 rows fill a transaction (100 writes), the 26th does not fit.
    let people: Vec<(&str, &str, String)> = (1..=27)
        .map(|day| ("Ugo", "Neri", cf("Neri", "Ugo", day)))
        .collect();
    let race = BulkRace::new(Race::Cancel(people[0].2.clone()));
    let racing = match per_commit {
        None => Racing::new(race),
        Some(n) => Racing::with_per_commit(race, n),
    };
    let api = Api::new(racing.clone());
    register(&api, &people).await;

    racing.interloper.arm();
    let rows = bulk_activate(&api, &people).await;
    // The first 25 rows together, refused (the first member was cancelled meanwhile).
    // Sent with the second batch (rows 26 and 27): that one is not tried, and rows 2 to
    // 27 go alone, in order. Sent alone, while rows 26 and 27 are worked out: rows 2 to 25
    // go alone, then the 26th and the 27th (their addresses promised before the refusal,
    // so forgotten).
    assert_eq!(
        racing.interloper.raced(),
        [vec![100], vec![4; 26]].concat(),
        "{per_commit:?} a commit"
    );
    // Row 1 says what a first read would say now: a cancelled member is no longer the
    // Ordine's to act on.
    assert_eq!(rows[0], ("non-iscritto-ordine".to_owned(), String::new()));
    // The addresses promised to the refused batch and after it are forgotten: no alias is
    // skipped.
    let expected: Vec<(String, String)> = (1..=26)
        .map(|n| ("attivata".to_owned(), address("ugo.neri", n)))
        .collect();
    assert_eq!(rows[1..], expected, "{per_commit:?} a commit");
}

/// The address `alias` of `base`, as the report shows it.
fn address(base: &str, alias: usize) -> String {
    match alias {
        1 => format!("{base}@ingpec.eu"),
        n => format!("{base}.{n}@ingpec.eu"),
    }
}

/// The code of a man born in Milan `days` after the first of January 1980.
fn cf_born(cognome: &str, nome: &str, days: u64) -> String {
    let data = chrono::NaiveDate::from_ymd_opt(1980, 1, 1).unwrap() + chrono::Days::new(days);
    CodiceFiscale::compute(&shared::codice_fiscale::DatiNascita {
        cognome,
        nome,
        data,
        sesso: shared::codice_fiscale::Sesso::M,
        codice_catastale: "F205",
    })
    .unwrap()
    .to_string()
}

#[tokio::test]
async fn a_file_goes_in_windows_each_worked_out_while_the_one_before_is_written() {
    // DynamoDB's window: 25 activations, one transaction. 25 Ugo Neri, then 60 Ugo Verdi,
    // make four windows; each is read and worked out before the one before is written.
    let mut people: Vec<(&str, &str, String)> = (1..=25)
        .map(|n| ("Ugo", "Neri", cf_born("Neri", "Ugo", n)))
        .collect();
    people.extend((1..=60).map(|n| ("Ugo", "Verdi", cf_born("Verdi", "Ugo", n))));
    let activated = |neri: RangeInclusive<usize>, verdi: RangeInclusive<usize>| {
        neri.map(|n| address("ugo.neri", n))
            .chain(verdi.map(|n| address("ugo.verdi", n)))
            .map(|address| ("attivata".to_owned(), address))
            .collect::<Vec<_>>()
    };

    // Another writer takes an address no row wants: every window is written whole, and the
    // homonyms of each window go on from the aliases promised in the one before.
    let racing = Racing::with_per_commit(BulkRace::new(Race::TakeAddress("ada.blu")), 1);
    let api = Api::new(racing.clone());
    register(&api, &people).await;
    racing.interloper.arm();
    let rows = bulk_activate(&api, &people).await;
    assert_eq!(racing.interloper.raced(), [100, 100, 100, 40]);
    assert_eq!(rows, activated(1..=25, 1..=60));

    // The same file elsewhere, while the first window is written, takes Ugo Verdi's first
    // address, which the second window (read before) promised to its first row. That
    // window is refused; its rows and the third window's, worked out meanwhile on the same
    // promises, are read again and activated one at a time. The fourth window, read after,
    // goes on from what is taken now: no alias is skipped.
    let racing = Racing::with_per_commit(BulkRace::new(Race::TakeAddress("ugo.verdi")), 1);
    let api = Api::new(racing.clone());
    register(&api, &people).await;
    racing.interloper.arm();
    let rows = bulk_activate(&api, &people).await;
    assert_eq!(
        racing.interloper.raced(),
        [vec![100, 100], vec![4; 50], vec![40]].concat()
    );
    assert_eq!(rows, activated(1..=25, 2..=61));
}

#[tokio::test]
async fn an_albo_import_that_meets_another_writer_writes_each_row_again() {
    let people: Vec<(&str, &str, String)> = (1..=3)
        .map(|day| ("Anna", "Gialli", cf("Gialli", "Anna", day)))
        .collect();
    let racing = Racing::new(BulkRace::new(Race::Cancel(people[1].2.clone())));
    let api = Api::new(racing.clone());
    register(&api, &people).await;

    // The Albo sends them again with new numbers; meanwhile its feed cancels the second.
    let albo = api.token(&caller(Role::Albo, None, None));
    let mut csv = vec![ALBO_HEADER.to_owned()];
    csv.extend(
        people.iter().enumerate().map(|(i, (nome, cognome, code))| {
            albo_row(nome, cognome, code, "MI", &format!("S{i}"))
        }),
    );
    racing.interloper.arm();
    let imported = api
        .csv("/api/albo/import?mode=commit", &albo, &csv.join("\n"))
        .await;
    assert_eq!(imported.body["errors"], 0, "{}", imported.text);
    // The three rows together, refused; then each alone, the second on what it reads now.
    let sizes = racing.interloper.raced();
    assert_eq!(sizes.len(), 4, "{sizes:?}");
    assert_eq!(sizes[0], sizes[1..].iter().sum::<usize>(), "{sizes:?}");
    let mi = api.token(&caller(Role::Segreteria, None, Some("MI")));
    for (i, (_, _, code)) in people.iter().enumerate() {
        let member = api.get(&format!("/api/members/{code}"), &mi).await;
        assert_eq!(
            member.body["albo"]["numero_iscrizione"],
            format!("S{i}"),
            "{}",
            member.text
        );
        assert_eq!(
            member.body["albo"]["stato"]["stato"], "iscritto",
            "{}",
            member.text
        );
    }
}

#[tokio::test]
async fn an_albo_import_goes_in_windows_and_a_window_read_before_a_change_is_written_again() {
    // DynamoDB's window: 50 rows, one transaction. 120 members: windows of 50, 50, 20.
    let people: Vec<(&str, &str, String)> = (1..=120)
        .map(|day| ("Ugo", "Neri", cf_born("Neri", "Ugo", day)))
        .collect();
    let racing = Racing::with_per_commit(BulkRace::new(Race::Cancel(people[70].2.clone())), 1);
    let api = Api::new(racing.clone());
    register(&api, &people).await;

    // The Albo sends them again with new numbers. While the first window is written, its
    // feed cancels the 71st member, whom the second window had read before: that window is
    // refused and its rows written one at a time, the 71st on what it reads now; the
    // third window, read after, goes as it is.
    let albo = api.token(&caller(Role::Albo, None, None));
    let mut csv = vec![ALBO_HEADER.to_owned()];
    csv.extend(
        people.iter().enumerate().map(|(i, (nome, cognome, code))| {
            albo_row(nome, cognome, code, "MI", &format!("S{i}"))
        }),
    );
    racing.interloper.arm();
    let imported = api
        .csv("/api/albo/import?mode=commit", &albo, &csv.join("\n"))
        .await;
    assert_eq!(imported.body["errors"], 0, "{}", imported.text);
    assert_eq!(
        racing.interloper.raced(),
        [vec![100, 100], vec![2; 50], vec![40]].concat()
    );
    let outcomes: Vec<&str> = imported.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["esito"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["aggiornato"; 120]);
    let mi = api.token(&caller(Role::Segreteria, None, Some("MI")));
    for i in [0, 49, 50, 70, 99, 100, 119] {
        let member = api.get(&format!("/api/members/{}", people[i].2), &mi).await;
        assert_eq!(
            member.body["albo"]["numero_iscrizione"],
            format!("S{i}"),
            "{}",
            member.text
        );
        assert_eq!(
            member.body["albo"]["stato"]["stato"], "iscritto",
            "{}",
            member.text
        );
    }
}

#[tokio::test]
async fn a_batch_that_meets_another_writer_after_one_written_redoes_only_its_rows() {
    // 25 homonyms fill a transaction (100 writes); two more homonyms of another name
    // make a second, sent with it. The other writer takes the second one's first address.
    let mut people: Vec<(&str, &str, String)> = (1..=25)
        .map(|day| ("Ugo", "Neri", cf("Neri", "Ugo", day)))
        .collect();
    people.extend((1..=2).map(|day| ("Anna", "Gialli", cf("Gialli", "Anna", day))));
    let racing = Racing::new(BulkRace::new(Race::TakeAddress("anna.gialli")));
    let api = Api::new(racing.clone());
    register(&api, &people).await;

    racing.interloper.arm();
    let rows = bulk_activate(&api, &people).await;
    // The first written; the second refused; its two rows alone.
    assert_eq!(racing.interloper.raced(), [100, 8, 4, 4]);
    let ugo = (1..=25).map(|n| address("ugo.neri", n));
    let anna = ["anna.gialli.2@ingpec.eu", "anna.gialli.3@ingpec.eu"].map(str::to_owned);
    let expected: Vec<(String, String)> = ugo
        .chain(anna)
        .map(|address| ("attivata".to_owned(), address))
        .collect();
    assert_eq!(rows, expected);
}

/// Anna, Bruno and Carla registered in Milan and activated from one file by `who`, while
/// another writer does `race` to Bruno at the first transaction; asserts that the three
/// rows together were refused, then Anna and Carla written alone, Bruno's row writing
/// nothing and reported "già attiva" with his address.
async fn bruno_is_reported_already_active(race: fn(String) -> Race, who: &Caller) {
    let people: Vec<(&str, &str, String)> = vec![
        ("Anna", "Gialli", cf("Gialli", "Anna", 1)),
        ("Bruno", "Blu", cf("Blu", "Bruno", 2)),
        ("Carla", "Rossi", cf("Rossi", "Carla", 3)),
    ];
    let racing = Racing::new(BulkRace::new(race(people[1].2.clone())));
    let api = Api::new(racing.clone());
    register(&api, &people).await;

    racing.interloper.arm();
    let rows = bulk_activate_as(&api, who, &people).await;
    assert_eq!(racing.interloper.raced(), [12, 4, 4]);
    assert_eq!(
        rows,
        [
            ("attivata", "anna.gialli@ingpec.eu"),
            ("gia-attiva", "bruno.blu@ingpec.eu"),
            ("attivata", "carla.rossi@ingpec.eu"),
        ]
        .map(|(esito, address)| (esito.to_owned(), address.to_owned()))
    );
}

#[tokio::test]
async fn a_member_activated_meanwhile_by_another_writer_is_reported_already_active() {
    let milan = caller(Role::Segreteria, None, Some("MI"));
    bruno_is_reported_already_active(Race::Activate, &milan).await;
}

/// The Fondazione still sees Bruno, cancelled, and his mailbox, open: a first read would
/// say "già attiva", and so does his row read again.
#[tokio::test]
async fn a_fondazione_bulk_activation_reports_a_member_activated_and_cancelled_meanwhile_as_already_active()
 {
    let fondazione = caller(Role::Fondazione, None, None);
    bruno_is_reported_already_active(Race::ActivateAndCancel, &fondazione).await;
}
