//! The three entry points — `build.rs` (`configure()`), the `capability!` macro and the CLI —
//! produce the same code. The CLI is compared in `crates/naftiko-codegen/tests/generate.rs`
//! (where its binary is built); here: the library's output against what this crate's
//! `build.rs` wrote into `OUT_DIR`, and the macro's expansion against both, value for value.

mod specs_under_test;

use std::path::Path;

use naftiko_tests::{from_build_rs, from_macro, goldens, runtime_path};
use specs_under_test::{SPECS, first_difference, generate};

#[test]
fn build_rs_writes_exactly_what_the_generator_returns() {
    for (stem, spec) in SPECS {
        let written = Path::new(env!("OUT_DIR")).join(format!("{stem}.rs"));
        let written = std::fs::read_to_string(&written)
            .unwrap_or_else(|e| panic!("{}: {e}", written.display()));
        let code = generate(spec).code;
        assert!(
            written == code,
            "{stem}: build.rs output differs: {}",
            first_difference(&code, &written)
        );
    }
}

/// Everything a generated capability hands the runtime, as text.
fn tables(spec: &naftiko::spec::CapabilitySpec) -> String {
    format!("{spec:#?}")
}

#[test]
fn the_macro_expands_to_the_same_tables_as_build_rs_and_the_goldens() {
    let cases = [
        (
            "inngest-runs",
            &from_macro::inngest_runs::SPEC,
            &from_build_rs::inngest_runs::SPEC,
            &goldens::inngest_runs::SPEC,
        ),
        (
            "auth-locations",
            &from_macro::auth_locations::SPEC,
            &from_build_rs::auth_locations::SPEC,
            &goldens::auth_locations::SPEC,
        ),
        (
            "cursed-names",
            &from_macro::cursed_names::SPEC,
            &from_build_rs::cursed_names::SPEC,
            &goldens::cursed_names::SPEC,
        ),
        (
            "bodies-outputs",
            &from_macro::bodies_outputs::SPEC,
            &from_build_rs::bodies_outputs::SPEC,
            &goldens::bodies_outputs::SPEC,
        ),
        (
            "forward-control",
            &from_macro::forward_control::SPEC,
            &from_build_rs::forward_control::SPEC,
            &goldens::forward_control::SPEC,
        ),
        (
            "path-shapes",
            &from_macro::path_shapes::SPEC,
            &from_build_rs::path_shapes::SPEC,
            &goldens::path_shapes::SPEC,
        ),
        (
            "signed-upstreams",
            &from_macro::signed_upstreams::SPEC,
            &from_build_rs::signed_upstreams::SPEC,
            &goldens::signed_upstreams::SPEC,
        ),
    ];
    for (stem, macro_spec, build_spec, golden_spec) in cases {
        let from_macro = tables(macro_spec);
        assert_eq!(from_macro, tables(build_spec), "{stem}: macro vs build.rs");
        assert_eq!(from_macro, tables(golden_spec), "{stem}: macro vs golden");
    }
}

#[test]
fn the_runtime_path_changes_paths_not_data() {
    assert_eq!(
        tables(&runtime_path::SPEC),
        tables(&goldens::bodies_outputs::SPEC)
    );
    let code = naftiko_codegen::Generator::new()
        .runtime_path("::naftiko_runtime")
        .generate(
            &specs_under_test::crate_dir().join("fixtures/bodies-outputs.yaml"),
            "bodies-outputs.yaml",
        )
        .unwrap()
        .code;
    assert!(code.contains("::naftiko_runtime::spec::CapabilitySpec"));
    assert!(
        !code.contains("::naftiko::"),
        "a `::naftiko::` path is left"
    );
    assert!(code.contains(r#"#[serde(crate = "::naftiko_runtime::__private::serde")]"#));
}

#[test]
fn generated_code_names_only_the_runtime() {
    for (_, spec) in SPECS {
        let code = generate(spec).code;
        for foreign in [
            "reqwest",
            "axum",
            "rmcp",
            "::serde::",
            "::serde_json::",
            "tokio",
        ] {
            // Reached through the runtime (`::naftiko::serde_json::…`, `::naftiko::__private::…`)
            // is fine; named on its own, it would need a dependency of the user's crate.
            let named = code
                .lines()
                .filter(|line| !line.trim_start().starts_with("///"))
                .any(|line| {
                    line.match_indices(foreign).any(|(at, _)| {
                        // `::naftiko::axum::Router` as well as `::naftiko::serde_json::…`.
                        let before = line[..at].trim_end_matches("::");
                        !(before.ends_with("::naftiko") || before.ends_with("__private"))
                    })
                });
            assert!(!named, "{spec}: generated code names `{foreign}`");
        }
    }
}
