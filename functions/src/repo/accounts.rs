//! Local accounts for the local server's login (production uses Cognito). Passwords are
//! kept as argon2id hashes.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};
use shared::access::Role;
use shared::codice_fiscale::CodiceFiscale;
use shared::province::OrdineCode;

use crate::store::{Condition, Item, ItemStore, StoreError, WriteOp, keys};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub codice_fiscale: Option<CodiceFiscale>,
    pub ordine: Option<OrdineCode>,
}

fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password")
        .to_string()
}

/// A hash made like every account's, checked when the username is unknown, so that an
/// unknown username costs what a known one costs and timing does not tell them apart.
static DECOY: LazyLock<String> = LazyLock::new(|| hash("decoy password, never an account's"));

impl Account {
    pub fn new(
        username: &str,
        password: &str,
        role: Role,
        codice_fiscale: Option<CodiceFiscale>,
        ordine: Option<OrdineCode>,
    ) -> Self {
        Self {
            username: username.trim().to_lowercase(),
            password_hash: hash(password),
            role,
            codice_fiscale,
            ordine,
        }
    }
}

/// Whether `password` is `account`'s: exactly one password check, against the decoy when
/// there is no account (slow by design: call it off the async executor).
pub fn verify(account: Option<&Account>, password: &str) -> bool {
    let stored = account.map_or(DECOY.as_str(), |a| &a.password_hash);
    let matches = PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    });
    matches && account.is_some()
}

pub fn create(account: &Account) -> Result<WriteOp, StoreError> {
    Ok(WriteOp::Put(
        Item::new(keys::account(&account.username), keys::ACCOUNT, account)?,
        Condition::NotExists,
    ))
}

pub async fn get(store: &dyn ItemStore, username: &str) -> Result<Option<Account>, StoreError> {
    store
        .get(&keys::account(username))
        .await?
        .map(|i| i.decode())
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decoy_costs_what_an_account_costs() {
        let account = Account::new("mario", "secret", Role::Fondazione, None, None);
        let params = |h: &str| {
            let parsed = PasswordHash::new(h).unwrap();
            (
                parsed.algorithm.to_string(),
                parsed.version,
                parsed
                    .params
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(params(&DECOY), params(&account.password_hash));
        assert!(verify(Some(&account), "secret"));
        assert!(!verify(Some(&account), "wrong"));
        assert!(!verify(None, "decoy password, never an account's"));
    }
}
