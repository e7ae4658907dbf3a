//! The member's reserved area.

pub mod card_payment;
pub mod contract;
pub mod disdetta;
pub mod firma;
pub mod first_access;
pub mod history;
pub mod mailbox;
pub mod orders;
pub mod plans;
pub mod profile;
