//! A holder's first access (seed 004): he checks his anagrafica (and may, only now, correct
//! the surname in his address: a homonym adds a second surname, and his mailbox takes the
//! first free address of that form at once, renamed at the provider through the outbox),
//! accepts the conditions,
//! approves each onerous clause specifically, and reads the privacy notice. Each step is
//! recorded on his item with its time and the version and SHA-256 of the text shown,
//! audited; the last one records the first access on the mailbox, after which the address
//! can no longer be corrected.

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::address::{AddressError, LocalPart};
use shared::api::{PassoRichiesta, PrimoAccessoView};
use shared::audit::AuditTarget;
use shared::contratto::{self, Passo, PassoAccettato};
use shared::lifecycle::{Event, LifecycleError};
use shared::member::FieldError;
use thiserror::Error;

use super::{Forbidden, ensure, holder_cf};
use crate::clock::rome_date;
use crate::repo::addresses::{self, AddressOrStore};
use crate::repo::members::{self, MemberRecord};
use crate::repo::unit_of_work::Change;
use crate::repo::{self, Versioned};
use crate::store::{ItemStore, StoreError};

/// Tries at a step when another write came first (an address taken at the same moment).
const ATTEMPTS: usize = 3;

/// The longest surname kept for an address (a local part has 64 characters in all).
const SURNAME_MAX: usize = 60;

#[derive(Debug, Error)]
pub enum PrimoAccessoError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("not in the Albo")]
    NotInAlbo,
    #[error("no mailbox")]
    NoMailbox,
    #[error("no contract text in force")]
    NoText,
    #[error("Il primo accesso è già stato completato.")]
    Done,
    #[error("Completa prima il passo «{}».", .0.nome())]
    OutOfOrder(Passo),
    #[error(
        "Il testo delle condizioni è stato aggiornato mentre lo leggevi: rileggilo e conferma di nuovo."
    )]
    TextChanged,
    #[error("{}", .0.message)]
    Invalid(FieldError),
    #[error("{0}")]
    Lifecycle(#[from] LifecycleError),
    #[error("stale")]
    Stale,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<AddressOrStore> for PrimoAccessoError {
    fn from(e: AddressOrStore) -> Self {
        match e {
            AddressOrStore::Address(e) => address_error(e),
            AddressOrStore::Store(e) => e.into(),
        }
    }
}

fn address_error(e: AddressError) -> PrimoAccessoError {
    PrimoAccessoError::Invalid(FieldError::new("cognome_indirizzo", e.to_string()))
}

async fn own(
    store: &dyn ItemStore,
    caller: &Caller,
) -> Result<Versioned<MemberRecord>, PrimoAccessoError> {
    let cf = holder_cf(caller)?;
    let member = members::get(store, cf)
        .await?
        .ok_or(PrimoAccessoError::NotInAlbo)?;
    ensure(caller.can_edit_own_data(member.value.cf()))?;
    if member.value.mailbox.is_none() {
        return Err(PrimoAccessoError::NoMailbox);
    }
    Ok(member)
}

fn view_of(
    member: &MemberRecord,
    now: DateTime<Utc>,
) -> Result<PrimoAccessoView, PrimoAccessoError> {
    let testo = contratto::in_vigore(rome_date(now)).ok_or(PrimoAccessoError::NoText)?;
    let completato = member
        .mailbox
        .as_ref()
        .is_some_and(|m| m.first_access_on.is_some());
    Ok(PrimoAccessoView {
        completato,
        prossimo: if completato {
            None
        } else {
            Passo::prossimo(&member.primo_accesso)
        },
        passi: member.primo_accesso.clone(),
        impronta: testo.impronta(),
        testo,
    })
}

pub async fn view(
    store: &dyn ItemStore,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<PrimoAccessoView, PrimoAccessoError> {
    view_of(&own(store, caller).await?.value, now)
}

/// Records one step, in order, on the text in force.
pub async fn step(
    store: &dyn ItemStore,
    caller: &Caller,
    request: &PassoRichiesta,
    now: DateTime<Utc>,
) -> Result<PrimoAccessoView, PrimoAccessoError> {
    // The catalog in force, read once for every attempt.
    let catalog = crate::repo::catalogo::load(store).await?;
    for _ in 0..ATTEMPTS {
        match attempt(store, &catalog, caller, request, now).await {
            Err(PrimoAccessoError::Stale) => continue,
            outcome => return outcome,
        }
    }
    Err(PrimoAccessoError::Stale)
}

async fn attempt(
    store: &dyn ItemStore,
    catalog: &shared::catalog::Catalog,
    caller: &Caller,
    request: &PassoRichiesta,
    now: DateTime<Utc>,
) -> Result<PrimoAccessoView, PrimoAccessoError> {
    let member = own(store, caller).await?;
    let mut mailbox = member
        .value
        .mailbox
        .clone()
        .ok_or(PrimoAccessoError::NoMailbox)?;
    if mailbox.first_access_on.is_some() {
        return Err(PrimoAccessoError::Done);
    }
    let expected = Passo::prossimo(&member.value.primo_accesso).ok_or(PrimoAccessoError::Done)?;
    if request.passo != expected {
        return Err(PrimoAccessoError::OutOfOrder(expected));
    }
    let testo = contratto::in_vigore(rome_date(now)).ok_or(PrimoAccessoError::NoText)?;
    let impronta = testo.impronta();
    if request.versione != testo.versione || request.impronta != impronta {
        return Err(PrimoAccessoError::TextChanged);
    }
    let mut clausole = Vec::new();
    if expected == Passo::Clausole {
        let mut asked = request.clausole.clone();
        asked.sort_unstable();
        asked.dedup();
        let mut required = testo.clausole_onerose.clone();
        required.sort_unstable();
        if asked != required {
            return Err(PrimoAccessoError::Invalid(FieldError::new(
                "clausole",
                "Approva specificamente ciascuna delle clausole elencate.",
            )));
        }
        clausole = required;
    }
    let mut effects = Vec::new();
    let mut reservation = None;
    let asked = request.cognome_indirizzo.trim();
    if asked.chars().count() > SURNAME_MAX {
        return Err(PrimoAccessoError::Invalid(FieldError::new(
            "cognome_indirizzo",
            format!("Il cognome per l'indirizzo può avere al massimo {SURNAME_MAX} caratteri."),
        )));
    }
    let cognome_indirizzo =
        (expected == Passo::Anagrafica && !asked.is_empty()).then(|| asked.to_owned());
    if let Some(asked) = &cognome_indirizzo {
        let anagrafica = &member.value.anagrafica;
        let base = LocalPart::corrected(&anagrafica.nome, &anagrafica.cognome, asked)
            .map_err(address_error)?;
        let alias = addresses::first_free(&addresses::taken(store, &base).await?);
        let holder = AuditTarget::Member(member.value.cf().clone()).to_string();
        let (address, reserve) = addresses::reserve(&base, alias, &holder)?;
        let transition = mailbox.apply_with(
            &Event::IndirizzoCorretto { indirizzo: address },
            rome_date(now),
            catalog,
        )?;
        effects = transition.effects;
        mailbox = transition.mailbox;
        reservation = Some(reserve);
    }
    let mut after = member.value.clone();
    after.primo_accesso.push(PassoAccettato {
        passo: expected,
        il: now,
        versione: testo.versione.clone(),
        impronta,
        clausole,
        cognome_indirizzo,
        richiesta_correzione: None,
    });
    if Passo::prossimo(&after.primo_accesso).is_none() {
        let transition = mailbox.apply_with(&Event::PrimoAccesso, rome_date(now), catalog)?;
        effects.extend(transition.effects);
        mailbox = transition.mailbox;
    }
    after.mailbox = Some(mailbox);
    let change = Change {
        before: Some(member),
        after,
        effects,
        actor: caller.actor(),
        action: format!("primo accesso: {}", expected.nome()),
    };
    let (mut ops, saved, _) = change.into_ops(now)?;
    ops.extend(reservation);
    match repo::commit(store, ops).await {
        Ok(()) => view_of(&saved.value, now),
        Err(e) if e.is_condition_failed() => Err(PrimoAccessoError::Stale),
        Err(e) => Err(e.into()),
    }
}
