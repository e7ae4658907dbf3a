use super::*;
use crate::catalog::SpaceArea::{Archivio, Inbox};
use crate::money::Money;
use proptest::prelude::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn address() -> EmailAddress {
    EmailAddress::parse("mario.rossi@ingpec.eu").unwrap()
}

fn activated(on: NaiveDate) -> Mailbox {
    Mailbox::activate(address(), AlboStatus::Iscritto, on).mailbox
}

fn apply(mailbox: &Mailbox, event: Event, today: NaiveDate) -> Transition {
    mailbox.apply(&event, today).unwrap()
}

fn buy(kind: ServiceKind) -> Event {
    Event::Acquisto { servizio: kind }
}

fn extra(area: SpaceArea, gb: u32) -> ServiceKind {
    ServiceKind::SpazioExtra { area, gb }
}

#[test]
fn activation_is_active_at_once_for_a_year_on_base() {
    let t = Mailbox::activate(address(), AlboStatus::Iscritto, date(2025, 3, 10));
    assert_eq!(t.mailbox.status, MailboxStatus::Attiva);
    assert_eq!(t.mailbox.scadenza, date(2026, 3, 10));
    assert_eq!(t.mailbox.plan(), PlanCode::Base);
    assert_eq!(
        t.effects,
        [Effect::Provider(ProviderCommand::Create {
            space: Space::new(1, 3)
        })]
    );
}

#[test]
fn a_term_started_on_29_february_ends_on_28_february() {
    assert_eq!(one_year_after(date(2024, 2, 29)), date(2025, 2, 28));
    let m = activated(date(2024, 2, 29));
    assert_eq!(m.scadenza, date(2025, 2, 28));
    // Active through its scadenza, renewed the day after while the holder is registered.
    let same_day = apply(&m, Event::Verifica, date(2025, 2, 28));
    assert_eq!(same_day.mailbox.scadenza, date(2025, 2, 28));
    let next = apply(&m, Event::Verifica, date(2025, 3, 1));
    assert_eq!(next.mailbox.scadenza, date(2026, 2, 28));
    assert!(next.effects.contains(&Effect::TermRenewed {
        scadenza: date(2026, 2, 28)
    }));
}

#[test]
fn eligibility_for_activation() {
    assert_eq!(activation_eligibility(&AlboStatus::Iscritto, false), Ok(()));
    let suspended = AlboStatus::Sospeso {
        dal: date(2025, 1, 1),
    };
    assert_eq!(activation_eligibility(&suspended, false), Ok(()));
    assert_eq!(
        activation_eligibility(&AlboStatus::Iscritto, true),
        Err(ActivationError::AlreadyHasMailbox)
    );
    let cancelled = AlboStatus::Cancellato {
        dal: date(2025, 1, 1),
        causa: CausaCancellazione::Dimissioni,
    };
    assert_eq!(
        activation_eligibility(&cancelled, false),
        Err(ActivationError::NotRegistered)
    );
}

#[test]
fn each_paid_service_has_its_own_year() {
    let m = activated(date(2025, 1, 10));
    let t = apply(&m, buy(extra(Inbox, 2)), date(2025, 6, 1));
    assert_eq!(t.charge.as_ref().unwrap().total, Money::cents(976));
    assert_eq!(t.mailbox.services[0].scadenza, date(2026, 6, 1));
    assert_eq!(
        t.effects,
        [Effect::Provider(ProviderCommand::Resize {
            space: Space::new(3, 3)
        })]
    );
    let t = apply(&t.mailbox, buy(ServiceKind::Avanzata), date(2025, 9, 1));
    assert_eq!(t.mailbox.plan(), PlanCode::Avanzata);
    assert_eq!(t.mailbox.space(), Space::new(9, 7));
    assert_eq!(t.mailbox.services[1].scadenza, date(2026, 9, 1));
}

#[test]
fn base_extra_space_is_limited_and_archive_needs_avanzata() {
    let m = apply(
        &activated(date(2025, 1, 10)),
        buy(extra(Inbox, 4)),
        date(2025, 2, 1),
    )
    .mailbox;
    let err = m
        .apply(&buy(extra(Inbox, 2)), date(2025, 2, 2))
        .unwrap_err();
    assert!(matches!(
        err,
        LifecycleError::Quote(QuoteError::ExtraLimit { room: 1, .. })
    ));
    let err = m
        .apply(&buy(extra(Archivio, 1)), date(2025, 2, 2))
        .unwrap_err();
    assert!(matches!(
        err,
        LifecycleError::Quote(QuoteError::AreaNotAllowed { .. })
    ));
    let err = apply(&m, buy(ServiceKind::Avanzata), date(2025, 2, 3))
        .mailbox
        .apply(&buy(ServiceKind::Avanzata), date(2025, 2, 4))
        .unwrap_err();
    assert!(matches!(err, LifecycleError::AlreadyActive(_)));
}

#[test]
fn an_unrenewed_service_expires_and_the_mailbox_returns_to_base() {
    let m = activated(date(2025, 1, 10));
    let m = apply(&m, buy(ServiceKind::Avanzata), date(2025, 3, 1)).mailbox;
    let m = apply(&m, buy(extra(Archivio, 10)), date(2025, 4, 1)).mailbox;
    let m = apply(&m, buy(extra(Inbox, 8)), date(2025, 4, 2)).mailbox;
    assert_eq!(m.space(), Space::new(15, 17));
    // Still there on the day of its scadenza.
    let on_the_day = apply(&m, Event::Verifica, date(2026, 3, 1));
    assert_eq!(on_the_day.mailbox.plan(), PlanCode::Avanzata);
    // The day after, Avanzata goes, with the archive space that only Avanzata allows and
    // the inbox space beyond Base's 5 GB.
    let after = apply(&m, Event::Verifica, date(2026, 3, 2));
    assert_eq!(after.mailbox.plan(), PlanCode::Base);
    assert!(after.mailbox.services.is_empty());
    assert_eq!(after.mailbox.space(), Space::new(1, 3));
    let lost: Vec<_> = after
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::ServiceExpired { space_lost, .. } => Some(*space_lost),
            _ => None,
        })
        .collect();
    assert_eq!(
        lost,
        [Space::new(6, 4), Space::new(8, 0), Space::new(0, 10)]
    );
    assert!(
        after
            .effects
            .contains(&Effect::Provider(ProviderCommand::Resize {
                space: Space::new(1, 3)
            }))
    );
}

/// The convention's catalog with a price list from 2026-01-01: Base 2+3 GB, Avanzata
/// €25 with 10+10 GB.
fn with_listino_2026() -> Catalog {
    let draft = crate::catalog::NuovoListino {
        in_force_from: date(2026, 1, 1),
        base: Space::new(2, 3),
        base_prezzo_gb: Money::euros(3),
        base_extra_max_gb: 8,
        avanzata_canone: Money::euros(25),
        avanzata: Space::new(10, 10),
        avanzata_prezzo_gb: Money::euros(3),
    };
    let version = Catalog::standard()
        .listino(&draft, date(2025, 6, 1))
        .unwrap();
    Catalog::with_published(&[version])
}

#[test]
fn a_new_price_list_prices_and_sizes_new_terms_and_old_ones_keep_theirs() {
    let catalog = with_listino_2026();
    let at =
        |m: &Mailbox, event: Event, day: NaiveDate| m.apply_with(&event, day, &catalog).unwrap();
    // Avanzata bought under the 2024 contract keeps its 7+7 GB after the new list starts.
    let m =
        Mailbox::activate_with(address(), AlboStatus::Iscritto, date(2025, 3, 1), &catalog).mailbox;
    assert_eq!(m.space(), Space::new(1, 3));
    let m = at(&m, buy(ServiceKind::Avanzata), date(2025, 3, 10)).mailbox;
    assert_eq!(m.space(), Space::new(7, 7));
    let m = at(&m, Event::Verifica, date(2026, 1, 5)).mailbox;
    assert_eq!(m.space(), Space::new(7, 7), "bought terms stay");
    // Renewed under the new list: its price and its sizes, the provider told.
    let renewed = at(&m, Event::Rinnovo { service_id: 1 }, date(2026, 2, 1));
    let charge = renewed.charge.clone().unwrap();
    assert_eq!(charge.net, Money::euros(25));
    assert_eq!(
        charge.catalog,
        crate::catalog::CatalogId::Listino(date(2026, 1, 1))
    );
    // The term paid keeps its 7+7 GB until it ends (2026-03-10); the new term's sizes
    // come the day after, and the provider is told then.
    assert_eq!(renewed.mailbox.space(), Space::new(7, 7));
    assert!(
        !renewed
            .effects
            .iter()
            .any(|e| matches!(e, Effect::Provider(_)))
    );
    let last_day = at(&renewed.mailbox, Event::Verifica, date(2026, 3, 10));
    assert_eq!(last_day.mailbox.space(), Space::new(7, 7));
    let new_term = at(&last_day.mailbox, Event::Verifica, date(2026, 3, 11));
    assert_eq!(new_term.mailbox.space(), Space::new(10, 10));
    assert!(
        new_term
            .effects
            .contains(&Effect::Provider(ProviderCommand::Resize {
                space: Space::new(10, 10)
            }))
    );
    // The free term renewed on 2026-03-02 under the new list has 2+3 GB, under Avanzata's;
    // when Avanzata lapses, the space lost is its terms' beyond that.
    let m = new_term.mailbox;
    let lapsed = at(&m, Event::Verifica, date(2027, 3, 11));
    let lost: Vec<_> = lapsed
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::ServiceExpired { space_lost, .. } => Some(*space_lost),
            _ => None,
        })
        .collect();
    assert_eq!(lost, [Space::new(8, 7)], "{:?}", lapsed.effects);
    assert_eq!(lapsed.mailbox.space(), Space::new(2, 3));
}

#[test]
fn a_list_that_sells_less_takes_nothing_bought_before() {
    // A list from 2026-01-01 that sells Base at most 2 GB of extra inbox.
    let draft = crate::catalog::NuovoListino {
        in_force_from: date(2026, 1, 1),
        base: Space::new(1, 3),
        base_prezzo_gb: Money::euros(4),
        base_extra_max_gb: 2,
        avanzata_canone: Money::euros(20),
        avanzata: Space::new(7, 7),
        avanzata_prezzo_gb: Money::euros(4),
    };
    let catalog = Catalog::with_published(&[Catalog::standard()
        .listino(&draft, date(2025, 6, 1))
        .unwrap()]);
    let m =
        Mailbox::activate_with(address(), AlboStatus::Iscritto, date(2025, 3, 1), &catalog).mailbox;
    let m = m
        .apply_with(&buy(extra(Inbox, 5)), date(2025, 9, 1), &catalog)
        .unwrap()
        .mailbox;
    let later = m
        .apply_with(&Event::Verifica, date(2026, 6, 1), &catalog)
        .unwrap();
    assert_eq!(
        later.mailbox.space(),
        Space::new(6, 3),
        "{:?}",
        later.effects
    );
    assert!(
        !later
            .effects
            .iter()
            .any(|e| matches!(e, Effect::ServiceExpired { .. }))
    );
}

#[test]
fn the_free_term_takes_the_new_sizes_when_it_renews() {
    let catalog = with_listino_2026();
    let m = Mailbox::activate_with(address(), AlboStatus::Iscritto, date(2025, 6, 10), &catalog)
        .mailbox;
    let before = m
        .apply_with(&Event::Verifica, date(2026, 6, 10), &catalog)
        .unwrap();
    assert_eq!(
        before.mailbox.space(),
        Space::new(1, 3),
        "still the term of 2025"
    );
    let renewed = m
        .apply_with(&Event::Verifica, date(2026, 6, 11), &catalog)
        .unwrap();
    assert_eq!(renewed.mailbox.space(), Space::new(2, 3));
    assert!(
        renewed
            .effects
            .contains(&Effect::Provider(ProviderCommand::Resize {
                space: Space::new(2, 3)
            }))
    );
    // Activated under the new list: its sizes from the start.
    let new = Mailbox::activate_with(address(), AlboStatus::Iscritto, date(2026, 2, 1), &catalog);
    assert_eq!(
        new.effects,
        [Effect::Provider(ProviderCommand::Create {
            space: Space::new(2, 3)
        })]
    );
}

#[test]
fn renewal_extends_from_the_scadenza_within_the_window() {
    let m = apply(
        &activated(date(2025, 1, 10)),
        buy(extra(Inbox, 1)),
        date(2025, 6, 1),
    )
    .mailbox;
    let err = m
        .apply(&Event::Rinnovo { service_id: 1 }, date(2026, 2, 1))
        .unwrap_err();
    assert_eq!(err, LifecycleError::RenewalTooEarly(date(2026, 3, 3)));
    let t = apply(&m, Event::Rinnovo { service_id: 1 }, date(2026, 5, 20));
    assert_eq!(t.mailbox.services[0].scadenza, date(2027, 6, 1));
    assert_eq!(t.charge.unwrap().net, Money::euros(4));
    assert_eq!(
        m.apply(&Event::Rinnovo { service_id: 9 }, date(2026, 5, 20)),
        Err(LifecycleError::UnknownService)
    );
}

#[test]
fn reminders_at_90_60_30_7_days_and_on_the_day_once_each() {
    let m = apply(
        &activated(date(2025, 1, 10)),
        buy(extra(Inbox, 2)),
        date(2025, 6, 1),
    )
    .mailbox;
    let scadenza = date(2026, 6, 1);
    let mut state = m;
    let mut sent = Vec::new();
    let mut day = date(2026, 1, 1);
    while day <= scadenza {
        let t = apply(&state, Event::Verifica, day);
        for effect in &t.effects {
            if let Effect::Reminder(r) = effect {
                sent.push((r.days_before, (scadenza - day).num_days()));
                assert!(r.messaggio().contains("non saranno più recuperabili"));
                assert_eq!(r.space_lost, Space::new(2, 0));
            }
        }
        state = t.mailbox;
        day = day.succ_opt().unwrap();
    }
    assert_eq!(sent, [(90, 90), (60, 60), (30, 30), (7, 7), (0, 0)]);
}

#[test]
fn a_missed_sweep_catches_up_with_the_latest_step_only() {
    let m = apply(
        &activated(date(2025, 1, 10)),
        buy(extra(Inbox, 2)),
        date(2025, 6, 1),
    )
    .mailbox;
    let t = apply(&m, Event::Verifica, date(2026, 5, 20));
    let steps: Vec<_> = t
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Reminder(r) => Some(r.days_before),
            _ => None,
        })
        .collect();
    assert_eq!(steps, [30]);
    assert!(
        apply(&t.mailbox, Event::Verifica, date(2026, 5, 21))
            .effects
            .is_empty()
    );
}

#[test]
fn a_registered_holder_gets_no_reminder_for_the_free_term() {
    let m = activated(date(2025, 1, 10));
    assert!(
        apply(&m, Event::Verifica, date(2026, 1, 9))
            .effects
            .is_empty()
    );
}

fn cancelled(dal: NaiveDate, causa: CausaCancellazione) -> Event {
    Event::Albo {
        stato: AlboStatus::Cancellato { dal, causa },
    }
}

#[test]
fn a_cancelled_holder_keeps_the_mailbox_until_its_scadenza_then_it_closes() {
    let m = activated(date(2025, 1, 10));
    let t = apply(
        &m,
        cancelled(date(2025, 6, 1), CausaCancellazione::Dimissioni),
        date(2025, 6, 2),
    );
    assert_eq!(t.mailbox.scadenza, date(2026, 1, 10));
    assert!(!t.mailbox.extended_after_cancellation);
    // Reminders for the mailbox itself, explaining how to keep it.
    let r = apply(&t.mailbox, Event::Verifica, date(2025, 10, 12));
    let Some(Effect::Reminder(reminder)) = r.effects.first() else {
        panic!("expected a reminder, got {:?}", r.effects)
    };
    assert_eq!(reminder.target, ReminderTarget::Casella);
    assert!(reminder.messaggio().contains("PEC Avanzata"));
    let closed = apply(&r.mailbox, Event::Verifica, date(2026, 1, 11));
    assert_eq!(closed.mailbox.status, MailboxStatus::Chiusa);
    assert!(
        closed
            .effects
            .contains(&Effect::Provider(ProviderCommand::Close))
    );
    assert!(closed.effects.contains(&Effect::Closed {
        reason: ClosureReason::ScadenzaDopoCancellazione
    }));
}

#[test]
fn a_cancellation_close_to_the_scadenza_gives_one_more_year_once() {
    let m = activated(date(2025, 1, 10));
    // 90 days before the scadenza: extended.
    let t = apply(
        &m,
        cancelled(date(2025, 10, 12), CausaCancellazione::Dimissioni),
        date(2025, 10, 12),
    );
    assert_eq!(t.mailbox.scadenza, date(2027, 1, 10));
    assert!(t.effects.contains(&Effect::TermExtended {
        scadenza: date(2027, 1, 10)
    }));
    // 91 days before: not.
    let t91 = apply(
        &m,
        cancelled(date(2025, 10, 11), CausaCancellazione::Dimissioni),
        date(2025, 10, 11),
    );
    assert_eq!(t91.mailbox.scadenza, date(2026, 1, 10));
    // Re-registered and cancelled again: no second extra year.
    let back = apply(
        &t.mailbox,
        Event::Albo {
            stato: AlboStatus::Iscritto,
        },
        date(2026, 1, 1),
    );
    let again = apply(
        &back.mailbox,
        cancelled(date(2026, 12, 1), CausaCancellazione::Dimissioni),
        date(2026, 12, 1),
    );
    assert_eq!(again.mailbox.scadenza, date(2027, 1, 10));
}

#[test]
fn a_cancelled_holder_with_avanzata_keeps_the_mailbox() {
    let m = activated(date(2025, 1, 10));
    let m = apply(
        &m,
        cancelled(date(2025, 3, 1), CausaCancellazione::Dimissioni),
        date(2025, 3, 1),
    )
    .mailbox;
    let m = apply(&m, buy(ServiceKind::Avanzata), date(2025, 12, 1)).mailbox;
    let t = apply(&m, Event::Verifica, date(2026, 1, 11));
    assert_eq!(t.mailbox.status, MailboxStatus::Attiva);
    assert_eq!(t.mailbox.scadenza, date(2027, 1, 10));
}

#[test]
fn a_death_closes_at_the_scadenza_without_extra_year_or_reminders() {
    let m = activated(date(2025, 1, 10));
    let t = apply(
        &m,
        cancelled(date(2025, 12, 1), CausaCancellazione::Decesso),
        date(2025, 12, 2),
    );
    assert_eq!(t.mailbox.scadenza, date(2026, 1, 10));
    assert!(
        apply(&t.mailbox, Event::Verifica, date(2026, 1, 3))
            .effects
            .is_empty()
    );
    let closed = apply(&t.mailbox, Event::Verifica, date(2026, 1, 11));
    assert_eq!(closed.mailbox.status, MailboxStatus::Chiusa);
}

#[test]
fn disdetta_needs_another_domicilio_for_a_registered_member() {
    let m = activated(date(2025, 1, 10));
    let own = Some(address());
    let other = Some(EmailAddress::parse("mario.rossi@pec.it").unwrap());
    // Another address of ours is no domicilio once his one mailbox closes.
    let ours = Some(EmailAddress::parse("mario.rossi2@ingpec.eu").unwrap());
    for domicilio in [None, own, ours] {
        let err = m
            .apply(
                &Event::Disdetta {
                    domicilio_digitale: domicilio,
                },
                date(2025, 2, 1),
            )
            .unwrap_err();
        assert_eq!(
            err,
            LifecycleError::Disdetta(DisdettaError::NoOtherDomicilio)
        );
    }
    let t = apply(
        &m,
        Event::Disdetta {
            domicilio_digitale: other,
        },
        date(2025, 2, 1),
    );
    assert_eq!(t.mailbox.status, MailboxStatus::Chiusa);
    assert!(t.effects.contains(&Effect::Closed {
        reason: ClosureReason::Disdetta
    }));
    // Heirs of a deceased member always may.
    let dead = apply(
        &m,
        cancelled(date(2025, 3, 1), CausaCancellazione::Decesso),
        date(2025, 3, 2),
    )
    .mailbox;
    assert!(
        dead.apply(
            &Event::Disdetta {
                domicilio_digitale: None
            },
            date(2025, 3, 3)
        )
        .is_ok()
    );
    // The heirs' request closes it even before the Albo records the death (the
    // Fondazione checked the certificate); never a closed one.
    let t = apply(&m, Event::DisdettaEredi, date(2025, 2, 1));
    assert_eq!(t.mailbox.status, MailboxStatus::Chiusa);
    assert!(t.effects.contains(&Effect::Closed {
        reason: ClosureReason::Disdetta
    }));
    assert_eq!(
        t.mailbox
            .apply(&Event::DisdettaEredi, date(2025, 2, 2))
            .unwrap_err(),
        LifecycleError::Closed
    );
    // A closed mailbox refuses everything but the sweep.
    assert_eq!(
        t.mailbox
            .apply(&buy(ServiceKind::Avanzata), date(2025, 2, 2)),
        Err(LifecycleError::Closed)
    );
}

#[test]
fn blocked_until_the_provider_unblocks() {
    let m = activated(date(2025, 1, 10));
    let reported = m
        .apply(
            &Event::Blocco {
                da: Origine::Gestore,
            },
            date(2025, 2, 10),
        )
        .unwrap();
    let blocked = reported.mailbox;
    assert_eq!(blocked.status, MailboxStatus::Bloccata);
    assert!(reported.effects.is_empty(), "the provider did it already");
    assert_eq!(
        m.apply(
            &Event::Sblocco {
                da: Origine::Gestore
            },
            date(2025, 2, 11)
        ),
        Err(LifecycleError::NotBlocked)
    );
    let unblocked = blocked
        .apply(
            &Event::Sblocco {
                da: Origine::Fondazione,
            },
            date(2025, 2, 11),
        )
        .unwrap();
    assert_eq!(unblocked.mailbox.status, MailboxStatus::Attiva);
    assert_eq!(
        unblocked.effects,
        vec![Effect::Provider(ProviderCommand::Unblock)],
        "the Fondazione's unblock goes to the provider"
    );
    let by_operator = m
        .apply(
            &Event::Blocco {
                da: Origine::Fondazione,
            },
            date(2025, 2, 12),
        )
        .unwrap();
    assert_eq!(
        by_operator.effects,
        vec![Effect::Provider(ProviderCommand::Block)]
    );
    let again = by_operator
        .mailbox
        .apply(
            &Event::Blocco {
                da: Origine::Fondazione,
            },
            date(2025, 2, 12),
        )
        .unwrap();
    assert!(
        again.effects.is_empty(),
        "blocking a blocked mailbox sends nothing"
    );
}

#[test]
fn the_address_can_be_corrected_only_before_the_first_access() {
    let m = activated(date(2025, 1, 10));
    assert_eq!(m.address_correction_allowed(), Ok(()));
    let accessed = apply(&m, Event::PrimoAccesso, date(2025, 1, 12)).mailbox;
    assert_eq!(accessed.first_access_on, Some(date(2025, 1, 12)));
    assert_eq!(
        accessed.address_correction_allowed(),
        Err(LifecycleError::AddressFixed)
    );
    // Corrected before: the provider renames the mailbox; after: refused.
    let corrected = EmailAddress::parse("mario.rossibianchi@ingpec.eu").unwrap();
    let event = Event::IndirizzoCorretto {
        indirizzo: corrected.clone(),
    };
    let t = apply(&m, event.clone(), date(2025, 1, 11));
    assert_eq!(t.mailbox.address, corrected);
    assert_eq!(
        t.effects,
        [Effect::Provider(ProviderCommand::Rename {
            from: address()
        })]
    );
    assert_eq!(
        accessed.apply(&event, date(2025, 1, 13)).err(),
        Some(LifecycleError::AddressFixed)
    );
}

#[test]
fn a_signed_contract_stays_signed() {
    let new = activated(date(2025, 1, 10));
    let review = Event::Contratto {
        stato: StatoContratto::InVerifica,
    };
    // The contract comes after the first access.
    assert_eq!(
        new.apply(&review, date(2025, 1, 11)).map(|t| t.mailbox),
        Err(LifecycleError::PrimoAccessoMancante)
    );
    let m = apply(&new, Event::PrimoAccesso, date(2025, 1, 11)).mailbox;
    assert_eq!(m.contratto, StatoContratto::DaFirmare);
    let in_review = apply(&m, review.clone(), date(2025, 1, 12)).mailbox;
    assert_eq!(in_review.contratto, StatoContratto::InVerifica);
    let signed = apply(
        &in_review,
        Event::Contratto {
            stato: StatoContratto::Firmato,
        },
        date(2025, 1, 13),
    )
    .mailbox;
    assert_eq!(signed.contratto, StatoContratto::Firmato);
    assert_eq!(
        signed.apply(&review, date(2025, 1, 14)).map(|t| t.mailbox),
        Err(LifecycleError::ContrattoFirmato)
    );
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        4 => Just(Event::Verifica),
        2 => Just(buy(ServiceKind::Avanzata)),
        3 => (1u32..7).prop_map(|gb| buy(extra(Inbox, gb))),
        2 => (1u32..30).prop_map(|gb| buy(extra(Archivio, gb))),
        3 => (1u32..6).prop_map(|id| Event::Rinnovo { service_id: id }),
        1 => Just(Event::PrimoAccesso),
        1 => Just(Event::Blocco { da: Origine::Gestore }),
        1 => Just(Event::Sblocco { da: Origine::Fondazione }),
        1 => Just(Event::Albo { stato: AlboStatus::Iscritto }),
        1 => (0i64..400, prop_oneof![Just(CausaCancellazione::Dimissioni), Just(CausaCancellazione::Decesso)])
            .prop_map(|(back, causa)| Event::Albo {
                stato: AlboStatus::Cancellato { dal: date(2024, 6, 1) + chrono::Duration::days(back), causa },
            }),
        1 => Just(Event::Disdetta { domicilio_digitale: None }),
        1 => Just(Event::DisdettaEredi),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Whatever happens, in whatever order: no paid service outlives its scadenza, Base never
    /// holds more than Base allows, a closed mailbox holds nothing, and the provider's
    /// space (replayed from the effects) always equals the mailbox's.
    #[test]
    fn no_path_leaves_a_paid_service_active_past_its_scadenza(
        steps in proptest::collection::vec((0i64..120, event()), 1..60),
    ) {
        let start = date(2024, 6, 1);
        let first = Mailbox::activate(address(), AlboStatus::Iscritto, start);
        let mut provider_space = match first.effects[0] {
            Effect::Provider(ProviderCommand::Create { space }) => Some(space),
            _ => None,
        };
        let mut mailbox = first.mailbox;
        let mut today = start;
        for (advance, event) in steps {
            today += chrono::Duration::days(advance);
            let Ok(t) = mailbox.apply(&event, today) else { continue };
            for effect in &t.effects {
                match effect {
                    Effect::Provider(ProviderCommand::Resize { space }) => provider_space = Some(*space),
                    Effect::Provider(ProviderCommand::Close) => provider_space = None,
                    _ => {}
                }
            }
            mailbox = t.mailbox;
            for service in &mailbox.services {
                prop_assert!(service.scadenza >= today, "{:?} active on {}", service, today);
            }
            match mailbox.status {
                MailboxStatus::Chiusa => {
                    prop_assert!(mailbox.services.is_empty());
                    prop_assert_eq!(provider_space, None);
                }
                _ => {
                    prop_assert!(mailbox.scadenza >= today);
                    prop_assert_eq!(provider_space, Some(mailbox.space()));
                }
            }
            if mailbox.plan() == PlanCode::Base {
                prop_assert_eq!(mailbox.extra_space().archivio_gb, 0);
                prop_assert!(mailbox.extra_space().inbox_gb <= 5);
            }
        }
    }
}
