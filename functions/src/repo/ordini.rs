//! An Ordine's own item: the profile its secretariat keeps (the secretariat's email stands
//! in for a member without one) and the Ordine's own mailbox, `ordine.<provincia>@ingpec.eu`,
//! audited as one aggregate.

use serde::{Deserialize, Serialize};
use shared::address::EmailAddress;
use shared::audit::AuditTarget;
use shared::lifecycle::Mailbox;
use shared::ordine::OrdineProfilo;
use shared::province::OrdineCode;

use super::Versioned;
use super::unit_of_work::Audited;
use crate::outbox::provider::Titolare;
use crate::store::{Item, ItemStore, StoreError, keys};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrdineRecord {
    pub ordine: OrdineCode,
    #[serde(default)]
    pub profilo: Option<OrdineProfilo>,
    #[serde(default)]
    pub mailbox: Option<Mailbox>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<String>,
}

impl OrdineRecord {
    pub fn new(ordine: OrdineCode) -> Self {
        Self {
            ordine,
            profilo: None,
            mailbox: None,
            audit_head: None,
        }
    }
}

impl Audited for OrdineRecord {
    fn target(&self) -> AuditTarget {
        AuditTarget::Ordine(self.ordine)
    }

    fn audit_head(&self) -> Option<&str> {
        self.audit_head.as_deref()
    }

    fn set_audit_head(&mut self, head: String) {
        self.audit_head = Some(head);
    }

    fn item(&self, version: u64) -> Result<Item, StoreError> {
        Ok(Item::new(keys::ordine(self.ordine), keys::ORDINE, self)?.with_version(version))
    }

    fn mailbox(&self) -> Option<&Mailbox> {
        self.mailbox.as_ref()
    }

    fn set_mailbox(&mut self, mailbox: Mailbox) {
        self.mailbox = Some(mailbox);
    }

    fn titolare(&self) -> Titolare {
        let profilo = self.profilo.as_ref();
        Titolare::Ordine {
            ordine: self.ordine,
            denominazione: self.ordine.nome(),
            email: profilo.map(|p| p.email_segreteria.clone()),
            telefono: profilo.and_then(|p| p.telefono.clone()),
            indirizzo: profilo.map(|p| p.indirizzo.clone()),
        }
    }

    fn recovery_email(&self) -> Option<&EmailAddress> {
        self.profilo.as_ref().map(|p| &p.email_segreteria)
    }
}

pub async fn get(
    store: &dyn ItemStore,
    ordine: OrdineCode,
) -> Result<Option<Versioned<OrdineRecord>>, StoreError> {
    super::get_versioned(store, &keys::ordine(ordine)).await
}

/// The secretariat's ordinary email, if the Ordine has given it.
pub async fn email_segreteria(
    store: &dyn ItemStore,
    ordine: OrdineCode,
) -> Result<Option<EmailAddress>, StoreError> {
    Ok(get(store, ordine)
        .await?
        .and_then(|o| o.value.profilo.map(|p| p.email_segreteria)))
}
