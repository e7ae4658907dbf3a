//! One module per screen.

pub mod assistance;
pub mod fondazione;
pub mod heirs;
pub mod login;
pub mod member;
pub mod not_found;
pub mod ordine;
pub mod plans;
pub mod request;
pub mod sender;
