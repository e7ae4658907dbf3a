//! The secretariat's panel.

pub mod member;
pub mod members;
