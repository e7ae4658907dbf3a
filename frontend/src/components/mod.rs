//! Widgets shared by pages.

pub mod alert;
pub mod csv_upload;
pub mod decision;
pub mod document_field;
pub mod download;
pub mod firma_facts;
pub mod form;
pub mod guard;
pub mod icon;
pub mod layout;
pub mod loaded;
pub mod member_table;
pub mod on_demand;
pub mod ordine_select;
pub mod page;
pub mod queue;
pub mod quote_table;
pub mod request_facts;
pub mod scroll_table;
pub mod timeline;
