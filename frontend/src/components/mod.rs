//! Widgets shared by pages.

pub mod alert;
pub mod layout;
pub mod quote_table;
