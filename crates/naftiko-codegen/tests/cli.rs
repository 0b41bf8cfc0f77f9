//! The `naftiko-codegen` binary: exit codes, human and JSON output (README, "Checking a spec").

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_naftiko-codegen"))
}

/// Where `name` (a path under `tests/specs/`) is on disk.
fn spec(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/specs")
        .join(name)
}

#[test]
fn validate_exits_0_on_the_seed_and_1_with_strict() {
    let out = bin()
        .args(["validate"])
        .arg(spec("inngest-runs.yaml"))
        .output()
        .ok();
    let out = out.unwrap_or_else(|| unreachable!("binary did not run"));
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // rustc-like rendering: location, the source line, a caret.
    assert!(stderr.contains("warning[case-folded-name]"), "{stderr}");
    assert!(stderr.contains("inngest-runs.yaml:89:18"), "{stderr}");
    assert!(
        stderr.contains("89 |           runId: rest.runId"),
        "{stderr}"
    );
    let strict = bin()
        .args(["validate", "--strict"])
        .arg(spec("inngest-runs.yaml"))
        .status()
        .ok();
    assert_eq!(strict.and_then(|s| s.code()), Some(1));
}

#[test]
fn validate_json_prints_one_array_with_every_field() {
    // Its one call, on line 9, names a namespace nothing consumes.
    let bad = spec("call-to-unknown-namespace.yaml");
    let out = bin()
        .args(["validate", "--format", "json"])
        .arg(&bad)
        .output()
        .ok();
    let out = out.unwrap_or_else(|| unreachable!());
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let first = &json[0];
    for key in [
        "severity", "code", "message", "file", "line", "column", "path", "help",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    assert_eq!(first["code"], "unknown-namespace");
    assert_eq!(first["line"], 9);
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(
        bin()
            .args(["validate", "/no/such/file.yaml"])
            .status()
            .ok()
            .and_then(|s| s.code()),
        Some(2)
    );
    assert_eq!(
        bin()
            .args(["frobnicate"])
            .status()
            .ok()
            .and_then(|s| s.code()),
        Some(2)
    );
}

#[test]
fn hostile_inputs_exit_1_quickly() {
    let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        laughs.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let cases = [
        ("laughs.yaml", laughs.into_bytes()),
        ("deep.yaml", "[".repeat(100_000).into_bytes()),
        ("binary.yaml", (0..=255u8).cycle().take(10_000).collect()),
        ("empty.yaml", Vec::new()),
        ("big.yaml", "k: v\n".repeat(2_200_000).into_bytes()),
    ];
    for (name, bytes) in cases {
        let dir = std::env::temp_dir().join(format!("naftiko-cli-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let p = dir.join(name);
        let _ = std::fs::write(&p, &bytes);
        let started = Instant::now();
        let child = bin()
            .args(["validate", "--format", "json"])
            .arg(&p)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let mut child = child.unwrap_or_else(|e| panic!("{name}: cannot start the CLI: {e}"));
        // Each case takes well under a second; the limit is a 30× margin for a busy machine,
        // and what it guards against is an expansion or recursion that never ends.
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() < HOSTILE_LIMIT => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                other => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("{name}: no exit within {HOSTILE_LIMIT:?}: {other:?}");
                }
            }
        };
        assert_eq!(status.code(), Some(1), "{name}: {status}");
    }
}

/// How long `validate` may take on one hostile input.
const HOSTILE_LIMIT: Duration = Duration::from_secs(30);

#[test]
fn explain_shows_where_every_value_comes_from() {
    let out = bin()
        .arg("explain")
        .arg(spec("inngest-runs.yaml"))
        .output()
        .ok();
    let out = out.unwrap_or_else(|| unreachable!());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("runId ← path `runid` (required) (case-folded)"),
        "{text}"
    );
    assert!(
        text.contains("INNGEST_API_KEY ← env INNGEST_API_KEY"),
        "{text}"
    );
}
