//! A mailer that keeps what it sends in the store, for the local product and the tests:
//! each notice once, under its outbox id.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{MailError, Mailer, Notice};
use crate::store::{Condition, Item, ItemStore, Query, SortKey, StoreError, keys};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentNotice {
    pub id: String,
    pub from: String,
    pub notice: Notice,
}

pub struct SandboxMailer {
    store: Arc<dyn ItemStore>,
    from: String,
}

impl SandboxMailer {
    pub fn new(store: Arc<dyn ItemStore>, from: String) -> Self {
        Self { store, from }
    }

    /// Every notice sent so far, oldest first.
    pub async fn sent(&self) -> Result<Vec<SentNotice>, StoreError> {
        let page = self
            .store
            .query(&Query::new(None, keys::SENT_MAIL, SortKey::All))
            .await?;
        page.items.iter().map(Item::decode).collect()
    }
}

#[async_trait]
impl Mailer for SandboxMailer {
    async fn send(&self, id: &str, notice: &Notice) -> Result<(), MailError> {
        let sent = SentNotice {
            id: id.to_owned(),
            from: self.from.clone(),
            notice: notice.clone(),
        };
        let item = Item::new(keys::sent_mail(id), keys::SENT, &sent)
            .map_err(|e| MailError::Refused(e.to_string()))?;
        match self.store.put(item, Condition::NotExists).await {
            Ok(()) => {
                tracing::info!(id, to = ?notice.to, subject = %notice.subject, "notice sent (sandbox)");
                Ok(())
            }
            // Sent on an earlier attempt.
            Err(StoreError::ConditionFailed) => Ok(()),
            Err(e) => Err(MailError::Unavailable(e.to_string())),
        }
    }
}
