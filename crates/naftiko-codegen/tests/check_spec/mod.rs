//! Checking the small specs under `tests/specs/`, shared by the rule test files.
//!
//! Each spec is a complete YAML file named for the case it holds. A few files are templates
//! for table-driven tests: they hold one upper-case placeholder such as `__AUTHENTICATION__`,
//! and `check_filled` puts each row's value in its place.
// Each test binary uses the helpers it needs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use naftiko_codegen::ir::Capability;
use naftiko_codegen::{Checked, Severity, check_bytes};

/// Where `name` (a path under `tests/specs/`) is on disk.
pub fn spec_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/specs")
        .join(name)
}

/// The text of `tests/specs/<name>`.
pub fn spec(name: &str) -> String {
    let path = spec_path(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Loads, validates and resolves `tests/specs/<name>`.
pub fn check(name: &str) -> Checked {
    check_text(&spec(name), name)
}

/// Like `check`, with the placeholder `slot` of the template `name` replaced by `value`.
pub fn check_filled(name: &str, slot: &str, value: &str) -> Checked {
    let template = spec(name);
    assert!(template.contains(slot), "{name} has no `{slot}` to fill");
    check_text(&template.replace(slot, value), name)
}

/// Loads, validates and resolves `yaml` as if read from `tests/specs/<name>`.
fn check_text(yaml: &str, name: &str) -> Checked {
    check_bytes(yaml.as_bytes(), &spec_path(name), name)
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
