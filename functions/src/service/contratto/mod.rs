//! The holder's contract: the document issued to him, to sign (DOMAIN.md, Lifecycle 2).

pub mod pdf;
