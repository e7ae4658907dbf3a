//! Generated members at national scale, imported from the Albo and activated through the
//! product's own use cases (the benches and the fan-out simulation).

use chrono::{DateTime, Utc};
use shared::access::{Caller, Role};
use shared::api::{Mode, RowOutcome};
use shared::province::OrdineCode;

use crate::local::seed;
use crate::service::activation;
use crate::service::albo::{self, AlboInput};
use crate::store::ItemStore;

const ALBO_HEADER: &str = "nome;cognome;codice_fiscale;indirizzo;comune;provincia;cap;email;telefono;ordine;numero_iscrizione;stato;data_stato;causa;domicilio_digitale";
const BULK_HEADER: &str =
    "nome;cognome;codice_fiscale;indirizzo;comune;provincia;cap;email;telefono";

/// A system caller of `role` (the benches act as the Albo's feed and as secretariats).
pub fn system(role: Role, ordine: Option<OrdineCode>) -> Caller {
    Caller {
        subject: "bench".into(),
        role,
        codice_fiscale: None,
        ordine,
    }
}

/// `count` members spread over `ordini`, each resident in his Ordine's province.
pub fn members(count: usize, ordini: impl Iterator<Item = OrdineCode>) -> Vec<AlboInput> {
    let ordini: Vec<(String, String, String, String)> = ordini
        .map(|o| {
            (
                o.as_str().to_owned(),
                "F205".to_owned(),
                o.provincia().nome.to_owned(),
                "00100".to_owned(),
            )
        })
        .collect();
    let ordini: Vec<(&str, &str, &str, &str)> = ordini
        .iter()
        .map(|(a, b, c, d)| (a.as_str(), b.as_str(), c.as_str(), d.as_str()))
        .collect();
    seed::members(count, 7, &ordini)
}

/// The person's columns, the first of both files.
fn anagrafica(m: &AlboInput) -> [&str; 9] {
    let a = &m.anagrafica;
    [
        &a.nome,
        &a.cognome,
        &a.codice_fiscale,
        &a.indirizzo,
        &a.comune,
        &a.provincia,
        &a.cap,
        &a.email,
        &a.telefono,
    ]
}

fn albo_line(m: &AlboInput) -> String {
    let registration = [
        m.ordine.as_str(),
        &m.numero_iscrizione,
        &m.stato,
        &m.data_stato,
        &m.causa,
        &m.domicilio_digitale,
    ];
    anagrafica(m)
        .iter()
        .chain(&registration)
        .copied()
        .collect::<Vec<_>>()
        .join(";")
}

fn bulk_line(m: &AlboInput) -> String {
    anagrafica(m).join(";")
}

fn csv<'a>(
    header: &str,
    rows: impl Iterator<Item = &'a AlboInput>,
    line: fn(&AlboInput) -> String,
) -> String {
    std::iter::once(header.to_owned())
        .chain(rows.map(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Imports `members` through the Albo's CSV use case, in parts as the API takes them;
/// the rows refused.
pub async fn import(store: &dyn ItemStore, members: &[AlboInput], now: DateTime<Utc>) -> usize {
    let caller = system(Role::Albo, None);
    let mut refused = 0;
    for part in members.chunks(shared::api::ALBO_IMPORT_MAX_ROWS) {
        let csv = csv(ALBO_HEADER, part.iter(), albo_line);
        let report = albo::import_csv(store, &caller, csv.as_bytes(), Mode::Commit, now)
            .await
            .expect("the Albo's import runs");
        refused += report.errors;
    }
    refused
}

/// Activates the mailboxes of up to `limit` registered members, by each Ordine's bulk CSV
/// in parts as the API takes them; the mailboxes activated.
pub async fn activate(
    store: &dyn ItemStore,
    members: &[AlboInput],
    limit: usize,
    now: DateTime<Utc>,
) -> usize {
    let mut by_ordine: std::collections::BTreeMap<&str, Vec<&AlboInput>> = Default::default();
    for m in members.iter().filter(|m| m.stato == "iscritto") {
        by_ordine.entry(m.ordine.as_str()).or_default().push(m);
    }
    let mut activated = 0;
    for (sigla, list) in by_ordine {
        let ordine = OrdineCode::parse(sigla).expect("a generated Ordine");
        let secretariat = system(Role::Segreteria, Some(ordine));
        for part in list.chunks(shared::api::BULK_ACTIVATION_MAX_ROWS) {
            let take = part.len().min(limit - activated);
            let csv = csv(BULK_HEADER, part[..take].iter().copied(), bulk_line);
            let report = activation::bulk(
                store,
                &secretariat,
                ordine,
                csv.as_bytes(),
                Mode::Commit,
                now,
            )
            .await
            .expect("the bulk activation runs");
            activated += report
                .rows
                .iter()
                .filter(|r| matches!(r.outcome, RowOutcome::Attivata { .. }))
                .count();
            if activated >= limit {
                return activated;
            }
        }
    }
    activated
}
