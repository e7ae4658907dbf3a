//! The app's address space, shared by the app, its loader and the browser tests: every path
//! in one place, and the area each belongs to. The app is built as one bundle per area,
//! loaded only when the area is entered, so the public pages never download the panels.

use crate::access::Role;

/// A part of the app with its own bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Area {
    /// The plans and the quote: for anyone.
    Pubblico,
    /// The login, local or hosted; and the sender check, a public page that fits this
    /// small bundle better than the plans' (which stays within its first-load budget).
    Accesso,
    /// The member's reserved area.
    Iscritto,
    /// The secretariat's panel (and a member's page, for the Fondazione too).
    Ordine,
    /// The Fondazione's console.
    Fondazione,
}

impl Area {
    pub const ALL: [Area; 5] = [
        Area::Pubblico,
        Area::Accesso,
        Area::Iscritto,
        Area::Ordine,
        Area::Fondazione,
    ];

    /// The area a path belongs to.
    pub fn of(path: &str) -> Area {
        let under = |prefix: &str| {
            path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/') || rest.starts_with('?'))
        };
        if under(path::ACCESSO)
            || under(path::VERIFICA_MITTENTE)
            || under(path::RICHIESTA_PEC)
            || under(path::DISDETTA_EREDI)
        {
            Area::Accesso
        } else if under(path::MIA_PEC) {
            Area::Iscritto
        } else if under("/ordine") {
            Area::Ordine
        } else if under(path::FONDAZIONE) {
            Area::Fondazione
        } else {
            Area::Pubblico
        }
    }

    /// The bundle's name (`pkg/{name}.js`) and the prefix the loader matches.
    pub fn bundle(self) -> &'static str {
        match self {
            Area::Pubblico => "pubblico",
            Area::Accesso => "accesso",
            Area::Iscritto => "iscritto",
            Area::Ordine => "ordine",
            Area::Fondazione => "fondazione",
        }
    }

    /// Who may enter it (anyone, for the public area).
    pub fn roles(self) -> &'static [Role] {
        match self {
            Area::Pubblico | Area::Accesso => &[],
            Area::Iscritto => &[Role::Iscritto],
            Area::Ordine => &[Role::Segreteria, Role::Fondazione],
            Area::Fondazione => &[Role::Fondazione, Role::Albo],
        }
    }
}

/// Where each role starts.
pub fn home(role: Role) -> &'static str {
    match role {
        Role::Iscritto => path::MIA_PEC,
        Role::Segreteria => path::ORDINE_ISCRITTI,
        Role::Fondazione => path::FONDAZIONE,
        Role::Albo => path::FONDAZIONE_ALBO,
    }
}

/// Every path of the app.
pub mod path {
    pub const HOME: &str = "/";
    pub const PIANI: &str = "/piani";
    pub const VERIFICA_MITTENTE: &str = "/verifica-mittente";
    pub const ASSISTENZA: &str = "/assistenza";
    pub const RICHIESTA_PEC: &str = "/richiesta-pec";
    pub const DISDETTA_EREDI: &str = "/disdetta-eredi";
    pub const ACCESSO: &str = "/accesso";
    pub const ACCESSO_CALLBACK: &str = "/accesso/callback";
    pub const MIA_PEC: &str = "/mia-pec";
    pub const MIA_PEC_DATI: &str = "/mia-pec/dati";
    pub const MIA_PEC_RECUPERO: &str = "/mia-pec/recupero";
    pub const MIA_PEC_PIANI: &str = "/mia-pec/piani";
    pub const MIA_PEC_STORICO: &str = "/mia-pec/storico";
    pub const MIA_PEC_PRIMO_ACCESSO: &str = "/mia-pec/primo-accesso";
    pub const MIA_PEC_ORDINI: &str = "/mia-pec/ordini";
    pub const MIA_PEC_DISDETTA: &str = "/mia-pec/disdetta";
    pub const MIA_PEC_FIRMA: &str = "/mia-pec/firma";
    pub const ORDINE_ISCRITTI: &str = "/ordine/iscritti";
    pub const ORDINE_ATTIVAZIONI: &str = "/ordine/attivazioni";
    pub const ORDINE_CASELLA: &str = "/ordine/casella";
    pub const ORDINE_PROFILO: &str = "/ordine/profilo";
    pub const ORDINE_DOMICILIO: &str = "/ordine/domicilio";
    pub const ORDINE_RICHIESTE: &str = "/ordine/richieste";
    pub const ORDINE_FIRME: &str = "/ordine/firme";
    pub const FONDAZIONE: &str = "/fondazione";
    pub const FONDAZIONE_ISCRITTI: &str = "/fondazione/iscritti";
    pub const FONDAZIONE_ALBO: &str = "/fondazione/albo";
    pub const FONDAZIONE_REGISTRO: &str = "/fondazione/registro";
    pub const FONDAZIONE_CONTRATTI: &str = "/fondazione/contratti";
    pub const FONDAZIONE_ORDINI: &str = "/fondazione/ordini";
    pub const FONDAZIONE_DISDETTE: &str = "/fondazione/disdette";
    pub const FONDAZIONE_DECESSI: &str = "/fondazione/decessi";
    pub const FONDAZIONE_COMANDI: &str = "/fondazione/comandi";
    pub const FONDAZIONE_BLOCCATE: &str = "/fondazione/bloccate";
    pub const FONDAZIONE_RICHIESTE: &str = "/fondazione/richieste";
    pub const FONDAZIONE_FIRME: &str = "/fondazione/firme";
    pub const FONDAZIONE_LISTINO: &str = "/fondazione/listino";
    pub const FONDAZIONE_PANNELLO: &str = "/fondazione/pannello";

    /// One of the holder's orders.
    pub fn ordine_acquisto(id: &str) -> String {
        format!("{MIA_PEC_ORDINI}/{id}")
    }

    /// A member's page.
    pub fn iscritto(codice_fiscale: &str) -> String {
        format!("{ORDINE_ISCRITTI}/{codice_fiscale}")
    }

    /// The login, coming back to `next` after it.
    pub fn accesso_poi(next: &str) -> String {
        let mut url = String::from(ACCESSO);
        if next != super::path::HOME && !next.is_empty() {
            url.push_str("?next=");
            url.push_str(&super::encode(next));
        }
        url
    }

    /// `next` if it is a path of this app (never another site: `//evil`, `https://…`).
    /// Printable ASCII only, no backslash: browsers drop tabs and newlines from a URL and
    /// read `\\` as `/`, so `/\t/evil` or `/\\evil` would become `//evil`.
    pub fn safe_next(next: &str) -> Option<&str> {
        let ok = next.starts_with('/')
            && !next.starts_with("//")
            && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
        ok.then_some(next)
    }

    /// Where a login of `role` goes on to: `next` when it is safe and of an area the role
    /// enters, else the role's own area.
    pub fn after_login(role: super::Role, next: Option<&str>) -> &str {
        next.and_then(safe_next)
            .filter(|next| {
                let area = super::Area::of(next);
                area != super::Area::Accesso
                    && (area.roles().is_empty() || area.roles().contains(&role))
            })
            .unwrap_or_else(|| super::home(role))
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved kept; `/` kept for paths).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_has_its_area() {
        assert_eq!(Area::of("/"), Area::Pubblico);
        assert_eq!(Area::of(path::ACCESSO_CALLBACK), Area::Accesso);
        assert_eq!(Area::of(path::PIANI), Area::Pubblico);
        assert_eq!(Area::of(path::VERIFICA_MITTENTE), Area::Accesso);
        assert_eq!(Area::of(path::RICHIESTA_PEC), Area::Accesso);
        assert_eq!(Area::of(path::DISDETTA_EREDI), Area::Accesso);
        assert_eq!(Area::of(path::MIA_PEC), Area::Iscritto);
        assert_eq!(Area::of(path::MIA_PEC_STORICO), Area::Iscritto);
        assert_eq!(Area::of(&path::iscritto("RSSMRA85T10A562S")), Area::Ordine);
        assert_eq!(Area::of(path::FONDAZIONE), Area::Fondazione);
        assert_eq!(Area::of(path::FONDAZIONE_REGISTRO), Area::Fondazione);
        assert_eq!(Area::of("/mia-pecora"), Area::Pubblico);
        assert_eq!(Area::of("/ordinee"), Area::Pubblico);
        for role in [
            Role::Iscritto,
            Role::Segreteria,
            Role::Fondazione,
            Role::Albo,
        ] {
            assert!(Area::of(home(role)).roles().contains(&role), "{role:?}");
        }
    }

    #[test]
    fn the_deep_link_comes_back_and_never_leaves_the_site() {
        assert_eq!(
            path::accesso_poi("/mia-pec/dati?x=1"),
            "/accesso?next=/mia-pec/dati%3Fx%3D1"
        );
        assert_eq!(path::accesso_poi("/"), "/accesso");
        assert_eq!(
            path::safe_next("/ordine/iscritti"),
            Some("/ordine/iscritti")
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\t\\evil.example",
            " //evil.example",
            "javascript:x",
        ] {
            assert_eq!(path::safe_next(bad), None, "{bad:?}");
        }
        // A page of the caller's areas, or his home.
        assert_eq!(
            path::after_login(Role::Segreteria, Some("/ordine/iscritti?q=rossi")),
            "/ordine/iscritti?q=rossi"
        );
        assert_eq!(path::after_login(Role::Iscritto, Some("/piani")), "/piani");
        assert_eq!(
            path::after_login(Role::Iscritto, Some("/fondazione")),
            home(Role::Iscritto)
        );
        assert_eq!(
            path::after_login(Role::Iscritto, Some("/accesso")),
            home(Role::Iscritto)
        );
        assert_eq!(
            path::after_login(Role::Fondazione, Some("//evil.example")),
            home(Role::Fondazione)
        );
    }
}
