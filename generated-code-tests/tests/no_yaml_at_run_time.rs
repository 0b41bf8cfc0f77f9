//! The crate that uses generated code never parses its spec at run time: the code generator is
//! not linked into generated-example, and the one YAML crate that is, `saphyr-parser` (a
//! low-level event parser, no serde), is there for bind files written as flat YAML
//! (`location: file:///./shared/secrets.yaml`), read by the runtime's `config` layer. (The
//! `capability!` proc macro runs the codegen in the compiler; proc-macro dependencies are never
//! linked into the program, which is what `-e normal,no-proc-macro` shows. The plain
//! `-e normal` tree lists them under the macro.)

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
fn no_spec_parser_is_linked_into_generated_example() {
    let linked = tree("normal,no-proc-macro");
    assert!(
        linked.contains("naftiko-runtime"),
        "unexpected tree:\n{linked}"
    );
    for line in linked.lines() {
        assert!(
            !line.starts_with("naftiko-codegen"),
            "the code generator is linked: {line}"
        );
        assert!(
            !YAML_CRATES.iter().any(|y| line.starts_with(y)) || line.starts_with("saphyr-parser"),
            "a YAML crate other than the bind files' event parser is linked: {line}"
        );
    }
    // Beyond that parser, YAML enters the build only through the proc macro.
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
