//! The secretariat's panel.

pub mod bulk;
pub mod domicilio;
pub mod firme;
pub mod mailbox;
pub mod member;
pub mod members;
pub mod profilo;
pub mod richieste;
