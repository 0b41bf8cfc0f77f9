//! The build-script entry point: `configure().compile(spec)` writes `<out_dir>/<stem>.rs`
//! (only when its content changes), resolves relative paths against `CARGO_MANIFEST_DIR`, and
//! fails with every diagnostic rendered.

use std::path::{Path, PathBuf};

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("naftiko-configure-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    dir
}

const SEED: &str = "../../generated-example/inngest-runs.yaml";

#[test]
fn compile_writes_the_generated_code_once() {
    let dir = out_dir("write");
    let builder = naftiko_codegen::configure()
        .out_dir(&dir)
        .emit_cargo_instructions(false);
    // Relative to CARGO_MANIFEST_DIR (this crate), as in a build script.
    let written = builder.compile(SEED).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(written, dir.join("inngest-runs.rs"));
    let code = std::fs::read_to_string(&written).unwrap_or_default();
    let expected = naftiko_codegen::Generator::new()
        .generate(&Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED), SEED)
        .map(|g| g.code)
        .unwrap_or_default();
    assert_eq!(code, expected);

    // Backdated, so a rewrite shows as a new mtime however fast the second run is.
    let backdated = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    let set = std::fs::File::options()
        .write(true)
        .open(&written)
        .and_then(|f| f.set_modified(backdated));
    assert!(set.is_ok(), "{set:?}");
    builder.compile(SEED).unwrap_or_else(|e| panic!("{e}"));
    let after = std::fs::metadata(&written).and_then(|m| m.modified()).ok();
    assert_eq!(after, Some(backdated), "unchanged output rewritten");

    // A changed output is rewritten.
    let _ = std::fs::write(&written, "stale");
    builder.compile(SEED).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        std::fs::read_to_string(&written).unwrap_or_default(),
        expected
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn compile_honours_the_runtime_path() {
    let dir = out_dir("runtime");
    let written = naftiko_codegen::configure()
        .runtime_path("::naftiko_runtime")
        .out_dir(&dir)
        .emit_cargo_instructions(false)
        .compile(SEED)
        .unwrap_or_else(|e| panic!("{e}"));
    let code = std::fs::read_to_string(written).unwrap_or_default();
    assert!(code.contains("::naftiko_runtime::Runtime::from_env(&SPEC)"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn compile_fails_with_every_diagnostic_and_writes_nothing() {
    let dir = out_dir("errors");
    // Two calls that resolve to nothing, on lines 18 and 19.
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/broken.yaml");
    let error = naftiko_codegen::configure()
        .out_dir(&dir)
        .emit_cargo_instructions(false)
        .compile(&spec)
        .err()
        .unwrap_or_else(|| panic!("a broken spec compiled"));
    let errors = error
        .diagnostics()
        .iter()
        .filter(|d| d.severity == naftiko_codegen::Severity::Error)
        .count();
    assert_eq!(errors, 2, "{error}");
    let shown = format!("{error:?}");
    assert!(shown.contains("broken.yaml:18:"), "{shown}");
    assert!(shown.contains("broken.yaml:19:"), "{shown}");
    assert!(!dir.join("broken.rs").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn compile_reports_a_missing_spec_by_the_name_given() {
    let dir = out_dir("missing");
    let error = naftiko_codegen::configure()
        .out_dir(&dir)
        .emit_cargo_instructions(false)
        .compile("no-such.yaml")
        .err()
        .unwrap_or_else(|| panic!("a missing spec compiled"));
    assert_eq!(error.diagnostics().len(), 1);
    assert_eq!(error.diagnostics()[0].code, "file-not-found");
    assert!(
        error.to_string().contains("`no-such.yaml` does not exist"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
