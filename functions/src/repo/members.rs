//! Members: anagrafica, Albo record, recovery contacts and the mailbox, in one item keyed
//! by the codice fiscale as issued; GSI1 files it under the member's current Ordine, so a
//! transfer moves it between panels in the same write. Changes are written through the
//! unit of work ([`super::unit_of_work::Change`]), which also chains the audit.

use futures::{Stream, stream};
use serde::{Deserialize, Serialize};
use shared::access::Standing;
use shared::address::EmailAddress;
use shared::audit::AuditTarget;
use shared::codice_fiscale::CodiceFiscale;
use shared::contratto::PassoAccettato;
use shared::lifecycle::{AlboStatus, CausaCancellazione, Mailbox, MailboxStatus};
use shared::member::{AlboRecord, Anagrafica, RecoveryContacts};
use shared::province::OrdineCode;

use super::Versioned;
use super::unit_of_work::Audited;
use crate::outbox::provider::Titolare;
use crate::store::{Index, Item, ItemStore, Page, Query, SortKey, StoreError, keys};

/// Members read at once when going through a whole Ordine.
const PAGE: usize = 1000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub anagrafica: Anagrafica,
    pub albo: AlboRecord,
    #[serde(default)]
    pub recovery: RecoveryContacts,
    #[serde(default)]
    pub mailbox: Option<Mailbox>,
    /// The steps of his first access, each with its time and the text it was taken on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub primo_accesso: Vec<PassoAccettato>,
    /// The last diffida his Ordine sent him about the domicilio digitale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diffida: Option<shared::domicilio::Diffida>,
    /// When the newest provider's event applied to his mailbox happened: an older one
    /// arriving late changes nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evento_gestore_il: Option<chrono::DateTime<chrono::Utc>>,
    /// The hash of the newest audit entry of this member (the chain's head).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<String>,
}

impl MemberRecord {
    /// A member as the Albo first gives him.
    pub fn new(anagrafica: Anagrafica, albo: AlboRecord) -> Self {
        Self {
            anagrafica,
            albo,
            recovery: RecoveryContacts::default(),
            mailbox: None,
            primo_accesso: Vec::new(),
            diffida: None,
            evento_gestore_il: None,
            audit_head: None,
        }
    }

    pub fn cf(&self) -> &CodiceFiscale {
        &self.anagrafica.codice_fiscale
    }

    /// Where he stands now, which decides who may see him.
    pub fn standing(&self) -> Standing {
        Standing {
            ordine: self.albo.ordine,
            stato: self.albo.stato,
        }
    }

    pub fn has_open_mailbox(&self) -> bool {
        self.mailbox.as_ref().is_some_and(|m| m.status.is_open())
    }
}

impl Audited for MemberRecord {
    fn target(&self) -> AuditTarget {
        AuditTarget::Member(self.cf().clone())
    }

    fn audit_head(&self) -> Option<&str> {
        self.audit_head.as_deref()
    }

    fn set_audit_head(&mut self, head: String) {
        self.audit_head = Some(head);
    }

    /// A deceased holder with an open mailbox is also in the Fondazione's queue of deaths,
    /// until the mailbox closes; a living holder's blocked mailbox in the queue of blocked
    /// ones, until it is unblocked or closed.
    fn item(&self, version: u64) -> Result<Item, StoreError> {
        let a = &self.anagrafica;
        let item = Item::new(keys::member(&a.codice_fiscale), keys::MEMBER, self)?
            .with_gsi1(keys::member_in_ordine(
                self.albo.ordine,
                &a.cognome,
                &a.nome,
                &a.codice_fiscale,
            ))
            .with_version(version);
        Ok(match self.albo.stato {
            AlboStatus::Cancellato {
                dal,
                causa: CausaCancellazione::Decesso,
            } if self.has_open_mailbox() => item.with_gsi2(keys::decesso(dal, &a.codice_fiscale)),
            _ if self
                .mailbox
                .as_ref()
                .is_some_and(|m| m.status == MailboxStatus::Bloccata) =>
            {
                item.with_gsi2(keys::bloccata(&a.codice_fiscale))
            }
            _ => item,
        })
    }

    fn mailbox(&self) -> Option<&Mailbox> {
        self.mailbox.as_ref()
    }

    fn set_mailbox(&mut self, mailbox: Mailbox) {
        self.mailbox = Some(mailbox);
    }

    fn titolare(&self) -> Titolare {
        let a = &self.anagrafica;
        Titolare::Persona {
            nome: a.nome.clone(),
            cognome: a.cognome.clone(),
            codice_fiscale: a.codice_fiscale.clone(),
            indirizzo: a.indirizzo.clone(),
            comune: a.comune.clone(),
            provincia: a.provincia.clone(),
            cap: a.cap.as_str().to_owned(),
            email: a.email.clone(),
            telefono: a.telefono.clone(),
            recupero: self.recovery.clone(),
        }
    }

    fn recovery_email(&self) -> Option<&EmailAddress> {
        self.recovery.email.as_ref()
    }
}

/// The living holders whose mailbox is blocked, by codice fiscale, a page at a time.
pub fn blocked(limit: usize) -> Query {
    Query::new(Some(Index::Gsi2), keys::BLOCCATE_QUEUE, SortKey::All).limit(limit)
}

/// The deceased holders whose mailbox is open, oldest death first, a page at a time.
pub fn deaths(limit: usize) -> Query {
    Query::new(Some(Index::Gsi2), keys::DECESSI_QUEUE, SortKey::All).limit(limit)
}

pub async fn get(
    store: &dyn ItemStore,
    cf: &CodiceFiscale,
) -> Result<Option<Versioned<MemberRecord>>, StoreError> {
    super::get_versioned(store, &keys::member(cf)).await
}

pub fn decode_page(
    page: Page,
) -> Result<(Vec<Versioned<MemberRecord>>, Option<String>), StoreError> {
    let members = page
        .items
        .iter()
        .map(Versioned::decode)
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((members, page.cursor))
}

/// Every member now in `ordine`, a page at a time (overview, export, the domicilio duty).
pub fn pages_in_ordine(
    store: &dyn ItemStore,
    ordine: OrdineCode,
) -> impl Stream<Item = Result<Vec<Versioned<MemberRecord>>, StoreError>> + '_ {
    pages_where(store, in_ordine(ordine, None), |_| true)
}

/// The members now in `ordine` who have a mailbox, a page at a time (the verifica). The
/// others, most of a national Albo, are left out by the embedded store's index of holders,
/// and passed over before they are decoded on DynamoDB.
pub fn holders_in_ordine(
    store: &dyn ItemStore,
    ordine: OrdineCode,
) -> impl Stream<Item = Result<Vec<Versioned<MemberRecord>>, StoreError>> + '_ {
    let holders = in_ordine(ordine, None).only_with(MAILBOX);
    // An item that cannot be read is kept: decoding the page reports it.
    pages_where(store, holders, |item| {
        !matches!(
            item.decode::<MailboxField>(),
            Ok(MailboxField { mailbox: None })
        )
    })
}

/// The member record's field of his mailbox.
const MAILBOX: &str = "mailbox";

/// Whether a member item has a mailbox, read without decoding the rest of it.
#[derive(serde::Deserialize)]
struct MailboxField {
    #[serde(default)]
    mailbox: Option<serde::de::IgnoredAny>,
}

/// The members `query` finds whose item passes `keep`, decoded, a page at a time.
fn pages_where(
    store: &dyn ItemStore,
    query: Query,
    keep: fn(&crate::store::Item) -> bool,
) -> impl Stream<Item = Result<Vec<Versioned<MemberRecord>>, StoreError>> + '_ {
    let query = query.limit(PAGE);
    // The state is the next page's cursor, `None` once the last page is read.
    stream::try_unfold(Some(None), move |cursor: Option<Option<String>>| {
        let query = query.clone();
        async move {
            let Some(cursor) = cursor else {
                return Ok(None);
            };
            let mut page = store.query(&query.after(cursor)).await?;
            page.items.retain(keep);
            let (records, next) = decode_page(page)?;
            Ok(Some((records, next.map(Some))))
        }
    })
}

/// The members currently in `ordine`, by surname, optionally those whose surname starts
/// with `cognome`.
pub fn in_ordine(ordine: OrdineCode, cognome: Option<&str>) -> Query {
    Query::new(
        Some(Index::Gsi1),
        keys::ordine_members(ordine),
        SortKey::BeginsWith(keys::members_by_surname(cognome.unwrap_or_default())),
    )
}
