//! Checking the small specs under `tests/specs/`, shared by the rule test files.
//!
//! Each spec is a complete YAML file named for the case it holds. A few files are templates
//! for table-driven tests: they hold one upper-case placeholder such as `__AUTHENTICATION__`,
//! and `check_filled` puts each row's value in its place.
// Each test binary uses the helpers it needs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use naftiko_codegen::spec::{CapabilitySpec as Capability, McpTool, Value};
use naftiko_codegen::{BindingKind, InputOrigin, Site};
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

/// Where route `index` of REST adapter `adapter` is noted in the provenance.
pub fn route_site(c: &Checked, adapter: usize, index: usize) -> Site {
    let adapter = &cap(c).rest[adapter];
    let route = &adapter.routes[index];
    Site::Route {
        adapter: adapter.namespace.to_string(),
        method: route.method.to_string(),
        path: route.path.to_string(),
    }
}

/// Where tool `index` of MCP adapter `adapter` is noted in the provenance.
pub fn tool_site(c: &Checked, adapter: usize, index: usize) -> Site {
    let adapter = &cap(c).mcp[adapter];
    Site::Tool {
        adapter: adapter.namespace.to_string(),
        name: adapter.tools[index].name.to_string(),
    }
}

/// Why caller input `name` of `site` exists.
pub fn origin(c: &Checked, site: &Site, name: &str) -> Option<InputOrigin> {
    c.provenance.origin(site, name)
}

/// How consumed input `input` of the single call of `site` was bound.
pub fn binding(c: &Checked, site: &Site, input: &str) -> Option<BindingKind> {
    c.provenance.binding(site, "", input)
}

/// A tool's input schema as JSON.
pub fn schema(tool: &McpTool) -> serde_json::Value {
    serde_json::from_str(&tool.input_schema).unwrap_or_default()
}

/// A JSON literal as the resolver writes it.
pub fn literal(json: serde_json::Value) -> Value {
    Value::Literal(json.to_string().into())
}
