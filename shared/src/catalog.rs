//! The catalog of the convention, every version with the date it came into force, and the
//! quotes it prices.
//!
//! A purchase is priced by the version in force on its date; older versions stay so that
//! old records keep their terms. Dates are those of the public announcements (DOMAIN.md).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::money::{IVA_PERCENT, Money};

/// Largest amount of space one order may add. The Avanzata contract sets no limit; this
/// only keeps a typing slip (10000 instead of 10) from becoming a real order.
/// **[decision]**
pub const MAX_GB_PER_ORDER: u32 = 1_000;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CatalogId {
    /// The contract renewed with Aruba, announced on 2024-04-18 (seed 000).
    Contratto2024,
    /// The convention taken over by the Fondazione on 2022-02-01 (seed 003).
    Convenzione2022,
    /// The CNI's original contract of December 2009 (seed 002).
    Contratto2009,
    /// A price list of the current contract's plans published by the Fondazione, in force
    /// from its date.
    Listino(NaiveDate),
}

impl CatalogId {
    pub fn nome(self) -> String {
        match self {
            CatalogId::Contratto2024 => "Listino 2024".into(),
            CatalogId::Convenzione2022 => "Convenzione 2022".into(),
            CatalogId::Contratto2009 => "Contratto 2009".into(),
            CatalogId::Listino(dal) => format!("Listino dal {}", dal.format("%d/%m/%Y")),
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanCode {
    Base,
    Avanzata,
    Standard,
    Pro,
    Base2009,
}

impl PlanCode {
    pub fn nome(self) -> &'static str {
        match self {
            PlanCode::Base => "Base",
            PlanCode::Avanzata => "Avanzata",
            PlanCode::Standard => "Standard",
            PlanCode::Pro => "PRO",
            PlanCode::Base2009 => "Base (2009)",
        }
    }

    /// The 2024 contract's plan that took this one's place: what a purchase made today is
    /// priced on (a 2022 PRO buys as the Avanzata that replaced it).
    pub fn current(self) -> PlanCode {
        match self {
            PlanCode::Avanzata | PlanCode::Pro => PlanCode::Avanzata,
            PlanCode::Base | PlanCode::Standard | PlanCode::Base2009 => PlanCode::Base,
        }
    }
}

impl fmt::Display for PlanCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.nome())
    }
}

/// Where space lives: the inbox, or the archive (backup of the mail).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpaceArea {
    Inbox,
    Archivio,
}

impl fmt::Display for SpaceArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.nome())
    }
}

impl SpaceArea {
    pub const ALL: [SpaceArea; 2] = [SpaceArea::Inbox, SpaceArea::Archivio];

    pub fn nome(self) -> &'static str {
        match self {
            SpaceArea::Inbox => "inbox",
            SpaceArea::Archivio => "archivio",
        }
    }
}

/// Space in whole GB.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Space {
    pub inbox_gb: u32,
    pub archivio_gb: u32,
}

impl Space {
    pub const fn new(inbox_gb: u32, archivio_gb: u32) -> Self {
        Self {
            inbox_gb,
            archivio_gb,
        }
    }

    pub fn get(self, area: SpaceArea) -> u32 {
        match area {
            SpaceArea::Inbox => self.inbox_gb,
            SpaceArea::Archivio => self.archivio_gb,
        }
    }

    pub fn only(area: SpaceArea, gb: u32) -> Self {
        match area {
            SpaceArea::Inbox => Self::new(gb, 0),
            SpaceArea::Archivio => Self::new(0, gb),
        }
    }

    pub fn is_empty(self) -> bool {
        self.inbox_gb == 0 && self.archivio_gb == 0
    }
}

impl std::ops::Add for Space {
    type Output = Space;
    fn add(self, rhs: Space) -> Space {
        Space::new(
            self.inbox_gb.saturating_add(rhs.inbox_gb),
            self.archivio_gb.saturating_add(rhs.archivio_gb),
        )
    }
}

/// How far extra space may go in one area.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "gb")]
pub enum SpaceLimit {
    /// At most this much extra space in all.
    Extra(u32),
    /// At most this much space in all, included space counted.
    Total(u32),
}

/// A fixed-size pack of space at a fixed price (2009 contract).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pack {
    pub gb: u32,
    pub price: Money,
}

/// Extra space that a plan sells in one area, per year.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtraSpaceRule {
    pub area: SpaceArea,
    pub price_per_gb: Money,
    pub limit: Option<SpaceLimit>,
    /// When not empty, space is sold only in these packs.
    pub packs: Vec<Pack>,
    /// An add-on that must be active first (the 2009 archive).
    pub requires: Option<AddonCode>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AddonCode {
    ArchivioSicurezza,
    NotificaSms,
}

/// A yearly add-on with a fixed price (2009 contract).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addon {
    pub code: AddonCode,
    pub nome: String,
    pub price: Money,
    pub grants: Space,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub code: PlanCode,
    pub nome: String,
    pub descrizione: String,
    /// Yearly fee, net of IVA; zero for the free plan.
    pub annual_fee: Money,
    pub included: Space,
    pub extra: Vec<ExtraSpaceRule>,
    pub upgrade_to: Option<PlanCode>,
}

impl Plan {
    pub fn is_free(&self) -> bool {
        self.annual_fee == Money::ZERO
    }

    pub fn extra_rule(&self, area: SpaceArea) -> Option<&ExtraSpaceRule> {
        self.extra.iter().find(|r| r.area == area)
    }

    /// How much extra space may still be added in `area` on top of `owned` extra space;
    /// `None` when there is no limit.
    pub fn extra_room(&self, area: SpaceArea, owned: u32) -> Option<u32> {
        let rule = self.extra_rule(area)?;
        match rule.limit? {
            SpaceLimit::Extra(max) => Some(max.saturating_sub(owned)),
            SpaceLimit::Total(max) => Some(max.saturating_sub(owned + self.included.get(area))),
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogVersion {
    pub id: CatalogId,
    pub nome: String,
    pub in_force_from: NaiveDate,
    pub plans: Vec<Plan>,
    pub addons: Vec<Addon>,
}

impl CatalogVersion {
    pub fn plan(&self, code: PlanCode) -> Option<&Plan> {
        self.plans.iter().find(|p| p.code == code)
    }

    pub fn addon(&self, code: AddonCode) -> Option<&Addon> {
        self.addons.iter().find(|a| a.code == code)
    }

    /// The free plan every registered member gets.
    pub fn free_plan(&self) -> &Plan {
        self.plans
            .iter()
            .find(|p| p.is_free())
            .expect("every catalog version has a free plan")
    }
}

impl CatalogVersion {
    /// The version of the current contract's plans `draft` describes, if its prices and
    /// sizes make sense (when it may start is the catalog's to say).
    pub fn listino(draft: &NuovoListino) -> Result<CatalogVersion, ListinoError> {
        let from = draft.in_force_from;
        if draft.base.inbox_gb == 0 {
            return Err(ListinoError::BaseEmpty);
        }
        if draft.avanzata.inbox_gb < draft.base.inbox_gb
            || draft.avanzata.archivio_gb < draft.base.archivio_gb
        {
            return Err(ListinoError::AvanzataSmaller);
        }
        if draft.avanzata_canone <= Money::ZERO {
            return Err(ListinoError::AvanzataFree);
        }
        if draft.base_prezzo_gb <= Money::ZERO || draft.avanzata_prezzo_gb <= Money::ZERO {
            return Err(ListinoError::SpaceFree);
        }
        if [
            draft.avanzata_canone,
            draft.base_prezzo_gb,
            draft.avanzata_prezzo_gb,
        ]
        .iter()
        .any(|p| *p > LISTINO_MAX_PREZZO)
        {
            return Err(ListinoError::PriceTooHigh);
        }
        let sizes = [draft.base, draft.avanzata];
        if sizes
            .iter()
            .any(|s| s.inbox_gb > LISTINO_MAX_GB || s.archivio_gb > LISTINO_MAX_GB)
            || draft.base_extra_max_gb > LISTINO_MAX_GB
        {
            return Err(ListinoError::SpaceTooLarge);
        }
        use SpaceArea::*;
        let id = CatalogId::Listino(from);
        let base_extra = match draft.base_extra_max_gb {
            0 => Vec::new(),
            max => vec![ExtraSpaceRule {
                price_per_gb: draft.base_prezzo_gb,
                ..per_gb(Inbox, 0, Some(SpaceLimit::Extra(max)))
            }],
        };
        let avanzata_extra = [Inbox, Archivio]
            .into_iter()
            .map(|area| ExtraSpaceRule {
                price_per_gb: draft.avanzata_prezzo_gb,
                ..per_gb(area, 0, None)
            })
            .collect();
        Ok(CatalogVersion {
            id,
            nome: format!("Contratto Fondazione CNI – Aruba PEC, {}", id.nome()),
            in_force_from: from,
            plans: vec![
                Plan {
                    code: PlanCode::Base,
                    nome: "PEC Base".into(),
                    descrizione: "Gratuita per ogni ingegnere iscritto all'Albo.".into(),
                    annual_fee: Money::ZERO,
                    included: draft.base,
                    extra: base_extra,
                    upgrade_to: Some(PlanCode::Avanzata),
                },
                Plan {
                    code: PlanCode::Avanzata,
                    nome: "PEC Avanzata".into(),
                    descrizione: "Più spazio, ampliabile senza limiti.".into(),
                    annual_fee: draft.avanzata_canone,
                    included: draft.avanzata,
                    extra: avanzata_extra,
                    upgrade_to: None,
                },
            ],
            addons: Vec::new(),
        })
    }
}

/// What every mailbox offers, whatever the plan (seed 002).
pub const SERVICE_CHARACTERISTICS: [&str; 6] = [
    "Numero di invii illimitato",
    "Fino a 500 destinatari per messaggio",
    "Fino a 50 MB per invio (dimensione del messaggio moltiplicata per il numero dei destinatari)",
    "Riceve anche messaggi di posta non certificata",
    "Accesso da webmail e da client di posta",
    "Antivirus e antispam",
];

/// Every catalog version, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub versions: Vec<CatalogVersion>,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn per_gb(area: SpaceArea, euros: i64, limit: Option<SpaceLimit>) -> ExtraSpaceRule {
    ExtraSpaceRule {
        area,
        price_per_gb: Money::euros(euros),
        limit,
        packs: Vec::new(),
        requires: None,
    }
}

fn packs_2009(area: SpaceArea, requires: Option<AddonCode>) -> ExtraSpaceRule {
    ExtraSpaceRule {
        area,
        price_per_gb: Money::euros(2),
        limit: None,
        packs: [(1, 2), (3, 6), (5, 10)]
            .into_iter()
            .map(|(gb, euros)| Pack {
                gb,
                price: Money::euros(euros),
            })
            .collect(),
        requires,
    }
}

static STANDARD: std::sync::LazyLock<Catalog> = std::sync::LazyLock::new(Catalog::build);

/// What a member can buy for his mailbox, each for one year.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "tipo", try_from = "ServiceKindWire")]
pub enum ServiceKind {
    Avanzata,
    SpazioExtra { area: SpaceArea, gb: u32 },
}

/// [`ServiceKind`] as read: serde's tagged enums would also take a variant's number for
/// its name (`"tipo": 0`), which the API's schema does not allow; the tag is read as text.
#[derive(Deserialize)]
struct ServiceKindWire {
    tipo: String,
    #[serde(default)]
    area: Option<SpaceArea>,
    #[serde(default)]
    gb: Option<u32>,
}

impl TryFrom<ServiceKindWire> for ServiceKind {
    type Error = String;

    fn try_from(wire: ServiceKindWire) -> Result<Self, String> {
        match (wire.tipo.as_str(), wire.area, wire.gb) {
            ("avanzata", _, _) => Ok(ServiceKind::Avanzata),
            ("spazio-extra", Some(area), Some(gb)) => Ok(ServiceKind::SpazioExtra { area, gb }),
            ("spazio-extra", _, _) => Err("spazio-extra needs area and gb".into()),
            (other, _, _) => Err(format!("unknown service {other:?}")),
        }
    }
}

impl ServiceKind {
    pub fn descrizione(&self) -> String {
        match self {
            ServiceKind::Avanzata => "PEC Avanzata".into(),
            ServiceKind::SpazioExtra { area, gb } => {
                format!("{gb} GB di spazio {} aggiuntivo", area.nome())
            }
        }
    }
}

impl Catalog {
    /// The convention's catalog, as the source documents give it.
    pub fn standard() -> &'static Catalog {
        &STANDARD
    }

    fn build() -> Self {
        use SpaceArea::*;
        let contratto_2024 = CatalogVersion {
            id: CatalogId::Contratto2024,
            nome: "Contratto Fondazione CNI – Aruba PEC (2024)".into(),
            in_force_from: date(2024, 4, 18),
            plans: vec![
                Plan {
                    code: PlanCode::Base,
                    nome: "PEC Base".into(),
                    descrizione: "Gratuita per ogni ingegnere iscritto all'Albo.".into(),
                    annual_fee: Money::ZERO,
                    included: Space::new(1, 3),
                    extra: vec![per_gb(Inbox, 4, Some(SpaceLimit::Extra(5)))],
                    upgrade_to: Some(PlanCode::Avanzata),
                },
                Plan {
                    code: PlanCode::Avanzata,
                    nome: "PEC Avanzata".into(),
                    descrizione: "Sostituisce la PRO: più spazio, ampliabile senza limiti.".into(),
                    annual_fee: Money::euros(20),
                    included: Space::new(7, 7),
                    extra: vec![per_gb(Inbox, 4, None), per_gb(Archivio, 4, None)],
                    upgrade_to: None,
                },
            ],
            addons: Vec::new(),
        };
        let convenzione_2022 = CatalogVersion {
            id: CatalogId::Convenzione2022,
            nome: "Convenzione Fondazione CNI – Aruba PEC (2022)".into(),
            in_force_from: date(2022, 2, 1),
            plans: vec![
                Plan {
                    code: PlanCode::Standard,
                    nome: "Casella STANDARD".into(),
                    descrizione: "Gratuita per tutti gli iscritti all'Albo.".into(),
                    annual_fee: Money::ZERO,
                    included: Space::new(1, 0),
                    extra: vec![per_gb(Inbox, 2, Some(SpaceLimit::Extra(5)))],
                    upgrade_to: Some(PlanCode::Pro),
                },
                Plan {
                    code: PlanCode::Pro,
                    nome: "Casella PRO".into(),
                    descrizione: "Inbox e archivio ampliabili fino a 300 GB.".into(),
                    annual_fee: Money::euros(20),
                    included: Space::new(2, 3),
                    extra: vec![
                        per_gb(Inbox, 2, Some(SpaceLimit::Total(300))),
                        per_gb(Archivio, 2, Some(SpaceLimit::Total(300))),
                    ],
                    upgrade_to: None,
                },
            ],
            addons: Vec::new(),
        };
        let contratto_2009 = CatalogVersion {
            id: CatalogId::Contratto2009,
            nome: "Contratto CNI – Aruba PEC (2009)".into(),
            in_force_from: date(2009, 12, 1),
            plans: vec![Plan {
                code: PlanCode::Base2009,
                nome: "Casella base".into(),
                descrizione: "Offerta gratuitamente dal CNI.".into(),
                annual_fee: Money::ZERO,
                included: Space::new(1, 0),
                extra: vec![
                    packs_2009(Inbox, None),
                    packs_2009(Archivio, Some(AddonCode::ArchivioSicurezza)),
                ],
                upgrade_to: None,
            }],
            addons: vec![
                Addon {
                    code: AddonCode::ArchivioSicurezza,
                    nome: "Archivio di sicurezza 3 GB".into(),
                    price: Money::euros(6),
                    grants: Space::new(0, 3),
                },
                Addon {
                    code: AddonCode::NotificaSms,
                    nome: "Notifica SMS dei nuovi messaggi (max 1 al giorno)".into(),
                    price: Money::euros(9),
                    grants: Space::default(),
                },
            ],
        };
        Self {
            versions: vec![contratto_2024, convenzione_2022, contratto_2009],
        }
    }

    /// The version that prices a purchase made on `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> Option<&CatalogVersion> {
        self.versions
            .iter()
            .filter(|v| v.in_force_from <= day)
            .max_by_key(|v| v.in_force_from)
    }

    pub fn version(&self, id: CatalogId) -> &CatalogVersion {
        self.versions
            .iter()
            .find(|v| v.id == id)
            .expect("every catalog id has a version")
    }
}

/// The most a published price list may set, per GB or per year: a typing slip (2000
/// instead of 20) must not become the price members pay.
pub const LISTINO_MAX_PREZZO: Money = Money::cents(100_000);
/// The most space a published plan may include, per area.
pub const LISTINO_MAX_GB: u32 = 1_000;

/// A new price list of the current contract's plans (Base and Avanzata): from when, and
/// each plan's included space and prices. Services bought before keep the terms they
/// were bought with until they lapse.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NuovoListino {
    pub in_force_from: NaiveDate,
    /// Base, free: its space, and the extra inbox it sells (price per GB per year, most
    /// GB in all).
    pub base: Space,
    pub base_prezzo_gb: Money,
    pub base_extra_max_gb: u32,
    /// Avanzata: its yearly fee, its space, and the extra space it sells in either area
    /// without limit (price per GB per year).
    pub avanzata_canone: Money,
    pub avanzata: Space,
    pub avanzata_prezzo_gb: Money,
}

/// Why a price list cannot be published.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ListinoError {
    #[error(
        "Il listino deve entrare in vigore dopo oggi ({}): i prezzi di oggi sono già stati proposti agli iscritti.",
        .0.format("%d/%m/%Y")
    )]
    NotFuture(NaiveDate),
    #[error(
        "C'è già un listino in vigore dal {}: il nuovo deve entrare in vigore dopo quella data.",
        .0.format("%d/%m/%Y")
    )]
    Overlaps(NaiveDate),
    #[error("La PEC Base deve includere almeno 1 GB di inbox.")]
    BaseEmpty,
    #[error("La PEC Avanzata deve includere almeno lo spazio della Base, in inbox e in archivio.")]
    AvanzataSmaller,
    #[error("Il canone della PEC Avanzata deve essere maggiore di zero.")]
    AvanzataFree,
    #[error("Il prezzo dello spazio aggiuntivo deve essere maggiore di zero.")]
    SpaceFree,
    #[error("Un prezzo supera {LISTINO_MAX_PREZZO}: controlla di averlo scritto in euro.")]
    PriceTooHigh,
    #[error("Lo spazio di un piano supera {LISTINO_MAX_GB} GB per area.")]
    SpaceTooLarge,
}

impl ListinoError {
    /// The form's field it is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::NotFuture(_) | Self::Overlaps(_) => "in_force_from",
            Self::BaseEmpty => "base",
            Self::AvanzataSmaller => "avanzata",
            Self::AvanzataFree => "avanzata_canone",
            Self::SpaceFree | Self::PriceTooHigh => "base_prezzo_gb",
            Self::SpaceTooLarge => "avanzata",
        }
    }
}

impl Catalog {
    /// The convention's catalog with the price lists the Fondazione published.
    pub fn with_published(published: &[CatalogVersion]) -> Catalog {
        let mut catalog = Catalog::standard().clone();
        catalog.versions.extend(published.iter().cloned());
        catalog
            .versions
            .sort_by_key(|v| std::cmp::Reverse(v.in_force_from));
        catalog
    }

    /// The version `draft` makes, if it may be published on `today`: it starts after
    /// today and after every version there is (versions never overlap: each runs until the
    /// next), and its prices and sizes make sense.
    pub fn listino(
        &self,
        draft: &NuovoListino,
        today: NaiveDate,
    ) -> Result<CatalogVersion, ListinoError> {
        let from = draft.in_force_from;
        if from <= today {
            return Err(ListinoError::NotFuture(today));
        }
        if let Some(latest) = self.versions.iter().map(|v| v.in_force_from).max()
            && from <= latest
        {
            return Err(ListinoError::Overlaps(latest));
        }
        CatalogVersion::listino(draft)
    }

    /// The space `plan` includes in the version in force on `day` (the 2024 contract's,
    /// if no version there has it).
    pub fn included(&self, plan: PlanCode, day: NaiveDate) -> Space {
        self.in_force_on(day)
            .and_then(|v| v.plan(plan))
            .or_else(|| self.version(CatalogId::Contratto2024).plan(plan))
            .map(|p| p.included)
            .unwrap_or_default()
    }
}

/// What a member asks a price for, given what his mailbox has now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuoteRequest {
    /// The mailbox's plan now.
    pub plan: Option<PlanCode>,
    /// Extra space the mailbox already has (counts towards the plan's limits).
    pub owned_extra: Space,
    /// Upgrade to the plan's paid version.
    pub upgrade: bool,
    /// Extra space to buy.
    pub extra: Space,
    pub addons: Vec<AddonCode>,
    /// Add-ons already active.
    pub owned_addons: Vec<AddonCode>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLine {
    pub descrizione: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub net: Money,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub catalog: CatalogId,
    pub date: NaiveDate,
    pub plan_after: PlanCode,
    /// Space included by the plan plus all extra space, after the purchase.
    pub space_after: Space,
    pub lines: Vec<QuoteLine>,
    pub net: Money,
    pub iva_percent: i64,
    pub iva: Money,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QuoteError {
    #[error("Nessun listino è in vigore il {0}.")]
    NoCatalog(NaiveDate),
    #[error("Indica il piano attuale della casella.")]
    MissingPlan,
    #[error("Il piano {plan} non è più in vendita: il listino in vigore offre {offered}.")]
    PlanNotInCatalog { plan: PlanCode, offered: String },
    #[error("Scegli almeno un servizio da acquistare.")]
    NothingRequested,
    #[error("Il piano {0} non prevede un upgrade: è già il piano più completo.")]
    NoUpgrade(PlanCode),
    #[error("Il piano {plan} non consente spazio aggiuntivo per l'{area}{hint}.")]
    AreaNotAllowed {
        plan: PlanCode,
        area: SpaceArea,
        hint: String,
    },
    #[error(
        "Sul piano {plan} lo spazio {area} aggiuntivo può arrivare al massimo a {max} GB: ne restano disponibili {room} GB."
    )]
    ExtraLimit {
        plan: PlanCode,
        area: SpaceArea,
        max: u32,
        room: u32,
    },
    #[error("In un solo ordine si possono aggiungere al massimo {MAX_GB_PER_ORDER} GB per area.")]
    TooMuch,
    #[error("Lo spazio {area} si acquista in pacchetti da {sizes} GB.")]
    NotAPack { area: SpaceArea, sizes: String },
    #[error("Il servizio «{0}» va attivato prima di ampliare l'archivio.")]
    AddonRequired(String),
    #[error("Il servizio richiesto non è nel listino in vigore.")]
    AddonNotInCatalog,
    #[error("Il servizio «{0}» è già attivo.")]
    AddonAlreadyActive(String),
}

impl QuoteError {
    /// The request field the error is about, for the API envelope.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            QuoteError::MissingPlan | QuoteError::PlanNotInCatalog { .. } => Some("plan"),
            QuoteError::NoUpgrade(_) => Some("upgrade"),
            QuoteError::AreaNotAllowed { area, .. }
            | QuoteError::ExtraLimit { area, .. }
            | QuoteError::NotAPack { area, .. } => Some(match area {
                SpaceArea::Inbox => "extra.inbox_gb",
                SpaceArea::Archivio => "extra.archivio_gb",
            }),
            QuoteError::TooMuch => Some("extra"),
            QuoteError::AddonRequired(_)
            | QuoteError::AddonNotInCatalog
            | QuoteError::AddonAlreadyActive(_) => Some("addons"),
            QuoteError::NoCatalog(_) | QuoteError::NothingRequested => None,
        }
    }
}

impl Catalog {
    /// Prices one more year of a service that a mailbox on `plan` (with `space_now`) has,
    /// with the version in force on `day`.
    pub fn renewal_quote(
        &self,
        plan: PlanCode,
        kind: &ServiceKind,
        space_now: Space,
        day: NaiveDate,
    ) -> Result<Quote, QuoteError> {
        let version = self.in_force_on(day).ok_or(QuoteError::NoCatalog(day))?;
        let not_sold = || QuoteError::PlanNotInCatalog {
            plan,
            offered: version
                .plans
                .iter()
                .map(|p| p.code.nome())
                .collect::<Vec<_>>()
                .join(" e "),
        };
        let current = version.plan(plan).ok_or_else(not_sold)?;
        let line = match *kind {
            ServiceKind::Avanzata => {
                let avanzata = version.plan(PlanCode::Avanzata).ok_or_else(not_sold)?;
                QuoteLine {
                    descrizione: format!("Rinnovo {} (canone annuo)", avanzata.nome),
                    quantity: 1,
                    unit_price: avanzata.annual_fee,
                    net: avanzata.annual_fee,
                }
            }
            ServiceKind::SpazioExtra { area, gb } => {
                let rule = current
                    .extra_rule(area)
                    .ok_or_else(|| QuoteError::AreaNotAllowed {
                        plan,
                        area,
                        hint: String::new(),
                    })?;
                match rule.packs.iter().find(|p| p.gb == gb) {
                    Some(pack) => QuoteLine {
                        descrizione: format!("Rinnovo pacchetto {gb} GB {}", area.nome()),
                        quantity: 1,
                        unit_price: pack.price,
                        net: pack.price,
                    },
                    None => QuoteLine {
                        descrizione: format!(
                            "Rinnovo spazio {} aggiuntivo, GB per un anno",
                            area.nome()
                        ),
                        quantity: gb,
                        unit_price: rule.price_per_gb,
                        net: rule.price_per_gb * gb,
                    },
                }
            }
        };
        let net = line.net;
        Ok(Quote {
            catalog: version.id,
            date: day,
            plan_after: plan,
            space_after: space_now,
            lines: vec![line],
            net,
            iva_percent: IVA_PERCENT,
            iva: net.iva(),
            total: net + net.iva(),
        })
    }

    /// Prices `request` with the version in force on `day`.
    pub fn quote(&self, request: &QuoteRequest, day: NaiveDate) -> Result<Quote, QuoteError> {
        let version = self.in_force_on(day).ok_or(QuoteError::NoCatalog(day))?;
        let code = request.plan.ok_or(QuoteError::MissingPlan)?;
        let current = version
            .plan(code)
            .ok_or_else(|| QuoteError::PlanNotInCatalog {
                plan: code,
                offered: version
                    .plans
                    .iter()
                    .map(|p| p.code.nome())
                    .collect::<Vec<_>>()
                    .join(" e "),
            })?;
        if !request.upgrade && request.extra.is_empty() && request.addons.is_empty() {
            return Err(QuoteError::NothingRequested);
        }
        let mut lines = Vec::new();
        let plan = if request.upgrade {
            let target = current
                .upgrade_to
                .and_then(|to| version.plan(to))
                .ok_or(QuoteError::NoUpgrade(code))?;
            lines.push(QuoteLine {
                descrizione: format!("Upgrade a {} (canone annuo)", target.nome),
                quantity: 1,
                unit_price: target.annual_fee,
                net: target.annual_fee,
            });
            target
        } else {
            current
        };

        let mut addons_after = request.owned_addons.clone();
        for &addon_code in &request.addons {
            let addon = version
                .addon(addon_code)
                .ok_or(QuoteError::AddonNotInCatalog)?;
            if addons_after.contains(&addon_code) {
                return Err(QuoteError::AddonAlreadyActive(addon.nome.clone()));
            }
            addons_after.push(addon_code);
            lines.push(QuoteLine {
                descrizione: format!("{} (canone annuo)", addon.nome),
                quantity: 1,
                unit_price: addon.price,
                net: addon.price,
            });
        }

        for area in SpaceArea::ALL {
            let gb = request.extra.get(area);
            if gb == 0 {
                continue;
            }
            if gb > MAX_GB_PER_ORDER {
                return Err(QuoteError::TooMuch);
            }
            let rule = plan
                .extra_rule(area)
                .ok_or_else(|| QuoteError::AreaNotAllowed {
                    plan: plan.code,
                    area,
                    hint: plan
                        .upgrade_to
                        .map(|to| format!(": passa a {to} per ampliarlo"))
                        .unwrap_or_default(),
                })?;
            if let Some(required) = rule.requires
                && !addons_after.contains(&required)
            {
                let nome = version
                    .addon(required)
                    .map(|a| a.nome.clone())
                    .unwrap_or_default();
                return Err(QuoteError::AddonRequired(nome));
            }
            if let Some(room) = plan.extra_room(area, request.owned_extra.get(area))
                && gb > room
            {
                let max = match rule.limit {
                    Some(SpaceLimit::Extra(max)) | Some(SpaceLimit::Total(max)) => max,
                    None => unreachable!("a room implies a limit"),
                };
                return Err(QuoteError::ExtraLimit {
                    plan: plan.code,
                    area,
                    max,
                    room,
                });
            }
            let line =
                if rule.packs.is_empty() {
                    QuoteLine {
                        descrizione: format!("Spazio {} aggiuntivo, GB per un anno", area.nome()),
                        quantity: gb,
                        unit_price: rule.price_per_gb,
                        net: rule.price_per_gb * gb,
                    }
                } else {
                    let pack = rule.packs.iter().find(|p| p.gb == gb).ok_or_else(|| {
                        QuoteError::NotAPack {
                            area,
                            sizes: rule
                                .packs
                                .iter()
                                .map(|p| p.gb.to_string())
                                .collect::<Vec<_>>()
                                .join(", "),
                        }
                    })?;
                    QuoteLine {
                        descrizione: format!("Pacchetto {} GB {} (un anno)", pack.gb, area.nome()),
                        quantity: 1,
                        unit_price: pack.price,
                        net: pack.price,
                    }
                };
            lines.push(line);
        }

        let granted: Space = addons_after
            .iter()
            .filter_map(|&c| version.addon(c))
            .fold(Space::default(), |s, a| s + a.grants);
        let net: Money = lines.iter().map(|l| l.net).sum();
        let iva = net.iva();
        Ok(Quote {
            catalog: version.id,
            date: day,
            plan_after: plan.code,
            space_after: plan.included + granted + request.owned_extra + request.extra,
            lines,
            net,
            iva_percent: IVA_PERCENT,
            iva,
            total: net + iva,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        date(2026, 11, 22)
    }

    fn quote(request: QuoteRequest) -> Result<Quote, QuoteError> {
        Catalog::standard().quote(&request, today())
    }

    fn base(extra: Space) -> QuoteRequest {
        QuoteRequest {
            plan: Some(PlanCode::Base),
            extra,
            ..Default::default()
        }
    }

    fn listino(from: NaiveDate) -> NuovoListino {
        NuovoListino {
            in_force_from: from,
            base: Space::new(2, 3),
            base_prezzo_gb: Money::euros(3),
            base_extra_max_gb: 8,
            avanzata_canone: Money::euros(25),
            avanzata: Space::new(10, 10),
            avanzata_prezzo_gb: Money::euros(3),
        }
    }

    #[test]
    fn a_price_list_starts_after_today_and_after_every_version() {
        let catalog = Catalog::standard();
        let today = today();
        assert_eq!(
            catalog.listino(&listino(today), today),
            Err(ListinoError::NotFuture(today))
        );
        let version = catalog
            .listino(&listino(date(2027, 1, 1)), today)
            .expect("a later date");
        assert_eq!(version.id, CatalogId::Listino(date(2027, 1, 1)));
        let published = Catalog::with_published(&[version]);
        // Not on or before the one published: it would overlap it.
        for from in [date(2027, 1, 1), date(2026, 12, 31)] {
            assert_eq!(
                published.listino(&listino(from), today),
                Err(ListinoError::Overlaps(date(2027, 1, 1)))
            );
        }
        assert!(published.listino(&listino(date(2027, 6, 1)), today).is_ok());
    }

    #[test]
    fn a_price_list_with_prices_or_sizes_that_make_no_sense_is_refused() {
        let from = date(2027, 1, 1);
        let refused = |change: fn(&mut NuovoListino)| {
            let mut draft = listino(from);
            change(&mut draft);
            CatalogVersion::listino(&draft).unwrap_err()
        };
        assert_eq!(
            refused(|d| d.base = Space::new(0, 3)),
            ListinoError::BaseEmpty
        );
        assert_eq!(
            refused(|d| d.avanzata = Space::new(1, 10)),
            ListinoError::AvanzataSmaller
        );
        assert_eq!(
            refused(|d| d.avanzata_canone = Money::ZERO),
            ListinoError::AvanzataFree
        );
        assert_eq!(
            refused(|d| d.base_prezzo_gb = Money::ZERO),
            ListinoError::SpaceFree
        );
        assert_eq!(
            refused(|d| d.avanzata_canone = Money::euros(2_000)),
            ListinoError::PriceTooHigh
        );
        assert_eq!(
            refused(|d| d.avanzata = Space::new(5_000, 10)),
            ListinoError::SpaceTooLarge
        );
    }

    #[test]
    fn the_version_in_force_prices_and_sizes_from_its_date() {
        let version = Catalog::standard()
            .listino(&listino(date(2027, 1, 1)), today())
            .unwrap();
        let catalog = Catalog::with_published(&[version]);
        let upgrade = QuoteRequest {
            plan: Some(PlanCode::Base),
            upgrade: true,
            ..Default::default()
        };
        let before = catalog.quote(&upgrade, date(2026, 12, 31)).unwrap();
        assert_eq!(before.catalog, CatalogId::Contratto2024);
        assert_eq!(before.net, Money::euros(20));
        let after = catalog.quote(&upgrade, date(2027, 1, 1)).unwrap();
        assert_eq!(after.catalog, CatalogId::Listino(date(2027, 1, 1)));
        assert_eq!(after.net, Money::euros(25));
        assert_eq!(
            catalog.included(PlanCode::Base, date(2027, 1, 1)),
            Space::new(2, 3)
        );
        assert_eq!(
            catalog.included(PlanCode::Base, date(2026, 12, 31)),
            Space::new(1, 3)
        );
        // The Base extra space now goes to 8 GB at €3.
        let extra = catalog
            .quote(&base(Space::new(8, 0)), date(2027, 1, 1))
            .unwrap();
        assert_eq!(extra.net, Money::euros(24));
    }

    #[test]
    fn the_version_in_force_depends_on_the_date() {
        let catalog = Catalog::standard();
        let id = |y, m, d| catalog.in_force_on(date(y, m, d)).map(|v| v.id);
        assert_eq!(id(2009, 11, 30), None);
        assert_eq!(id(2009, 12, 1), Some(CatalogId::Contratto2009));
        assert_eq!(id(2022, 1, 31), Some(CatalogId::Contratto2009));
        assert_eq!(id(2022, 2, 1), Some(CatalogId::Convenzione2022));
        assert_eq!(id(2024, 4, 17), Some(CatalogId::Convenzione2022));
        assert_eq!(id(2024, 4, 18), Some(CatalogId::Contratto2024));
        assert_eq!(
            catalog.version(CatalogId::Contratto2024).free_plan().code,
            PlanCode::Base
        );
    }

    #[test]
    fn extra_inbox_on_base_costs_4_euros_a_gb() {
        let q = quote(base(Space::new(3, 0))).unwrap();
        assert_eq!(q.net, Money::euros(12));
        assert_eq!(q.iva, Money::cents(264));
        assert_eq!(q.total, Money::cents(1464));
        assert_eq!(q.plan_after, PlanCode::Base);
        assert_eq!(q.space_after, Space::new(4, 3));
        assert_eq!(q.lines[0].quantity, 3);
    }

    #[test]
    fn base_extra_inbox_stops_at_five_gb_counting_what_is_owned() {
        assert!(quote(base(Space::new(5, 0))).is_ok());
        let err = quote(QuoteRequest {
            owned_extra: Space::new(2, 0),
            ..base(Space::new(4, 0))
        })
        .unwrap_err();
        assert_eq!(
            err,
            QuoteError::ExtraLimit {
                plan: PlanCode::Base,
                area: SpaceArea::Inbox,
                max: 5,
                room: 3
            }
        );
        assert!(err.to_string().contains("ne restano disponibili 3 GB"));
        assert_eq!(err.field(), Some("extra.inbox_gb"));
    }

    #[test]
    fn base_has_no_extra_archive_and_says_how_to_get_it() {
        let err = quote(base(Space::new(0, 2))).unwrap_err();
        assert!(matches!(
            err,
            QuoteError::AreaNotAllowed {
                area: SpaceArea::Archivio,
                ..
            }
        ));
        assert!(err.to_string().contains("passa a Avanzata"));
    }

    #[test]
    fn the_avanzata_upgrade_alone_and_with_space() {
        let upgrade = QuoteRequest {
            plan: Some(PlanCode::Base),
            upgrade: true,
            ..Default::default()
        };
        let q = quote(upgrade.clone()).unwrap();
        assert_eq!(
            (q.net, q.iva, q.total),
            (Money::euros(20), Money::cents(440), Money::cents(2440))
        );
        assert_eq!(q.plan_after, PlanCode::Avanzata);
        assert_eq!(q.space_after, Space::new(7, 7));
        // After the upgrade there is no limit and the archive can grow too.
        let q = quote(QuoteRequest {
            extra: Space::new(10, 20),
            ..upgrade
        })
        .unwrap();
        assert_eq!(q.net, Money::euros(20 + 4 * 30));
        assert_eq!(q.lines.len(), 3);
        assert_eq!(q.space_after, Space::new(17, 27));
    }

    #[test]
    fn avanzata_cannot_upgrade_again() {
        let err = quote(QuoteRequest {
            plan: Some(PlanCode::Avanzata),
            upgrade: true,
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err, QuoteError::NoUpgrade(PlanCode::Avanzata));
    }

    #[test]
    fn empty_and_oversized_orders_are_refused() {
        assert_eq!(
            quote(base(Space::default())),
            Err(QuoteError::NothingRequested)
        );
        let huge = QuoteRequest {
            plan: Some(PlanCode::Avanzata),
            extra: Space::new(MAX_GB_PER_ORDER + 1, 0),
            ..Default::default()
        };
        assert_eq!(quote(huge), Err(QuoteError::TooMuch));
        assert_eq!(quote(QuoteRequest::default()), Err(QuoteError::MissingPlan));
    }

    #[test]
    fn plans_of_older_versions_are_no_longer_sold() {
        let err = quote(QuoteRequest {
            plan: Some(PlanCode::Pro),
            extra: Space::new(1, 0),
            ..Default::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("Base e Avanzata"), "{err}");
    }

    #[test]
    fn the_2022_convention_priced_its_own_purchases() {
        let day = date(2023, 5, 1);
        let q = Catalog::standard()
            .quote(
                &QuoteRequest {
                    plan: Some(PlanCode::Pro),
                    extra: Space::new(0, 10),
                    ..Default::default()
                },
                day,
            )
            .unwrap();
        assert_eq!(q.catalog, CatalogId::Convenzione2022);
        assert_eq!(q.net, Money::euros(20));
        // PRO space goes up to 300 GB per area, included space counted.
        let too_much = Catalog::standard().quote(
            &QuoteRequest {
                plan: Some(PlanCode::Pro),
                extra: Space::new(299, 0),
                ..Default::default()
            },
            day,
        );
        assert!(matches!(
            too_much,
            Err(QuoteError::ExtraLimit { room: 298, .. })
        ));
    }

    #[test]
    fn the_2009_contract_sold_packs_and_add_ons() {
        let day = date(2010, 3, 1);
        let catalog = Catalog::standard();
        let base_2009 = |extra, addons: Vec<AddonCode>| QuoteRequest {
            plan: Some(PlanCode::Base2009),
            extra,
            addons,
            ..Default::default()
        };
        let q = catalog
            .quote(&base_2009(Space::new(3, 0), vec![]), day)
            .unwrap();
        assert_eq!(q.net, Money::euros(6));
        assert!(matches!(
            catalog.quote(&base_2009(Space::new(2, 0), vec![]), day),
            Err(QuoteError::NotAPack { .. })
        ));
        assert!(matches!(
            catalog.quote(&base_2009(Space::new(0, 1), vec![]), day),
            Err(QuoteError::AddonRequired(_))
        ));
        let q = catalog
            .quote(
                &base_2009(
                    Space::new(0, 5),
                    vec![AddonCode::ArchivioSicurezza, AddonCode::NotificaSms],
                ),
                day,
            )
            .unwrap();
        assert_eq!(q.net, Money::euros(6 + 9 + 10));
        assert_eq!(q.space_after, Space::new(1, 8));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn quote_totals_equal_the_sum_of_their_lines(
            plan in prop_oneof![Just(PlanCode::Base), Just(PlanCode::Avanzata)],
            upgrade: bool,
            owned in (0u32..8, 0u32..50),
            extra in (0u32..1200, 0u32..1200),
        ) {
            let request = QuoteRequest {
                plan: Some(plan),
                upgrade,
                owned_extra: Space::new(owned.0, owned.1),
                extra: Space::new(extra.0, extra.1),
                ..Default::default()
            };
            if let Ok(q) = quote(request) {
                let sum: Money = q.lines.iter().map(|l| l.net).sum();
                prop_assert_eq!(q.net, sum);
                prop_assert_eq!(q.total, q.net + q.iva);
                prop_assert!(q.lines.iter().all(|l| l.net == l.unit_price * l.quantity));
                if q.plan_after == PlanCode::Base {
                    prop_assert!(owned.0 + extra.0 <= 5);
                }
            }
        }
    }
}
