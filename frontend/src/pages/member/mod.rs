//! The member's reserved area.

pub mod mailbox;
pub mod profile;
