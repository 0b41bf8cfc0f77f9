//! Imports (`consumes: [{import, location}]`) resolve relative to the importing file, through
//! nested imports; a missing or cyclic import is a located error.

use std::path::{Path, PathBuf};

use naftiko_codegen::{Severity, check};

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("naftiko-imports-{}-{name}", std::process::id()));
    let _ = std::fs::create_dir_all(d.join("shared"));
    d
}

fn write(p: &Path, text: &str) {
    std::fs::write(p, text).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
}

const MAIN: &str = "naftiko: 1.0.0-alpha3\ncapability:\n  consumes:\n    - import: shop\n      location: ./shared/shop.yaml\n  exposes:\n    - type: mcp\n      namespace: m\n      tools:\n        - {name: t, description: d, call: shop.list}\n";

#[test]
fn imports_resolve_relative_to_the_importing_file() {
    let d = dir("ok");
    write(&d.join("spec.yaml"), MAIN);
    // The fragment itself imports from its own folder.
    write(
        &d.join("shared/shop.yaml"),
        "naftiko: 1.0.0-alpha3\nconsumes:\n  - import: shop\n    location: ./inner.yaml\n",
    );
    write(
        &d.join("shared/inner.yaml"),
        "consumes:\n  - {type: http, namespace: shop, baseUri: 'https://shop.example', resources: [{name: items, path: /items, operations: [{name: list, method: GET}]}]}\n",
    );
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
    let d = dir("missing");
    write(&d.join("spec.yaml"), MAIN);
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
    let d = dir("cycle");
    write(&d.join("spec.yaml"), MAIN);
    write(
        &d.join("shared/shop.yaml"),
        "consumes:\n  - import: shop\n    location: ./again.yaml\n",
    );
    write(
        &d.join("shared/again.yaml"),
        "consumes:\n  - import: shop\n    location: ./shop.yaml\n",
    );
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
