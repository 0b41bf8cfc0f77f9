//! Generates the code of every corpus spec into `OUT_DIR`, one module per spec, plus a
//! registry the harness walks: the specs that generated (with their `SPEC` table and a way to
//! start them) and the specs the code generator refused (with their error diagnostics).
//!
//! The corpus is public data of mixed licence that this project does not ship: it is read at
//! build time from `../../shared/corpus` (or `NAFTIKO_CORPUS_DIR`), and when it is absent the
//! registry is empty and the tests say SKIPPED.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use naftiko_codegen::{Diagnostic, Generator, Severity};

#[path = "../crates/naftiko-codegen/tests/corpus_specs/mod.rs"]
mod corpus_specs;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=NAFTIKO_CORPUS_DIR");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let corpus = match std::env::var_os("NAFTIKO_CORPUS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => manifest_dir.join("../../shared/corpus"),
    };
    let specs_dir = out_dir.join("specs");
    std::fs::create_dir_all(&specs_dir)?;

    // Watched even when absent (cargo then reruns this script on every build): a harness built
    // before the corpus arrived must not stay empty once it is there.
    println!("cargo:rerun-if-changed={}", corpus.display());
    let mut registry = Registry::default();
    if corpus.is_dir() {
        let generator = Generator::new();
        let origins = published_paths(&corpus);
        let layout = out_dir.join("layout");
        let specs = corpus_files(&corpus)?;
        // The files the specs import (under `shared/` folders) go to where they were published
        // too, so that imports resolve from the laid-out copies; they are not generated.
        for (file, published) in &origins {
            let file = corpus.join(file);
            if specs.contains(&file) || !file.is_file() {
                continue;
            }
            println!("cargo:rerun-if-changed={}", file.display());
            let copy = layout.join(published);
            if let Some(dir) = copy.parent() {
                std::fs::create_dir_all(dir)?;
            }
            write_if_changed(&copy, &std::fs::read(&file)?)?;
        }
        for (index, file) in specs.iter().enumerate() {
            let display = file
                .strip_prefix(&corpus)
                .unwrap_or(file)
                .to_string_lossy()
                .replace('\\', "/");
            println!("cargo:rerun-if-changed={}", file.display());
            // Read from where it was published, so relative imports find their fragments.
            let source = match origins.get(&display) {
                Some(published) => {
                    let copy = layout.join(published);
                    if let Some(dir) = copy.parent() {
                        std::fs::create_dir_all(dir)?;
                    }
                    write_if_changed(&copy, &std::fs::read(file)?)?;
                    copy
                }
                None => file.clone(),
            };
            match generator.generate(&source, &display) {
                Ok(generated) => {
                    let module = format!("s{index:03}");
                    let path = specs_dir.join(format!("{module}.rs"));
                    write_if_changed(&path, &generated.code)?;
                    for read in &generated.files {
                        println!("cargo:rerun-if-changed={}", read.display());
                    }
                    registry.generated.push(Entry {
                        module,
                        file: display,
                        code_path: path,
                        diagnostics: generated.diagnostics,
                    });
                }
                Err(failed) => registry.refused.push((display, failed.diagnostics)),
            }
        }
        registry.corpus = Some(corpus.canonicalize().unwrap_or(corpus));
    }
    write_if_changed(&out_dir.join("registry.rs"), registry.render())?;
    Ok(())
}

/// Where each corpus file was published (`SOURCES.tsv`), as a relative path
/// `<owner>/<repo>/<commit or branch>/<path in the repository>`. The corpus stores files
/// flattened and renamed; put back in place, an import such as `./shared/legacy-consumes.yaml`
/// finds the fragment published next to the spec, as it did where the spec came from.
fn published_paths(corpus: &Path) -> BTreeMap<String, PathBuf> {
    let sources = corpus.join("SOURCES.tsv");
    println!("cargo:rerun-if-changed={}", sources.display());
    let text = std::fs::read_to_string(&sources).unwrap_or_default();
    let mut paths = BTreeMap::new();
    for line in text.lines().skip(1) {
        let Some((file, origin)) = line.split_once('\t') else {
            continue;
        };
        let published = if let Some(rest) = origin.strip_prefix("github:") {
            rest.split_once('@').and_then(|(repo, rest)| {
                let (commit, path) = rest.split_once(':')?;
                Some(format!("{repo}/{commit}/{path}"))
            })
        } else {
            origin
                .strip_prefix("https://raw.githubusercontent.com/")
                .map(|rest| rest.replacen("/refs/heads/", "/", 1))
        };
        // Only plain relative paths: nothing in SOURCES.tsv may write outside the layout.
        if let Some(published) = published.filter(|p| {
            Path::new(p)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
        }) {
            paths.insert(file.to_owned(), PathBuf::from(published));
        }
    }
    paths
}

/// The corpus's specs (the rule its README gives, shared with the corpus tests of the code
/// generator), sorted so module names are stable.
fn corpus_files(corpus: &Path) -> std::io::Result<Vec<PathBuf>> {
    let files = corpus_specs::corpus_specs(corpus)?;
    let folders: std::collections::BTreeSet<&Path> =
        files.iter().filter_map(|file| file.parent()).collect();
    for folder in folders {
        println!("cargo:rerun-if-changed={}", folder.display());
    }
    Ok(files)
}

#[derive(Default)]
struct Registry {
    corpus: Option<PathBuf>,
    generated: Vec<Entry>,
    refused: Vec<(String, Vec<Diagnostic>)>,
}

struct Entry {
    module: String,
    file: String,
    code_path: PathBuf,
    diagnostics: Vec<Diagnostic>,
}

impl Registry {
    fn render(&self) -> String {
        let mut out = String::from("// @generated by corpus-harness/build.rs\n");
        for entry in &self.generated {
            let _ = writeln!(
                out,
                "/// `{}`\npub mod {} {{ include!({:?}); }}",
                entry.file,
                entry.module,
                entry.code_path.to_string_lossy()
            );
        }
        out.push_str("pub static GENERATED: &[::corpus_harness::registry::GeneratedSpec] = &[\n");
        for entry in &self.generated {
            let _ = writeln!(
                out,
                "    ::corpus_harness::registry::GeneratedSpec {{ file: {:?}, spec: &{m}::SPEC, \
                 start: |lookup| {m}::Capability::from_lookup(lookup).map(|capability| capability.runtime().clone()), \
                 warnings: &[{}] }},",
                entry.file,
                code_counts(&entry.diagnostics),
                m = entry.module,
            );
        }
        out.push_str("];\n");
        out.push_str("pub static REFUSED: &[::corpus_harness::registry::RefusedSpec] = &[\n");
        for (file, diagnostics) in &self.refused {
            let _ = write!(
                out,
                "    ::corpus_harness::registry::RefusedSpec {{ file: {file:?}, errors: &["
            );
            for diag in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
                let _ = write!(
                    out,
                    "::corpus_harness::registry::Located {{ code: {:?}, file: {:?}, line: {}, column: {}, message: {:?} }}, ",
                    diag.code, diag.file, diag.line, diag.column, diag.message
                );
            }
            out.push_str("] },\n");
        }
        out.push_str("];\n");
        let _ = writeln!(
            out,
            "pub const CORPUS_DIR: ::core::option::Option<&str> = {};",
            match &self.corpus {
                Some(dir) => format!("::core::option::Option::Some({:?})", dir.to_string_lossy()),
                None => "::core::option::Option::None".to_owned(),
            }
        );
        out
    }
}

/// `("code", count), …` of a spec's warnings, by code.
fn code_counts(diagnostics: &[Diagnostic]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for diag in diagnostics {
        *counts.entry(diag.code).or_default() += 1;
    }
    counts
        .iter()
        .map(|(code, count)| format!("({code:?}, {count})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rewriting an unchanged file would make cargo recompile 250k lines of generated code.
fn write_if_changed(path: &Path, contents: impl AsRef<[u8]>) -> std::io::Result<()> {
    let contents = contents.as_ref();
    if std::fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    std::fs::write(path, contents)
}
