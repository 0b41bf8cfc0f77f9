//! Imports (`consumes: [{import, location}]`) resolve relative to the importing file, through
//! nested imports; a missing or cyclic import is a located error.

use std::path::{Path, PathBuf};

use naftiko_codegen::{Severity, check};

/// The folder `tests/specs/imports/<name>`, which holds a `spec.yaml` and what it imports.
fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/specs/imports")
        .join(name)
}

#[test]
fn imports_resolve_relative_to_the_importing_file() {
    // `spec.yaml` imports `shared/shop.yaml`, which imports `inner.yaml` from its own folder.
    let d = dir("nested");
    let c = check(&d.join("spec.yaml"), "spec.yaml");
    assert!(
        !c.has_errors(),
        "{:?}",
        c.diagnostics.iter().collect::<Vec<_>>()
    );
    assert_eq!(
        c.files.len(),
        3,
        "the spec and both imports are tracked: {:?}",
        c.files
    );
    let cap = c.capability.unwrap_or_else(|| unreachable!());
    assert_eq!(cap.consumes[0].namespace, "shop");
}

#[test]
fn a_missing_import_is_a_located_error() {
    // `spec.yaml` imports `shared/shop.yaml`, which is not there.
    let d = dir("missing");
    let c = check(&d.join("spec.yaml"), "spec.yaml");
    let e = c
        .diagnostics
        .iter()
        .find(|d| d.code == "import-not-found")
        .cloned();
    let e = e.unwrap_or_else(|| unreachable!("no import-not-found"));
    assert_eq!(
        (e.severity, e.line, e.column, e.path.as_str()),
        (Severity::Error, 5, 17, "capability.consumes[0].location")
    );
}

#[test]
fn a_cyclic_import_is_a_located_error() {
    // `shared/shop.yaml` imports `again.yaml`, which imports `shop.yaml`.
    let d = dir("cycle");
    let c = check(&d.join("spec.yaml"), "spec.yaml");
    let e = c
        .diagnostics
        .iter()
        .find(|d| d.code == "import-cycle")
        .cloned();
    let e = e.unwrap_or_else(|| {
        unreachable!(
            "no import-cycle: {:?}",
            c.diagnostics.iter().collect::<Vec<_>>()
        )
    });
    assert_eq!(e.severity, Severity::Error);
    assert!(e.file.ends_with("again.yaml") && e.line == 3, "{e:?}");
}

#[test]
fn an_operations_fragment_with_one_server_is_one_namespace_and_two_servers_are_refused() {
    // `shared/sms.yaml` lists operations on one server; `shared/mixed.yaml` on two.
    let d = dir("operations");
    let c = check(&d.join("spec.yaml"), "spec.yaml");
    let errors: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.code, d.file.ends_with("shared/mixed.yaml"), d.line))
        .collect();
    assert_eq!(
        errors,
        [("ambiguous-import", true, 4)],
        "{:?}",
        c.diagnostics.iter().collect::<Vec<_>>()
    );
    let cap = c.capability.unwrap_or_else(|| unreachable!());
    let sms = &cap.consumes[0];
    assert_eq!(sms.namespace, "sms");
    assert_eq!(sms.base_url, "https://sms.example.com/v3");
    let names: Vec<&str> = sms.operations.iter().map(|o| o.name.as_ref()).collect();
    assert_eq!(names, ["send-message", "get-message"]);
}

#[test]
fn a_file_with_nothing_to_consume_says_what_an_import_needs() {
    let d = dir("not-consumes");
    let c = check(&d.join("spec.yaml"), "spec.yaml");
    let e = c
        .diagnostics
        .iter()
        .find(|d| d.code == "import-not-consumes")
        .cloned()
        .unwrap_or_else(|| unreachable!("no import-not-consumes: {:?}", c.diagnostics));
    let help = e.help.unwrap_or_default();
    assert!(help.contains("`consumes:`"), "{help}");
}

#[test]
fn exposes_aggregates_and_binds_import_one_namespaced_entry_each() {
    // `spec.yaml` takes a rest adapter (renamed `yard`), an aggregate and a bind from
    // `shared/parts.yaml`, an ikanos fragment with those sections at its top level.
    let d = dir("ikanos");
    let c = check(&d.join("spec.yaml"), "spec.yaml");
    assert!(
        c.diagnostics.iter().all(|d| d.severity != Severity::Error
            && !matches!(d.code, "unknown-key" | "misplaced-key" | "missing-key")),
        "{:?}",
        c.diagnostics.iter().collect::<Vec<_>>()
    );
    let cap = c.capability.unwrap_or_else(|| unreachable!());
    assert_eq!(cap.rest.len(), 1);
    assert_eq!(cap.rest[0].namespace, "yard");
    assert_eq!(cap.rest[0].routes.len(), 1);
    assert!(
        c.files.iter().any(|f| f.ends_with("shared/parts.yaml")),
        "the fragment is tracked: {:?}",
        c.files
    );
}

#[test]
fn an_imported_namespace_the_fragment_lacks_is_a_located_error() {
    let d = dir("ikanos");
    let spec = std::fs::read_to_string(d.join("spec.yaml"))
        .unwrap_or_default()
        .replace("import: fleet", "import: armada");
    let c = naftiko_codegen::check_bytes(spec.as_bytes(), &d.join("spec.yaml"), "spec.yaml");
    let e = c
        .diagnostics
        .iter()
        .find(|d| d.code == "import-namespace-missing")
        .cloned()
        .unwrap_or_else(|| unreachable!("{:?}", c.diagnostics));
    assert_eq!(
        (e.line, e.path.as_str()),
        (18, "capability.aggregates[0].import")
    );
    assert!(
        e.message.contains("aggregates namespace `armada`"),
        "{}",
        e.message
    );
}
