//! Lean builds: a user crate that depends on `naftiko` without its default features gets the
//! typed client and nothing of the servers or the answer readers, and a spec that needs a
//! feature left out is a compile error naming that feature.
//!
//! Each test writes a small user crate into a temporary directory, with the workspace's
//! `Cargo.lock` (so the versions are the ones the workspace builds with) and `naftiko` by path,
//! and runs cargo on it offline. The compile test keeps its target directory under this
//! package's test scratch space, so only its first run is cold.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What a crate built with the typed client only must not link.
const SERVING_AND_READER_CRATES: &[&str] = &[
    "rmcp",
    "axum",
    "tower-http",
    "scraper",
    "html5ever",
    "selectors",
    "csv",
    "pulldown-cmark",
    "quick-xml",
    "opentelemetry",
    "opentelemetry_sdk",
    "opentelemetry-otlp",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A user crate named `name` whose `lib.rs` is `lib`, depending on `naftiko` as `dependency`
/// says (the inside of its `{ … }`). Returns its directory.
fn user_crate(name: &str, dependency: &str, lib: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(dir.join("src")).unwrap_or_else(|e| panic!("cannot create: {e}"));
    let naftiko = workspace().join("crates/naftiko");
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nnaftiko = {{ path = {naftiko:?}, {dependency} }}\n\n[workspace]\n"
    );
    let write = |path: PathBuf, text: &str| {
        std::fs::write(&path, text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    };
    write(dir.join("Cargo.toml"), &manifest);
    write(dir.join("src/lib.rs"), lib);
    let lock = std::fs::read_to_string(workspace().join("Cargo.lock"))
        .unwrap_or_else(|e| panic!("cannot read the workspace's Cargo.lock: {e}"));
    write(dir.join("Cargo.lock"), &lock);
    dir
}

fn cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        .arg("--offline")
        .current_dir(dir)
        // The user crate is not a member of this workspace: nothing of this build's own
        // configuration may leak into it but the target directory it is given.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"))
}

fn spec(file: &str) -> String {
    let path = workspace().join(file);
    let path = path.canonicalize().unwrap_or(path);
    format!("{:?}", path.display().to_string())
}

fn target_dir() -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lean-build-target");
    dir.display().to_string()
}

#[test]
fn the_typed_client_alone_links_no_server_and_no_reader() {
    let lib = format!(
        "naftiko::capability!({});\n\n\
         pub async fn item(capability: &Capability) -> Result<naftiko::bytes::Bytes, naftiko::Error> {{\n    \
             let input = consumes::catalog::GetItemInput {{ item_id: \"7\".into() }};\n    \
             Ok(capability.clients().catalog.get_item(input).await?.body)\n}}\n",
        spec("generated-code-tests/fixtures/lean-client.yaml")
    );
    let dir = user_crate("lean-client-user", "default-features = false", &lib);

    let tree = cargo(
        &dir,
        &["tree", "-e", "normal,no-proc-macro", "--prefix", "none"],
    );
    let listed = String::from_utf8_lossy(&tree.stdout);
    assert!(
        tree.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&tree.stderr)
    );
    assert!(listed.contains("naftiko-runtime"), "{listed}");
    let linked: Vec<&str> = listed
        .lines()
        .filter(|line| {
            let name = line.split(' ').next().unwrap_or_default();
            SERVING_AND_READER_CRATES.contains(&name)
        })
        .collect();
    assert!(linked.is_empty(), "linked with the client only: {linked:?}");

    // And it builds: the generated client needs nothing that was left out.
    let check = cargo(&dir, &["check", "--target-dir", &target_dir()]);
    assert!(
        check.status.success(),
        "the client-only crate does not compile:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn a_spec_needing_a_left_out_adapter_is_an_error_naming_its_feature() {
    // The seed exposes REST and MCP; the crate enables `rest` only.
    let lib = format!(
        "naftiko::capability!({}, allow = [\"case-folded-name\", \"inferred-input\"]);\n",
        spec("generated-example/inngest-runs.yaml")
    );
    let dir = user_crate(
        "lean-rest-only-user",
        "default-features = false, features = [\"rest\"]",
        &lib,
    );
    let check = cargo(&dir, &["check", "--target-dir", &target_dir()]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(!check.status.success(), "compiled without `mcp`:\n{stderr}");
    assert!(
        stderr.contains(
            "this capability exposes an MCP adapter, which needs the `mcp` feature of naftiko"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains("`rest` feature"),
        "`rest` is on, yet reported missing:\n{stderr}"
    );
}
