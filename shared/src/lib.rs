//! The PEC Ingegneri domain, pure: no I/O, the same code on the server and in the browser.
//!
//! - [`codice_fiscale`]: the members' identity.
//! - [`address`] and [`text`]: `nome.cognome<.alias>@ingpec.eu` and other addresses.
//! - [`province`]: the provinces and their Ordini; [`ordine`]: an Ordine's own profile.
//! - [`money`] and [`catalog`]: prices, plans, quotes.
//! - [`lifecycle`]: a mailbox from activation to closure.
//! - [`member`]: the Modello Anagrafiche, the Albo record, what may change.
//! - [`access`]: who is calling and what each role may do.
//! - [`audit`]: the tamper-evident audit log: who changed what, before and after.
//! - [`api`]: the HTTP API's DTOs and error envelope.
//! - [`ui`]: the app's paths and areas (one bundle each), shared with the browser tests.
//! - [`csv`]: cells that spreadsheets will not run as formulas.
//! - [`disdetta`], [`domicilio`], [`richiesta`]: leaving, the domicilio duty, asking for a mailbox.
//! - [`firma_digitale`]: the digital-signature convention (CNSCNI18, FRCNI25).

pub mod access;
pub mod address;
pub mod api;
pub mod audit;
pub mod catalog;
pub mod codice_fiscale;
pub mod contratto;
pub mod csv;
pub mod disdetta;
pub mod documento;
pub mod domicilio;
pub mod fattura;
pub mod firma;
pub mod firma_digitale;
pub mod lifecycle;
pub mod member;
pub mod mittente;
pub mod money;
pub mod order;
pub mod ordine;
pub mod pannello;
pub mod province;
pub mod richiesta;
pub mod serde_name;
pub mod text;
pub mod ui;

pub use address::{EmailAddress, LocalPart};
pub use catalog::{Catalog, PlanCode, Quote, QuoteRequest, Space, SpaceArea};
pub use codice_fiscale::CodiceFiscale;
pub use money::Money;
pub use province::OrdineCode;
