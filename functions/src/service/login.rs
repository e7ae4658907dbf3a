//! The local server's login with its own accounts (on AWS, Cognito's hosted login). Every
//! attempt is counted before its password is checked (`repo::login_attempts`), an unknown
//! username costs one password check like a known one, and the check runs on the blocking
//! pool, not on the async executor.

use chrono::{DateTime, Utc};
use shared::access::Caller;
use thiserror::Error;

use crate::repo::accounts::{self, Account};
use crate::repo::login_attempts::{self, Admission};
use crate::store::{ItemStore, StoreError};

#[derive(Debug, Error)]
pub enum LoginError {
    /// This deployment has no local accounts.
    #[error("no local login here")]
    NotHere,
    #[error("Nome utente o password non corretti.")]
    Wrong,
    #[error(
        "Troppi tentativi non riusciti: per sicurezza l'accesso con questo nome utente è sospeso. Riprova tra {minutes} minuti.",
        minutes = ((*.until - *.now).num_seconds() + 59) / 60
    )]
    Locked {
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password check: {0}")]
    Hashing(#[from] tokio::task::JoinError),
}

/// The caller the account stands for, if `password` is its password.
pub async fn authenticate(
    store: &dyn ItemStore,
    username: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Caller, LoginError> {
    let (version, locks_until) = match login_attempts::admit(store, username, now).await? {
        Admission::Admitted {
            version,
            locks_until,
        } => (version, locks_until),
        Admission::Locked { until } => return Err(LoginError::Locked { until, now }),
    };
    let account = accounts::get(store, username).await?;
    let checked = account.clone();
    let password = password.to_owned();
    let ok =
        tokio::task::spawn_blocking(move || accounts::verify(checked.as_ref(), &password)).await?;
    let Some(Account {
        username,
        role,
        codice_fiscale,
        ordine,
        ..
    }) = account.filter(|_| ok)
    else {
        tracing::warn!("failed local login");
        return Err(match locks_until {
            Some(until) => LoginError::Locked { until, now },
            None => LoginError::Wrong,
        });
    };
    login_attempts::forget(store, &username, version).await?;
    tracing::info!(user = %username, "local login");
    Ok(Caller {
        subject: username,
        role,
        codice_fiscale,
        ordine,
    })
}
