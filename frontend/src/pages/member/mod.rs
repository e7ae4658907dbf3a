//! The member's reserved area.

pub mod contract;
pub mod history;
pub mod mailbox;
pub mod plans;
pub mod profile;
