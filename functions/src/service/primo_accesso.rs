//! A holder's first access (seed 004): he checks his anagrafica (and may ask, only now, for
//! a correction of his address), accepts the conditions, approves each onerous clause
//! specifically, and reads the privacy notice. Each step is recorded on his item with its
//! time and the version and SHA-256 of the text shown, audited; the last one records the
//! first access on the mailbox, after which the address can no longer be corrected.

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::api::{PassoRichiesta, PrimoAccessoView};
use shared::contratto::{self, Passo, PassoAccettato};
use shared::lifecycle::{Event, LifecycleError};
use shared::member::FieldError;
use thiserror::Error;

use super::{Forbidden, ensure, holder_cf};
use crate::clock::rome_date;
use crate::repo::members::{self, MemberRecord};
use crate::repo::unit_of_work::Change;
use crate::repo::{self, Versioned};
use crate::store::{ItemStore, StoreError};

/// The longest correction request kept.
const CORRECTION_MAX: usize = 200;

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
    let member = own(store, caller).await?;
    let mailbox = member
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
    let correzione = request.correzione.trim();
    let richiesta_correzione = match expected {
        Passo::Anagrafica if correzione.chars().count() > CORRECTION_MAX => {
            return Err(PrimoAccessoError::Invalid(FieldError::new(
                "correzione",
                format!(
                    "La richiesta di correzione può avere al massimo {CORRECTION_MAX} caratteri."
                ),
            )));
        }
        Passo::Anagrafica if !correzione.is_empty() => Some(correzione.to_owned()),
        _ => None,
    };
    let mut after = member.value.clone();
    after.primo_accesso.push(PassoAccettato {
        passo: expected,
        il: now,
        versione: testo.versione.clone(),
        impronta,
        clausole,
        richiesta_correzione,
    });
    let mut effects = Vec::new();
    if Passo::prossimo(&after.primo_accesso).is_none() {
        let transition = mailbox.apply(&Event::PrimoAccesso, rome_date(now))?;
        effects = transition.effects;
        after.mailbox = Some(transition.mailbox);
    }
    let change = Change {
        before: Some(member),
        after,
        effects,
        actor: caller.actor(),
        action: format!("primo accesso: {}", expected.nome()),
    };
    let (ops, saved, _) = change.into_ops(now)?;
    match repo::commit(store, ops).await {
        Ok(()) => view_of(&saved.value, now),
        Err(e) if e.is_condition_failed() => Err(PrimoAccessoError::Stale),
        Err(e) => Err(e.into()),
    }
}
