//! The specs under test and how the generator is called on them, shared by the test files.

#![allow(dead_code)] // each test file uses a different part

use std::path::{Path, PathBuf};

/// (golden and `OUT_DIR` stem, spec path relative to the crate) — the same list as `build.rs`.
pub const SPECS: &[(&str, &str)] = &[
    ("inngest-runs", "../generated-example/inngest-runs.yaml"),
    ("auth-locations", "fixtures/auth-locations.yaml"),
    ("cursed-names", "fixtures/cursed-names.yaml"),
    ("bodies-outputs", "fixtures/bodies-outputs.yaml"),
    ("forward-control", "fixtures/forward-control.yaml"),
    ("path-shapes", "fixtures/path-shapes.yaml"),
    ("signed-upstreams", "fixtures/signed-upstreams.yaml"),
    ("typed-outputs", "fixtures/typed-outputs.yaml"),
];

pub fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn golden_path(stem: &str) -> PathBuf {
    crate_dir().join("goldens").join(format!("{stem}.rs"))
}

/// What every entry point generates for `spec`, through the library.
pub fn generate(spec: &str) -> naftiko_codegen::Generated {
    naftiko_codegen::Generator::new()
        .generate(&crate_dir().join(spec), spec)
        .unwrap_or_else(|failed| panic!("{spec} does not generate:\n{}", failed.rendered))
}

/// Where two texts first differ, for failure messages that fit on a screen.
pub fn first_difference(expected: &str, actual: &str) -> String {
    for (line, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            return format!("line {}:\n  expected: {e}\n  actual:   {a}", line + 1);
        }
    }
    format!(
        "one is a prefix of the other ({} vs {} lines)",
        expected.lines().count(),
        actual.lines().count()
    )
}
