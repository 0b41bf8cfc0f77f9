//! Stage 1 of the pipeline: bytes on disk → located YAML trees.

mod node;
mod yaml;

use std::path::Path;

pub use node::{Node, NodeKind, Scalar};
pub use yaml::Limits;

use crate::diag::{Diagnostics, Severity};
use crate::source::{FileId, Loc, SourceMap};

/// Specs larger than this are refused before parsing: the largest public spec is ~300 KB.
pub const MAX_SPEC_BYTES: u64 = 8 * 1024 * 1024;

/// Reads and parses one file. Every problem becomes a located diagnostic; `None` means there
/// is no usable document (the diagnostics say why).
pub fn read_file(
    path: &Path,
    name: String,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<(FileId, Node)> {
    let bytes = match read_bounded(path) {
        Ok(bytes) => bytes,
        Err(message) => {
            let id = sources.add(name, path.to_path_buf(), String::new());
            let loc = Loc {
                file: id,
                line: 0,
                column: 0,
            };
            diags.at_loc(
                Severity::Error,
                "file-unreadable",
                &loc,
                "",
                sources,
                message,
            );
            return None;
        }
    };
    parse_bytes(&bytes, path, name, sources, diags)
}

/// Parses spec bytes that did not come from a file of their own (fuzzing, tests, stdin).
pub fn parse_bytes(
    bytes: &[u8],
    path: &Path,
    name: String,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<(FileId, Node)> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text).to_string(),
        Err(err) => {
            let lossy = String::from_utf8_lossy(bytes).into_owned();
            let line = lossy[..err.valid_up_to().min(lossy.len())]
                .matches('\n')
                .count()
                + 1;
            let id = sources.add(name, path.to_path_buf(), lossy);
            let loc = Loc {
                file: id,
                line: u32::try_from(line).unwrap_or(u32::MAX),
                column: 1,
            };
            diags
                .at_loc(
                    Severity::Error,
                    "file-not-utf8",
                    &loc,
                    "",
                    sources,
                    format!(
                        "the file is not UTF-8 text (invalid byte at offset {})",
                        err.valid_up_to()
                    ),
                )
                .help("a capability spec is a YAML text file");
            return None;
        }
    };
    let id = sources.add(name, path.to_path_buf(), text);
    let text = sources.get(id).map(|f| f.text.as_str()).unwrap_or_default();
    let parsed = yaml::parse(text, id, Limits::default());
    for p in parsed.problems {
        let severity = if p.is_error {
            Severity::Error
        } else {
            Severity::Warning
        };
        diags.at_loc(severity, p.code, &p.loc, &p.path, sources, p.message);
    }
    match parsed.root {
        Some(root) => Some((id, root)),
        None => {
            if !diags.has_errors() {
                let loc = Loc {
                    file: id,
                    line: 1,
                    column: 1,
                };
                diags
                    .at_loc(Severity::Error, "file-empty", &loc, "", sources, "the file holds no YAML document")
                    .help("a capability spec starts with `naftiko: 1.0.0-alpha2` (or `ikanos:`) and has a `capability:` section");
            }
            None
        }
    }
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_SPEC_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        return Err(format!(
            "`{}` is larger than {} MiB; it is not a capability spec",
            path.display(),
            MAX_SPEC_BYTES / (1024 * 1024)
        ));
    }
    Ok(bytes)
}
