//! The schema coverage table (`naftiko_codegen::coverage`) against the official JSON Schemas
//! of the four format versions, and `SPEC-COVERAGE.md` against the table.
//!
//! The schemas are public data kept in `../shared/schemas`, not shipped with the project: when
//! they are absent the schema walk says so loudly and passes without checking. The Markdown
//! file is generated from the table alone; `UPDATE_SPEC_COVERAGE=1 cargo test -p
//! naftiko-codegen --test spec_coverage` rewrites it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use naftiko_codegen::coverage::{self, Status, Version};
use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schemas_dir() -> Option<PathBuf> {
    let dir = workspace().join("../shared/schemas");
    dir.is_dir().then_some(dir)
}

/// Every property path of one schema, in the table's notation (see `coverage`'s docs).
fn schema_paths(root: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    walk(root, root, "", &mut Vec::new(), &mut out);
    out.into_iter()
        .map(|p| {
            p.strip_prefix("capability.")
                .map(str::to_string)
                .unwrap_or(p)
        })
        .collect()
}

fn definition<'a>(root: &'a Value, reference: &str) -> Option<(&'a str, &'a Value)> {
    let name = reference.rsplit('/').next()?;
    let (name, def) = root.get("$defs")?.as_object()?.get_key_value(name)?;
    Some((name.as_str(), def))
}

/// The constant `type` of a `oneOf`/`anyOf` branch, which names it in paths.
fn branch_tag<'a>(root: &'a Value, mut branch: &'a Value) -> Option<&'a str> {
    // Follow plain references (a branch that is only a `$ref`) to the definition.
    for _ in 0..8 {
        match branch.as_object() {
            Some(o) if o.len() == 1 && o.contains_key("$ref") => {
                branch = definition(root, o.get("$ref")?.as_str()?)?.1;
            }
            _ => break,
        }
    }
    branch
        .get("properties")?
        .get("type")?
        .get("const")?
        .as_str()
}

fn walk<'a>(
    root: &'a Value,
    schema: &'a Value,
    path: &str,
    stack: &mut Vec<&'a str>,
    out: &mut BTreeSet<String>,
) {
    let Some(obj) = schema.as_object() else {
        return;
    };
    if let Some((name, def)) = obj
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| definition(root, r))
    {
        // A definition that contains itself is walked once, at its first place.
        if !stack.contains(&name) {
            stack.push(name);
            walk(root, def, path, stack, out);
            stack.pop();
        }
    }
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        for (key, sub) in props {
            let p = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            out.insert(p.clone());
            walk(root, sub, &p, stack, out);
        }
    }
    let entry = format!("{path}[]");
    if let Some(pattern) = obj.get("patternProperties").and_then(Value::as_object) {
        for sub in pattern.values() {
            walk(root, sub, &entry, stack, out);
        }
    }
    if let Some(sub) = obj.get("additionalProperties").filter(|v| v.is_object()) {
        walk(root, sub, &entry, stack, out);
    }
    if let Some(sub) = obj.get("items").filter(|v| v.is_object()) {
        walk(root, sub, &entry, stack, out);
    }
    for keyword in ["oneOf", "anyOf"] {
        for branch in obj
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match branch_tag(root, branch) {
                Some(tag) => walk(root, branch, &format!("{path}<{tag}>"), stack, out),
                None => walk(root, branch, path, stack, out),
            }
        }
    }
    for branch in obj
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        walk(root, branch, path, stack, out);
    }
    for keyword in ["then", "else"] {
        if let Some(sub) = obj.get(keyword) {
            walk(root, sub, path, stack, out);
        }
    }
}

#[test]
fn every_schema_key_is_classified_and_every_row_is_in_a_schema() {
    let Some(dir) = schemas_dir() else {
        eprintln!(
            "\n*** SKIPPED: ../shared/schemas is absent; the schema coverage walk did not run ***\n"
        );
        return;
    };
    let mut defined: BTreeMap<String, Vec<Version>> = BTreeMap::new();
    for version in Version::ALL {
        let file = dir.join(version.schema_file());
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
        let schema: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("parsing {}: {e}", file.display()));
        for path in schema_paths(&schema) {
            defined.entry(path).or_default().push(version);
        }
    }
    let table: BTreeMap<&str, Vec<Version>> = coverage::rows()
        .map(|row| (row.path, row.versions.iter().collect()))
        .collect();
    let unclassified: Vec<String> = defined
        .iter()
        .filter(|(path, _)| !table.contains_key(path.as_str()))
        .map(|(path, versions)| format!("{path} {versions:?}"))
        .collect();
    let unknown: Vec<&&str> = table
        .keys()
        .filter(|path| !defined.contains_key(**path))
        .collect();
    let wrong_versions: Vec<String> = defined
        .iter()
        .filter_map(|(path, versions)| {
            let listed = table.get(path.as_str())?;
            (listed != versions).then(|| format!("{path}: schemas {versions:?}, table {listed:?}"))
        })
        .collect();
    assert!(
        unclassified.is_empty(),
        "{} schema keys the coverage table does not classify:\n{}",
        unclassified.len(),
        unclassified.join("\n")
    );
    assert!(
        unknown.is_empty(),
        "coverage rows no schema defines: {unknown:#?}"
    );
    assert!(
        wrong_versions.is_empty(),
        "coverage rows with the wrong versions:\n{}",
        wrong_versions.join("\n")
    );
    eprintln!("spec coverage: {} keys over 4 schemas", defined.len());
}

#[test]
fn rows_are_sorted_and_unique() {
    let paths: Vec<&str> = coverage::rows().map(|row| row.path).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        paths, sorted,
        "coverage rows must be sorted by path, once each"
    );
}

#[test]
fn every_honoured_row_names_a_test_that_exists() {
    let mut missing = BTreeSet::new();
    for row in coverage::rows() {
        let Status::Honoured { test } = row.status else {
            continue;
        };
        let found = test.split_once("::").is_some_and(|(file, function)| {
            let (krate, rest) = file.split_once('/').unwrap_or((file, ""));
            let dir = match krate {
                "naftiko-tests" => workspace().join("generated-code-tests"),
                other => workspace().join("crates").join(other),
            };
            std::fs::read_to_string(dir.join(rest))
                .is_ok_and(|text| text.contains(&format!("fn {function}(")))
        });
        if !found {
            missing.insert(test);
        }
    }
    assert!(
        missing.is_empty(),
        "honoured rows name tests that do not exist: {missing:#?}"
    );
}

#[test]
fn ignored_and_refused_rows_say_why_with_a_code() {
    for row in coverage::rows() {
        if let Status::Ignored { code, why } | Status::Refused { code, why } = row.status {
            assert!(
                !code.is_empty() && code != "unknown-key" && !why.is_empty(),
                "{}: an ignored or refused key needs its own code and a reason",
                row.path
            );
        }
    }
}

#[test]
fn spec_coverage_md_is_generated_from_the_table() {
    let file = workspace().join("SPEC-COVERAGE.md");
    let generated = coverage::markdown();
    if std::env::var_os("UPDATE_SPEC_COVERAGE").is_some() {
        std::fs::write(&file, &generated)
            .unwrap_or_else(|e| panic!("writing {}: {e}", file.display()));
    }
    let on_disk = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        on_disk == generated,
        "SPEC-COVERAGE.md is stale: regenerate it with \
         UPDATE_SPEC_COVERAGE=1 cargo test -p naftiko-codegen --test spec_coverage"
    );
}
