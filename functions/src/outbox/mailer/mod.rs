//! Notices by ordinary email (reminders of a scadenza, decisions, the public forms'
//! receipts), as a port. They leave only from an
//! official sender (`@fondazionecni.it`, `@fondazionecni.org`, `@ingpec.eu`): members are
//! told that renewal mail from anyone else is spam, so a wrong sender is refused at start.
//! [`sandbox::SandboxMailer`] keeps what was sent in the store (local runs and tests);
//! [`ses::SesMailer`] sends through Amazon SES.

pub mod sandbox;
pub mod ses;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use shared::address::{OFFICIAL_SENDER_DOMAINS, is_official_sender};
use shared::catalog::Space;
use shared::firma_digitale::{CertificatoFirma, RichiestaFirma, StatoFirma};
use shared::lifecycle::prospetto::{EXCESS_NOTICE_DAYS, Occupazione, eccedenze};
use shared::lifecycle::{Reminder, ReminderTarget};
use thiserror::Error;

/// The sender when `PEC_MAIL_FROM` is not set.
pub const DEFAULT_SENDER: &str = "avvisi@ingpec.eu";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
    /// A reminder from 30 days before space lapses: completed when sent with how much of
    /// the mailbox's data (as the provider reports it then) will not fit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controllo_spazio: Option<ControlloSpazio>,
}

/// What a lapse takes from a mailbox's space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlloSpazio {
    pub indirizzo: String,
    pub data: chrono::NaiveDate,
    /// The space before the lapse, and the space that goes.
    pub spazio: Space,
    pub perso: Space,
}

impl Notice {
    /// A reminder, to the mailbox itself and to the recovery email if there is one;
    /// `space_now` is the mailbox's space before the lapse.
    pub fn reminder(
        reminder: &Reminder,
        address: &str,
        recovery: Option<&str>,
        space_now: Space,
    ) -> Self {
        let lapses_space = matches!(reminder.target, ReminderTarget::Servizio(_))
            && reminder.days_before <= EXCESS_NOTICE_DAYS
            && reminder.space_lost != Space::default();
        let controllo_spazio = lapses_space.then(|| ControlloSpazio {
            indirizzo: address.to_owned(),
            data: reminder.scadenza,
            spazio: space_now,
            perso: reminder.space_lost,
        });
        let mut to = vec![address.to_owned()];
        to.extend(recovery.map(str::to_owned));
        Self {
            to,
            subject: format!(
                "PEC Ingegneri: {} in scadenza il {}",
                reminder.descrizione,
                reminder.scadenza.format("%d/%m/%Y")
            ),
            body: format!(
                "{}\n\nPuoi rinnovare dall'area riservata di PEC Ingegneri, alla voce «Acquista e rinnova».\n\n\
                 Gli avvisi sui rinnovi arrivano solo da indirizzi {}: un messaggio sui rinnovi da \
                 qualsiasi altro mittente è spam. Puoi controllare un mittente alla pagina \
                 «Verifica mittente» di PEC Ingegneri.\n",
                reminder.messaggio(),
                official_domains(" o ")
            ),
            controllo_spazio,
        }
    }

    /// The notice as sent, with what `used` says will not fit (if anything).
    pub fn completed(&self, used: Option<Occupazione>) -> Notice {
        let mut sent = self.clone();
        if let (Some(check), Some(used)) = (&self.controllo_spazio, used) {
            for over in eccedenze(check.data, check.spazio, check.perso, used) {
                sent.body = format!("{}\n\n{}\n", sent.body.trim_end(), over.messaggio());
            }
        }
        sent
    }
}

impl Notice {
    /// The Fondazione's decision on the holder's signed contract.
    pub fn contract_decision(
        address: &str,
        recovery: Option<&str>,
        approved: bool,
        motivo: &str,
    ) -> Self {
        let mut to = vec![address.to_owned()];
        to.extend(recovery.map(str::to_owned));
        let (subject, body) = if approved {
            (
                "PEC Ingegneri: il tuo contratto è firmato".to_owned(),
                "La Fondazione CNI ha verificato il contratto firmato che hai caricato: il contratto della tua casella risulta firmato. Non devi fare altro.\n".to_owned(),
            )
        } else {
            (
                "PEC Ingegneri: il contratto caricato non è stato accettato".to_owned(),
                format!(
                    "La Fondazione CNI non ha accettato il contratto firmato che hai caricato.\n\nMotivo: {motivo}\n\n\
                     Scarica di nuovo il contratto dall'area riservata di PEC Ingegneri, alla pagina «La mia PEC», firmalo digitalmente e caricalo nella stessa pagina.\n"
                ),
            )
        };
        Self {
            to,
            subject,
            body,
            controllo_spazio: None,
        }
    }
}

impl Notice {
    /// The Fondazione's decision on a disdetta, to the mailbox (while it still receives),
    /// the recovery email and the domicilio the Albo lists.
    /// `still_open`: the mailbox stays active (a rejection while it is open); `by_heir`:
    /// an heir asked, from the public page.
    pub fn disdetta_decision(
        to: Vec<String>,
        address: &str,
        approved: bool,
        motivo: &str,
        still_open: bool,
        by_heir: bool,
    ) -> Self {
        let again = if by_heir {
            "dalla pagina «Disdetta per gli eredi» di PEC Ingegneri, allegando di nuovo i documenti"
        } else {
            "dall'area riservata di PEC Ingegneri, alla pagina «Disdetta»"
        };
        let stands = if still_open {
            "che resta attiva"
        } else {
            "che risulta già chiusa"
        };
        let (subject, body) = if approved {
            (
                format!("PEC Ingegneri: la casella {address} è stata chiusa"),
                format!(
                    "La Fondazione CNI ha accolto la richiesta di disdetta: la casella {address} è chiusa e non riceve né invia più messaggi. Il suo indirizzo resta riservato e non sarà assegnato ad altri.\n"
                ),
            )
        } else {
            (
                "PEC Ingegneri: la richiesta di disdetta non è stata accolta".to_owned(),
                format!(
                    "La Fondazione CNI non ha accolto la tua richiesta di disdetta della casella {address}, {stands}.\n\nMotivo: {motivo}\n\n\
                     Puoi presentare una nuova richiesta {again}.\n"
                ),
            )
        };
        Self {
            to,
            subject,
            body,
            controllo_spazio: None,
        }
    }
}

impl Notice {
    /// The receipt of an activation request, to the email the requester gave: he learns
    /// it reaches him before the decision is mailed there.
    pub fn richiesta_ricevuta(to: &str, ordine: &str, il: NaiveDate, pre_iscrizione: bool) -> Self {
        let come = if pre_iscrizione {
            " (pre-iscrizione)"
        } else {
            ""
        };
        Self {
            to: vec![to.to_owned()],
            subject: "PEC Ingegneri: richiesta di attivazione ricevuta".to_owned(),
            body: format!(
                "Il {} abbiamo ricevuto la richiesta di una casella PEC @ingpec.eu che hai inviato all'{ordine}{come}.\n\n\
                 La segreteria dell'Ordine la esaminerà, con il documento d'identità allegato alla richiesta, e ti comunicherà \
                 l'esito a questo indirizzo: l'indirizzo della casella attivata, o il motivo per cui la richiesta non è stata accolta.\n\n\
                 Se non hai presentato tu questa richiesta, avvisa la segreteria dell'{ordine}.\n",
                il.format("%d/%m/%Y")
            ),
            controllo_spazio: None,
        }
    }

    /// The receipt of an heir's disdetta, to the email the heir gave.
    pub fn disdetta_eredi_ricevuta(to: &str, address: &str, il: NaiveDate) -> Self {
        Self {
            to: vec![to.to_owned()],
            subject: "PEC Ingegneri: richiesta di disdetta ricevuta".to_owned(),
            body: format!(
                "Il {} abbiamo ricevuto la richiesta che hai inviato, come erede del titolare, di chiudere la casella {address}, \
                 con il certificato di morte e il tuo documento d'identità.\n\n\
                 La Fondazione CNI esaminerà i documenti e ti comunicherà l'esito a questo indirizzo. Fino ad allora la casella resta attiva.\n\n\
                 Se non hai presentato tu questa richiesta, avvisa la Fondazione CNI.\n",
                il.format("%d/%m/%Y")
            ),
            controllo_spazio: None,
        }
    }

    /// The secretariat's decision on an activation request, to the email the requester
    /// gave: the address activated, or the reason it was declined.
    pub fn richiesta_decision(
        to: &str,
        ordine: &str,
        indirizzo: Option<&str>,
        motivo: &str,
    ) -> Self {
        let (subject, body) = match indirizzo {
            Some(address) => (
                format!("PEC Ingegneri: la tua casella {address} è attiva"),
                format!(
                    "La segreteria dell'{ordine} ha accolto la tua richiesta: la casella PEC {address} è attiva.\n\n\
                     Riceverai dal gestore le credenziali per il primo accesso. Al primo accesso all'area riservata di PEC Ingegneri \
                     troverai il contratto da firmare digitalmente e caricare.\n"
                ),
            ),
            None => (
                "PEC Ingegneri: la richiesta di attivazione non è stata accolta".to_owned(),
                format!(
                    "La segreteria dell'{ordine} non ha accolto la tua richiesta di attivazione di una casella PEC @ingpec.eu.\n\n\
                     Motivo: {motivo}\n\n\
                     Puoi presentare una nuova richiesta dalla pagina «Richiedi la PEC» di PEC Ingegneri, o scrivere alla segreteria del tuo Ordine.\n"
                ),
            ),
        };
        Self {
            to: vec![to.to_owned()],
            subject,
            body,
            controllo_spazio: None,
        }
    }
}

impl Notice {
    /// A step of a signature request that the member must hear of: refused (with the
    /// reason), arrived at his Ordine (to pick it up), shipped home; `None` for the others.
    pub fn firma_passo(to: Vec<String>, richiesta: &RichiestaFirma) -> Option<Self> {
        let prodotto = richiesta.prodotto.nome();
        let ordine = richiesta.ordine.nome();
        let (subject, body) = match richiesta.stato {
            StatoFirma::Respinta => (
                "PEC Ingegneri: la richiesta di firma digitale non è stata validata".to_owned(),
                format!(
                    "La segreteria dell'{ordine} non ha validato la tua richiesta «{prodotto}».\n\n\
                     Motivo: {}\n\n\
                     Puoi presentarne una nuova dall'area riservata di PEC Ingegneri, alla voce «Firma digitale».\n",
                    richiesta.motivo.as_deref().unwrap_or("-")
                ),
            ),
            StatoFirma::ArrivataAllOrdine => (
                "PEC Ingegneri: il tuo kit di firma digitale è arrivato all'Ordine".to_owned(),
                format!(
                    "Il tuo «{prodotto}» è arrivato all'{ordine}.\n\n\
                     Ritiralo di persona presso la segreteria con un documento d'identità valido \
                     (carta d'identità, passaporto o patente). Se mandi un delegato, deve portare la tua delega \
                     firmata, una copia del tuo documento e il proprio documento.\n"
                ),
            ),
            StatoFirma::SpeditaAlDomicilio => (
                "PEC Ingegneri: la tua firma digitale remota è stata spedita".to_owned(),
                format!(
                    "La tua «{prodotto}» è stata spedita a: {}.\n",
                    richiesta
                        .indirizzo_consegna
                        .as_deref()
                        .unwrap_or("il tuo domicilio")
                ),
            ),
            _ => return None,
        };
        Some(Self {
            to,
            subject,
            body,
            controllo_spazio: None,
        })
    }

    /// A reminder that a signature certificate expires.
    pub fn firma_promemoria(
        to: Vec<String>,
        certificato: &CertificatoFirma,
        oggi: chrono::NaiveDate,
    ) -> Self {
        Self {
            to,
            subject: format!(
                "PEC Ingegneri: il tuo {} scade il {}",
                certificato.tipo.nome(),
                certificato.scadenza.format("%d/%m/%Y")
            ),
            body: format!(
                "{}\n\nGli avvisi sui rinnovi arrivano solo da indirizzi {}: un messaggio sui rinnovi da \
                 qualsiasi altro mittente è spam.\n",
                certificato.messaggio(oggi),
                official_domains(" o ")
            ),
            controllo_spazio: None,
        }
    }
}

#[derive(Debug, Error)]
pub enum MailError {
    /// Worth retrying later (outage, throttling).
    #[error("mail service unavailable: {0}")]
    Unavailable(String),
    /// The mail service refused the message; retrying will not help.
    #[error("mail refused: {0}")]
    Refused(String),
}

#[derive(Debug, Error)]
#[error("{0} is not an official sender ({domains})", domains = official_domains(", "))]
pub struct UnofficialSender(String);

/// `@fondazionecni.it, @fondazionecni.org{last}@ingpec.eu`, from the domain's list.
fn official_domains(last: &str) -> String {
    let all: Vec<String> = OFFICIAL_SENDER_DOMAINS
        .iter()
        .map(|d| format!("@{d}"))
        .collect();
    let (final_one, rest) = all.split_last().expect("official domains exist");
    format!("{}{last}{final_one}", rest.join(", "))
}

/// The sender to use: `from` if it is official.
pub fn official_sender(from: &str) -> Result<String, UnofficialSender> {
    if is_official_sender(from) {
        Ok(from.to_owned())
    } else {
        Err(UnofficialSender(from.to_owned()))
    }
}

#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends `notice`; `id` is the outbox entry's, the same on every attempt.
    async fn send(&self, id: &str, notice: &Notice) -> Result<(), MailError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::catalog::Space;
    use shared::lifecycle::ReminderTarget;

    #[test]
    fn only_official_senders_are_accepted() {
        assert!(official_sender(DEFAULT_SENDER).is_ok());
        assert!(official_sender("rinnovi@fondazionecni.org").is_ok());
        assert!(official_sender("rinnovi@ingpec-eu.com").is_err());
    }

    #[test]
    fn a_reminder_names_the_scadenza_and_the_official_senders() {
        let reminder = Reminder {
            target: ReminderTarget::Servizio(1),
            scadenza: "2027-01-31".parse().unwrap(),
            days_before: 30,
            descrizione: "PEC Avanzata".into(),
            space_lost: Space {
                inbox_gb: 2,
                archivio_gb: 0,
            },
        };
        let notice = Notice::reminder(
            &reminder,
            "mario.rossi@ingpec.eu",
            Some("m@example.it"),
            Space::new(3, 1),
        );
        assert_eq!(notice.to, ["mario.rossi@ingpec.eu", "m@example.it"]);
        assert_eq!(
            notice.subject,
            "PEC Ingegneri: PEC Avanzata in scadenza il 31/01/2027"
        );
        assert!(notice.body.contains("non saranno più recuperabili"));
        assert!(notice.body.contains("@fondazionecni.org"));
        // 30 days before: sent with what will not fit in the 1 GB that stays.
        let full = Occupazione {
            inbox_mb: 2 * 1024 + 512,
            archivio_mb: 900,
        };
        let sent = notice.completed(Some(full));
        assert!(
            sent.body
                .contains("scenderà a 1 GB: oggi la casella ne occupa 2,5 GB, quindi 1,5 GB di dati non entreranno"),
            "{}",
            sent.body
        );
        assert_eq!(notice.completed(None).body, notice.body);
        let fits = Occupazione {
            inbox_mb: 1000,
            archivio_mb: 0,
        };
        assert_eq!(notice.completed(Some(fits)).body, notice.body);
    }
}
