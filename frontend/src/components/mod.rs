//! Widgets shared by pages.

pub mod alert;
pub mod csv_upload;
pub mod download;
pub mod layout;
pub mod loaded;
pub mod member_table;
pub mod quote_table;
