//! Taking over from the current panel: a row of its CSV export (a mailbox that exists
//! today: address, holder, plan, paid services with their scadenze, contract status,
//! first access) read into the mailbox as this system keeps it. The terms bought stay as
//! they were, the 2022 STANDARD and PRO ones included, until they lapse; the mailbox exists
//! at the provider already, so nothing is created there.

use chrono::NaiveDate;

use crate::address::EmailAddress;
use crate::catalog::{CatalogId, PlanCode, ServiceKind, Space, SpaceArea};
use crate::lifecycle::{AlboStatus, Mailbox, MailboxStatus, PaidService, StatoContratto};
use crate::member::{FieldError, parse_date};

/// The columns the export must have; the others (`attivata_il`, `scadenza_piano`,
/// `extra_inbox_gb`, `scadenza_extra_inbox`, `extra_archivio_gb`,
/// `scadenza_extra_archivio`, `contratto`, `primo_accesso`, `stato_casella`) may be absent
/// or empty.
pub const COLONNE: [&str; 4] = ["indirizzo", "codice_fiscale", "piano", "scadenza"];

/// The plan the panel lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PianoPannello {
    Base,
    Avanzata,
    /// The 2022 convention's free plan: 1 GB of inbox.
    Standard,
    /// The 2022 convention's paid plan: 2 GB of inbox and 3 of archive.
    Pro,
}

impl PianoPannello {
    fn parse(text: &str) -> Option<Self> {
        match crate::text::fold_letters(text).as_str() {
            "base" => Some(Self::Base),
            "avanzata" => Some(Self::Avanzata),
            "standard" => Some(Self::Standard),
            "pro" => Some(Self::Pro),
            _ => None,
        }
    }

    pub fn nome(self) -> &'static str {
        match self {
            Self::Base => "Base",
            Self::Avanzata => "Avanzata",
            Self::Standard => "STANDARD (2022)",
            Self::Pro => "PRO (2022)",
        }
    }

    /// The free plan's rules, as its catalog version sold them (the paid plans' extra
    /// space goes with them when they lapse).
    fn free_plan(self) -> Option<&'static crate::catalog::Plan> {
        let catalog = crate::catalog::Catalog::standard();
        match self {
            Self::Base => catalog
                .version(CatalogId::Contratto2024)
                .plan(PlanCode::Base),
            Self::Standard => catalog
                .version(CatalogId::Convenzione2022)
                .plan(PlanCode::Standard),
            Self::Avanzata | Self::Pro => None,
        }
    }

    fn of_2022(self) -> bool {
        matches!(self, Self::Standard | Self::Pro)
    }
}

/// One mailbox of the export, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RigaPannello {
    pub indirizzo: EmailAddress,
    pub piano: PianoPannello,
    pub attivata_il: NaiveDate,
    /// The mailbox's own term.
    pub scadenza: NaiveDate,
    /// The paid plan's (Avanzata, PRO).
    pub scadenza_piano: Option<NaiveDate>,
    /// Extra space bought, by area, with its scadenza.
    pub extra: Vec<(SpaceArea, u32, NaiveDate)>,
    pub contratto: StatoContratto,
    pub primo_accesso: Option<NaiveDate>,
    pub bloccata: bool,
}

/// A date column: `None` when empty.
fn date(column: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if text.trim().is_empty() {
        return None;
    }
    parse_date(text.trim())
        .map_err(|e| errors.push(FieldError::new(column, e)))
        .ok()
}

impl RigaPannello {
    /// Reads a row; `get` gives a column's text by its name (without underscores, as the
    /// upload folds headers: `scadenzapiano`). Every problem at once.
    pub fn leggi<'a>(get: impl Fn(&str) -> &'a str) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let indirizzo = match EmailAddress::parse(get("indirizzo")) {
            Ok(a) if a.is_ingpec() => Some(a),
            Ok(_) => {
                errors.push(FieldError::new(
                    "indirizzo",
                    "L'indirizzo deve essere una casella @ingpec.eu.",
                ));
                None
            }
            Err(e) => {
                errors.push(FieldError::new("indirizzo", e));
                None
            }
        };
        let piano = PianoPannello::parse(get("piano"));
        if piano.is_none() {
            errors.push(FieldError::new(
                "piano",
                format!(
                    "Il piano «{}» non è valido: usa base, avanzata, standard o pro.",
                    get("piano")
                ),
            ));
        }
        let scadenza = date("scadenza", get("scadenza"), &mut errors);
        if scadenza.is_none() && get("scadenza").trim().is_empty() {
            errors.push(FieldError::new(
                "scadenza",
                "Manca la scadenza della casella.",
            ));
        }
        let attivata_il = date("attivata_il", get("attivatail"), &mut errors);
        let scadenza_piano = date("scadenza_piano", get("scadenzapiano"), &mut errors);
        if matches!(piano, Some(PianoPannello::Avanzata | PianoPannello::Pro))
            && scadenza_piano.is_none()
        {
            errors.push(FieldError::new(
                "scadenza_piano",
                "Per un piano a pagamento indica la sua scadenza.",
            ));
        }
        let mut extra = Vec::new();
        for (area, gb_column, date_column, field) in [
            (
                SpaceArea::Inbox,
                "extrainboxgb",
                "scadenzaextrainbox",
                "extra_inbox_gb",
            ),
            (
                SpaceArea::Archivio,
                "extraarchiviogb",
                "scadenzaextraarchivio",
                "extra_archivio_gb",
            ),
        ] {
            let gb = get(gb_column).trim();
            if gb.is_empty() || gb == "0" {
                continue;
            }
            let Ok(gb) = gb.parse::<u32>() else {
                errors.push(FieldError::new(field, "Scrivi i GB come numero intero."));
                continue;
            };
            match date(date_column, get(date_column), &mut errors) {
                Some(scadenza) => extra.push((area, gb, scadenza)),
                None => errors.push(FieldError::new(
                    field,
                    "Per lo spazio aggiuntivo indica la sua scadenza.",
                )),
            }
        }
        // What the plan never sold would go at the first verifica: refused here.
        if let Some(plan) = piano.and_then(PianoPannello::free_plan) {
            for (area, gb, _) in &extra {
                let field = match area {
                    SpaceArea::Inbox => "extra_inbox_gb",
                    SpaceArea::Archivio => "extra_archivio_gb",
                };
                match (plan.extra_rule(*area), plan.extra_room(*area, 0)) {
                    (None, _) => errors.push(FieldError::new(
                        field,
                        format!(
                            "Il piano {} non ha spazio {} aggiuntivo.",
                            plan.nome,
                            area.nome()
                        ),
                    )),
                    (Some(_), Some(max)) if *gb > max => errors.push(FieldError::new(
                        field,
                        format!(
                            "Con il piano {} lo spazio {} aggiuntivo arriva al massimo a {max} GB.",
                            plan.nome,
                            area.nome()
                        ),
                    )),
                    _ => {}
                }
            }
        }
        let contratto = match crate::text::fold_letters(get("contratto")).as_str() {
            "" | "dafirmare" => Some(StatoContratto::DaFirmare),
            "firmato" => Some(StatoContratto::Firmato),
            "inverifica" => Some(StatoContratto::InVerifica),
            "respinto" => Some(StatoContratto::Respinto),
            _ => {
                errors.push(FieldError::new(
                    "contratto",
                    "Lo stato del contratto deve essere firmato, da firmare, in verifica o respinto.",
                ));
                None
            }
        };
        let primo_accesso = date("primo_accesso", get("primoaccesso"), &mut errors);
        let bloccata = match crate::text::fold_letters(get("statocasella")).as_str() {
            "" | "attiva" => false,
            "bloccata" => true,
            _ => {
                errors.push(FieldError::new(
                    "stato_casella",
                    "Lo stato della casella deve essere attiva o bloccata.",
                ));
                false
            }
        };
        let (Some(indirizzo), Some(piano), Some(scadenza), Some(contratto), true) =
            (indirizzo, piano, scadenza, contratto, errors.is_empty())
        else {
            return Err(errors);
        };
        let attivata_il =
            attivata_il.unwrap_or_else(|| crate::lifecycle::one_year_before(scadenza));
        if attivata_il > scadenza {
            return Err(vec![FieldError::new(
                "attivata_il",
                "La data di attivazione è dopo la scadenza.",
            )]);
        }
        Ok(Self {
            indirizzo,
            piano,
            attivata_il,
            scadenza,
            scadenza_piano,
            extra,
            contratto,
            primo_accesso,
            bloccata,
        })
    }

    /// The mailbox as this system keeps it, for a holder whose Albo standing is `albo`.
    pub fn casella(&self, albo: AlboStatus) -> Mailbox {
        let catalogo = if self.piano.of_2022() {
            CatalogId::Convenzione2022
        } else {
            CatalogId::Contratto2024
        };
        let mut services = Vec::new();
        let mut add = |kind: ServiceKind, scadenza: NaiveDate, incluso: Option<Space>| {
            services.push(PaidService {
                id: services.len() as u32 + 1,
                kind,
                purchased_on: crate::lifecycle::one_year_before(scadenza),
                scadenza,
                catalogo: Some(catalogo),
                prezzo: None,
                incluso,
                prossimo: None,
            });
        };
        if let Some(scadenza) = self.scadenza_piano {
            match self.piano {
                PianoPannello::Avanzata => add(ServiceKind::Avanzata, scadenza, None),
                // PRO's terms until it lapses; renewed, it becomes Avanzata, which replaced it.
                PianoPannello::Pro => add(ServiceKind::Avanzata, scadenza, Some(Space::new(2, 3))),
                PianoPannello::Base | PianoPannello::Standard => {}
            }
        }
        for (area, gb, scadenza) in &self.extra {
            add(
                ServiceKind::SpazioExtra {
                    area: *area,
                    gb: *gb,
                },
                *scadenza,
                None,
            );
        }
        let next_service_id = services.len() as u32 + 1;
        Mailbox {
            address: self.indirizzo.clone(),
            status: if self.bloccata {
                MailboxStatus::Bloccata
            } else {
                MailboxStatus::Attiva
            },
            activated_on: self.attivata_il,
            scadenza: self.scadenza,
            albo,
            services,
            first_access_on: self.primo_accesso,
            extended_after_cancellation: false,
            reminders_sent: Vec::new(),
            next_service_id,
            closed_on: None,
            contratto: self.contratto,
            // The 2022 free plan (1 GB of inbox) until the term lapses.
            incluso_base: self.piano.of_2022().then_some(Space::new(1, 0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(&str, &str)]) -> Result<RigaPannello, Vec<FieldError>> {
        RigaPannello::leggi(|column| {
            cells
                .iter()
                .find(|(c, _)| *c == column)
                .map_or("", |(_, v)| v)
        })
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Mario's PRO of the 2022 convention, to 01/02/2027, with 10 GB of archive bought.
    fn pro_2022() -> Mailbox {
        row(&[
            ("indirizzo", "mario.rossi@ingpec.eu"),
            ("piano", "PRO"),
            ("scadenza", "15/06/2027"),
            ("scadenzapiano", "2027-02-01"),
            ("extraarchiviogb", "10"),
            ("scadenzaextraarchivio", "01/03/2027"),
            ("contratto", "firmato"),
            ("primoaccesso", "20/06/2022"),
        ])
        .unwrap()
        .casella(AlboStatus::Iscritto)
    }

    #[test]
    fn a_pro_mailbox_keeps_its_2022_terms_until_they_lapse() {
        let mailbox = pro_2022();
        assert_eq!(mailbox.plan(), PlanCode::Avanzata);
        assert_eq!(mailbox.plan_by_terms(), PlanCode::Pro);
        assert_eq!(
            mailbox.services[0].descrizione(),
            "PEC PRO (convenzione 2022)"
        );
        assert_eq!(mailbox.space(), Space::new(2, 13));
        assert_eq!(
            mailbox.services[0].catalogo,
            Some(CatalogId::Convenzione2022)
        );
        assert_eq!(mailbox.contratto, StatoContratto::Firmato);
        assert_eq!(mailbox.activated_on, day("2026-06-15"));
        // Renewed early: PRO, with its sizes, until the term paid ends; then the Avanzata
        // bought.
        let renewed = mailbox
            .apply(
                &crate::lifecycle::Event::Rinnovo { service_id: 1 },
                day("2027-01-20"),
            )
            .unwrap()
            .mailbox;
        assert_eq!(renewed.plan_by_terms(), PlanCode::Pro);
        assert_eq!(renewed.space(), Space::new(2, 13));
        // Renewed before `prossimo` kept the next term's catalog (the service's own field
        // already held it): PRO by its sizes.
        let mut recorded_before = renewed.services[0];
        let next = recorded_before.prossimo.unwrap();
        recorded_before.catalogo = next.catalogo;
        recorded_before.prossimo = Some(crate::lifecycle::ProssimoTermine {
            catalogo: None,
            prezzo: None,
            ..next
        });
        assert_eq!(recorded_before.descrizione(), "PEC PRO (convenzione 2022)");
        let next_term = renewed
            .apply(&crate::lifecycle::Event::Verifica, day("2027-02-02"))
            .unwrap()
            .mailbox;
        assert_eq!(next_term.plan_by_terms(), PlanCode::Avanzata);
        assert_eq!(next_term.services[0].descrizione(), "PEC Avanzata");
        // PRO lapses unrenewed: the 2022 free plan's 1 GB until the term's scadenza, the
        // archive bought with it gone too.
        let lapsed = mailbox
            .apply(&crate::lifecycle::Event::Verifica, day("2027-03-02"))
            .unwrap()
            .mailbox;
        assert_eq!(lapsed.space(), Space::new(1, 0));
        // Its term renewed: today's Base.
        let renewed = lapsed
            .apply(&crate::lifecycle::Event::Verifica, day("2027-06-16"))
            .unwrap()
            .mailbox;
        assert_eq!(renewed.space(), Space::new(1, 3));
    }

    #[test]
    fn a_pro_renewed_under_a_price_list_with_its_own_sizes_stays_pro_until_its_term_ends() {
        use crate::catalog::{Catalog, CatalogVersion, NuovoListino};
        use crate::lifecycle::Event;
        use crate::money::Money;
        // From 01/01/2027 Avanzata includes exactly PRO's 2 GB + 3 GB.
        let listino = CatalogVersion::listino(&NuovoListino {
            in_force_from: day("2027-01-01"),
            base: Space::new(1, 1),
            base_prezzo_gb: Money::euros(3),
            base_extra_max_gb: 8,
            avanzata_canone: Money::euros(25),
            avanzata: Space::new(2, 3),
            avanzata_prezzo_gb: Money::euros(3),
        })
        .unwrap();
        let catalog = Catalog::with_published(&[listino]);
        let renewed = pro_2022()
            .apply_with(
                &Event::Rinnovo { service_id: 1 },
                day("2027-01-20"),
                &catalog,
            )
            .unwrap()
            .mailbox;
        let avanzata = renewed.services[0];
        assert_eq!(avanzata.descrizione(), "PEC PRO (convenzione 2022)");
        assert_eq!(avanzata.catalogo, Some(CatalogId::Convenzione2022));
        let next = avanzata.prossimo.unwrap();
        assert_eq!(next.dal, day("2027-02-02"));
        assert_eq!(next.catalogo, Some(CatalogId::Listino(day("2027-01-01"))));
        assert_eq!(next.prezzo, Some(Money::euros(25)));
        // The term bought begins: Avanzata, on the price list's terms.
        let next_term = renewed
            .apply_with(&Event::Verifica, day("2027-02-02"), &catalog)
            .unwrap()
            .mailbox;
        let avanzata = next_term.services[0];
        assert_eq!(avanzata.descrizione(), "PEC Avanzata");
        assert_eq!(
            (avanzata.catalogo, avanzata.prezzo, avanzata.prossimo),
            (next.catalogo, next.prezzo, None)
        );
        assert_eq!(avanzata.incluso, Some(Space::new(2, 3)));
    }

    #[test]
    fn a_free_plan_with_space_it_never_sold_is_refused() {
        let errors = row(&[
            ("indirizzo", "anna.bianchi@ingpec.eu"),
            ("piano", "standard"),
            ("scadenza", "2027-01-01"),
            ("extrainboxgb", "8"),
            ("scadenzaextrainbox", "2027-01-01"),
            ("extraarchiviogb", "3"),
            ("scadenzaextraarchivio", "2027-01-01"),
        ])
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["extra_inbox_gb", "extra_archivio_gb"]);
    }

    #[test]
    fn a_row_says_every_problem_at_once() {
        let errors = row(&[
            ("indirizzo", "mario.rossi@pec.it"),
            ("piano", "gold"),
            ("scadenza", "31/02/2027"),
            ("extrainboxgb", "5"),
            ("contratto", "forse"),
        ])
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "indirizzo",
                "piano",
                "scadenza",
                "extra_inbox_gb",
                "contratto"
            ]
        );
        let avanzata = row(&[
            ("indirizzo", "anna.bianchi@ingpec.eu"),
            ("piano", "avanzata"),
            ("scadenza", "2027-01-01"),
        ])
        .unwrap_err();
        assert_eq!(avanzata[0].field, "scadenza_piano");
    }
}
