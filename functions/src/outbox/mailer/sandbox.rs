//! A mailer that keeps what it sends in the store, for the local product and the tests:
//! each notice once, under its outbox id.

use std::sync::Arc;

use async_trait::async_trait;

use super::{MailError, Mailer, Notice};
use crate::repo::sandbox::{self, SentNotice};
use crate::store::{ItemStore, StoreError};

pub struct SandboxMailer {
    store: Arc<dyn ItemStore>,
    from: String,
}

impl SandboxMailer {
    pub fn new(store: Arc<dyn ItemStore>, from: String) -> Self {
        Self { store, from }
    }

    pub async fn sent(&self) -> Result<Vec<SentNotice>, StoreError> {
        sandbox::sent(self.store.as_ref()).await
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
        match sandbox::keep_sent(self.store.as_ref(), &sent).await {
            Ok(true) => {
                tracing::info!(id, to = ?notice.to, subject = %notice.subject, "notice sent (sandbox)");
                Ok(())
            }
            // Sent on an earlier attempt.
            Ok(false) => Ok(()),
            Err(e) => Err(MailError::Unavailable(e.to_string())),
        }
    }
}
