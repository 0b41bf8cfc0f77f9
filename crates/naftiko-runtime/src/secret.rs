//! Secrets (bind keys): values read at start-up that must never be printed.
//!
//! A [`SecretString`] formats as `[redacted]` under both `Debug` and `Display`, so a secret
//! that ends up in a struct that is logged or in a `{:?}` of a whole runtime stays hidden.
//! The only way to read it is [`SecretString::expose`], which makes every use easy to find.

use std::collections::HashMap;
use std::fmt;

/// A string that never prints its value.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(value.into())
    }

    /// The value itself. Call this only where the value is put on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        SecretString(value)
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Every bind key of a capability with its value, read once at start-up.
#[derive(Clone, Default)]
pub struct Secrets {
    values: HashMap<&'static str, SecretString>,
}

impl Secrets {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, key: &'static str, value: SecretString) {
        self.values.insert(key, value);
    }

    pub fn get(&self, key: &str) -> Option<&SecretString> {
        self.values.get(key)
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names are fine to show (they are in the spec); values never are.
        let mut keys: Vec<&str> = self.values.keys().copied().collect();
        keys.sort_unstable();
        f.debug_struct("Secrets")
            .field("keys", &keys)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_format() {
        let secret = SecretString::new("hunter2");
        assert_eq!(format!("{secret}"), "[redacted]");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        let mut store = Secrets::new();
        store.insert("API_KEY", secret);
        let shown = format!("{store:?}");
        assert!(
            shown.contains("API_KEY") && !shown.contains("hunter2"),
            "{shown}"
        );
        assert_eq!(
            store.get("API_KEY").map(SecretString::expose),
            Some("hunter2")
        );
    }
}
