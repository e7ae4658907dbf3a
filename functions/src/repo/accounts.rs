//! Local accounts for the local server's login (production uses Cognito). Passwords are
//! kept as argon2id hashes.

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

impl Account {
    pub fn new(
        username: &str,
        password: &str,
        role: Role,
        codice_fiscale: Option<CodiceFiscale>,
        ordine: Option<OrdineCode>,
    ) -> Self {
        let salt = SaltString::generate(&mut OsRng);
        let password_hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .expect("argon2 hashes any password")
            .to_string();
        Self {
            username: username.trim().to_lowercase(),
            password_hash,
            role,
            codice_fiscale,
            ordine,
        }
    }

    pub fn verify(&self, password: &str) -> bool {
        PasswordHash::new(&self.password_hash)
            .map(|hash| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &hash)
                    .is_ok()
            })
            .unwrap_or(false)
    }
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
