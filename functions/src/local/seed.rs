//! Demo data for the local server's first start: every Ordine's own mailbox, a few hundred
//! members in Milano, Roma, Napoli and Sassari (homonyms, double surnames, apostrophes,
//! accents), two in three with a mailbox, and one account for each role. Loaded through the same
//! use cases as real data, so it is audited and consistent.

use chrono::{DateTime, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shared::access::{Caller, Role};
use shared::audit::Actor;
use shared::codice_fiscale::{CodiceFiscale, DatiNascita, Sesso};
use shared::member::AnagraficaInput;
use shared::ordine::OrdineProfiloUpdate;
use shared::province::OrdineCode;

use crate::repo::accounts::{self, Account};
use crate::repo::{self, reports};
use crate::service::albo::{self, AlboInput};
use crate::service::{activation, ordine};
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

/// Loads the demo data once; `None` when the store already had it.
pub async fn demo(store: &dyn ItemStore, now: DateTime<Utc>) -> Result<Option<Seeded>, StoreError> {
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
        if activation::activate(
            store,
            &secretariat(ordine),
            ordine,
            &input.anagrafica.codice_fiscale,
            now,
        )
        .await
        .is_ok()
        {
            mailboxes += 1;
        }
    }
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
    }))
}

fn secretariat(ordine: OrdineCode) -> Caller {
    system(
        Role::Segreteria,
        &format!("segreteria.{}", ordine.as_str().to_lowercase()),
        Some(ordine),
    )
}
