//! *Verifica mittente* (DOMAIN.md, Lifecycle 5): renewal reminders come only from
//! `@fondazionecni.it`, `@fondazionecni.org` and `@ingpec.eu`; mail about renewals from any
//! other sender is spam. Anyone pastes a sender (an address, `Nome <indirizzo>`, or a whole
//! header block) and is told whether it is an official sender, and why, in words.
//!
//! What is read: the `From` of a header block (the sender a mail program shows), or the
//! text itself; the address inside `<…>` when there is one; for a certified message, the
//! `Per conto di:` address the PEC provider puts in the display name (the real sender).
//! What is said beside the verdict: a display name that shows an official address while
//! the real one is another, a domain that only looks like an official one, a `Reply-To`
//! that sends answers elsewhere.

use crate::address::{EmailAddress, OFFICIAL_SENDER_DOMAINS};

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdetto {
    /// The address judged, as read.
    pub mittente: Option<String>,
    pub ufficiale: bool,
    /// Why, in the words the visitor reads; the first is the verdict's reason.
    pub motivi: Vec<String>,
}

/// The sender's field, as mail programs name it in English and in Italian.
const FROM: [&str; 3] = ["from", "da", "mittente"];
/// Where answers go.
const REPLY_TO: [&str; 3] = ["reply-to", "rispondi a", "risposta a"];
/// The envelope a PEC provider sends a certified message in: `posta-certificata@…`, the
/// real sender named in the display name as `Per conto di:`.
const PEC_ENVELOPE: &str = "posta-certificata";

fn field<'a>(headers: &'a [(String, String)], names: &[&str]) -> Option<&'a str> {
    headers
        .iter()
        .find(|(name, _)| names.iter().any(|n| name.eq_ignore_ascii_case(n)))
        .map(|(_, value)| value.as_str())
}

/// Judges `text`: an address, `Nome <indirizzo>`, or a header block.
pub fn verifica(text: &str) -> Verdetto {
    let headers = header_fields(text);
    // No sender's field: the first line only (a pasted block's other lines name the
    // recipient, whose address would be judged instead).
    let from =
        field(&headers, &FROM).unwrap_or_else(|| text.trim().lines().next().unwrap_or_default());
    let mut motivi = Vec::new();
    let Some((display, address)) = parse_mailbox(from) else {
        return Verdetto {
            mittente: None,
            ufficiale: false,
            motivi: vec![
                "Non trovo un indirizzo email nel testo: incolla l'indirizzo del mittente (per esempio rinnovi@fondazionecni.it) o le intestazioni del messaggio.".into(),
            ],
        };
    };
    // A certified message: the provider's envelope says on whose behalf it was sent. Only
    // an envelope's name is read so; any other sender may write "Per conto di" too.
    let envelope = address
        .as_str()
        .split_once('@')
        .is_some_and(|(local, _)| local == PEC_ENVELOPE);
    let on_behalf = display
        .as_deref()
        .filter(|_| envelope)
        .and_then(|d| d.split_once("Per conto di:").map(|(_, rest)| rest))
        .and_then(|rest| parse_mailbox(rest).map(|(_, a)| a));
    let judged = on_behalf.clone().unwrap_or_else(|| address.clone());
    let domain = judged.domain().to_owned();
    let ufficiale = OFFICIAL_SENDER_DOMAINS.contains(&domain.as_str());
    if ufficiale {
        motivi.push(format!(
            "Il dominio «{domain}» è uno dei tre da cui arrivano gli avvisi di rinnovo: {}.",
            official_list()
        ));
    } else {
        motivi.push(format!(
            "Il dominio «{domain}» non è tra quelli da cui arrivano gli avvisi di rinnovo ({}): il messaggio non viene dalla Fondazione CNI. Non pagare e non aprire i collegamenti che contiene.",
            official_list()
        ));
        if let Some(official) = looks_like_official(&domain) {
            motivi.push(format!(
                "Attenzione: «{domain}» somiglia a «{official}» ma è un altro dominio."
            ));
        }
    }
    if let Some(behalf) = &on_behalf {
        motivi.push(format!(
            "È un messaggio di posta certificata inviato per conto di {}.",
            behalf.as_str()
        ));
    }
    // A trick that makes an official domain not enough.
    let mut tricked = false;
    // An official address shown in the name while the real one is another.
    if let Some(shown) = display.as_deref().and_then(address_in) {
        let official_shown = OFFICIAL_SENDER_DOMAINS.contains(&shown.domain());
        if official_shown && shown != judged && on_behalf.is_none() {
            tricked = true;
            motivi.push(format!(
                "Il nome del mittente mostra «{}», ma l'indirizzo da cui arriva è «{}»: è un trucco per sembrare ufficiale.",
                shown.as_str(),
                judged.as_str()
            ));
        }
    }
    if let Some(reply) = field(&headers, &REPLY_TO)
        .and_then(parse_mailbox)
        .map(|(_, a)| a)
        .filter(|a| !OFFICIAL_SENDER_DOMAINS.contains(&a.domain()))
    {
        tricked = true;
        motivi.push(format!(
            "Le risposte andrebbero a «{}», che non è un indirizzo ufficiale.",
            reply.as_str()
        ));
    }
    let ufficiale = ufficiale && !tricked;
    if ufficiale {
        motivi.push(
            "Il mittente di un messaggio si può falsificare: rinnova e paga solo dalla tua area riservata di PEC Ingegneri, mai da un collegamento ricevuto.".into(),
        );
    }
    Verdetto {
        mittente: Some(judged.as_str().to_owned()),
        ufficiale,
        motivi,
    }
}

fn official_list() -> String {
    OFFICIAL_SENDER_DOMAINS
        .iter()
        .map(|d| format!("@{d}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fields of a header block (`Name: value`, continuation lines unfolded); none when
/// the text is not one.
fn header_fields(text: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        // A field's name: letters, digits, hyphens, and in Italian programs spaces
        // ("Rispondi a").
        if let Some((name, value)) = line.split_once(':')
            && name.len() <= 20
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b' ')
        {
            fields.push((name.to_owned(), value.trim().to_owned()));
        }
    }
    fields
}

/// `Nome <indirizzo>` or a bare address: the display name (if any) and the address.
fn parse_mailbox(text: &str) -> Option<(Option<String>, EmailAddress)> {
    let text = text.trim();
    if let (Some(open), Some(close)) = (text.rfind('<'), text.rfind('>'))
        && open < close
    {
        let address = EmailAddress::parse(text[open + 1..close].trim()).ok()?;
        let display = text[..open].trim().trim_matches('"').trim();
        return Some(((!display.is_empty()).then(|| display.to_owned()), address));
    }
    address_in(text).map(|a| (None, a))
}

/// The first email address among the words of `text`.
fn address_in(text: &str) -> Option<EmailAddress> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | ',' | ';' | '(' | ')'))
        .filter(|w| w.contains('@'))
        .find_map(|w| EmailAddress::parse(w.trim_matches(|c: char| c == '.' || c == '\'')).ok())
}

/// The official domain `domain` imitates, if it does: its name inside another domain (a
/// subdomain, a longer name), or its letters with hyphens or other separators.
fn looks_like_official(domain: &str) -> Option<&'static str> {
    let letters = |d: &str| -> String { d.chars().filter(char::is_ascii_alphanumeric).collect() };
    OFFICIAL_SENDER_DOMAINS.iter().copied().find(|official| {
        let stem = official.split('.').next().unwrap_or(official);
        domain.contains(stem) || letters(domain).contains(&letters(official))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_official_address_is_official() {
        for sender in [
            "rinnovi@fondazionecni.it",
            "Fondazione CNI <avvisi@fondazionecni.org>",
            "  NOREPLY@INGPEC.EU ",
        ] {
            let v = verifica(sender);
            assert!(v.ufficiale, "{sender}: {v:?}");
            assert!(v.motivi[0].contains("è uno dei tre"));
        }
    }

    #[test]
    fn lookalikes_and_others_are_not_and_say_why() {
        let v = verifica("rinnovi@fondazionecni.it.example.com");
        assert!(!v.ufficiale);
        assert!(v.motivi[0].contains("non è tra quelli"), "{v:?}");
        assert!(
            v.motivi
                .iter()
                .any(|m| m.contains("somiglia a «fondazionecni.it»"))
        );
        let v = verifica("PEC <scadenze@ingpec-eu.com>");
        assert!(!v.ufficiale);
        assert!(
            v.motivi
                .iter()
                .any(|m| m.contains("somiglia a «ingpec.eu»")),
            "{v:?}"
        );
        assert!(!verifica("mario@gmail.com").ufficiale);
        let v = verifica("niente da vedere");
        assert_eq!(v.mittente, None);
        assert!(v.motivi[0].contains("Non trovo un indirizzo"));
    }

    #[test]
    fn a_header_block_is_judged_by_its_from_with_its_tricks_named() {
        let headers = "Return-Path: <bounce@mailer.example>\nFrom: \"rinnovi@fondazionecni.it\"\n <pagamenti@rinnovo-pec.com>\nReply-To: incassi@rinnovo-pec.com\nSubject: La tua PEC scade\n";
        let v = verifica(headers);
        assert!(!v.ufficiale);
        assert_eq!(v.mittente.as_deref(), Some("pagamenti@rinnovo-pec.com"));
        assert!(
            v.motivi
                .iter()
                .any(|m| m.contains("Il nome del mittente mostra «rinnovi@fondazionecni.it»")),
            "{v:?}"
        );
        assert!(
            v.motivi
                .iter()
                .any(|m| m.contains("Le risposte andrebbero a «incassi@rinnovo-pec.com»"))
        );
    }

    #[test]
    fn an_italian_header_block_is_judged_by_its_sender_not_its_recipient() {
        let v = verifica(
            "Da: Rinnovi <rinnovi@truffa.com>\nA: Mario Rossi <mario.rossi@ingpec.eu>\nOggetto: La PEC scade",
        );
        assert!(!v.ufficiale, "{v:?}");
        assert_eq!(v.mittente.as_deref(), Some("rinnovi@truffa.com"));
        let v = verifica("Rinnovi <rinnovi@truffa.com>\nMario Rossi <mario.rossi@ingpec.eu>");
        assert_eq!(
            v.mittente.as_deref(),
            Some("rinnovi@truffa.com"),
            "the first line"
        );
        let v = verifica("Mittente: avvisi@fondazionecni.it\nRispondi a: pagamenti@truffa.com");
        assert!(!v.ufficiale, "answers go elsewhere: {v:?}");
    }

    #[test]
    fn per_conto_di_is_believed_only_from_a_certified_envelope() {
        let forged = verifica("From: \"Per conto di: avvisi@ingpec.eu\" <pagamenti@truffa.com>");
        assert!(!forged.ufficiale, "{forged:?}");
        assert_eq!(forged.mittente.as_deref(), Some("pagamenti@truffa.com"));
        assert!(
            forged
                .motivi
                .iter()
                .any(|m| m.contains("Il nome del mittente mostra"))
        );
    }

    #[test]
    fn a_certified_message_is_judged_by_whom_it_was_sent_for() {
        let official =
            verifica("From: \"Per conto di: avvisi@ingpec.eu\" <posta-certificata@pec.aruba.it>");
        assert!(official.ufficiale, "{official:?}");
        assert_eq!(official.mittente.as_deref(), Some("avvisi@ingpec.eu"));
        let other = verifica(
            "From: \"Per conto di: rinnovi@pec-rinnovi.it\" <posta-certificata@pec.aruba.it>",
        );
        assert!(!other.ufficiale);
        assert!(other.motivi.iter().any(|m| m.contains("posta certificata")));
    }
}
