//! Every key of the table, built here and nowhere else. Upper-case prefixes name the
//! entity; GSI1 and GSI2 are overloaded by entity:
//!
//! | entity | PK | SK | GSI1 (PK / SK) | GSI2 (PK / SK) |
//! |---|---|---|---|---|
//! | member | `MEMBER#{cf}` | `PROFILE` | `ORDINE#{ordine}` / `MEMBER#{cognome}#{nome}#{cf}` | `REVIEW#DECESSI` / `{death day}#{cf}` while deceased with an open mailbox; else `REVIEW#BLOCCATE` / `{cf}` while blocked |
//! | a holder's disdetta (the latest) | `MEMBER#{cf}` | `DISDETTA` | – | `REVIEW#DISDETTE` / `{at}#{cf}` while undecided |
//! | contract issued to a member | `MEMBER#{cf}` | `CONTRACT#{documento}` | – | – |
//! | signed contract uploaded | `MEMBER#{cf}` | `SIGNED#{sha256}` | – | `REVIEW#CONTRACTS` / `{at}#{cf}#{sha256}` while in review |
//! | signature-convention request of a member | `MEMBER#{cf}` | `FIRMA#{numero:06}` | `FIRME#{ordine}#{stato}` / `{since}#{cf}#{numero:06}` | `FIRME#{stato}` / `{code}#{since}#{cf}#{numero:06}` |
//! | a member's signature certificate (one per kind) | `MEMBER#{cf}` | `CERTIFICATO#{kind}` | – | `CERTIFICATI` / `{expiry}#{cf}#{kind}` |
//! | activation request (a person's latest to an Ordine) | `RICHIESTA#{cf}` | `ATTIVAZIONE#{ordine}` | `RICHIESTE#{ordine}` / `{at}#{cf}` while waiting | `REVIEW#RICHIESTE` / `{at}#{cf}` while waiting |
//! | address reservation | `ADDRESS#{nome.cognome}` | `ALIAS#{n:06}` | – | – |
//! | Ordine (profile, own mailbox) | `ORDINE#{ordine}` | `ORDINE` | – | – |
//! | account (local login) | `ACCOUNT#{username}` | `ACCOUNT` | – | – |
//! | login attempts of a username | `ACCOUNT#{username}` | `ATTEMPTS` | – | – |
//! | idempotency record | `IDEMPOTENCY#{subject}#{key}` | `RECORD` | – | – |
//! | confirmations mailed to an email a public form gave | `CONFERME#{email}` | `SENT` | – | – |
//! | audit entry of a member / an Ordine | `MEMBER#{cf}` / `ORDINE#{ordine}` | `AUDIT#{at}#{id}` | – | `AUDITDAY#{Italian date}` / `{at}#{id}` |
//! | outbox command | `OUTBOX#{id}` | `COMMAND` | – | `OUTBOX#PENDING` / `{due}#{id}` while pending; `REVIEW#OUTBOX` / `{created}#{id}` while refused (parked) |
//! | provider sandbox mailbox | `PROVIDER#{address}` | `MAILBOX` | – | – |
//! | provider sandbox applied command | `PROVIDERCMD#{id}` | `APPLIED` | – | – |
//! | mail sandbox notice | `SENTMAIL` | `{id}` | – | – |
//! | invoice numbering of a year | `INVOICES#{year}` | `COUNTER` | – | – |
//! | invoice | `INVOICES#{year}` | `N#{progressivo:08}` | – | – |
//! | an order's invoice (one per order) | `INVOICE-OF#{order}` | `INVOICE` | – | – |
//! | order for a paid service | `ORDER#{id}` | `ORDER` | `ORDERS-OF#{cf}` / `{at}#{id}` | `ORDERS#{Italian month}` / `{at}#{id}` |
//! | test checkout payment | `PAYMENT-SANDBOX#{riferimento}` | `INTENT` | – | – |
//! | payment event processed | `PAYMENT-EVENT#{event id}` | `EVENT` | – | – |
//! | provider event processed | `PROVIDER-EVENT#{event id}` | `EVENT` | – | – |
//! | price lists published by the Fondazione (all, in one item) | `CATALOG` | `PUBLISHED` | – | – |
//! | store bookkeeping | `META` | `{name}` | – | – |
//! | one Ordine's share of a daily verifica (kept 60 days) | `VERIFICA#{started at}` | `ORDINE#{ordine}` | – | – |
//!
//! `{cf}` is the codice fiscale as issued (canonical upper case; an omocodic code is
//! another person), and names are folded to letters, so that lookups and ordering do not
//! depend on how data was typed. [`LAYOUT`] names this layout; a store written by another
//! is refused (`repo::layout`).

use chrono::{DateTime, NaiveDate, Utc};
use shared::address::LocalPart;
use shared::audit::AuditTarget;
use shared::codice_fiscale::CodiceFiscale;
use shared::province::OrdineCode;
use shared::text::fold_letters;

use super::Key;

/// The version of the key layout this code reads and writes. 2: people keyed by their
/// code as issued, not by a code with omocodia removed; audit chains; the Ordine item.
/// 3: the Fondazione's queues are index keys of the items waiting (a deceased holder with
/// an open mailbox, a blocked mailbox); a store of layout 2 is upgraded in place.
/// 4: an aggregate's audit entries are filed in its own partition ([`audit_partition`]);
/// a store of layout 3 is upgraded in place.
pub const LAYOUT: u32 = 4;

pub const MEMBER: &str = "member";
pub const CONTRACT: &str = "contract";
pub const SIGNED_CONTRACT: &str = "signed-contract";
pub const DISDETTA: &str = "disdetta";
pub const PROVIDER_EVENT: &str = "provider-event";
pub const CATALOG: &str = "catalog";
pub const RICHIESTA: &str = "richiesta-attivazione";
pub const RICHIESTA_FIRMA: &str = "richiesta-firma";
pub const CERTIFICATO_FIRMA: &str = "certificato-firma";
pub const ADDRESS: &str = "address";
pub const ORDINE: &str = "ordine";
pub const ACCOUNT: &str = "account";
pub const LOGIN_ATTEMPTS: &str = "login-attempts";
pub const IDEMPOTENCY: &str = "idempotency";
pub const CONFERME: &str = "conferme";
pub const AUDIT: &str = "audit";
pub const OUTBOX: &str = "outbox";
pub const PROVIDER_MAILBOX: &str = "provider-mailbox";
pub const PROVIDER_COMMAND: &str = "provider-command";
pub const SENT: &str = "sent-mail";
pub const META_REPORT: &str = "report";
pub const META_LAYOUT: &str = "layout";

pub fn member(cf: &CodiceFiscale) -> Key {
    Key::new(member_partition(cf), "PROFILE")
}

/// The partition of a member, where his contracts are filed beside his record.
pub fn member_partition(cf: &CodiceFiscale) -> String {
    format!("MEMBER#{cf}")
}

/// A contract document issued to `cf`; `documento` sorts by issue (a UUIDv7).
pub fn contract(cf: &CodiceFiscale, documento: &str) -> Key {
    Key::new(
        member_partition(cf),
        format!("{CONTRACT_PREFIX}{documento}"),
    )
}

pub const CONTRACT_PREFIX: &str = "CONTRACT#";

/// A signed contract `cf` uploaded, one per content.
pub fn signed_contract(cf: &CodiceFiscale, sha256: &str) -> Key {
    Key::new(member_partition(cf), format!("{SIGNED_PREFIX}{sha256}"))
}

pub const SIGNED_PREFIX: &str = "SIGNED#";

/// The Fondazione's queue of uploads to review, oldest first.
pub const CONTRACT_REVIEW: &str = "REVIEW#CONTRACTS";

pub fn contract_review(at: DateTime<Utc>, cf: &CodiceFiscale, sha256: &str) -> Key {
    Key::new(
        CONTRACT_REVIEW,
        format!("{}#{cf}#{sha256}", at.format("%Y-%m-%dT%H:%M:%S%.6fZ")),
    )
}

/// The holder's disdetta (one at a time: a rejected one is replaced by the next).
pub fn disdetta(cf: &CodiceFiscale) -> Key {
    Key::new(member_partition(cf), "DISDETTA")
}

/// The Fondazione's queue of deceased holders whose mailbox is open, oldest death first.
pub const DECESSI_QUEUE: &str = "REVIEW#DECESSI";

pub fn decesso(dal: chrono::NaiveDate, cf: &CodiceFiscale) -> Key {
    Key::new(DECESSI_QUEUE, format!("{dal}#{cf}"))
}

/// The blocked mailboxes of living holders (a deceased one's is in the deaths' queue).
pub const BLOCCATE_QUEUE: &str = "REVIEW#BLOCCATE";

pub fn bloccata(cf: &CodiceFiscale) -> Key {
    Key::new(BLOCCATE_QUEUE, cf.to_string())
}

/// The Fondazione's queue of disdette to decide, oldest first.
pub const DISDETTE_QUEUE: &str = "REVIEW#DISDETTE";

pub fn disdetta_queue(at: DateTime<Utc>, cf: &CodiceFiscale) -> Key {
    Key::new(
        DISDETTE_QUEUE,
        format!("{}#{cf}", at.format("%Y-%m-%dT%H:%M:%S%.6fZ")),
    )
}

fn instant(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A person's activation request to an Ordine (one at a time: a decided one is replaced
/// by the next). Per Ordine, so that a request filed in his name elsewhere never stands
/// in the way of his own.
pub fn richiesta(cf: &CodiceFiscale, ordine: OrdineCode) -> Key {
    Key::new(format!("RICHIESTA#{cf}"), format!("ATTIVAZIONE#{ordine}"))
}

/// The requests waiting for an Ordine's secretariat, oldest first.
pub fn richieste_ordine(ordine: OrdineCode) -> String {
    format!("RICHIESTE#{ordine}")
}

pub fn richiesta_in_ordine(ordine: OrdineCode, at: DateTime<Utc>, cf: &CodiceFiscale) -> Key {
    Key::new(richieste_ordine(ordine), format!("{}#{cf}", instant(at)))
}

/// Every Ordine's waiting requests, oldest first: the Fondazione follows the late ones.
pub const RICHIESTE_QUEUE: &str = "REVIEW#RICHIESTE";

pub fn richiesta_queue(at: DateTime<Utc>, cf: &CodiceFiscale) -> Key {
    Key::new(RICHIESTE_QUEUE, format!("{}#{cf}", instant(at)))
}

/// The sort keys of the requests filed up to `at` (each key continues with `#{cf}`).
pub fn richieste_until(at: DateTime<Utc>) -> String {
    format!("{}#~", instant(at))
}

/// A member's request under the signature convention, numbered in his partition.
pub fn richiesta_firma(cf: &CodiceFiscale, numero: u32) -> Key {
    Key::new(member_partition(cf), format!("{FIRMA_PREFIX}{numero:06}"))
}

pub const FIRMA_PREFIX: &str = "FIRMA#";

/// An Ordine's signature requests in one state, the longest in it first (the pickup
/// register is the state "arrived at the Ordine").
pub fn firme_ordine(ordine: OrdineCode, stato: &str) -> String {
    format!("FIRME#{ordine}#{stato}")
}

pub fn firma_in_ordine(
    ordine: OrdineCode,
    stato: &str,
    since: DateTime<Utc>,
    cf: &CodiceFiscale,
    numero: u32,
) -> Key {
    Key::new(
        firme_ordine(ordine, stato),
        format!("{}#{cf}#{numero:06}", instant(since)),
    )
}

/// Every Ordine's signature requests in one state, by convention code, then longest first.
pub fn firme_stato(stato: &str) -> String {
    format!("FIRME#{stato}")
}

pub fn firma_in_stato(
    stato: &str,
    codice: &str,
    since: DateTime<Utc>,
    cf: &CodiceFiscale,
    numero: u32,
) -> Key {
    Key::new(
        firme_stato(stato),
        format!("{codice}#{}#{cf}#{numero:06}", instant(since)),
    )
}

/// A member's signature certificates, one of each type, in his partition.
pub const CERTIFICATO_PREFIX: &str = "CERTIFICATO#";

/// A member's certificate of one kind (`cns`, `firma-remota`).
pub fn certificato_firma(cf: &CodiceFiscale, tipo: &str) -> Key {
    Key::new(member_partition(cf), format!("{CERTIFICATO_PREFIX}{tipo}"))
}

/// Every certificate, by expiry: the reminders' index.
pub const CERTIFICATI: &str = "CERTIFICATI";

pub fn certificato_in_scadenza(scadenza: NaiveDate, cf: &CodiceFiscale, tipo: &str) -> Key {
    Key::new(CERTIFICATI, format!("{scadenza}#{cf}#{tipo}"))
}

pub fn ordine_members(ordine: OrdineCode) -> String {
    format!("ORDINE#{ordine}")
}

pub fn member_in_ordine(ordine: OrdineCode, cognome: &str, nome: &str, cf: &CodiceFiscale) -> Key {
    Key::new(
        ordine_members(ordine),
        format!(
            "MEMBER#{}#{}#{cf}",
            fold_letters(cognome),
            fold_letters(nome),
        ),
    )
}

/// The GSI1 sort-key prefix of the members whose surname starts with `cognome`.
pub fn members_by_surname(cognome: &str) -> String {
    let folded = fold_letters(cognome);
    if folded.is_empty() {
        "MEMBER#".into()
    } else {
        format!("MEMBER#{folded}")
    }
}

pub fn address_partition(base: &LocalPart) -> String {
    format!("ADDRESS#{base}")
}

pub fn address_reservation(base: &LocalPart, alias: u32) -> Key {
    Key::new(address_partition(base), format!("ALIAS#{alias:06}"))
}

/// An Ordine's own item: its profile and its mailbox.
pub fn ordine(ordine: OrdineCode) -> Key {
    Key::new(format!("ORDINE#{ordine}"), "ORDINE")
}

pub fn account(username: &str) -> Key {
    Key::new(account_pk(username), "ACCOUNT")
}

/// Counted for any username typed, existing or not, so the answer tells nothing.
pub fn login_attempts(username: &str) -> Key {
    Key::new(account_pk(username), "ATTEMPTS")
}

fn account_pk(username: &str) -> String {
    format!("ACCOUNT#{}", username.trim().to_lowercase())
}

/// The receipts mailed to the inbox `email` reaches, however it was typed
/// ([`shared::address::inbox`]).
pub fn conferme(email: &str) -> Key {
    let inbox = shared::address::inbox(email);
    Key::new(format!("CONFERME#{inbox}"), "SENT")
}

pub fn idempotency(subject: &str, key: &str) -> Key {
    Key::new(format!("IDEMPOTENCY#{subject}#{key}"), "RECORD")
}

/// The sort keys of an aggregate's audit entries begin so.
pub const AUDIT_PREFIX: &str = "AUDIT#";

/// Where a target's audit entries are filed: in its own partition, beside its item (a
/// member's history with his record and contracts, an Ordine's with its profile). On
/// SQLite an entry then lands in the page of the item it records, mostly: the Albo's
/// import of a new member wrote three pages of the table's B-tree, not four.
pub fn audit_partition(target: &AuditTarget) -> String {
    match target {
        AuditTarget::Member(cf) => member_partition(cf),
        AuditTarget::Ordine(sigla) => ordine(*sigla).pk,
    }
}

pub fn audit(target: &AuditTarget, at: DateTime<Utc>, id: &str) -> Key {
    Key::new(
        audit_partition(target),
        format!("{AUDIT_PREFIX}{}", audit_sort(at, id)),
    )
}

/// Where layout 3 filed a target's audit entries: a partition of their own.
pub fn audit_partition_of_layout_3(target: &AuditTarget) -> String {
    format!("AUDIT#{target}")
}

/// The entries of an Italian calendar day.
pub fn audit_day(day: NaiveDate) -> String {
    format!("AUDITDAY#{day}")
}

/// Filed under the day it is in Italy at `at`, like every other date of the product.
pub fn audit_by_day(at: DateTime<Utc>, id: &str) -> Key {
    Key::new(audit_day(crate::clock::rome_date(at)), audit_sort(at, id))
}

fn audit_sort(at: DateTime<Utc>, id: &str) -> String {
    format!("{}#{id}", at.format("%Y-%m-%dT%H:%M:%S%.6fZ"))
}

pub fn outbox(id: &str) -> Key {
    Key::new(format!("OUTBOX#{id}"), "COMMAND")
}

pub const OUTBOX_PENDING: &str = "OUTBOX#PENDING";

pub fn outbox_pending(due: DateTime<Utc>, id: &str) -> Key {
    Key::new(
        OUTBOX_PENDING,
        format!("{}#{id}", due.format("%Y-%m-%dT%H:%M:%S%.6fZ")),
    )
}

/// The commands the provider or the mail service refused, waiting for the Fondazione.
pub const OUTBOX_PARKED: &str = "REVIEW#OUTBOX";

pub fn outbox_parked(created: DateTime<Utc>, id: &str) -> Key {
    Key::new(
        OUTBOX_PARKED,
        format!("{}#{id}", created.format("%Y-%m-%dT%H:%M:%S%.6fZ")),
    )
}

/// The GSI2 sort key up to which pending commands are due at `now`.
pub fn outbox_due_until(now: DateTime<Utc>) -> String {
    format!("{}#~", now.format("%Y-%m-%dT%H:%M:%S%.6fZ"))
}

pub const SENT_MAIL: &str = "SENTMAIL";

/// A notice the mail sandbox sent; outbox ids are time-ordered, so the partition is too.
pub fn sent_mail(id: &str) -> Key {
    Key::new(SENT_MAIL, id)
}

/// Bookkeeping of the store itself (`META` / `SEED`: demo data loaded; `LAYOUT`: the key
/// layout it was written with; `VERIFICA`: the last daily verifica).
pub fn meta(name: &str) -> Key {
    Key::new("META", name.to_uppercase())
}

pub const META: &str = "meta";

/// What one Ordine's verifica counted in the run started at `avviata_alle`.
pub fn verifica_ordine(avviata_alle: DateTime<Utc>, ordine: OrdineCode) -> Key {
    Key::new(
        verifica_partition(avviata_alle),
        format!("ORDINE#{}", ordine.as_str()),
    )
}

/// The partition of the run started at `avviata_alle`: its Ordini's shares.
pub fn verifica_partition(avviata_alle: DateTime<Utc>) -> String {
    format!("VERIFICA#{}", instant(avviata_alle))
}

pub const VERIFICA_ORDINE: &str = "verifica-ordine";

pub fn provider_mailbox(address: &str) -> Key {
    Key::new(format!("PROVIDER#{address}"), "MAILBOX")
}

pub fn provider_command(id: &str) -> Key {
    Key::new(format!("PROVIDERCMD#{id}"), "APPLIED")
}

pub const INVOICE_COUNTER: &str = "invoice-counter";

pub const INVOICE: &str = "invoice";

pub fn invoices_partition(year: i32) -> String {
    format!("INVOICES#{year}")
}

pub fn invoice_counter(year: i32) -> Key {
    Key::new(invoices_partition(year), "COUNTER")
}

/// An invoice, beside its year's counter: the year's register is one partition, in order.
pub fn invoice(year: i32, progressivo: u32) -> Key {
    Key::new(
        invoices_partition(year),
        format!("{INVOICE_PREFIX}{progressivo:08}"),
    )
}

pub const INVOICE_PREFIX: &str = "N#";

/// The mark that an order has its invoice: one number per order, whatever retries.
pub fn invoice_of_order(order: &str) -> Key {
    Key::new(format!("INVOICE-OF#{order}"), "INVOICE")
}

pub const ORDER: &str = "order";

pub const PAYMENT_EVENT: &str = "payment-event";

pub fn order(id: &str) -> Key {
    Key::new(format!("ORDER#{id}"), "ORDER")
}

pub fn orders_of(cf: &CodiceFiscale) -> String {
    format!("ORDERS-OF#{cf}")
}

/// A holder's order among his own, newest last.
pub fn order_of_holder(cf: &CodiceFiscale, at: DateTime<Utc>, id: &str) -> Key {
    Key::new(orders_of(cf), audit_sort(at, id))
}

/// The month an order was made in Italy: the Fondazione reads orders a month at a time.
pub fn orders_month(month: &str) -> String {
    format!("ORDERS#{month}")
}

pub fn order_in_month(at: DateTime<Utc>, id: &str) -> Key {
    let month = crate::clock::rome_date(at).format("%Y-%m").to_string();
    Key::new(orders_month(&month), audit_sort(at, id))
}

pub const PAYMENT_SANDBOX: &str = "payment-sandbox";

/// A payment of the local test checkout.
pub fn payment_sandbox(riferimento: &str) -> Key {
    Key::new(format!("PAYMENT-SANDBOX#{riferimento}"), "INTENT")
}

/// A payment event of the provider, once processed: the same event again changes nothing.
/// Every price list the Fondazione published, in one item: a publication is checked
/// against all of them and two at once cannot both pass.
pub fn catalog() -> Key {
    Key::new("CATALOG", "PUBLISHED")
}

pub fn provider_event(id: &str) -> Key {
    Key::new(format!("PROVIDER-EVENT#{id}"), "EVENT")
}

pub fn payment_event(id: &str) -> Key {
    Key::new(format!("PAYMENT-EVENT#{id}"), "EVENT")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_keys_use_the_code_as_issued_and_folded_names() {
        let cf = CodiceFiscale::parse("RSSMRA85T10A562S").unwrap();
        let ordine = OrdineCode::parse("MI").unwrap();
        assert_ne!(
            member(&cf.omocodic_variant(3)),
            member(&cf),
            "an omocodic code is another person"
        );
        assert_eq!(member(&cf).pk, "MEMBER#RSSMRA85T10A562S");
        let by_ordine = member_in_ordine(ordine, "De Santis", "Maria Grazia", &cf);
        assert_eq!(by_ordine.pk, "ORDINE#MI");
        assert_eq!(by_ordine.sk, "MEMBER#desantis#mariagrazia#RSSMRA85T10A562S");
        assert!(by_ordine.sk.starts_with(&members_by_surname("de s")));
    }

    #[test]
    fn audit_entries_are_filed_beside_their_target() {
        let at: DateTime<Utc> = "2026-11-29T23:30:00Z".parse().unwrap();
        let cf = CodiceFiscale::parse("RSSMRA85T10A562S").unwrap();
        let entry = audit(&AuditTarget::Member(cf.clone()), at, "x");
        assert_eq!(entry.pk, member(&cf).pk);
        assert_eq!(entry.sk, "AUDIT#2026-11-29T23:30:00.000000Z#x");
        let ordine = OrdineCode::parse("MI").unwrap();
        assert_eq!(audit(&AuditTarget::Ordine(ordine), at, "x").pk, "ORDINE#MI");
        assert_eq!(
            audit_partition_of_layout_3(&AuditTarget::Member(cf)),
            "AUDIT#member:RSSMRA85T10A562S"
        );
    }

    #[test]
    fn audit_days_are_italian_days() {
        // 23:30 UTC on 29 November is 00:30 on the 30th in Rome.
        let late: DateTime<Utc> = "2026-11-29T23:30:00Z".parse().unwrap();
        assert_eq!(audit_by_day(late, "x").pk, "AUDITDAY#2026-11-30");
        let summer: DateTime<Utc> = "2026-07-31T21:59:59Z".parse().unwrap();
        assert_eq!(audit_by_day(summer, "x").pk, "AUDITDAY#2026-07-31");
    }

    #[test]
    fn aliases_sort_in_number_order() {
        let base = LocalPart::parse("mario.rossi").unwrap();
        assert!(address_reservation(&base, 9).sk < address_reservation(&base, 10).sk);
    }
}
