//! Who is calling, and what each role may do. The server checks every request with these
//! rules; the browser uses them only to hide what would be refused anyway.

use serde::{Deserialize, Serialize};

use crate::audit::Actor;
use crate::codice_fiscale::CodiceFiscale;
use crate::lifecycle::AlboStatus;
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

/// Where a member stands now, as the Albo says: what decides who may see him.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub ordine: OrdineCode,
    pub stato: AlboStatus,
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
    /// The holder is the member whose code is exactly the caller's: an omocodic variant
    /// is another person.
    pub fn is_holder(&self, member: &CodiceFiscale) -> bool {
        self.own_code() == Some(member)
    }

    /// A member caller's own codice fiscale (the one whose data and mailbox he acts on).
    pub fn own_code(&self) -> Option<&CodiceFiscale> {
        match self.role {
            Role::Iscritto => self.codice_fiscale.as_ref(),
            _ => None,
        }
    }

    /// A secretariat sees the members *currently registered* in its Ordine (suspended
    /// ones included); cancelled and deceased members are the Fondazione's.
    pub fn can_read_member(&self, member: &CodiceFiscale, standing: Standing) -> bool {
        match self.role {
            Role::Fondazione => true,
            Role::Segreteria => {
                self.ordine == Some(standing.ordine) && standing.stato.is_registered()
            }
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

    /// Signed contracts the verifier could not decide are the Fondazione's to review.
    pub fn can_review_contracts(&self) -> bool {
        self.role == Role::Fondazione
    }

    /// Disdette are the Fondazione's to carry out (DOMAIN.md, Lifecycle 7).
    pub fn can_decide_disdette(&self) -> bool {
        self.role == Role::Fondazione
    }

    /// The Ordini's activation requests left waiting too long are the Fondazione's to
    /// follow up.
    pub fn can_follow_ordini(&self) -> bool {
        self.role == Role::Fondazione
    }

    /// The catalog's new price lists are the Fondazione's (DOMAIN.md, roles).
    pub fn can_publish_catalog(&self) -> bool {
        self.role == Role::Fondazione
    }

    /// Taking over the current panel's mailboxes is the Fondazione's.
    pub fn can_import_pannello(&self) -> bool {
        self.role == Role::Fondazione
    }

    pub fn can_read_audit(&self) -> bool {
        self.role == Role::Fondazione
    }

    /// Whose actions the audit log names.
    pub fn actor(&self) -> Actor {
        let account = self.subject.clone();
        match (self.role, self.ordine, &self.codice_fiscale) {
            (Role::Segreteria, Some(ordine), _) => Actor::Segreteria { ordine, account },
            (Role::Iscritto, _, Some(cf)) => Actor::Iscritto(cf.clone()),
            (Role::Albo, _, _) => Actor::Albo(account),
            // A Fondazione operator, or an account whose claims lack its Ordine or code
            // (it is refused every write before anything is recorded).
            _ => Actor::Fondazione(account),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::CausaCancellazione;

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

    fn standing(ordine: &str, stato: AlboStatus) -> Standing {
        Standing {
            ordine: OrdineCode::parse(ordine).unwrap(),
            stato,
        }
    }

    #[test]
    fn each_role_sees_what_it_should() {
        let mario = cf("RSSMRA85T10A562S");
        let mi = OrdineCode::parse("MI").unwrap();
        let rm = OrdineCode::parse("RM").unwrap();
        let in_mi = standing("MI", AlboStatus::Iscritto);
        let in_rm = standing("RM", AlboStatus::Iscritto);
        let segreteria_mi = caller(Role::Segreteria, None, Some("MI"));
        assert!(segreteria_mi.can_read_member(&mario, in_mi));
        assert!(
            !segreteria_mi.can_read_member(&mario, in_rm),
            "after a transfer the old Ordine no longer sees him"
        );
        assert!(!segreteria_mi.can_edit_own_data(&mario));
        let holder = caller(Role::Iscritto, Some("RSSMRA85T10A562S"), None);
        assert!(holder.can_read_member(&mario, in_rm));
        assert!(holder.can_edit_own_data(&mario));
        assert!(!holder.can_manage_ordine(mi));
        let fondazione = caller(Role::Fondazione, None, None);
        assert!(fondazione.can_read_member(&mario, in_rm) && fondazione.can_manage_ordine(rm));
        assert!(!fondazione.can_edit_own_data(&mario));
        let albo = caller(Role::Albo, None, None);
        assert!(albo.can_import_albo() && !albo.can_read_member(&mario, in_mi));
        assert!(!segreteria_mi.can_import_albo());
    }

    #[test]
    fn an_omocodic_variant_is_another_person() {
        let mario = cf("RSSMRA85T10A562S");
        let other = mario.omocodic_variant(2);
        let holder = caller(Role::Iscritto, Some(mario.as_str()), None);
        assert!(!holder.is_holder(&other));
        assert!(!holder.can_edit_own_data(&other));
        assert!(!holder.can_read_member(&other, standing("MI", AlboStatus::Iscritto)));
    }

    #[test]
    fn a_secretariat_sees_registered_members_only() {
        let mario = cf("RSSMRA85T10A562S");
        let segreteria = caller(Role::Segreteria, None, Some("MI"));
        let dal = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let sospeso = standing("MI", AlboStatus::Sospeso { dal });
        assert!(
            segreteria.can_read_member(&mario, sospeso),
            "suspended is still registered"
        );
        for causa in [CausaCancellazione::Dimissioni, CausaCancellazione::Decesso] {
            let cancellato = standing("MI", AlboStatus::Cancellato { dal, causa });
            assert!(!segreteria.can_read_member(&mario, cancellato));
            let fondazione = caller(Role::Fondazione, None, None);
            assert!(fondazione.can_read_member(&mario, cancellato));
        }
    }
}
