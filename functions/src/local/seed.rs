//! Demo data for the local server's first start: every Ordine's own mailbox, a few hundred
//! members in Milano, Roma, Napoli and Sassari (homonyms, double surnames, apostrophes,
//! accents), two in three with a mailbox, and one account for each role. Some holders have
//! done their first access and have their contract issued; of those, most uploaded it
//! signed by the demo CA the local trust store holds (*firmato*), a few by a CA outside it
//! (in the Fondazione's review). Loaded through the same use cases as real data, so it is
//! audited and consistent.

use chrono::{DateTime, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shared::access::{Caller, Role};
use shared::api::{CaricamentoRichiesta, PassoRichiesta};
use shared::audit::Actor;
use shared::codice_fiscale::{CodiceFiscale, DatiNascita, Sesso};
use shared::contratto::Passo;
use shared::member::AnagraficaInput;
use shared::ordine::OrdineProfiloUpdate;
use shared::province::OrdineCode;

use std::path::Path;

use sha2::{Digest, Sha256};

use super::demo_ca::DemoCa;
use crate::repo::accounts::{self, Account};
use crate::repo::contratti as contratto_repo;
use crate::repo::{self, reports};
use crate::service::albo::{self, AlboInput};
use crate::service::contratto::{self, Deps};
use crate::service::{activation, ordine, primo_accesso};
use crate::store::{ItemStore, StoreError};

/// The password of every demo account (local use only).
pub const DEMO_PASSWORD: &str = "pec-demo";

const MEN: &[&str] = &[
    "Mario",
    "Luca",
    "Giuseppe",
    "Francesco",
    "Alessandro",
    "Andrea",
    "Marco",
    "Giovanni",
    "Paolo",
    "Stefano",
    "Niccolò",
    "Gian Marco",
    "Pier Luigi",
    "Antonio",
    "Salvatore",
    "Gavino",
];
const WOMEN: &[&str] = &[
    "Maria Grazia",
    "Anna",
    "Giulia",
    "Francesca",
    "Chiara",
    "Laura",
    "Sara",
    "Elena",
    "Valentina",
    "Federica",
    "Martina",
    "Gavina",
    "Rosaria",
];
const SURNAMES: &[&str] = &[
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "De Santis",
    "D'Angelo",
    "Dell'Orto",
    "Della Valle",
    "Lo Russo",
    "Sanna",
    "Piras",
    "Melis",
    "Fadda",
    "Capuozzo",
    "Cantù",
    "Mazzà",
    "Dell'Acqua",
];
/// The Ordini with demo members, with their chief town's cadastral code and CAP.
const ORDINI: &[(&str, &str, &str, &str)] = &[
    ("MI", "F205", "Milano", "20121"),
    ("RM", "H501", "Roma", "00185"),
    ("NA", "F839", "Napoli", "80133"),
    ("SS", "I452", "Sassari", "07100"),
];
const STREETS: &[&str] = &[
    "Via Roma",
    "Corso Italia",
    "Via Garibaldi",
    "Piazza Duomo",
    "Via Mazzini",
    "Viale Europa",
];

/// The demo accounts, for the start-up message.
pub const DEMO_ACCOUNTS: [(&str, &str); 8] = [
    ("fondazione", "Fondazione CNI"),
    ("albo", "Albo Unico (sistema)"),
    ("segreteria.mi", "Segreteria dell'Ordine di Milano"),
    ("segreteria.rm", "Segreteria dell'Ordine di Roma"),
    ("segreteria.na", "Segreteria dell'Ordine di Napoli"),
    ("segreteria.ss", "Segreteria dell'Ordine di Sassari"),
    ("mario.rossi", "Iscritto, Ordine di Milano"),
    ("anna.dangelo", "Iscritta, Ordine di Sassari"),
];

/// What was made, for the log.
pub struct Seeded {
    pub accounts: Vec<(String, String)>,
    pub members: usize,
    pub mailboxes: usize,
    /// Signed contracts uploaded.
    pub contracts: usize,
}

fn system(role: Role, subject: &str, ordine: Option<OrdineCode>) -> Caller {
    Caller {
        subject: subject.into(),
        role,
        codice_fiscale: None,
        ordine,
    }
}

fn person(rng: &mut StdRng, i: usize) -> (String, String, Sesso) {
    // A few fixed homonyms first: two Mario Rossi in Milano, one in Roma; two Maria Grazia De Santis.
    match i {
        0 | 1 | 5 => return ("Mario".into(), "Rossi".into(), Sesso::M),
        2 | 6 => return ("Maria Grazia".into(), "De Santis".into(), Sesso::F),
        3 => return ("Anna".into(), "D'Angelo".into(), Sesso::F),
        _ => {}
    }
    let sesso = if rng.random_bool(0.4) {
        Sesso::F
    } else {
        Sesso::M
    };
    let names = if sesso == Sesso::F { WOMEN } else { MEN };
    (
        names[rng.random_range(0..names.len())].into(),
        SURNAMES[rng.random_range(0..SURNAMES.len())].into(),
        sesso,
    )
}

/// Generates `count` members of the Albo, deterministically from `seed`.
pub fn members(count: usize, seed: u64, ordini: &[(&str, &str, &str, &str)]) -> Vec<AlboInput> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(count);
    let mut i = 0;
    while out.len() < count {
        let (nome, cognome, sesso) = person(&mut rng, i);
        let (sigla, catastale, comune, cap) = ordini[i % ordini.len()];
        i += 1;
        let data = NaiveDate::from_ymd_opt(
            rng.random_range(1950..2000),
            rng.random_range(1..=12),
            rng.random_range(1..=28),
        )
        .expect("a valid date");
        let Ok(cf) = CodiceFiscale::compute(&DatiNascita {
            cognome: &cognome,
            nome: &nome,
            data,
            sesso,
            codice_catastale: catastale,
        }) else {
            continue;
        };
        if !seen.insert(cf.clone()) {
            continue;
        }
        let local = shared::text::fold_letters(&nome) + "." + &shared::text::fold_letters(&cognome);
        let n = out.len();
        let (stato, data_stato, causa) = match n % 23 {
            7 => ("cancellato", "15/03/2026", "dimissioni"),
            13 => ("cancellato", "02/09/2026", "decesso"),
            19 => ("sospeso", "10/01/2026", ""),
            _ => ("iscritto", "", ""),
        };
        out.push(AlboInput {
            anagrafica: AnagraficaInput {
                nome,
                cognome,
                codice_fiscale: cf.to_string(),
                indirizzo: format!(
                    "{} {}",
                    STREETS[rng.random_range(0..STREETS.len())],
                    rng.random_range(1..200)
                ),
                comune: comune.into(),
                provincia: sigla.into(),
                cap: cap.into(),
                email: format!("{local}{}@example.it", n),
                telefono: format!(
                    "+39 3{:02} {:07}",
                    rng.random_range(20..99),
                    rng.random_range(0..9_999_999)
                ),
            },
            ordine: sigla.into(),
            numero_iscrizione: format!("{}{:05}", if n % 5 == 0 { "B" } else { "A" }, 10_000 + n),
            stato: stato.into(),
            data_stato: data_stato.into(),
            causa: causa.into(),
            // One in eight keeps a PEC with another provider as domicilio digitale.
            domicilio_digitale: if n % 8 == 4 {
                format!("{local}@pec.example.it")
            } else {
                String::new()
            },
        });
    }
    out
}

/// Loads the demo data once; `None` when the store already had it. Contracts are signed
/// only when `demo_ca_trusted` (with another trust store they would all be in review).
pub async fn demo(
    deps: Deps<'_>,
    demo_ca_trusted: bool,
    now: DateTime<Utc>,
) -> Result<Option<Seeded>, StoreError> {
    let store = deps.store;
    if !reports::mark_seeded(store, now).await? {
        return Ok(None);
    }
    for ordine in OrdineCode::all() {
        ordine::create_mailbox(store, Actor::Sistema, ordine, now).await?;
    }
    // The demo Ordini's secretariats have filled in their profile.
    for (sigla, _, comune, cap) in ORDINI {
        let ordine = OrdineCode::parse(sigla).expect("seed Ordini are valid");
        let secretariat = secretariat(ordine);
        let version = match ordine::profilo(store, &secretariat, ordine).await {
            Ok(current) => current.version,
            Err(e) => {
                tracing::warn!(error = %e, %ordine, "seed profile unreadable");
                continue;
            }
        };
        let profilo = OrdineProfiloUpdate {
            email_segreteria: format!(
                "segreteria@ordineingegneri.{}.example.it",
                sigla.to_lowercase()
            ),
            telefono: "+39 06 1234567".into(),
            indirizzo: format!("Via dell'Ordine 1, {cap} {comune}"),
            version,
        };
        if let Err(e) = ordine::update_profilo(store, &secretariat, ordine, &profilo, now).await {
            tracing::warn!(error = %e, %ordine, "seed profile refused");
        }
    }
    let albo = system(Role::Albo, "albo-unico", None);
    let inputs = members(320, 2026, ORDINI);
    for input in &inputs {
        if let Err(e) = albo::upsert_one(store, &albo, input, now).await {
            tracing::warn!(error = %e, "seed member refused");
        }
    }
    let mut mailboxes = 0;
    for (n, input) in inputs.iter().enumerate() {
        // Two in three registered members have their mailbox (the demo accounts' do); the
        // step differs from the Ordini's rotation, so every Ordine has some without.
        if n % 3 == 2 {
            continue;
        }
        let ordine = OrdineCode::parse(&input.ordine).expect("seed Ordini are valid");
        // Anna D'Angelo's mailbox is almost a year old, with extra space bought then: its
        // scadenza is near, so she can renew it.
        let activated_at = if n == 3 {
            now - chrono::Duration::days(320)
        } else {
            now
        };
        if activation::activate(
            store,
            &secretariat(ordine),
            ordine,
            &input.anagrafica.codice_fiscale,
            activated_at,
        )
        .await
        .is_ok()
        {
            mailboxes += 1;
        }
    }
    if let Err(e) = bought_a_year_ago(store, &inputs[3], now - chrono::Duration::days(320)).await {
        tracing::warn!(error = %e, "demo purchase refused");
    }
    let contracts = if demo_ca_trusted {
        contracts(deps, &inputs, now).await
    } else {
        0
    };
    let mut made = vec![
        Account::new("fondazione", DEMO_PASSWORD, Role::Fondazione, None, None),
        Account::new("albo", DEMO_PASSWORD, Role::Albo, None, None),
    ];
    for (sigla, ..) in ORDINI {
        let ordine = OrdineCode::parse(sigla).expect("valid");
        made.push(Account::new(
            &format!("segreteria.{}", sigla.to_lowercase()),
            DEMO_PASSWORD,
            Role::Segreteria,
            None,
            Some(ordine),
        ));
    }
    // Two members with a mailbox: the first Mario Rossi (Milano) and Anna D'Angelo (Sassari).
    for (username, input) in [("mario.rossi", &inputs[0]), ("anna.dangelo", &inputs[3])] {
        let cf = CodiceFiscale::parse(&input.anagrafica.codice_fiscale).expect("valid");
        made.push(Account::new(
            username,
            DEMO_PASSWORD,
            Role::Iscritto,
            Some(cf),
            None,
        ));
    }
    let mut accounts_made = Vec::new();
    for account in &made {
        repo::commit(store, vec![accounts::create(account)?]).await?;
        let who = match (account.role, account.ordine, &account.codice_fiscale) {
            (Role::Segreteria, Some(o), _) => format!("Segreteria dell'{}", o.nome()),
            (Role::Iscritto, _, Some(cf)) => format!("Iscritto ({cf})"),
            (role, _, _) => role.nome().to_owned(),
        };
        accounts_made.push((account.username.clone(), who));
    }
    Ok(Some(Seeded {
        accounts: accounts_made,
        members: inputs.len(),
        mailboxes,
        contracts,
    }))
}

/// 1 GB of extra inbox bought and paid at `at`, through the order and the payment's event
/// as a holder and the test checkout would.
async fn bought_a_year_ago(
    store: &dyn ItemStore,
    input: &AlboInput,
    at: DateTime<Utc>,
) -> Result<(), Box<dyn std::error::Error>> {
    use shared::catalog::{ServiceKind, SpaceArea};
    use shared::order::Acquisto;
    let cf = CodiceFiscale::parse(&input.anagrafica.codice_fiscale)?;
    let holder = Caller {
        subject: format!("demo:{cf}"),
        role: Role::Iscritto,
        codice_fiscale: Some(cf),
        ordine: None,
    };
    let richiesta = shared::api::OrdineRichiesta {
        acquisto: Acquisto::Servizio {
            servizio: ServiceKind::SpazioExtra {
                area: SpaceArea::Inbox,
                gb: 1,
            },
        },
    };
    let order = crate::service::acquisti::create(store, &holder, &richiesta, None, at).await?;
    let paid = crate::payment::webhook::Riuscito {
        evento: format!("evt_demo_{}", order.id),
        riferimento: format!("pi_demo_{}", order.id.replace('-', "")),
        ordine: order.id.clone(),
        importo: order.totale(),
        il: at,
    };
    let venditore = crate::payment::venditore_from_env();
    crate::payment::webhook::apply(store, &venditore, &paid, at).await?;
    Ok(())
}

/// The demo CA's certificate as the local trust store, unless a store is configured or
/// already there; whether the local trust store holds the demo CA.
pub fn trust_demo_ca(data_dir: &Path) -> Result<bool, Box<dyn std::error::Error>> {
    if std::env::var_os("PEC_TRUST_STORE").is_some() {
        return Ok(false);
    }
    let bundle = data_dir.join("fiducia.pem");
    let pem = DemoCa::qualified()?.pem()?;
    if !bundle.exists() {
        std::fs::write(&bundle, &pem)?;
    }
    Ok(std::fs::read_to_string(&bundle)?.contains(pem.trim()))
}

/// What the demo holders did with their contract: first access and the contract issued to
/// one in three holders with a mailbox (never the demo accounts', which are left to do
/// it); two in three of those uploaded it signed, one in ten of the signed by a CA outside
/// the trust store. Returns how many uploads were made.
async fn contracts(deps: Deps<'_>, inputs: &[AlboInput], now: DateTime<Utc>) -> usize {
    let (Ok(trusted), Ok(outside)) = (DemoCa::qualified(), DemoCa::outside()) else {
        tracing::warn!("demo CAs unavailable: no demo contracts");
        return 0;
    };
    let mut uploads = 0;
    for (n, input) in inputs.iter().enumerate().skip(4) {
        if n % 3 != 1 {
            continue;
        }
        let a = &input.anagrafica;
        let Ok(cf) = CodiceFiscale::parse(&a.codice_fiscale) else {
            continue;
        };
        let holder = Caller {
            subject: format!("demo:{cf}"),
            role: Role::Iscritto,
            codice_fiscale: Some(cf.clone()),
            ordine: None,
        };
        let Ok((_, pdf)) = contract(deps, &holder, now).await else {
            continue; // no mailbox (cancelled, suspended before activation)
        };
        if n % 9 == 7 {
            continue; // issued, not signed yet
        }
        let ca = if n % 10 == 4 { &outside } else { &trusted };
        let signed = match ca.sign(&a.nome, &a.cognome, cf.as_str(), n as u32 + 100, &pdf, now) {
            Ok(signed) => signed,
            Err(e) => {
                tracing::warn!(error = %e, "demo signature failed");
                continue;
            }
        };
        match upload(deps, &holder, signed, now).await {
            Ok(()) => uploads += 1,
            Err(e) => tracing::warn!(error = %e, %cf, "demo contract upload refused"),
        }
    }
    uploads
}

/// `holder`'s first access, then his contract.
async fn contract(
    deps: Deps<'_>,
    holder: &Caller,
    now: DateTime<Utc>,
) -> Result<(contratto_repo::ContrattoEmesso, Vec<u8>), Box<dyn std::error::Error>> {
    let view = primo_accesso::view(deps.store, holder, now).await?;
    let clausole = view.testo.clausole_onerose.clone();
    for passo in [
        Passo::Anagrafica,
        Passo::Condizioni,
        Passo::Clausole,
        Passo::Informativa,
    ] {
        let request = PassoRichiesta {
            passo,
            versione: view.testo.versione.clone(),
            impronta: view.impronta.clone(),
            clausole: clausole.clone(),
            cognome_indirizzo: String::new(),
        };
        primo_accesso::step(deps.store, holder, &request, now).await?;
    }
    Ok(contratto::document(deps, holder, now).await?)
}

/// The upload flow of the app: asked, stored, verified.
async fn upload(
    deps: Deps<'_>,
    holder: &Caller,
    file: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<(), Box<dyn std::error::Error>> {
    let cf = holder.own_code().ok_or("not a holder")?;
    let sha256 = hex::encode(Sha256::digest(&file));
    let request = CaricamentoRichiesta {
        dimensione: file.len() as u64,
        sha256: sha256.clone(),
    };
    contratto::prepare(deps, holder, &request, now).await?;
    deps.blobs
        .put(
            &contratto::signed_file(cf, &sha256),
            file,
            "application/pkcs7-mime",
        )
        .await?;
    contratto::verify(deps, holder, &sha256, now).await?;
    Ok(())
}

fn secretariat(ordine: OrdineCode) -> Caller {
    system(
        Role::Segreteria,
        &format!("segreteria.{}", ordine.as_str().to_lowercase()),
        Some(ordine),
    )
}
