//! What a user can accept of a spec, the same through `Generator`, `configure()` (build.rs)
//! and the CLI: warnings allowed by code, and partial generation, which leaves out the routes
//! and tools with errors of their own and generates the rest.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use naftiko_codegen::{Diagnostic, Generator, LEFT_OUT, Severity, is_warning_code};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const SEED: &str = "generated-example/inngest-runs.yaml";
/// Two good routes and a good tool, beside a call to an unknown operation, a duplicate route
/// that does something else, and a tool that calls a missing operation.
const PARTIAL: &str = "generated-code-tests/fixtures/partial.yaml";

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_naftiko-codegen"))
        .current_dir(workspace())
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("the binary did not run: {e}"))
}

fn codes(diagnostics: &[Diagnostic], severity: Severity) -> Vec<&'static str> {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| d.code)
        .collect()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("naftiko-accept-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    dir
}

#[test]
fn allow_silences_exactly_the_named_code_and_not_the_code_generated() {
    let path = workspace().join(SEED);
    let all = Generator::new()
        .generate(&path, SEED)
        .unwrap_or_else(|f| panic!("{}", f.rendered));
    let warnings = codes(&all.diagnostics, Severity::Warning);
    let folded = warnings
        .iter()
        .filter(|c| **c == "case-folded-name")
        .count();
    assert!(
        folded > 0 && warnings.contains(&"inferred-input"),
        "{warnings:?}"
    );

    let allowed = Generator::new()
        .allow("inferred-input")
        .generate(&path, SEED)
        .unwrap_or_else(|f| panic!("{}", f.rendered));
    assert_eq!(
        codes(&allowed.diagnostics, Severity::Warning),
        vec!["case-folded-name"; folded]
    );
    assert!(
        !allowed.rendered.contains("inferred-input"),
        "{}",
        allowed.rendered
    );
    assert!(
        allowed.code == all.code,
        "allowing a warning changed the code"
    );
}

#[test]
fn a_code_that_is_no_warnings_is_refused_with_what_was_meant() {
    let path = workspace().join(SEED);
    for (code, meant) in [
        ("infered-input", "did you mean `inferred-input`?"),
        ("no-such-thing", "only warnings can be allowed"),
    ] {
        let failed = Generator::new()
            .allow(code)
            .generate(&path, SEED)
            .err()
            .unwrap_or_else(|| panic!("`{code}` was accepted"));
        assert_eq!(
            codes(&failed.diagnostics, Severity::Error),
            ["unknown-warning-code"]
        );
        assert!(failed.rendered.contains(meant), "{}", failed.rendered);

        let error = naftiko_codegen::configure()
            .out_dir(temp_dir("unknown-code"))
            .emit_cargo_instructions(false)
            .allow(code)
            .compile(&path)
            .err()
            .unwrap_or_else(|| panic!("configure() accepted `{code}`"));
        assert!(error.to_string().contains(meant), "{error}");

        for command in ["validate", "generate"] {
            let out = cli(&[command, "--allow", code, SEED]);
            assert_eq!(out.status.code(), Some(2), "{command} --allow {code}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains(meant), "{stderr}");
        }
    }
}

#[test]
fn every_warning_the_test_specs_raise_has_a_listed_code() {
    let mut specs = vec![workspace().join(SEED), workspace().join(PARTIAL)];
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                specs.push(path);
            }
        }
    }
    assert!(specs.len() > 20, "the test specs were not found");
    let mut seen = 0;
    for spec in &specs {
        let mut checked = naftiko_codegen::check(spec, &spec.display().to_string());
        checked.diagnostics.leave_out_broken_parts();
        for d in checked.diagnostics.iter() {
            if d.severity == Severity::Warning {
                seen += 1;
                assert!(
                    is_warning_code(d.code),
                    "{}: warning code `{}` is missing from WARNING_CODES",
                    spec.display(),
                    d.code
                );
            } else {
                assert!(
                    !is_warning_code(d.code),
                    "error code `{}` is listed as a warning's",
                    d.code
                );
            }
        }
    }
    assert!(seen > 20, "too few warnings to tell: {seen}");
}

#[test]
fn partial_generation_leaves_out_each_broken_part_with_one_warning_why() {
    let path = workspace().join(PARTIAL);
    let strict = Generator::new()
        .generate(&path, PARTIAL)
        .err()
        .unwrap_or_else(|| panic!("the broken spec generated without partial generation"));
    assert_eq!(
        codes(&strict.diagnostics, Severity::Error),
        ["unknown-operation", "duplicate-route", "unknown-operation"]
    );

    let partial = Generator::new()
        .allow_partial(true)
        .generate(&path, PARTIAL)
        .unwrap_or_else(|f| panic!("{}", f.rendered));
    let left_out: Vec<&Diagnostic> = partial
        .diagnostics
        .iter()
        .filter(|d| d.code == LEFT_OUT)
        .collect();
    assert_eq!(left_out.len(), 3, "{}", partial.rendered);
    assert_eq!(codes(&partial.diagnostics, Severity::Warning).len(), 3);
    let expect = [
        (
            "route `GET /broken` of REST adapter `store`",
            "[unknown-operation]",
            45,
        ),
        (
            "route `GET /items/{id}` of REST adapter `store`",
            "[duplicate-route]",
            50,
        ),
        (
            "tool `lost-tool` of MCP adapter `tools`",
            "[unknown-operation]",
            63,
        ),
    ];
    for (d, (what, why, line)) in left_out.iter().zip(expect) {
        assert!(
            d.message.starts_with(&format!("{what} is left out: ")),
            "{}",
            d.message
        );
        assert!(d.message.contains(why), "{}", d.message);
        assert_eq!((d.file.as_str(), d.line), (PARTIAL, line));
    }
    assert!(!partial.code.contains("lost-tool") && !partial.code.contains("/broken"));
    assert!(partial.code.contains("get-item") && partial.code.contains("/items/{id}"));
}

#[test]
fn partial_generation_still_refuses_errors_of_the_whole_spec() {
    let path = workspace().join(PARTIAL);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    // An authentication of the consumed namespace concerns every route that calls it.
    let broken = text.replace(
        "      baseUri: https://shop.example.com/api\n",
        "      baseUri: https://shop.example.com/api\n      authentication: {type: oauth1}\n",
    );
    assert_ne!(broken, text);
    let failed = Generator::new()
        .allow_partial(true)
        .generate_bytes(broken.as_bytes(), &path, PARTIAL)
        .err()
        .unwrap_or_else(|| panic!("a spec-wide error was left out"));
    let errors = codes(&failed.diagnostics, Severity::Error);
    assert!(errors.contains(&"unsupported-auth"), "{errors:?}");
    // Nothing is turned into a warning when the spec is refused anyway.
    assert!(errors.contains(&"duplicate-route"), "{errors:?}");
    assert!(!failed.diagnostics.iter().any(|d| d.code == LEFT_OUT));
}

#[test]
fn the_three_entry_points_agree_on_partial_generation_and_allow() {
    let path = workspace().join(PARTIAL);
    let library = Generator::new()
        .allow_partial(true)
        .allow("left-out")
        .generate(&path, PARTIAL)
        .unwrap_or_else(|f| panic!("{}", f.rendered));
    assert!(library.diagnostics.is_empty(), "{}", library.rendered);

    let strict = cli(&["generate", PARTIAL]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(strict.stdout.is_empty());

    let warned = cli(&["generate", "--allow-partial", PARTIAL]);
    assert_eq!(warned.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&warned.stderr);
    assert_eq!(stderr.matches("warning[left-out]").count(), 3, "{stderr}");
    assert!(warned.stdout == library.code.as_bytes());

    let quiet = cli(&[
        "generate",
        "--allow-partial",
        "--allow",
        "left-out",
        PARTIAL,
    ]);
    assert_eq!(quiet.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("warning"));
    assert!(quiet.stdout == library.code.as_bytes());

    let validated = cli(&[
        "validate",
        "--allow-partial",
        "--strict",
        "--allow",
        "left-out",
        PARTIAL,
    ]);
    assert_eq!(
        validated.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&validated.stderr)
    );

    let dir = temp_dir("partial");
    let written = naftiko_codegen::configure()
        .out_dir(&dir)
        .emit_cargo_instructions(false)
        .allow_partial(true)
        .allow("left-out")
        .compile(&path)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        std::fs::read_to_string(&written).unwrap_or_default(),
        library.code
    );
    let refused = naftiko_codegen::configure()
        .out_dir(&dir)
        .emit_cargo_instructions(false)
        .compile(&path);
    assert!(
        refused.is_err(),
        "configure() generated the broken spec without the opt-in"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_path_that_cannot_be_routed_leaves_out_every_operation_on_it() {
    let path = workspace().join(PARTIAL);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let broken = text.replace(
        "        - path: /broken
          operations:
            - method: GET
              name: broken
              call: shop.no-such-operation
",
        "        - path: /half{a}-{b}
          operations:
            - method: GET
              name: half-get
              call: shop.list-items
            - method: DELETE
              name: half-delete
              call: shop.list-items
",
    );
    assert_ne!(broken, text);
    let strict = Generator::new().generate_bytes(broken.as_bytes(), &path, PARTIAL);
    let strict = strict
        .err()
        .unwrap_or_else(|| panic!("an unroutable path generated"));
    assert_eq!(
        codes(&strict.diagnostics, Severity::Error)
            .iter()
            .filter(|c| **c == "bad-path")
            .count(),
        1
    );
    let partial = Generator::new()
        .allow_partial(true)
        .generate_bytes(broken.as_bytes(), &path, PARTIAL)
        .unwrap_or_else(|f| panic!("{}", f.rendered));
    let bad_path: Vec<&str> = partial
        .diagnostics
        .iter()
        .filter(|d| d.code == LEFT_OUT && d.message.contains("[bad-path]"))
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(bad_path.len(), 2, "{}", partial.rendered);
    assert!(
        bad_path[0].starts_with("route `GET /half{a}-{b}`"),
        "{}",
        bad_path[0]
    );
    assert!(
        bad_path[1].starts_with("route `DELETE /half{a}-{b}`"),
        "{}",
        bad_path[1]
    );
    assert!(!partial.code.contains("half"));
}
