//! The crate that uses generated code parses no YAML at run time: no YAML crate is linked into
//! generated-example. (The `capability!` proc macro runs the codegen, YAML parser included, in
//! the compiler; proc-macro dependencies are never linked into the program, which is what
//! `-e normal,no-proc-macro` shows. The plain `-e normal` tree lists them under the macro.)

use std::process::Command;

const YAML_CRATES: &[&str] = &[
    "saphyr",
    "serde_yaml",
    "serde-yaml",
    "yaml-rust",
    "yaml_serde",
    "serde-saphyr",
    "granit",
];

fn tree(edges: &str) -> String {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--frozen",
            "-p",
            "generated-example",
            "-e",
            edges,
            "--prefix",
            "none",
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo tree: {e}"));
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn no_yaml_crate_is_linked_into_generated_example() {
    let linked = tree("normal,no-proc-macro");
    assert!(
        linked.contains("naftiko-runtime"),
        "unexpected tree:\n{linked}"
    );
    for line in linked.lines() {
        assert!(
            !YAML_CRATES.iter().any(|y| line.starts_with(y)),
            "a YAML crate is linked: {line}"
        );
    }
    // The only way YAML enters the build is the proc macro.
    let all = tree("normal");
    let yaml: Vec<&str> = all
        .lines()
        .filter(|l| YAML_CRATES.iter().any(|y| l.starts_with(y)))
        .collect();
    assert!(
        yaml.iter().all(|l| l.starts_with("saphyr-parser")),
        "{yaml:?}"
    );
}
