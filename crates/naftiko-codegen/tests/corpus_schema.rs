//! A property of the public corpus (../shared/corpus) against the official JSON Schemas
//! (../shared/schemas): every spec the schema of its version accepts gets no `unknown-key` and
//! no `misplaced-key`, so `validate --strict` fails on it only for another diagnostic.
//!
//! Both folders are public data not shipped with the project: when either is absent this test
//! says so loudly and passes without checking. With `--nocapture` it prints how many specs
//! the schemas accept and, of those, which diagnostic codes remain.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use naftiko_codegen::Severity;
use naftiko_codegen::coverage::Version;
use serde_json::Value;

#[path = "corpus_specs/mod.rs"]
mod corpus_specs;

fn shared(folder: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(folder);
    dir.is_dir().then_some(dir)
}

/// The version a spec names, if it is one of the four with a schema.
fn version_of(doc: &Value) -> Option<Version> {
    let named = |key: &str| {
        doc.get(key)
            .and_then(Value::as_str)
            .map(|v| v.trim().trim_start_matches('v').to_string())
    };
    match (named("naftiko").as_deref(), named("ikanos").as_deref()) {
        (Some("1.0.0-alpha1"), _) => Some(Version::Alpha1),
        (Some("1.0.0-alpha2"), _) => Some(Version::Alpha2),
        (Some("1.0.0-alpha3"), _) => Some(Version::Alpha3),
        (None, Some("1.0.0-beta5")) => Some(Version::IkanosBeta5),
        _ => None,
    }
}

#[test]
fn specs_the_schemas_accept_get_no_unknown_or_misplaced_key() {
    let (Some(corpus), Some(schemas)) = (shared("corpus"), shared("schemas")) else {
        eprintln!(
            "\n*** SKIPPED: ../shared/corpus or ../shared/schemas is absent; the corpus schema property did not run ***\n"
        );
        return;
    };
    let mut validators = BTreeMap::new();
    for version in Version::ALL {
        let file = schemas.join(version.schema_file());
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
        let schema: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("parsing {}: {e}", file.display()));
        let validator = jsonschema::validator_for(&schema)
            .unwrap_or_else(|e| panic!("compiling {}: {e}", file.display()));
        validators.insert(version.schema_file(), validator);
    }
    let specs = corpus_specs::corpus_specs(&corpus)
        .unwrap_or_else(|e| panic!("listing the specs of {}: {e}", corpus.display()));
    let mut accepted = 0usize;
    let mut refused: BTreeMap<&str, usize> = BTreeMap::new();
    let mut warned: BTreeMap<&str, usize> = BTreeMap::new();
    let mut violations = Vec::new();
    for spec in &specs {
        let rel = spec
            .strip_prefix(&corpus)
            .unwrap_or(spec)
            .display()
            .to_string();
        let bytes = std::fs::read(spec).unwrap_or_else(|e| panic!("reading {rel}: {e}"));
        let Some(doc) = naftiko_codegen::spec_json(&bytes) else {
            continue;
        };
        let Some(version) = version_of(&doc) else {
            continue;
        };
        let valid = validators
            .get(version.schema_file())
            .is_some_and(|v| v.is_valid(&doc));
        if !valid {
            continue;
        }
        accepted += 1;
        eprintln!("accepted by its schema: {rel}");
        let checked = naftiko_codegen::check(spec, &rel);
        let mut codes: Vec<(Severity, &str)> = checked
            .diagnostics
            .iter()
            .map(|d| (d.severity, d.code))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        for (severity, code) in codes {
            let tally = if severity == Severity::Error {
                &mut refused
            } else {
                &mut warned
            };
            *tally.entry(code).or_default() += 1;
        }
        for d in checked.diagnostics.iter() {
            if matches!(d.code, "unknown-key" | "misplaced-key") {
                violations.push(format!(
                    "{rel}:{}:{} {}: {}",
                    d.line, d.column, d.code, d.message
                ));
            }
        }
    }
    eprintln!(
        "corpus against the schemas: {} specs, {accepted} accepted by the schema of their version; \
         of those, specs with each error code: {refused:?}; with each warning code: {warned:?}",
        specs.len()
    );
    assert!(
        accepted > 0,
        "no corpus spec is accepted by its schema: is the walk right?"
    );
    assert!(
        violations.is_empty(),
        "schema-valid specs got unknown-key or misplaced-key:\n{}",
        violations.join("\n")
    );
}
