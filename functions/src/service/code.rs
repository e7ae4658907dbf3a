//! The Fondazione's work queues: the deceased holders whose mailbox is still open, the
//! commands the provider or the mail service refused (retried or discarded by an
//! operator), and how much waits in each queue, for the console's header.

use chrono::{DateTime, Utc};
use shared::access::Caller;
use shared::address::EmailAddress;
use shared::api::{
    BloccatePage, CasellaBloccata, Code, ComandiPage, ComandoFermo, DecessiPage, DecessoInCoda,
};
use shared::audit::AuditTarget;
use shared::codice_fiscale::CodiceFiscale;
use shared::disdetta::StatoDisdetta;
use shared::lifecycle::AlboStatus;
use shared::lifecycle::{Event, LifecycleError, MailboxStatus, Origine};
use thiserror::Error;

use super::{Forbidden, ensure};
use crate::outbox::provider::Command;
use crate::repo::outbox::{self, OutboxCommand, Task};
use crate::repo::unit_of_work::{Audited, Change};
use crate::repo::{self, Versioned, addresses, contratti, disdette, members};
use crate::store::{ItemStore, Query, StoreError};

/// Deaths shown at once.
const PAGE: usize = 50;

#[derive(Debug, Error)]
pub enum CodeError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error("Comando non trovato tra quelli fermi.")]
    NotParked,
    #[error(
        "Questo comando porta a termine un ordine pagato: si può solo inviare di nuovo, risolta la causa con il gestore."
    )]
    CarriesOrder,
    #[error(
        "Questo comando cambia la casella presso il gestore e i dati del portale lo danno già per eseguito: si può solo inviare di nuovo, risolta la causa con il gestore."
    )]
    ChangesMailbox,
    #[error("contention")]
    Busy,
    #[error("L'iscritto non ha una casella @ingpec.eu.")]
    NoMailbox,
    #[error("{0}")]
    Lifecycle(#[from] LifecycleError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The deceased holders whose mailbox is open, oldest death first.
pub async fn deaths(
    store: &dyn ItemStore,
    caller: &Caller,
    cursor: Option<String>,
) -> Result<DecessiPage, CodeError> {
    ensure(caller.can_decide_disdette())?;
    let page = store.query(&members::deaths(PAGE).after(cursor)).await?;
    let (records, cursor) = members::decode_page(page)?;
    let mut items = Vec::with_capacity(records.len());
    for record in records {
        let m = record.value;
        let (AlboStatus::Cancellato { dal, .. }, Some(mailbox)) = (m.albo.stato, &m.mailbox) else {
            continue;
        };
        let waiting = disdette::get(store, &m.anagrafica.codice_fiscale)
            .await?
            .is_some_and(|d| d.value.stato() == StatoDisdetta::InAttesa);
        items.push(DecessoInCoda {
            codice_fiscale: m.anagrafica.codice_fiscale.clone(),
            nome: m.anagrafica.nome.clone(),
            cognome: m.anagrafica.cognome.clone(),
            ordine: m.albo.ordine,
            deceduto_il: dal,
            indirizzo: mailbox.address.clone(),
            scadenza: mailbox.scadenza,
            disdetta_in_attesa: waiting,
        });
    }
    Ok(DecessiPage { items, cursor })
}

/// What `task` does, in words.
fn describe(task: &Task) -> String {
    match task {
        Task::Provider { address, command } => {
            let what = match command.as_ref() {
                Command::Create { .. } => "creazione",
                Command::Resize { .. } => "modifica dello spazio",
                Command::Block => "blocco",
                Command::Unblock => "sblocco",
                Command::Close => "chiusura",
                Command::Rename { .. } => "cambio di indirizzo",
                Command::UpdateHolder { .. } => "aggiornamento dei dati del titolare",
            };
            format!("Al gestore: {what} della casella {address}")
        }
        Task::Avviso { notice } => {
            format!("Avviso «{}» a {}", notice.subject, notice.to.join(", "))
        }
    }
}

/// The refused commands, oldest first, with the refusal.
pub async fn parked(
    store: &dyn ItemStore,
    caller: &Caller,
    cursor: Option<String>,
) -> Result<ComandiPage, CodeError> {
    ensure(caller.can_decide_disdette())?;
    let page = store.query(&outbox::parked(PAGE).after(cursor)).await?;
    let items = page
        .items
        .iter()
        .map(|item| {
            let c: OutboxCommand = item.decode()?;
            Ok(ComandoFermo {
                descrizione: describe(&c.task),
                creato_il: c.created_at,
                tentativi: c.attempts,
                risposta: c.last_error.clone(),
                per_ordine: c.order.clone(),
                scartabile: c.order.is_none() && discardable(&c.task),
                id: c.id,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(ComandiPage {
        items,
        cursor: page.cursor,
    })
}

async fn command(store: &dyn ItemStore, id: &str) -> Result<Versioned<OutboxCommand>, CodeError> {
    outbox::get(store, id).await?.ok_or(CodeError::NotParked)
}

/// Saves the operator's decision on `command`; one about a mailbox's command goes into
/// its holder's audit chain (member or Ordine) in the same transaction, as `action`.
async fn save(
    store: &dyn ItemStore,
    caller: &Caller,
    command: &Versioned<OutboxCommand>,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), CodeError> {
    let mut ops = vec![outbox::update_op(command)?];
    let holder = match &command.value.task {
        Task::Provider { address, .. } => match EmailAddress::parse(address) {
            Ok(address) => match addresses::lookup(store, &address).await {
                Ok(reservation) => reservation.and_then(|r| r.holder.parse::<AuditTarget>().ok()),
                Err(addresses::AddressOrStore::Store(e)) => return Err(e.into()),
                Err(addresses::AddressOrStore::Address(_)) => None,
            },
            Err(_) => None,
        },
        // A notice names no holder: the log keeps who decided.
        Task::Avviso { .. } => None,
    };
    let action = format!("{action}: {}", describe(&command.value.task));
    match holder {
        Some(AuditTarget::Member(cf)) => {
            if let Some(member) = members::get(store, &cf).await? {
                ops.extend(
                    Change::note(member, caller.actor(), action)
                        .into_ops(now)?
                        .0,
                );
            }
        }
        Some(AuditTarget::Ordine(ordine)) => {
            if let Some(own) = crate::repo::ordini::get(store, ordine).await? {
                ops.extend(Change::note(own, caller.actor(), action).into_ops(now)?.0);
            }
        }
        None => {}
    }
    match repo::commit(store, ops).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_condition_failed() => Err(CodeError::Busy),
        Err(e) => Err(e.into()),
    }
}

/// Sends a refused command again at once (once the cause is fixed at the provider).
pub async fn retry(
    store: &dyn ItemStore,
    caller: &Caller,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), CodeError> {
    ensure(caller.can_decide_disdette())?;
    let mut command = command(store, id).await?;
    if !command.value.parcheggiato {
        // Retried already (a repeated request), or carried out meanwhile.
        return Ok(());
    }
    command.value.parcheggiato = false;
    command.value.next_attempt_at = now;
    save(
        store,
        caller,
        &command,
        "comando rifiutato inviato di nuovo dalla Fondazione",
        now,
    )
    .await?;
    tracing::info!(command = %id, by = %caller.actor(), "parked command retried");
    Ok(())
}

/// Whether dropping `task` leaves our records true: a notice, or the holder's data (the
/// next change sends them whole); not a command our records already count as done at the
/// provider (a creation, a closure, a block…), which may only be sent again.
fn discardable(task: &Task) -> bool {
    match task {
        Task::Avviso { .. } => true,
        Task::Provider { command, .. } => matches!(command.as_ref(), Command::UpdateHolder { .. }),
    }
}

/// Drops a refused command for good (what it would do is no longer wanted); one that
/// carries out a paid order may not be dropped.
pub async fn discard(
    store: &dyn ItemStore,
    caller: &Caller,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), CodeError> {
    ensure(caller.can_decide_disdette())?;
    let mut command = command(store, id).await?;
    if command.value.scartato_da.is_some() {
        // Discarded already: a repeated request.
        return Ok(());
    }
    if !command.value.parcheggiato {
        return Err(CodeError::NotParked);
    }
    if command.value.order.is_some() {
        return Err(CodeError::CarriesOrder);
    }
    if !discardable(&command.value.task) {
        return Err(CodeError::ChangesMailbox);
    }
    command.value.parcheggiato = false;
    command.value.done_at = Some(now);
    command.value.scartato_da = Some(caller.actor().to_string());
    save(
        store,
        caller,
        &command,
        "comando rifiutato scartato dalla Fondazione",
        now,
    )
    .await?;
    tracing::info!(command = %id, by = %caller.actor(), "parked command discarded");
    Ok(())
}

/// The living holders whose mailbox is blocked.
pub async fn blocked(
    store: &dyn ItemStore,
    caller: &Caller,
    cursor: Option<String>,
) -> Result<BloccatePage, CodeError> {
    ensure(caller.can_decide_disdette())?;
    let page = store.query(&members::blocked(PAGE).after(cursor)).await?;
    let (records, cursor) = members::decode_page(page)?;
    let items = records
        .into_iter()
        .filter_map(|r| {
            let m = r.value;
            let mailbox = m.mailbox?;
            Some(CasellaBloccata {
                codice_fiscale: m.anagrafica.codice_fiscale,
                nome: m.anagrafica.nome,
                cognome: m.anagrafica.cognome,
                ordine: m.albo.ordine,
                indirizzo: mailbox.address,
            })
        })
        .collect();
    Ok(BloccatePage { items, cursor })
}

/// Blocks (`blocca`) or unblocks the mailbox of `cf` at the provider, as a Fondazione
/// operator; blocking one blocked already changes nothing.
pub async fn set_blocked(
    store: &dyn ItemStore,
    caller: &Caller,
    cf: &CodiceFiscale,
    blocca: bool,
    now: DateTime<Utc>,
) -> Result<MailboxStatus, CodeError> {
    ensure(caller.can_decide_disdette())?;
    let member = members::get(store, cf).await?.ok_or(CodeError::NoMailbox)?;
    let mailbox = member.value.mailbox.clone().ok_or(CodeError::NoMailbox)?;
    if !blocca && mailbox.status == MailboxStatus::Attiva {
        // Unblocked already (a repeated request).
        return Ok(mailbox.status);
    }
    let event = if blocca {
        Event::Blocco {
            da: Origine::Fondazione,
        }
    } else {
        Event::Sblocco {
            da: Origine::Fondazione,
        }
    };
    let catalog = crate::repo::catalogo::load(store).await?;
    let transition = mailbox.apply_with(&event, crate::clock::rome_date(now), &catalog)?;
    if transition.effects.is_empty() && transition.mailbox == mailbox {
        return Ok(mailbox.status);
    }
    let status = transition.mailbox.status;
    let mut after = member.value.clone();
    after.set_mailbox(transition.mailbox);
    // A provider's event from before the operator's decision must not undo it.
    after.evento_gestore_il = Some(now);
    let change = Change {
        before: Some(member),
        after,
        effects: transition.effects,
        actor: caller.actor(),
        action: if blocca {
            format!("casella {} bloccata dalla Fondazione", mailbox.address)
        } else {
            format!("casella {} sbloccata dalla Fondazione", mailbox.address)
        },
    };
    let (ops, _, _) = change.into_ops(now)?;
    match crate::repo::commit(store, ops).await {
        Ok(()) => Ok(status),
        Err(e) if e.is_condition_failed() => Err(CodeError::Busy),
        Err(e) => Err(e.into()),
    }
}

/// How many items `query` holds, up to `max`.
pub(crate) async fn count(
    store: &dyn ItemStore,
    query: Query,
    max: u32,
) -> Result<u32, StoreError> {
    let mut total = 0usize;
    let mut cursor = None;
    loop {
        let page = store.query(&query.clone().after(cursor)).await?;
        total += page.items.len();
        if total >= max as usize || page.cursor.is_none() {
            return Ok(total.min(max as usize) as u32);
        }
        cursor = page.cursor;
    }
}

/// How much waits in each queue.
pub async fn counts(
    store: &dyn ItemStore,
    caller: &Caller,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Code, CodeError> {
    ensure(caller.can_decide_disdette() && caller.can_review_contracts())?;
    let limit = Code::MAX as usize;
    Ok(Code {
        contratti: count(store, contratti::review_queue(limit), Code::MAX).await?,
        disdette: count(store, disdette::queue(limit), Code::MAX).await?,
        decessi: count(store, members::deaths(limit), Code::MAX).await?,
        comandi_fermi: count(store, outbox::parked(limit), Code::MAX).await?,
        bloccate: count(store, members::blocked(limit), Code::MAX).await?,
        richieste_ferme: count(store, super::richieste::late_query(now, limit), Code::MAX).await?,
    })
}
