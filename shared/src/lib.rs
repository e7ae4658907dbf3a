//! The PEC Ingegneri domain, pure: no I/O, the same code on the server and in the browser.
//!
//! - [`codice_fiscale`]: the members' identity.
//! - [`address`] and [`text`]: `nome.cognome<.alias>@ingpec.eu` and other addresses.
//! - [`province`]: the provinces and their Ordini.
//! - [`money`] and [`catalog`]: prices, plans, quotes.
//! - [`lifecycle`]: a mailbox from activation to closure.
//! - [`member`]: the Modello Anagrafiche, the Albo record, what may change.
//! - [`access`]: who is calling and what each role may do.
//! - [`api`]: the HTTP API's DTOs and error envelope.

pub mod access;
pub mod address;
pub mod api;
pub mod catalog;
pub mod codice_fiscale;
pub mod lifecycle;
pub mod member;
pub mod money;
pub mod province;
pub mod text;

pub use address::{EmailAddress, LocalPart};
pub use catalog::{Catalog, PlanCode, Quote, QuoteRequest, Space, SpaceArea};
pub use codice_fiscale::CodiceFiscale;
pub use money::Money;
pub use province::OrdineCode;
