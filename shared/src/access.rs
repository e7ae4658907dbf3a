//! Who is calling, and what each role may do. The server checks every request with these
//! rules; the browser uses them only to hide what would be refused anyway.

use serde::{Deserialize, Serialize};

use crate::codice_fiscale::CodiceFiscale;
use crate::province::OrdineCode;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A member engineer: his own mailbox only.
    Iscritto,
    /// One Ordine's staff: the members currently registered in that Ordine.
    Segreteria,
    /// A Fondazione CNI operator: everything.
    Fondazione,
    /// The Albo Unico, system to system: registrations, transfers, cancellations.
    Albo,
}

impl Role {
    pub fn nome(self) -> &'static str {
        match self {
            Role::Iscritto => "Iscritto",
            Role::Segreteria => "Segreteria dell'Ordine",
            Role::Fondazione => "Fondazione CNI",
            Role::Albo => "Albo Unico",
        }
    }
}

/// The authenticated caller.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    /// A stable id of the account (the JWT `sub`).
    pub subject: String,
    pub role: Role,
    /// The member, for an Iscritto.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codice_fiscale: Option<CodiceFiscale>,
    /// The Ordine, for a Segreteria.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordine: Option<OrdineCode>,
}

impl Caller {
    pub fn is_holder(&self, member: &CodiceFiscale) -> bool {
        self.role == Role::Iscritto
            && self
                .codice_fiscale
                .as_ref()
                .is_some_and(|cf| cf.same_person(member))
    }

    /// A secretariat sees the members *currently* registered in its Ordine.
    pub fn can_read_member(&self, member: &CodiceFiscale, current_ordine: OrdineCode) -> bool {
        match self.role {
            Role::Fondazione => true,
            Role::Segreteria => self.ordine == Some(current_ordine),
            Role::Iscritto => self.is_holder(member),
            Role::Albo => false,
        }
    }

    /// Lists, activates and exports in this Ordine.
    pub fn can_manage_ordine(&self, ordine: OrdineCode) -> bool {
        match self.role {
            Role::Fondazione => true,
            Role::Segreteria => self.ordine == Some(ordine),
            Role::Iscritto | Role::Albo => false,
        }
    }

    pub fn can_import_albo(&self) -> bool {
        matches!(self.role, Role::Fondazione | Role::Albo)
    }

    /// Anagrafica and recovery contacts: the holder alone, never a secretariat.
    pub fn can_edit_own_data(&self, member: &CodiceFiscale) -> bool {
        self.is_holder(member)
    }

    pub fn can_read_audit(&self) -> bool {
        self.role == Role::Fondazione
    }

    /// Whose actions the audit log names.
    pub fn actor(&self) -> String {
        match (&self.role, &self.ordine, &self.codice_fiscale) {
            (Role::Segreteria, Some(ordine), _) => format!("segreteria:{ordine}:{}", self.subject),
            (Role::Iscritto, _, Some(cf)) => format!("iscritto:{cf}"),
            (role, _, _) => format!("{}:{}", serde_plain(role), self.subject),
        }
    }
}

fn serde_plain(role: &Role) -> &'static str {
    match role {
        Role::Iscritto => "iscritto",
        Role::Segreteria => "segreteria",
        Role::Fondazione => "fondazione",
        Role::Albo => "albo",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cf(s: &str) -> CodiceFiscale {
        CodiceFiscale::parse(s).unwrap()
    }

    fn caller(role: Role, cf: Option<&str>, ordine: Option<&str>) -> Caller {
        Caller {
            subject: "u1".into(),
            role,
            codice_fiscale: cf.map(|s| CodiceFiscale::parse(s).unwrap()),
            ordine: ordine.map(|o| OrdineCode::parse(o).unwrap()),
        }
    }

    #[test]
    fn each_role_sees_what_it_should() {
        let mario = cf("RSSMRA85T10A562S");
        let mi = OrdineCode::parse("MI").unwrap();
        let rm = OrdineCode::parse("RM").unwrap();
        let segreteria_mi = caller(Role::Segreteria, None, Some("MI"));
        assert!(segreteria_mi.can_read_member(&mario, mi));
        assert!(
            !segreteria_mi.can_read_member(&mario, rm),
            "after a transfer the old Ordine no longer sees him"
        );
        assert!(!segreteria_mi.can_edit_own_data(&mario));
        let holder = caller(Role::Iscritto, Some("RSSMRA85T10A562S"), None);
        assert!(holder.can_read_member(&mario, rm));
        assert!(holder.can_edit_own_data(&mario.omocodic_variant(2)));
        assert!(!holder.can_manage_ordine(mi));
        let fondazione = caller(Role::Fondazione, None, None);
        assert!(fondazione.can_read_member(&mario, rm) && fondazione.can_manage_ordine(rm));
        assert!(!fondazione.can_edit_own_data(&mario));
        let albo = caller(Role::Albo, None, None);
        assert!(albo.can_import_albo() && !albo.can_read_member(&mario, mi));
        assert!(!segreteria_mi.can_import_albo());
    }
}
