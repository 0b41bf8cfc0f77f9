//! The public corpus (../shared/corpus, 300 real specs) through load + validate.
//!
//! Every file must end in diagnostics, never a panic; every diagnostic must point inside its
//! file; and the outcome per file (clean / warnings / errors, with the diagnostic codes) is
//! compared with the checked-in `corpus/validate-summary.tsv`, so any change in behaviour shows
//! up as a reviewable diff. `UPDATE_SNAPSHOTS=1 cargo test --test corpus` rewrites it.
//!
//! The corpus is public data of mixed licence and is not shipped with the project: when
//! `../shared/corpus` is absent this test says so loudly and passes without checking.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use naftiko_codegen::Severity;

#[path = "corpus_specs/mod.rs"]
mod corpus_specs;

/// The specs the corpus README describes; the files under `shared/` folders are not counted.
const CORPUS_SPECS: usize = 300;

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// One line per file: `path<TAB>outcome<TAB>code×count …` (errors first, then warnings).
fn summarize(dir: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(dir).unwrap_or(file).display().to_string();
    let checked = std::panic::catch_unwind(|| naftiko_codegen::check(file, &rel));
    let checked = match checked {
        Ok(c) => c,
        Err(_) => return format!("{rel}\tPANIC\t"),
    };
    let mut counts: BTreeMap<(u8, &str), usize> = BTreeMap::new();
    for d in checked.diagnostics.iter() {
        let rank = if d.severity == Severity::Error { 0 } else { 1 };
        *counts.entry((rank, d.code)).or_default() += 1;
        // Located inside its own file, or a file it imports.
        let located = d.line > 0 && checked.sources.line_of(&d.file, d.line).is_some();
        let file_level = d.line == 0 && matches!(d.code, "file-unreadable");
        assert!(
            located || file_level,
            "{rel}: diagnostic not located in its file: {d:?}"
        );
        // A help that ends where its subject should be (`see `) helps nobody.
        let help = d.help.as_deref().map(str::trim_end);
        assert!(
            help.is_none_or(|h| !h.is_empty() && !h.ends_with(" see") && h != "see"),
            "{rel}: diagnostic with an empty help: {d:?}"
        );
    }
    let outcome = if checked.has_errors() {
        "errors"
    } else if checked.diagnostics.is_empty() {
        "clean"
    } else {
        "warnings"
    };
    let codes: Vec<String> = counts
        .iter()
        .map(|((rank, code), n)| format!("{}:{code}×{n}", if *rank == 0 { "E" } else { "W" }))
        .collect();
    format!("{rel}\t{outcome}\t{}", codes.join(" "))
}

#[test]
fn every_corpus_spec_validates_without_panic_and_matches_the_summary() {
    let Some(dir) = corpus_dir() else {
        test_skip::skip("corpus conformance", "../shared/corpus is absent");
        return;
    };
    let files = corpus_specs::corpus_specs(&dir)
        .unwrap_or_else(|e| panic!("listing the specs of {}: {e}", dir.display()));
    assert_eq!(
        files.len(),
        CORPUS_SPECS,
        "expected the {CORPUS_SPECS} specs the corpus README describes, found {}: has the \
         corpus changed, or does the rule in tests/corpus_specs/mod.rs miss some?",
        files.len()
    );
    let lines: Vec<String> = files.iter().map(|f| summarize(&dir, f)).collect();
    let panics: Vec<&String> = lines.iter().filter(|l| l.contains("\tPANIC\t")).collect();
    assert!(panics.is_empty(), "the codegen panicked on: {panics:#?}");

    let mut summary = String::from("# file\toutcome\tdiagnostic codes (E: error, W: warning)\n");
    for l in &lines {
        summary.push_str(l);
        summary.push('\n');
    }
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/validate-summary.tsv");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        let _ = std::fs::create_dir_all(snapshot.parent().unwrap_or(Path::new(".")));
        std::fs::write(&snapshot, &summary)
            .unwrap_or_else(|e| panic!("writing {}: {e}", snapshot.display()));
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    if expected != summary {
        let diff: Vec<String> = summary
            .lines()
            .zip(expected.lines().chain(std::iter::repeat("")))
            .filter(|(a, b)| a != b)
            .take(20)
            .map(|(got, want)| format!("  want: {want}\n  got:  {got}"))
            .collect();
        panic!(
            "corpus outcomes changed (run with UPDATE_SNAPSHOTS=1 to accept, then review the diff):\n{}",
            diff.join("\n")
        );
    }
    let count = |o: &str| {
        lines
            .iter()
            .filter(|l| l.split('\t').nth(1) == Some(o))
            .count()
    };
    eprintln!(
        "corpus: {} files — {} clean, {} warnings only, {} with errors",
        lines.len(),
        count("clean"),
        count("warnings"),
        count("errors")
    );
}

#[test]
fn the_seed_validates_with_warnings_only() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/inngest-runs.yaml");
    let checked = naftiko_codegen::check(&seed, "inngest-runs.yaml");
    assert!(!checked.has_errors());
    let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "case-folded-name").count(),
        3
    );
    assert_eq!(codes.iter().filter(|c| **c == "inferred-input").count(), 3);
    let explained = naftiko_codegen::explain(
        checked
            .capability
            .as_ref()
            .unwrap_or_else(|| unreachable!()),
        &checked.provenance,
    );
    assert!(
        explained.contains("GET /v1/v1/runs/{runid}\n    → inngest-runs.getrun"),
        "{explained}"
    );
    assert!(
        explained.contains("runId ← path `runid` (required) (case-folded)"),
        "{explained}"
    );
    assert!(
        explained.contains("auth: bearer token ← secret INNGEST_API_KEY"),
        "{explained}"
    );
    assert_eq!(
        explained
            .matches("arguments: runId: string (required)")
            .count(),
        3,
        "{explained}"
    );
}
