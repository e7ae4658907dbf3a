//! How values read on screen, in Italian.

use chrono::{DateTime, Datelike, Local, NaiveDate, Timelike, Utc};
use shared::catalog::{ExtraSpaceRule, Plan, SpaceLimit};
use shared::lifecycle::{AlboStatus, CausaCancellazione};

/// `GG/MM/AAAA`, without chrono's strftime machinery (it weighs on the wasm).
pub fn date(day: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", day.day(), day.month(), day.year())
}

/// The day `at` is where the person is (the browser's time zone: Italy, for our users).
pub fn italian_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Local).date_naive()
}

/// `HH:MM` where the person is.
pub fn time(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Local);
    format!("{:02}:{:02}", local.hour(), local.minute())
}

pub fn annual_fee(plan: &Plan) -> String {
    if plan.is_free() {
        "Gratuita".into()
    } else {
        format!("{} + IVA all'anno", plan.annual_fee)
    }
}

pub fn extra_rule(rule: &ExtraSpaceRule) -> String {
    let area = rule.area.nome();
    let limit = match rule.limit {
        Some(SpaceLimit::Extra(gb)) => format!("fino a {gb} GB in più"),
        Some(SpaceLimit::Total(gb)) => format!("fino a {gb} GB in tutto"),
        None => "senza limiti".into(),
    };
    if rule.packs.is_empty() {
        format!(
            "Spazio {area} aggiuntivo {limit}: {} + IVA per GB all'anno",
            rule.price_per_gb
        )
    } else {
        let packs: Vec<String> = rule
            .packs
            .iter()
            .map(|p| format!("{} GB a {}", p.gb, p.price))
            .collect();
        format!("Pacchetti {area}: {} (+ IVA, all'anno)", packs.join(", "))
    }
}

/// The member's standing in the Albo, in words.
pub fn albo(stato: &AlboStatus) -> String {
    match stato {
        AlboStatus::Iscritto => "Iscritto".into(),
        AlboStatus::Sospeso { dal } => format!("Sospeso dal {}", date(*dal)),
        AlboStatus::Cancellato { dal, causa } => {
            let causa = match causa {
                CausaCancellazione::Dimissioni => "dimissioni",
                CausaCancellazione::Decesso => "decesso",
                CausaCancellazione::Morosita => "morosità",
                CausaCancellazione::Altro => "altro",
            };
            format!("Cancellato dal {} ({causa})", date(*dal))
        }
    }
}
