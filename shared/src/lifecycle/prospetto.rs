//! The mailbox's timeline (*prospetto*): what will happen to it and when, with the amounts,
//! from the same rules the verifica applies: each reminder still to come, each paid
//! service's scadenza with what renewing costs today and what is lost if not, the term's
//! free renewal, or for a holder no longer on the Albo the day the mailbox closes unless
//! he moves to Avanzata. And, from 30 days before space lapses, how much of the data the
//! provider reports does not fit in what stays.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Mailbox, MailboxStatus, REMINDER_DAYS, RENEWAL_WINDOW_DAYS, ReminderTarget};
use crate::catalog::{Catalog, PlanCode, ServiceKind, Space, SpaceArea};
use crate::money::Money;

/// From this many days before space lapses, the holder is told what will not fit.
pub const EXCESS_NOTICE_DAYS: i64 = 30;

/// What the provider reports a mailbox holds, in MB.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occupazione {
    pub inbox_mb: u64,
    pub archivio_mb: u64,
}

impl Occupazione {
    fn mb(&self, area: SpaceArea) -> u64 {
        match area {
            SpaceArea::Inbox => self.inbox_mb,
            SpaceArea::Archivio => self.archivio_mb,
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TipoEvento {
    Promemoria,
    /// A paid service reaches its scadenza.
    ScadenzaServizio,
    /// The term renews by itself, free (a registered holder, or one on Avanzata).
    RinnovoCasella,
    /// The term ends and the mailbox closes (a holder no longer on the Albo, on Base).
    ChiusuraCasella,
}

/// One coming event of the mailbox.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventoProspetto {
    pub data: NaiveDate,
    pub tipo: TipoEvento,
    pub descrizione: String,
    /// What renewing costs at today's prices (IVA included), for a paid service.
    pub rinnovo: Option<Money>,
    /// From when it can be renewed.
    pub rinnovabile_dal: Option<NaiveDate>,
    /// Space whose content is lost if nothing is done.
    pub spazio_perso: Option<Space>,
}

/// Data that does not fit in the space that stays after a lapse, in MB by area.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eccedenza {
    pub data: NaiveDate,
    pub area: SpaceArea,
    /// What stays, in GB.
    pub resta_gb: u32,
    pub occupato_mb: u64,
    pub oltre_mb: u64,
}

impl Eccedenza {
    /// In words, GB with one decimal, as the screen and the reminders say it.
    pub fn messaggio(&self) -> String {
        format!(
            "Il {}, lo spazio {} scenderà a {} GB: oggi la casella ne occupa {}, quindi {} di dati non entreranno e andranno persi per sempre. Rinnova, oppure salva e cancella i messaggi prima di quella data.",
            self.data.format("%d/%m/%Y"),
            self.area.nome(),
            self.resta_gb,
            gb(self.occupato_mb),
            gb(self.oltre_mb),
        )
    }
}

/// `mb` as GB with one decimal, the Italian way (`1,4 GB`).
pub fn gb(mb: u64) -> String {
    let tenths = (mb * 10 + 512) / 1024;
    format!("{},{} GB", tenths / 10, tenths % 10)
}

impl Mailbox {
    /// The coming events from `today`, the earliest first.
    pub fn prospetto(&self, today: NaiveDate) -> Vec<EventoProspetto> {
        self.prospetto_with(today, Catalog::standard())
    }

    /// As [`Self::prospetto`], with renewals priced by `catalog`.
    pub fn prospetto_with(&self, today: NaiveDate, catalog: &Catalog) -> Vec<EventoProspetto> {
        if self.status == MailboxStatus::Chiusa {
            return Vec::new();
        }
        let mut out = Vec::new();
        if !self.albo.is_deceased() {
            for (target, scadenza) in self.upcoming_expiries() {
                for days in REMINDER_DAYS {
                    let day = scadenza - chrono::Duration::days(days);
                    let sent = self.reminders_sent.iter().any(|r| {
                        r.target == target && r.scadenza == scadenza && r.days_before <= days
                    });
                    if day > today && !sent {
                        out.push(EventoProspetto {
                            data: day,
                            tipo: TipoEvento::Promemoria,
                            descrizione: format!(
                                "Promemoria: {} scade il {}",
                                self.nome_di(target),
                                scadenza.format("%d/%m/%Y")
                            ),
                            rinnovo: None,
                            rinnovabile_dal: None,
                            spazio_perso: None,
                        });
                    }
                }
            }
        }
        for service in &self.services {
            let rinnovo = catalog
                .renewal_quote(self.plan(), &service.kind, self.space(), today)
                .ok()
                .map(|q| q.total);
            out.push(EventoProspetto {
                data: service.scadenza,
                tipo: TipoEvento::ScadenzaServizio,
                descrizione: format!(
                    "Scade «{}»: se non lo rinnovi è disattivato",
                    service.descrizione()
                ),
                rinnovo,
                rinnovabile_dal: Some(
                    service.scadenza - chrono::Duration::days(RENEWAL_WINDOW_DAYS),
                ),
                spazio_perso: Some(self.space_lost_with(service.id, catalog)),
            });
        }
        let keeps = self.albo.is_registered()
            || (!self.albo.is_deceased() && self.keeps_avanzata_through(self.scadenza));
        out.push(if keeps {
            EventoProspetto {
                data: self.scadenza,
                tipo: TipoEvento::RinnovoCasella,
                descrizione: if self.albo.is_registered() {
                    "La casella si rinnova gratuitamente per un anno".into()
                } else {
                    "La casella si rinnova per un anno con PEC Avanzata".into()
                },
                rinnovo: None,
                rinnovabile_dal: None,
                spazio_perso: None,
            }
        } else {
            EventoProspetto {
                data: self.scadenza,
                tipo: TipoEvento::ChiusuraCasella,
                descrizione: "La casella sarà chiusa: per mantenerla passa a PEC Avanzata".into(),
                rinnovo: None,
                rinnovabile_dal: None,
                spazio_perso: Some(self.space()),
            }
        });
        out.sort_by_key(|e| e.data);
        out
    }

    /// Whether Avanzata is active through `day` (its service lapses after it).
    fn keeps_avanzata_through(&self, day: NaiveDate) -> bool {
        self.services
            .iter()
            .any(|s| s.kind == ServiceKind::Avanzata && s.scadenza >= day)
            || (self.plan() == PlanCode::Avanzata
                && !self
                    .services
                    .iter()
                    .any(|s| s.kind == ServiceKind::Avanzata))
    }

    fn nome_di(&self, target: ReminderTarget) -> String {
        match target {
            ReminderTarget::Casella => "la casella".into(),
            ReminderTarget::Servizio(id) => self.services.iter().find(|s| s.id == id).map_or_else(
                || "un servizio".into(),
                |s| format!("«{}»", s.descrizione()),
            ),
        }
    }

    /// For each paid service lapsing within [`EXCESS_NOTICE_DAYS`] of `today`: the data,
    /// as `used` reports it, that will not fit in the space that stays.
    pub fn eccedenze(
        &self,
        used: Occupazione,
        today: NaiveDate,
        catalog: &Catalog,
    ) -> Vec<Eccedenza> {
        let mut out = Vec::new();
        for service in &self.services {
            let days = (service.scadenza - today).num_days();
            if !(0..=EXCESS_NOTICE_DAYS).contains(&days) {
                continue;
            }
            let perso = self.space_lost_with(service.id, catalog);
            out.extend(eccedenze(service.scadenza, self.space(), perso, used));
        }
        out
    }
}

/// The data of `used` that will not fit on `data`, when `perso` goes out of `space`: by
/// area that loses space, what exceeds the GB that stay.
pub fn eccedenze(data: NaiveDate, space: Space, perso: Space, used: Occupazione) -> Vec<Eccedenza> {
    SpaceArea::ALL
        .into_iter()
        .filter(|area| perso.get(*area) > 0)
        .filter_map(|area| {
            let resta_gb = space.get(area).saturating_sub(perso.get(area));
            let occupato_mb = used.mb(area);
            let oltre_mb = occupato_mb.saturating_sub(u64::from(resta_gb) * 1024);
            (oltre_mb > 0).then_some(Eccedenza {
                data,
                area,
                resta_gb,
                occupato_mb,
                oltre_mb,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::{AlboStatus, Event};

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn mailbox() -> Mailbox {
        Mailbox::activate(
            "mario.rossi@ingpec.eu".parse().unwrap(),
            AlboStatus::Iscritto,
            day("2026-01-10"),
        )
        .mailbox
    }

    /// 2 GB of extra inbox bought on 1 March 2026.
    fn with_2_gb_bought_on_1_march() -> Mailbox {
        mailbox()
            .apply(
                &Event::Acquisto {
                    servizio: ServiceKind::SpazioExtra {
                        area: SpaceArea::Inbox,
                        gb: 2,
                    },
                },
                day("2026-03-01"),
            )
            .unwrap()
            .mailbox
    }

    #[test]
    fn the_timeline_lists_reminders_scadenze_and_the_free_renewal_in_order() {
        let bought = with_2_gb_bought_on_1_march();
        let events = bought.prospetto(day("2026-11-30"));
        let kinds: Vec<_> = events.iter().map(|e| (e.data, e.tipo)).collect();
        assert_eq!(
            kinds,
            vec![
                (day("2026-12-01"), TipoEvento::Promemoria),
                (day("2026-12-31"), TipoEvento::Promemoria),
                (day("2027-01-10"), TipoEvento::RinnovoCasella),
                (day("2027-01-30"), TipoEvento::Promemoria),
                (day("2027-02-22"), TipoEvento::Promemoria),
                (day("2027-03-01"), TipoEvento::Promemoria),
                (day("2027-03-01"), TipoEvento::ScadenzaServizio),
            ],
            "{events:#?}"
        );
        let scadenza = &events[6];
        assert_eq!(
            scadenza.rinnovo,
            Some(Money::cents(976)),
            "2 GB at €4 + IVA"
        );
        assert_eq!(scadenza.rinnovabile_dal, Some(day("2026-12-01")));
        assert_eq!(scadenza.spazio_perso, Some(Space::new(2, 0)));
    }

    #[test]
    fn a_cancelled_holder_on_base_sees_the_day_his_mailbox_closes() {
        let cancelled = mailbox()
            .apply(
                &Event::Albo {
                    stato: AlboStatus::Cancellato {
                        dal: day("2026-05-01"),
                        causa: crate::lifecycle::CausaCancellazione::Dimissioni,
                    },
                },
                day("2026-05-01"),
            )
            .unwrap()
            .mailbox;
        let last = cancelled
            .prospetto(day("2026-11-30"))
            .into_iter()
            .find(|e| e.tipo != TipoEvento::Promemoria)
            .unwrap();
        assert_eq!(last.tipo, TipoEvento::ChiusuraCasella);
        assert_eq!(last.data, day("2027-01-10"));
        let kept = cancelled
            .apply(
                &Event::Acquisto {
                    servizio: ServiceKind::Avanzata,
                },
                day("2026-11-30"),
            )
            .unwrap()
            .mailbox;
        let renewal = kept
            .prospetto(day("2026-11-30"))
            .into_iter()
            .find(|e| e.data == day("2027-01-10") && e.tipo != TipoEvento::Promemoria)
            .unwrap();
        assert_eq!(renewal.tipo, TipoEvento::RinnovoCasella);
    }

    #[test]
    fn data_that_will_not_fit_is_told_from_30_days_before() {
        let bought = with_2_gb_bought_on_1_march();
        let used = Occupazione {
            inbox_mb: 2 * 1024 + 410,
            archivio_mb: 0,
        };
        assert!(
            bought
                .eccedenze(used, day("2027-01-29"), Catalog::standard())
                .is_empty(),
            "31 days before"
        );
        let over = bought.eccedenze(used, day("2027-01-30"), Catalog::standard());
        assert_eq!(over.len(), 1);
        assert_eq!(over[0].resta_gb, 1);
        assert_eq!(over[0].oltre_mb, 1024 + 410);
        assert!(
            over[0]
                .messaggio()
                .contains("1,4 GB di dati non entreranno"),
            "{}",
            over[0].messaggio()
        );
        let fits = Occupazione {
            inbox_mb: 900,
            archivio_mb: 0,
        };
        assert!(
            bought
                .eccedenze(fits, day("2027-02-20"), Catalog::standard())
                .is_empty()
        );
    }
}
