//! The mail provider's events: a mailbox it blocked or unblocked itself (a first access
//! not made in time, an abuse), reported to `POST /api/gestore/eventi` and signed as the
//! payment events are (`t=…,v1=HMAC-SHA256`, within five minutes). Each event is applied
//! once (its id is marked in the same transaction) and only if it is newer than the last
//! one applied to the mailbox, so a retried or late event changes nothing. The blocked
//! mailbox then waits in the Fondazione's queue, and the audit names the provider.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shared::api::{EsitoEventoGestore, EventoGestore};
use shared::audit::{Actor, AuditTarget};
use shared::lifecycle::{Event, LifecycleError, Origine};
use thiserror::Error;

use crate::clock::rome_date;
use crate::payment::signature::{self, SignatureError};
use crate::repo::unit_of_work::{Audited, Change};
use crate::repo::{self, addresses, members};
use crate::store::{Condition, Item, ItemStore, StoreError, WriteOp, keys};

/// The local server's key for the provider's events (not a secret: the sandbox provider
/// is no real one; the tests sign their events with it).
pub const LOCAL_EVENTS_SECRET: &str = "gestore_prova_locale";

/// Tries when the member changes while the event is applied.
const ATTEMPTS: usize = 4;

#[derive(Debug, Error)]
pub enum GestoreError {
    #[error("firma dell'evento non valida: {0}")]
    Signature(#[from] SignatureError),
    #[error("evento non leggibile: {0}")]
    Unreadable(String),
    #[error("tipo di evento non gestito: {0}")]
    UnknownType(String),
    #[error("contention")]
    Busy,
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The mark of an event applied.
#[derive(Serialize)]
struct Applied<'a> {
    id: &'a str,
    il: DateTime<Utc>,
}

/// Verifies and applies one event; `signature` is the `Gestore-Signature` header.
pub async fn receive(
    store: &dyn ItemStore,
    secret: &[u8],
    header: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<EsitoEventoGestore, GestoreError> {
    signature::verify(header, body, secret, now)?;
    let event: EventoGestore =
        serde_json::from_slice(body).map_err(|e| GestoreError::Unreadable(e.to_string()))?;
    let blocca = match event.tipo.as_str() {
        "casella.bloccata" => true,
        "casella.sbloccata" => false,
        other => return Err(GestoreError::UnknownType(other.to_owned())),
    };
    if store.get(&keys::provider_event(&event.id)).await?.is_some() {
        return Ok(EsitoEventoGestore::GiaElaborato);
    }
    // Whose mailbox: the address's reservation names its holder.
    let holder = match addresses::lookup(store, &event.indirizzo).await {
        Ok(Some(reservation)) => reservation.holder.parse::<AuditTarget>().ok(),
        Ok(None) | Err(addresses::AddressOrStore::Address(_)) => None,
        Err(addresses::AddressOrStore::Store(e)) => return Err(e.into()),
    };
    let Some(AuditTarget::Member(cf)) = holder else {
        // An Ordine's own mailbox, or an address never given: nothing of a member's.
        tracing::warn!(address = %event.indirizzo, "provider event about no member's mailbox");
        return Ok(EsitoEventoGestore::Ignorato);
    };
    let mark = WriteOp::Put(
        Item::new(
            keys::provider_event(&event.id),
            keys::PROVIDER_EVENT,
            &Applied {
                id: &event.id,
                il: now,
            },
        )?,
        Condition::NotExists,
    );
    // The catalog in force, read once for every attempt.
    let catalog = crate::repo::catalogo::load(store).await?;
    for _ in 0..ATTEMPTS {
        let Some(member) = members::get(store, &cf).await? else {
            return Ok(EsitoEventoGestore::Ignorato);
        };
        let Some(mailbox) = member
            .value
            .mailbox
            .clone()
            .filter(|m| m.address == event.indirizzo)
        else {
            return Ok(EsitoEventoGestore::Ignorato);
        };
        if member
            .value
            .evento_gestore_il
            .is_some_and(|last| last >= event.il)
        {
            return Ok(EsitoEventoGestore::Ignorato);
        }
        let change = if blocca {
            Event::Blocco {
                da: Origine::Gestore,
            }
        } else {
            Event::Sblocco {
                da: Origine::Gestore,
            }
        };
        let motivo = event
            .motivo
            .as_deref()
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        let mut after = member.value.clone();
        // The newest event applied, even when it changes nothing: an older one arriving
        // later must not undo what it confirmed.
        after.evento_gestore_il = Some(event.il);
        let (effects, action, esito) = match mailbox.apply_with(&change, rome_date(now), &catalog) {
            Ok(t) if t.mailbox != mailbox => {
                after.set_mailbox(t.mailbox);
                let action = if blocca {
                    format!("casella bloccata dal gestore{motivo}")
                } else {
                    format!("casella sbloccata dal gestore{motivo}")
                };
                (t.effects, action, EsitoEventoGestore::Applicato)
            }
            // It stood so already: confirmed, nothing else changes.
            Ok(_) | Err(LifecycleError::NotBlocked) => {
                let stands = if blocca { "bloccata" } else { "attiva" };
                let action = format!("il gestore conferma la casella {stands}{motivo}");
                (Vec::new(), action, EsitoEventoGestore::GiaElaborato)
            }
            // Closed since: recorded as seen.
            Err(LifecycleError::Closed) => {
                return match repo::commit(store, vec![mark]).await {
                    Ok(()) => Ok(EsitoEventoGestore::GiaElaborato),
                    Err(e) if e.is_condition_failed() => Ok(EsitoEventoGestore::GiaElaborato),
                    Err(e) => Err(e.into()),
                };
            }
            Err(e) => return Err(e.into()),
        };
        let change = Change {
            before: Some(member),
            after,
            effects,
            actor: Actor::Gestore,
            action,
        };
        let (mut ops, _, _) = change.into_ops(now)?;
        ops.push(mark.clone());
        match repo::commit(store, ops).await {
            Ok(()) => {
                tracing::info!(address = %event.indirizzo, blocca, ?esito, "provider event applied");
                return Ok(esito);
            }
            Err(e) if e.is_condition_failed() => {
                if store.get(&keys::provider_event(&event.id)).await?.is_some() {
                    return Ok(EsitoEventoGestore::GiaElaborato);
                }
                continue;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(GestoreError::Busy)
}
