//! The front half of the pipeline as one call: load → normalize → resolve, all diagnostics.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostics;
use crate::load;
use crate::resolve::provenance::Provenance;
use crate::source::{FileId, SourceMap};
use crate::{normalize, resolve};
use naftiko_spec::CapabilitySpec;

/// A spec after load, normalize and resolve.
pub struct Checked {
    /// The resolved spec; present even when there are errors (as far as it could be built).
    pub capability: Option<CapabilitySpec>,
    /// How each binding of `capability` was decided (for [`explain`](crate::explain)).
    pub provenance: Provenance,
    pub diagnostics: Diagnostics,
    pub sources: SourceMap,
    /// Every file read (the spec, its imports, embedded files): rebuild when one changes.
    pub files: Vec<PathBuf>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

/// Runs the front half on the spec at `path` (named `name` in diagnostics).
pub fn check(path: &Path, name: &str) -> Checked {
    let mut sources = SourceMap::new();
    let mut diagnostics = Diagnostics::new();
    let root = load::read_file(path, name.to_string(), &mut sources, &mut diagnostics);
    finish(root, sources, diagnostics)
}

/// The same for spec text that is not in a file of its own (tests, fuzzing).
pub fn check_bytes(bytes: &[u8], path: &Path, name: &str) -> Checked {
    let mut sources = SourceMap::new();
    let mut diagnostics = Diagnostics::new();
    let root = load::parse_bytes(
        bytes,
        path,
        name.to_string(),
        &mut sources,
        &mut diagnostics,
    );
    finish(root, sources, diagnostics)
}

/// The spec document `bytes` as JSON, its scalars typed the way the code generator reads them
/// (YAML 1.2 core schema): what to check against the format's JSON Schema. `None` when the
/// text is not one well-formed YAML document.
pub fn spec_json(bytes: &[u8]) -> Option<serde_json::Value> {
    let mut sources = SourceMap::new();
    let mut diagnostics = Diagnostics::new();
    let (_, root) = load::parse_bytes(
        bytes,
        Path::new(""),
        String::new(),
        &mut sources,
        &mut diagnostics,
    )?;
    (!diagnostics.has_errors()).then(|| root.to_json())
}

fn finish(
    root: Option<(FileId, load::Node)>,
    mut sources: SourceMap,
    mut diagnostics: Diagnostics,
) -> Checked {
    let mut capability = None;
    let mut provenance = Provenance::default();
    let mut extra = Vec::new();
    if let Some((file, root)) = root {
        let spec = normalize::normalize(&root, file, &mut sources, &mut diagnostics);
        let resolved = resolve::resolve(&spec, &sources, &mut diagnostics);
        extra = resolved.read_files;
        capability = Some(resolved.capability);
        provenance = resolved.provenance;
    }
    let mut files: Vec<PathBuf> = sources.files().map(|f| f.path.clone()).collect();
    files.extend(extra);
    files.dedup();
    Checked {
        capability,
        provenance,
        diagnostics,
        sources,
        files,
    }
}
