//! `pattern` on caller inputs: each pattern compiled once per process, on first use.
//!
//! The code generator has compiled every pattern with the same engine already, so a pattern
//! that does not compile here only comes from a hand-written spec; it then matches nothing
//! rather than failing the request with a server error.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use regex_lite::Regex;

type Compiled = HashMap<&'static str, Option<Arc<Regex>>>;

/// Whether `text` contains a match of `pattern` (JSON Schema semantics: a search, anchored
/// only where the pattern says `^` or `$`).
pub fn matches(pattern: &'static str, text: &str) -> bool {
    static COMPILED: OnceLock<Mutex<Compiled>> = OnceLock::new();
    let compiled = COMPILED.get_or_init(Mutex::default);
    // Shared, not cloned: a cloned `Regex` starts an empty cache pool, so each match would
    // allocate its matching state again. The lock is held only to take the handle.
    let regex = compiled
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(pattern)
        .or_insert_with(|| Regex::new(pattern).ok().map(Arc::new))
        .clone();
    regex.is_some_and(|regex| regex.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_search_unless_anchored() {
        assert!(matches("[0-9]{3}", "run-123-x"));
        assert!(!matches("^[0-9]{3}$", "run-123-x"));
        assert!(matches("^01[A-Z0-9]{24}$", "01KKNTCGA0T4V6X9B2C5D8F1GH"));
        assert!(
            !matches("(", "anything"),
            "a pattern that does not compile matches nothing"
        );
    }
}
