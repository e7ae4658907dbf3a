//! Folding of people's and places' names into the ASCII letters that addresses use.
//!
//! Transliteration is deunicode's (accents dropped, other scripts romanised), so
//! `Niccolò` becomes `niccolo` and `Ærø` becomes `aero`; then everything that is not a
//! letter (spaces, apostrophes, hyphens, dots) is removed, which merges double names:
//! `De Santis` → `desantis`, `D'Angelo` → `dangelo`.

use deunicode::deunicode;

/// Lower-case ASCII letters of `name`, in order, nothing else.
pub fn fold_letters(name: &str) -> String {
    deunicode(name)
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fold_letters;

    #[test]
    fn folds_accents_and_merges_parts() {
        assert_eq!(fold_letters("De Santis"), "desantis");
        assert_eq!(fold_letters("D'Angelo"), "dangelo");
        assert_eq!(fold_letters("Maria Grazia"), "mariagrazia");
        assert_eq!(fold_letters("Niccolò"), "niccolo");
        assert_eq!(fold_letters("Forlì-Cesena"), "forlicesena");
        assert_eq!(fold_letters("Müller-Lüdenscheidt"), "mullerludenscheidt");
        assert_eq!(fold_letters("Straße"), "strasse");
        assert_eq!(fold_letters("Łukasz Żółć"), "lukaszzolc");
        assert_eq!(fold_letters("Σωκράτης"), "sokrates");
        assert_eq!(fold_letters("  "), "");
    }
}
