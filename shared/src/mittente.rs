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

/// Judges `text`: an address, `Nome <indirizzo>`, or a header block.
pub fn verifica(text: &str) -> Verdetto {
    let headers = header_fields(text);
    let from = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("from"))
        .map(|(_, value)| value.as_str())
        .unwrap_or(text.trim());
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
    // A certified message: the provider's envelope says on whose behalf it was sent.
    let on_behalf = display
        .as_deref()
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
    // An official address shown in the name while the real one is another.
    if let Some(shown) = display.as_deref().and_then(address_in) {
        let official_shown = OFFICIAL_SENDER_DOMAINS.contains(&shown.domain());
        if official_shown && shown != judged && on_behalf.is_none() {
            motivi.push(format!(
                "Il nome del mittente mostra «{}», ma l'indirizzo da cui arriva è «{}»: è un trucco per sembrare ufficiale.",
                shown.as_str(),
                judged.as_str()
            ));
        }
    }
    if let Some(reply) = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("reply-to"))
        .and_then(|(_, value)| parse_mailbox(value))
        .map(|(_, a)| a)
        .filter(|a| !OFFICIAL_SENDER_DOMAINS.contains(&a.domain()))
    {
        motivi.push(format!(
            "Le risposte andrebbero a «{}», che non è un indirizzo ufficiale.",
            reply.as_str()
        ));
    }
    Verdetto {
        mittente: Some(judged.as_str().to_owned()),
        ufficiale: ufficiale && !motivi.iter().any(|m| m.starts_with("Il nome del mittente")),
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
        if let Some((name, value)) = line.split_once(':')
            && !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
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
