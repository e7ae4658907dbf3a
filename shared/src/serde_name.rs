//! The names serde gives a unit enum's variants, for where a value travels as plain
//! text: a URL's query, a form's option, a token's claim.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The name `value` has in the API; empty for a value serde does not write as a string.
pub fn of(value: impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// The value named `name` (spaces around it ignored), if there is one.
pub fn parse<T: DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.trim().to_owned())).ok()
}

#[cfg(test)]
mod tests {
    use crate::access::Role;
    use crate::catalog::PlanCode;

    #[test]
    fn a_value_goes_by_its_serde_name_and_back() {
        assert_eq!(super::of(PlanCode::Avanzata), "avanzata");
        assert_eq!(super::parse(" avanzata "), Some(PlanCode::Avanzata));
        assert_eq!(super::parse::<PlanCode>("Avanzata"), None);
        assert_eq!(super::parse::<Role>(""), None);
        // Not a name: nothing.
        assert_eq!(super::of(3), "");
    }
}
