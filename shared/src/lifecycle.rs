//! A mailbox's life as a pure state machine: `Mailbox::apply(event, today)` gives the next
//! state and the effects to carry out (provider commands, notices), or an error that says
//! why the event is refused. Time is always a parameter.
//!
//! Dates are calendar dates in Europe/Rome (the caller converts the instant once).
//! **[decision]** A term runs from its start to the same calendar day a year later
//! (29 February → 28 February), and the service is active through that day, its
//! *scadenza*: the sweep of the day after deactivates it.
//!
//! Before any event, everything whose scadenza has passed is expired, so no path through
//! the machine leaves a paid service active after its scadenza.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::address::EmailAddress;
pub use crate::catalog::ServiceKind;
use crate::catalog::{Catalog, CatalogId, PlanCode, Quote, QuoteError, Space, SpaceArea};
use crate::money::Money;

/// Reminders go out at these many days before a scadenza, the last on the day itself.
pub const REMINDER_DAYS: [i64; 5] = [90, 60, 30, 7, 0];
/// **[decision]** A cancellation from the Albo within this many days of the mailbox's
/// scadenza renews it for one more year, so the holder has time to decide.
pub const CANCELLATION_GRACE_DAYS: i64 = 90;
/// **[decision]** A paid service can be renewed from this many days before its scadenza:
/// the window in which the reminders arrive.
pub const RENEWAL_WINDOW_DAYS: i64 = 90;

/// One year later, on the same calendar day (28 February for 29 February).
pub fn one_year_after(day: NaiveDate) -> NaiveDate {
    day.checked_add_months(Months::new(12))
        .expect("dates stay far from chrono's limits")
}

/// The start of a term that ends on `day`.
pub fn one_year_before(day: NaiveDate) -> NaiveDate {
    day.checked_sub_months(Months::new(12))
        .expect("dates stay far from chrono's limits")
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MailboxStatus {
    Attiva,
    /// Blocked by the provider (e.g. no first access in time) until it unblocks it.
    Bloccata,
    Chiusa,
}

impl MailboxStatus {
    pub fn nome(self) -> &'static str {
        match self {
            MailboxStatus::Attiva => "Attiva",
            MailboxStatus::Bloccata => "Bloccata",
            MailboxStatus::Chiusa => "Chiusa",
        }
    }

    /// Open: active or blocked, not closed. A member has at most one open mailbox.
    pub fn is_open(self) -> bool {
        self != MailboxStatus::Chiusa
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CausaCancellazione {
    Dimissioni,
    Decesso,
    Morosita,
    Altro,
}

impl CausaCancellazione {
    pub fn nome(self) -> &'static str {
        match self {
            CausaCancellazione::Dimissioni => "Dimissioni",
            CausaCancellazione::Decesso => "Decesso",
            CausaCancellazione::Morosita => "Morosità",
            CausaCancellazione::Altro => "Altro motivo",
        }
    }
}

/// The holder's standing in the Albo.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "stato")]
pub enum AlboStatus {
    Iscritto,
    Sospeso {
        dal: NaiveDate,
    },
    Cancellato {
        dal: NaiveDate,
        causa: CausaCancellazione,
    },
}

impl AlboStatus {
    pub fn nome(&self) -> &'static str {
        match self {
            AlboStatus::Iscritto => "Iscritto",
            AlboStatus::Sospeso { .. } => "Sospeso",
            AlboStatus::Cancellato {
                causa: CausaCancellazione::Decesso,
                ..
            } => "Cancellato (deceduto)",
            AlboStatus::Cancellato { .. } => "Cancellato",
        }
    }

    /// Registered (a suspended member is still on the Albo).
    pub fn is_registered(&self) -> bool {
        !matches!(self, AlboStatus::Cancellato { .. })
    }

    pub fn is_deceased(&self) -> bool {
        matches!(
            self,
            AlboStatus::Cancellato {
                causa: CausaCancellazione::Decesso,
                ..
            }
        )
    }
}

/// A paid service, active through its scadenza.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidService {
    pub id: u32,
    pub kind: ServiceKind,
    pub purchased_on: NaiveDate,
    pub scadenza: NaiveDate,
    /// The catalog the current term was bought under, and the net price paid: it keeps
    /// those terms until it lapses, whatever the catalog says later (a renewal's are in
    /// `prossimo` until its term begins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogo: Option<CatalogId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prezzo: Option<Money>,
    /// For Avanzata: the space its terms include (absent: the 2024 contract's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incluso: Option<Space>,
    /// Renewed: the new term's catalog, price and space, from the day after the term paid
    /// ends (which keeps its own until then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prossimo: Option<ProssimoTermine>,
}

impl PaidService {
    /// A PRO of the 2022 convention: counted as the Avanzata that replaced it, it keeps
    /// its name (and its sizes, `incluso`) until its term ends; renewed, it is Avanzata
    /// from the day the new term begins.
    fn is_pro_2022(&self) -> bool {
        if self.kind != ServiceKind::Avanzata {
            return false;
        }
        // Renewed before the new term's catalog was kept in `prossimo`, `catalogo` is
        // already the new term's: the term paid is known by PRO's sizes.
        let renewed_before = self.prossimo.is_some_and(|next| next.catalogo.is_none());
        let pro = Catalog::standard()
            .version(CatalogId::Convenzione2022)
            .plan(PlanCode::Pro)
            .map(|plan| plan.included);
        self.catalogo == Some(CatalogId::Convenzione2022)
            || (renewed_before && pro.is_some_and(|pro| self.incluso == Some(pro)))
    }

    /// What the holder has, as its terms name it.
    pub fn descrizione(&self) -> String {
        if self.is_pro_2022() {
            "PEC PRO (convenzione 2022)".into()
        } else {
            self.kind.descrizione()
        }
    }
}

/// The terms of a renewed service's next term, from the day it begins.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProssimoTermine {
    pub dal: NaiveDate,
    pub incluso: Option<Space>,
    /// Absent on a renewal recorded before the next term's catalog and price were kept
    /// here (the service's own fields then already hold them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogo: Option<CatalogId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prezzo: Option<Money>,
}

/// What a reminder is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "di", content = "id")]
pub enum ReminderTarget {
    /// The mailbox itself (a holder no longer on the Albo).
    Casella,
    Servizio(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentReminder {
    pub target: ReminderTarget,
    pub scadenza: NaiveDate,
    pub days_before: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    pub address: EmailAddress,
    pub status: MailboxStatus,
    pub activated_on: NaiveDate,
    /// The mailbox's own term; renewed free each year while the holder is registered.
    pub scadenza: NaiveDate,
    pub albo: AlboStatus,
    pub services: Vec<PaidService>,
    pub first_access_on: Option<NaiveDate>,
    /// The one extra year after a late cancellation has been given.
    pub extended_after_cancellation: bool,
    pub reminders_sent: Vec<SentReminder>,
    pub next_service_id: u32,
    pub closed_on: Option<NaiveDate>,
    /// The provider's contract the holder must sign at activation.
    #[serde(default)]
    pub contratto: StatoContratto,
    /// The space the free plan includes in this term, by the catalog in force when it
    /// began (absent: the 2024 contract's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incluso_base: Option<Space>,
}

/// Where the holder's signed contract stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatoContratto {
    /// Not uploaded yet: the holder downloads it, signs it and uploads it.
    #[default]
    DaFirmare,
    /// Uploaded without a verifiable signature: waits for the Fondazione's review.
    InVerifica,
    Firmato,
    /// Refused by the review: to be signed and uploaded again.
    Respinto,
}

impl StatoContratto {
    pub const ALL: [Self; 4] = [
        Self::DaFirmare,
        Self::InVerifica,
        Self::Firmato,
        Self::Respinto,
    ];

    pub fn nome(self) -> &'static str {
        match self {
            StatoContratto::DaFirmare => "Da firmare",
            StatoContratto::InVerifica => "In verifica",
            StatoContratto::Firmato => "Firmato",
            StatoContratto::Respinto => "Respinto",
        }
    }

    /// What the holder has to do next, if anything.
    pub fn prossimo_passo(self) -> Option<&'static str> {
        match self {
            StatoContratto::DaFirmare => Some(
                "Scarica il contratto dall'area riservata, firmalo digitalmente e caricalo nella stessa pagina.",
            ),
            StatoContratto::InVerifica => {
                Some("Il contratto è in verifica presso la Fondazione CNI: non devi fare nulla.")
            }
            StatoContratto::Firmato => None,
            StatoContratto::Respinto => {
                Some("Il contratto non è stato accettato: firmalo di nuovo e ricaricalo.")
            }
        }
    }
}

/// Commands for the provider (Aruba), carried out through the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "command")]
pub enum ProviderCommand {
    Create {
        space: Space,
    },
    Resize {
        space: Space,
    },
    Block,
    Unblock,
    Close,
    /// The mailbox at `from` takes the mailbox's (corrected) address.
    Rename {
        from: EmailAddress,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClosureReason {
    /// Immediate cancellation by form, carried out by the Fondazione.
    Disdetta,
    /// The term ended with the holder no longer on the Albo.
    ScadenzaDopoCancellazione,
}

/// A reminder of a coming scadenza, with what will be lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub target: ReminderTarget,
    pub scadenza: NaiveDate,
    pub days_before: i64,
    pub descrizione: String,
    /// Space whose content is lost for good if nothing is renewed.
    pub space_lost: Space,
}

impl Reminder {
    /// The notice's text (sent only from the official domains).
    pub fn messaggio(&self) -> String {
        let quando = if self.days_before == 0 {
            "oggi".to_owned()
        } else {
            format!("il {}", self.scadenza.format("%d/%m/%Y"))
        };
        match self.target {
            ReminderTarget::Casella => format!(
                "La tua casella PEC scade {quando}. Non risultando più iscritto all'Albo, per mantenerla attiva puoi passare a PEC Avanzata (a pagamento); altrimenti sarà chiusa e i messaggi che contiene non saranno più recuperabili."
            ),
            ReminderTarget::Servizio(_) => format!(
                "Il servizio «{}» scade {quando}. Se non lo rinnovi sarà disattivato e la casella tornerà alla configurazione Base: i documenti contenuti nello spazio disattivato ({} GB inbox, {} GB archivio) non saranno più recuperabili.",
                self.descrizione, self.space_lost.inbox_gb, self.space_lost.archivio_gb
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "effect")]
pub enum Effect {
    Provider(ProviderCommand),
    Reminder(Reminder),
    /// A service reached its scadenza unrenewed: the space and its content are gone.
    ServiceExpired {
        service: PaidService,
        space_lost: Space,
    },
    TermRenewed {
        scadenza: NaiveDate,
    },
    /// The extra year after a late cancellation from the Albo.
    TermExtended {
        scadenza: NaiveDate,
    },
    Closed {
        reason: ClosureReason,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "evento")]
pub enum Event {
    /// A paid purchase, confirmed.
    Acquisto {
        servizio: ServiceKind,
    },
    Rinnovo {
        service_id: u32,
    },
    PrimoAccesso,
    /// The holder's surname or alias corrected in his address, at his first access
    /// (before it is complete: afterwards the address is fixed).
    IndirizzoCorretto {
        indirizzo: EmailAddress,
    },
    /// The signed contract's standing changed: an upload verified, sent to review or
    /// refused, or the Fondazione's decision on one.
    Contratto {
        stato: StatoContratto,
    },
    /// The mailbox blocked: by the provider (it reports it), or by the Fondazione (the
    /// provider is told).
    Blocco {
        da: Origine,
    },
    /// Unblocked, likewise.
    Sblocco {
        da: Origine,
    },
    /// The Albo changed the holder's standing.
    Albo {
        stato: AlboStatus,
    },
    /// Immediate cancellation; `domicilio_digitale` is what the Albo lists now.
    Disdetta {
        domicilio_digitale: Option<EmailAddress>,
    },
    /// Immediate cancellation asked by the heirs of a deceased holder, whose death
    /// certificate the Fondazione checked: always allowed (DOMAIN.md, Lifecycle 7), even
    /// before the Albo records the death.
    DisdettaEredi,
    /// The daily sweep: expiries, renewals, reminders.
    Verifica,
}

/// Who blocked or unblocked a mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origine {
    /// The provider did, and reports it.
    Gestore,
    /// A Fondazione operator did: the provider carries it out.
    Fondazione,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LifecycleError {
    #[error("La casella è chiusa.")]
    Closed,
    #[error(
        "Il servizio «{0}» è già attivo: potrai rinnovarlo nei 90 giorni prima della scadenza."
    )]
    AlreadyActive(String),
    #[error("Il servizio indicato non è attivo su questa casella.")]
    UnknownService,
    #[error("Il rinnovo è possibile dal {0}, 90 giorni prima della scadenza.")]
    RenewalTooEarly(NaiveDate),
    #[error("{0}")]
    Quote(#[from] QuoteError),
    #[error("La casella non è bloccata.")]
    NotBlocked,
    #[error("{0}")]
    Disdetta(#[from] DisdettaError),
    #[error("L'indirizzo può essere corretto solo prima del primo accesso alla casella.")]
    AddressFixed,
    #[error("Il contratto è già firmato: non serve caricarlo di nuovo.")]
    ContrattoFirmato,
    #[error(
        "Completa prima il primo accesso: la verifica dei dati e l'accettazione delle condizioni vengono prima del contratto."
    )]
    PrimoAccessoMancante,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DisdettaError {
    #[error(
        "Un iscritto può disdire la casella solo se l'Albo Unico indica come domicilio digitale un'altra PEC: comunica prima all'Ordine il nuovo indirizzo."
    )]
    NoOtherDomicilio,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ActivationError {
    #[error(
        "L'ingegnere non risulta iscritto all'Albo: la casella si attiva solo per gli iscritti."
    )]
    NotRegistered,
    #[error("L'ingegnere ha già una casella @ingpec.eu.")]
    AlreadyHasMailbox,
}

/// Whether a mailbox may be activated for a member with this standing.
pub fn activation_eligibility(
    albo: &AlboStatus,
    has_open_mailbox: bool,
) -> Result<(), ActivationError> {
    if !albo.is_registered() {
        return Err(ActivationError::NotRegistered);
    }
    if has_open_mailbox {
        return Err(ActivationError::AlreadyHasMailbox);
    }
    Ok(())
}

/// A registered member may cancel only if the Albo lists another PEC as his domicilio
/// digitale; a cancelled member, or the heirs of a deceased one, always may.
pub fn disdetta_eligibility(
    albo: &AlboStatus,
    domicilio_digitale: Option<&EmailAddress>,
    mailbox: &EmailAddress,
) -> Result<(), DisdettaError> {
    // Another PEC of ours is no domicilio once this one closes (he has one mailbox).
    match (albo.is_registered(), domicilio_digitale) {
        (false, _) => Ok(()),
        (true, Some(other)) if other != mailbox && !other.is_ingpec() => Ok(()),
        (true, _) => Err(DisdettaError::NoOtherDomicilio),
    }
}

/// The next state and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub mailbox: Mailbox,
    pub effects: Vec<Effect>,
    /// What the holder pays for this event, if anything.
    pub charge: Option<Quote>,
}

impl Mailbox {
    /// A mailbox created by the Ordine today: active at once, one-year term, Base.
    pub fn activate(address: EmailAddress, albo: AlboStatus, today: NaiveDate) -> Transition {
        Self::activate_with(address, albo, today, Catalog::standard())
    }

    /// As [`Self::activate`], with the free plan's space of `catalog`'s version in force.
    pub fn activate_with(
        address: EmailAddress,
        albo: AlboStatus,
        today: NaiveDate,
        catalog: &Catalog,
    ) -> Transition {
        let mailbox = Mailbox {
            address,
            status: MailboxStatus::Attiva,
            activated_on: today,
            scadenza: one_year_after(today),
            albo,
            services: Vec::new(),
            first_access_on: None,
            extended_after_cancellation: false,
            reminders_sent: Vec::new(),
            next_service_id: 1,
            closed_on: None,
            contratto: StatoContratto::DaFirmare,
            incluso_base: recorded(PlanCode::Base, catalog.included(PlanCode::Base, today)),
        };
        let space = mailbox.space();
        Transition {
            mailbox,
            effects: vec![Effect::Provider(ProviderCommand::Create { space })],
            charge: None,
        }
    }

    pub fn plan(&self) -> PlanCode {
        if self.avanzata().is_some() {
            PlanCode::Avanzata
        } else {
            PlanCode::Base
        }
    }

    /// The plan as the holder's terms name it: [`Self::plan`], except a 2022 PRO still in
    /// its term, shown as PRO (its sizes are not Avanzata's). Renewed, it is the Avanzata
    /// bought from the day its new term begins.
    pub fn plan_by_terms(&self) -> PlanCode {
        match self.avanzata() {
            Some(service) if service.is_pro_2022() => PlanCode::Pro,
            _ => self.plan(),
        }
    }

    /// The Avanzata service held (a 2022 PRO among them), if any.
    fn avanzata(&self) -> Option<&PaidService> {
        self.services
            .iter()
            .find(|s| s.kind == ServiceKind::Avanzata)
    }

    /// Extra space bought and active.
    pub fn extra_space(&self) -> Space {
        self.services
            .iter()
            .filter_map(|s| match s.kind {
                ServiceKind::SpazioExtra { area, gb } => Some(Space::only(area, gb)),
                ServiceKind::Avanzata => None,
            })
            .fold(Space::default(), |a, b| a + b)
    }

    /// Space the provider must give the mailbox: the plan's own plus extra space.
    pub fn space(&self) -> Space {
        self.included() + self.extra_space()
    }

    /// The space the plan includes, by the terms of its current term.
    pub fn included(&self) -> Space {
        match self.avanzata() {
            // Never less than the free plan's, if a later list made that larger.
            Some(avanzata) => {
                let own = avanzata
                    .incluso
                    .unwrap_or_else(|| included_space(PlanCode::Avanzata));
                let base = self.base_included();
                Space::new(
                    own.inbox_gb.max(base.inbox_gb),
                    own.archivio_gb.max(base.archivio_gb),
                )
            }
            None => self.base_included(),
        }
    }

    fn base_included(&self) -> Space {
        self.incluso_base
            .unwrap_or_else(|| included_space(PlanCode::Base))
    }

    /// Whether the address (surname, alias) may still be corrected.
    pub fn address_correction_allowed(&self) -> Result<(), LifecycleError> {
        if self.first_access_on.is_some() {
            return Err(LifecycleError::AddressFixed);
        }
        Ok(())
    }

    /// The contract is issued after the first access (seed 004): the holder's data checked
    /// and the conditions accepted first.
    pub fn contract_issuable(&self) -> Result<(), LifecycleError> {
        self.ensure_open()?;
        if self.first_access_on.is_none() {
            return Err(LifecycleError::PrimoAccessoMancante);
        }
        Ok(())
    }

    /// A signed contract may be uploaded: it is issuable and not signed already (a signed
    /// contract stays signed).
    pub fn accepts_signed_contract(&self) -> Result<(), LifecycleError> {
        self.contract_issuable()?;
        if self.contratto == StatoContratto::Firmato {
            return Err(LifecycleError::ContrattoFirmato);
        }
        Ok(())
    }

    /// Every scadenza ahead, the earliest first: the mailbox's own when it will not
    /// renew by itself, and each paid service's.
    pub fn upcoming_expiries(&self) -> Vec<(ReminderTarget, NaiveDate)> {
        let mut out: Vec<_> = self
            .services
            .iter()
            .map(|s| (ReminderTarget::Servizio(s.id), s.scadenza))
            .collect();
        if self.status != MailboxStatus::Chiusa && !self.albo.is_registered() {
            out.push((ReminderTarget::Casella, self.scadenza));
        }
        out.sort_by_key(|(_, d)| *d);
        out
    }

    /// Whether something of this mailbox will lapse by `day`: the term of a holder no longer
    /// on the Albo, or a paid service (a Base term renews by itself and does not count).
    pub fn lapses_by(&self, day: NaiveDate) -> bool {
        self.status.is_open()
            && self
                .upcoming_expiries()
                .first()
                .is_some_and(|(_, scadenza)| *scadenza <= day)
    }

    /// Applies `event` on `today`. A refused event leaves no trace: the caller keeps the
    /// old state.
    pub fn apply(&self, event: &Event, today: NaiveDate) -> Result<Transition, LifecycleError> {
        self.apply_with(event, today, Catalog::standard())
    }

    /// As [`Self::apply`], pricing and sizing by `catalog` (the convention's with the
    /// price lists the Fondazione published).
    pub fn apply_with(
        &self,
        event: &Event,
        today: NaiveDate,
        catalog: &Catalog,
    ) -> Result<Transition, LifecycleError> {
        let mut next = self.clone();
        let mut effects = Vec::new();
        next.expire(today, catalog, &mut effects);
        let mut charge = None;
        match event {
            Event::Verifica => next.remind(today, catalog, &mut effects),
            Event::Acquisto { servizio } => {
                next.ensure_open()?;
                charge = Some(next.buy(*servizio, today, catalog)?);
                next.resize(&mut effects);
            }
            Event::Rinnovo { service_id } => {
                next.ensure_open()?;
                let before = next.space();
                charge = Some(next.renew(*service_id, today, catalog)?);
                // A new term of Avanzata takes the sizes of the catalog in force.
                if next.space() != before {
                    next.resize(&mut effects);
                }
            }
            Event::PrimoAccesso => {
                next.ensure_open()?;
                next.first_access_on.get_or_insert(today);
            }
            Event::IndirizzoCorretto { indirizzo } => {
                next.ensure_open()?;
                next.address_correction_allowed()?;
                let from = std::mem::replace(&mut next.address, indirizzo.clone());
                effects.push(Effect::Provider(ProviderCommand::Rename { from }));
            }
            Event::Contratto { stato } => {
                next.accepts_signed_contract()?;
                next.contratto = *stato;
            }
            Event::Blocco { da } => {
                next.ensure_open()?;
                if next.status != MailboxStatus::Bloccata {
                    next.status = MailboxStatus::Bloccata;
                    if *da == Origine::Fondazione {
                        effects.push(Effect::Provider(ProviderCommand::Block));
                    }
                }
            }
            Event::Sblocco { da } => {
                next.ensure_open()?;
                if next.status != MailboxStatus::Bloccata {
                    return Err(LifecycleError::NotBlocked);
                }
                next.status = MailboxStatus::Attiva;
                if *da == Origine::Fondazione {
                    effects.push(Effect::Provider(ProviderCommand::Unblock));
                }
            }
            Event::Albo { stato } => next.albo_changed(*stato, &mut effects),
            Event::Disdetta { domicilio_digitale } => {
                next.ensure_open()?;
                disdetta_eligibility(&next.albo, domicilio_digitale.as_ref(), &next.address)?;
                next.close(ClosureReason::Disdetta, today, &mut effects);
            }
            Event::DisdettaEredi => {
                next.ensure_open()?;
                next.close(ClosureReason::Disdetta, today, &mut effects);
            }
        }
        Ok(Transition {
            mailbox: next,
            effects,
            charge,
        })
    }

    fn ensure_open(&self) -> Result<(), LifecycleError> {
        if self.status == MailboxStatus::Chiusa {
            return Err(LifecycleError::Closed);
        }
        Ok(())
    }

    fn buy(
        &mut self,
        kind: ServiceKind,
        today: NaiveDate,
        catalog: &Catalog,
    ) -> Result<Quote, LifecycleError> {
        let mut request = crate::catalog::QuoteRequest {
            plan: Some(self.plan()),
            owned_extra: self.extra_space(),
            ..Default::default()
        };
        match kind {
            ServiceKind::Avanzata if self.plan() == PlanCode::Avanzata => {
                // Named as held: a 2022 PRO counts as Avanzata.
                let held = self
                    .avanzata()
                    .map_or_else(|| kind.descrizione(), PaidService::descrizione);
                return Err(LifecycleError::AlreadyActive(held));
            }
            ServiceKind::Avanzata => request.upgrade = true,
            ServiceKind::SpazioExtra { area, gb } => request.extra = Space::only(area, gb),
        }
        let quote = catalog.quote(&request, today)?;
        self.services.push(PaidService {
            id: self.next_service_id,
            kind,
            purchased_on: today,
            scadenza: one_year_after(today),
            catalogo: Some(quote.catalog),
            prezzo: Some(quote.net),
            incluso: match kind {
                ServiceKind::Avanzata => recorded(
                    PlanCode::Avanzata,
                    catalog.included(PlanCode::Avanzata, today),
                ),
                ServiceKind::SpazioExtra { .. } => None,
            },
            prossimo: None,
        });
        self.next_service_id += 1;
        Ok(quote)
    }

    fn renew(
        &mut self,
        id: u32,
        today: NaiveDate,
        catalog: &Catalog,
    ) -> Result<Quote, LifecycleError> {
        let plan = self.plan();
        let space_now = self.space();
        let service = self
            .services
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or(LifecycleError::UnknownService)?;
        let opens = service.scadenza - chrono::Duration::days(RENEWAL_WINDOW_DAYS);
        if today < opens {
            return Err(LifecycleError::RenewalTooEarly(opens));
        }
        let mut quote = catalog.renewal_quote(plan, &service.kind, space_now, today)?;
        // The term paid keeps its terms; the new one's begin the day after it ends.
        service.prossimo = Some(ProssimoTermine {
            dal: service.scadenza + chrono::Duration::days(1),
            incluso: match service.kind {
                ServiceKind::Avanzata => recorded(
                    PlanCode::Avanzata,
                    catalog.included(PlanCode::Avanzata, today),
                ),
                ServiceKind::SpazioExtra { .. } => None,
            },
            catalogo: Some(quote.catalog),
            prezzo: Some(quote.net),
        });
        service.scadenza = one_year_after(service.scadenza);
        if service.kind == ServiceKind::Avanzata {
            quote.space_after = self.space();
        }
        Ok(quote)
    }

    fn resize(&self, effects: &mut Vec<Effect>) {
        effects.push(Effect::Provider(ProviderCommand::Resize {
            space: self.space(),
        }));
    }

    fn albo_changed(&mut self, stato: AlboStatus, effects: &mut Vec<Effect>) {
        self.albo = stato;
        if let AlboStatus::Cancellato { dal, causa } = stato {
            let close_to_scadenza = (self.scadenza - dal).num_days() <= CANCELLATION_GRACE_DAYS;
            if causa != CausaCancellazione::Decesso
                && self.status != MailboxStatus::Chiusa
                && !self.extended_after_cancellation
                && close_to_scadenza
            {
                self.scadenza = one_year_after(self.scadenza);
                self.extended_after_cancellation = true;
                effects.push(Effect::TermExtended {
                    scadenza: self.scadenza,
                });
            }
        }
    }

    /// Deactivates every service past its scadenza, then renews or closes the mailbox
    /// whose own term has passed.
    fn expire(&mut self, today: NaiveDate, catalog: &Catalog, effects: &mut Vec<Effect>) {
        if self.status == MailboxStatus::Chiusa {
            return;
        }
        let before = self.space();
        // A renewed term that has begun takes its own terms.
        for service in &mut self.services {
            if let Some(next) = service.prossimo.filter(|n| n.dal <= today) {
                service.incluso = next.incluso;
                if next.catalogo.is_some() {
                    service.catalogo = next.catalogo;
                    service.prezzo = next.prezzo;
                }
                service.prossimo = None;
            }
        }
        let (expired, kept): (Vec<_>, Vec<_>) =
            self.services.iter().partition(|s| s.scadenza < today);
        self.services = kept;
        for service in &expired {
            let space_lost = match service.kind {
                ServiceKind::SpazioExtra { area, gb } => Space::only(area, gb),
                ServiceKind::Avanzata => space_minus(
                    service
                        .incluso
                        .unwrap_or_else(|| included_space(PlanCode::Avanzata)),
                    self.base_included(),
                ),
            };
            effects.push(Effect::ServiceExpired {
                service: *service,
                space_lost,
            });
        }
        // Space that only Avanzata allows goes with it (a service lapsing is the only way
        // the plan changes: space bought keeps its terms otherwise, whatever a later list
        // allows).
        let dropped = if expired.is_empty() {
            Vec::new()
        } else {
            self.drop_unsupported(today, catalog)
        };
        for service in dropped {
            let ServiceKind::SpazioExtra { area, gb } = service.kind else {
                continue;
            };
            effects.push(Effect::ServiceExpired {
                service,
                space_lost: Space::only(area, gb),
            });
        }
        if self.scadenza < today {
            let keeps = self.albo.is_registered()
                || (!self.albo.is_deceased() && self.plan() == PlanCode::Avanzata);
            if keeps {
                while self.scadenza < today {
                    self.scadenza = one_year_after(self.scadenza);
                }
                // The new term's free plan: the catalog in force now.
                self.incluso_base =
                    recorded(PlanCode::Base, catalog.included(PlanCode::Base, today));
                effects.push(Effect::TermRenewed {
                    scadenza: self.scadenza,
                });
            } else {
                self.close(ClosureReason::ScadenzaDopoCancellazione, today, effects);
                return;
            }
        }
        if self.space() != before {
            self.resize(effects);
        }
    }

    /// Removes the extra space the current plan does not allow, newest first.
    fn drop_unsupported(&mut self, today: NaiveDate, catalog: &Catalog) -> Vec<PaidService> {
        let Some(version) = catalog.in_force_on(today) else {
            return Vec::new();
        };
        let Some(plan) = version.plan(self.plan()) else {
            return Vec::new();
        };
        let mut dropped = Vec::new();
        for area in SpaceArea::ALL {
            loop {
                let owned = self.extra_space().get(area);
                let allowed = match (plan.extra_rule(area), plan.extra_room(area, 0)) {
                    (None, _) => 0,
                    (Some(_), None) => u32::MAX,
                    (Some(_), Some(room)) => room,
                };
                if owned <= allowed {
                    break;
                }
                let newest = self
                    .services
                    .iter()
                    .rposition(
                        |s| matches!(s.kind, ServiceKind::SpazioExtra { area: a, .. } if a == area),
                    )
                    .expect("owned space comes from a service");
                dropped.push(self.services.remove(newest));
            }
        }
        dropped
    }

    fn close(&mut self, reason: ClosureReason, today: NaiveDate, effects: &mut Vec<Effect>) {
        for service in self.services.drain(..) {
            effects.push(Effect::ServiceExpired {
                service,
                space_lost: match service.kind {
                    ServiceKind::SpazioExtra { area, gb } => Space::only(area, gb),
                    ServiceKind::Avanzata => Space::default(),
                },
            });
        }
        self.status = MailboxStatus::Chiusa;
        self.closed_on = Some(today);
        self.reminders_sent.clear();
        effects.push(Effect::Provider(ProviderCommand::Close));
        effects.push(Effect::Closed { reason });
    }

    /// Sends the reminder due for each scadenza in the next 90 days, once each: a missed
    /// day catches up with the latest step, never with several.
    fn remind(&mut self, today: NaiveDate, catalog: &Catalog, effects: &mut Vec<Effect>) {
        if self.status == MailboxStatus::Chiusa || self.albo.is_deceased() {
            return;
        }
        let expiries = self.upcoming_expiries();
        self.reminders_sent
            .retain(|r| expiries.contains(&(r.target, r.scadenza)));
        for (target, scadenza) in expiries {
            let days_left = (scadenza - today).num_days();
            let Some(step) = REMINDER_DAYS
                .iter()
                .copied()
                .filter(|d| *d >= days_left)
                .min()
            else {
                continue;
            };
            let already = self
                .reminders_sent
                .iter()
                .any(|r| r.target == target && r.scadenza == scadenza && r.days_before <= step);
            if already {
                continue;
            }
            let (descrizione, space_lost) = match target {
                ReminderTarget::Casella => ("Casella PEC".to_owned(), self.space()),
                ReminderTarget::Servizio(id) => {
                    let service = self.services.iter().find(|s| s.id == id).expect("listed");
                    (service.descrizione(), self.space_lost_with(id, catalog))
                }
            };
            self.reminders_sent.push(SentReminder {
                target,
                scadenza,
                days_before: step,
            });
            effects.push(Effect::Reminder(Reminder {
                target,
                scadenza,
                days_before: step,
                descrizione,
                space_lost,
            }));
        }
    }

    /// The space that would go if service `id` expired alone (with what depends on it).
    fn space_lost_with(&self, id: u32, catalog: &Catalog) -> Space {
        let mut without = self.clone();
        without.services.retain(|s| s.id != id);
        let day = self
            .services
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.scadenza)
            .unwrap_or(self.activated_on);
        without.drop_unsupported(day, catalog);
        space_minus(self.space(), without.space())
    }
}

fn space_minus(a: Space, b: Space) -> Space {
    Space::new(
        a.inbox_gb.saturating_sub(b.inbox_gb),
        a.archivio_gb.saturating_sub(b.archivio_gb),
    )
}

/// What a term's included space records: nothing when it is the 2024 contract's.
fn recorded(plan: PlanCode, space: Space) -> Option<Space> {
    (space != included_space(plan)).then_some(space)
}

/// Space included by the 2024 contract's plans (every mailbox is now Base or Avanzata;
/// a term under a later price list records its own).
pub fn included_space(plan: PlanCode) -> Space {
    Catalog::standard()
        .version(CatalogId::Contratto2024)
        .plan(plan)
        .map(|p| p.included)
        .unwrap_or_default()
}

pub mod prospetto;

#[cfg(test)]
mod tests;
