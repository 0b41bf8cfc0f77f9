//! Checking small specs written inline in a test, shared by the rule test files.
// Each test binary uses the helpers it needs.
#![allow(dead_code)]

use std::path::Path;

use naftiko_codegen::spec::CapabilitySpec as Capability;
use naftiko_codegen::{Checked, Severity, check_bytes};

/// Loads, validates and resolves `yaml` as if read from `rules/spec.yaml`.
pub fn check(yaml: &str) -> Checked {
    check_bytes(yaml.as_bytes(), Path::new("rules/spec.yaml"), "spec.yaml")
}

/// The codes of the diagnostics of `severity`, in order.
pub fn codes(c: &Checked, severity: Severity) -> Vec<&'static str> {
    c.diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| d.code)
        .collect()
}

/// The messages of the diagnostics with `code`.
pub fn messages(c: &Checked, code: &str) -> Vec<String> {
    c.diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| d.message.clone())
        .collect()
}

/// The resolved capability; fails the test, listing every diagnostic, when there are errors.
pub fn cap(c: &Checked) -> &Capability {
    assert!(
        !c.has_errors(),
        "unexpected errors: {:#?}",
        c.diagnostics.iter().collect::<Vec<_>>()
    );
    c.capability
        .as_ref()
        .unwrap_or_else(|| unreachable!("no capability"))
}
