//! Page objects: what a person reads and does on each screen, by `data-testid`.

pub mod login;
pub mod mailbox;
pub mod plans;
pub mod profile;

/// The CSS selector of a `data-testid`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}
