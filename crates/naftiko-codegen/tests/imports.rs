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
