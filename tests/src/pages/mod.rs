//! Page objects: what a person reads and does on each screen, by `data-testid`.

pub mod plans;
