//! The member's reserved area.

pub mod mailbox;
