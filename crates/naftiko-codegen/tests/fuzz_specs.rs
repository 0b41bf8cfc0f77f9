//! Property-based fuzzing of load + validate: mutated real specs never panic, every diagnostic
//! stays located, and the pipeline always ends. Bounded: 256 cases by default
//! (`PROPTEST_CASES` raises it for a longer local run).
//!
//! Seeds are the seed spec (a copy in tests/specs) plus, when ../shared/corpus is present, a
//! spread of corpus specs of every dialect (specs only: not the import targets under `shared/`).

use std::path::{Path, PathBuf};

use proptest::prelude::*;

#[path = "corpus_specs/mod.rs"]
mod corpus_specs;

fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = vec![root.join("tests/specs/inngest-runs.yaml")];
    let corpus = root.join("../../../shared/corpus");
    if corpus.is_dir() {
        let specs = corpus_specs::corpus_specs(&corpus).unwrap_or_default();
        for dialect in ["alpha1", "alpha2", "alpha3", "ikanos-beta5"] {
            let in_dialect: Vec<&PathBuf> = specs
                .iter()
                .filter(|p| {
                    p.strip_prefix(&corpus)
                        .is_ok_and(|rel| rel.starts_with(dialect))
                })
                .filter(|p| {
                    std::fs::metadata(p)
                        .map(|m| m.len() < 40_000)
                        .unwrap_or(false)
                })
                .collect();
            files.extend(in_dialect.into_iter().step_by(7).cloned());
        }
    } else {
        test_skip::skip(
            "corpus seeds of the spec fuzzer",
            "../shared/corpus is absent; fuzzing from the seed spec only",
        );
    }
    files.iter().filter_map(|f| std::fs::read(f).ok()).collect()
}

#[derive(Debug, Clone)]
enum Mutation {
    FlipByte(usize, u8),
    Truncate(usize),
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    InsertText(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let snippets = prop::sample::select(vec![
        "{{",
        "}}",
        "{x}",
        ": ",
        "- ",
        "\n  ",
        "&a ",
        "*a",
        "[",
        "]",
        "'",
        "\"",
        "\t",
        "~",
        "!!binary ",
        "call: nope.nope",
        "$..x",
        "$[?(@.a)]",
        "type: oauth1",
        "in: body",
        "\u{0}",
        "é",
        "---\n",
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::FlipByte(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), snippets).prop_map(|(i, s)| Mutation::InsertText(i, s.to_string())),
    ]
}

fn apply(mut bytes: Vec<u8>, m: &Mutation) -> Vec<u8> {
    if bytes.is_empty() {
        return bytes;
    }
    let n = bytes.len();
    let mut lines: Vec<Vec<u8>> = bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    let ln = lines.len();
    match m {
        Mutation::FlipByte(i, b) => bytes[i % n] = *b,
        Mutation::Truncate(i) => bytes.truncate(i % n),
        Mutation::InsertText(i, s) => {
            let at = i % n;
            bytes.splice(at..at, s.bytes());
        }
        Mutation::DeleteLine(i) => {
            lines.remove(i % ln);
            return lines.join(&b'\n');
        }
        Mutation::DuplicateLine(i) => {
            let l = lines[i % ln].clone();
            lines.insert(i % ln, l);
            return lines.join(&b'\n');
        }
        Mutation::SwapLines(a, b) => {
            lines.swap(a % ln, b % ln);
            return lines.join(&b'\n');
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_end_in_located_diagnostics(seed in any::<prop::sample::Index>(), muts in prop::collection::vec(mutation(), 1..6)) {
        let all = seeds();
        let mut bytes = seed.get(&all).clone();
        for m in &muts {
            bytes = apply(bytes, m);
        }
        let result = std::panic::catch_unwind(|| naftiko_codegen::check_bytes(&bytes, Path::new("fuzz/spec.yaml"), "spec.yaml"));
        prop_assert!(result.is_ok(), "panicked on input {:?}", String::from_utf8_lossy(&bytes));
        let checked = result.unwrap_or_else(|_| unreachable!());
        for d in checked.diagnostics.iter() {
            prop_assert!(d.line > 0 || d.code.starts_with("file-"), "unlocated: {d:?}");
        }
        if let Some(cap) = &checked.capability {
            // explain must cope with whatever was resolved.
            let _ = naftiko_codegen::explain(cap, &checked.provenance);
        }
    }
}
