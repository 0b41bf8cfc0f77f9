//! Imported consumes (`- import: ns` + `location: ./shared/x.yaml`, `from:`, and the alpha1
//! top-level `imports:` list), resolved relative to the importing file.

use std::path::{Path, PathBuf};

use super::Ctx;
use super::consumes::consumes;
use super::fields::{span, string_field};
use crate::load::{self, Node};
use crate::model::{Consumes, Located};
use crate::source::FileId;

/// One `consumes` entry that imports a namespace from another file.
pub fn import(ctx: &mut Ctx<'_>, entry: &Node, file: FileId) -> Vec<Consumes> {
    let name = string_field(ctx, entry, "import").or_else(|| string_field(ctx, entry, "namespace"));
    let location_key = ["location", "from", "url"]
        .into_iter()
        .find(|k| entry.get(k).is_some());
    let Some(location_key) = location_key else {
        ctx.error("missing-key", entry, "an import has no `location`")
            .help("add `location: ./shared/<file>.yaml`, relative to this file");
        return Vec::new();
    };
    let alias = string_field(ctx, entry, "as");
    let Some(location) = string_field(ctx, entry, location_key) else {
        return Vec::new();
    };
    let at = entry
        .get(location_key)
        .cloned()
        .unwrap_or_else(|| entry.clone());
    // `None`: the file could not be read, which is reported already.
    let Some(mut found) = read_import(ctx, &at, &location.value, file) else {
        return Vec::new();
    };
    if let Some(name) = &name {
        found.retain(|c| c.namespace.value == name.value);
        if found.is_empty() {
            let import_at = entry
                .get("import")
                .cloned()
                .unwrap_or_else(|| entry.clone());
            ctx.error(
                "import-namespace-missing",
                &import_at,
                format!(
                    "`{}` does not define consumes namespace `{}`",
                    location.value, name.value
                ),
            );
        }
    }
    if let Some(alias) = alias {
        for c in &mut found {
            c.namespace = Located::new(alias.value.clone(), alias.span.clone());
        }
    }
    found
}

/// alpha1's top-level `imports: [{namespace, from}]`.
pub fn legacy_imports(ctx: &mut Ctx<'_>, node: &Node, file: FileId) -> Vec<Consumes> {
    let mut out = Vec::new();
    for item in node.as_seq().unwrap_or_default() {
        out.extend(import(ctx, item, file));
    }
    out
}

fn read_import(
    ctx: &mut Ctx<'_>,
    at: &Node,
    location: &str,
    file: FileId,
) -> Option<Vec<Consumes>> {
    let rel = location.strip_prefix("file://").unwrap_or(location);
    let path = import_path(ctx, at, location, rel, file)?;
    let importer = ctx.sources.name(file).to_string();
    let name = Path::new(&importer)
        .parent()
        .map_or_else(|| rel.to_string(), |p| p.join(rel).display().to_string());
    let (id, root) = load::read_file(&path, name, ctx.sources, ctx.diags)?;
    ctx.import_stack.push(path);
    let out = imported_consumes(ctx, at, location, id, &root);
    ctx.import_stack.pop();
    Some(out)
}

/// The file an import names, relative to the importing file; an error (and `None`) for a
/// remote location, a cycle or a missing file.
fn import_path(
    ctx: &mut Ctx<'_>,
    at: &Node,
    location: &str,
    rel: &str,
    file: FileId,
) -> Option<PathBuf> {
    let base = ctx
        .sources
        .path(file)
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    if rel.contains("://") {
        ctx.error(
            "import-remote",
            at,
            format!("remote import `{location}` cannot be read at compile time"),
        )
        .help("download the file next to the spec and import it by a relative path");
        return None;
    }
    let path = normalize_path(&base.join(rel));
    if ctx.import_stack.contains(&path) {
        ctx.error(
            "import-cycle",
            at,
            format!("`{location}` imports itself (directly or through other files)"),
        );
        return None;
    }
    if !path.is_file() {
        ctx.error(
            "import-not-found",
            at,
            format!("imported file `{location}` not found"),
        )
        .help(format!(
            "looked for `{}`, relative to the importing file",
            path.display()
        ));
        return None;
    }
    Some(path)
}

/// The consumed namespaces of an imported file (`id`): its `consumes` list (whose entries may
/// import further), or the file itself when it is a single namespace.
fn imported_consumes(
    ctx: &mut Ctx<'_>,
    at: &Node,
    location: &str,
    id: FileId,
    root: &Node,
) -> Vec<Consumes> {
    let list = root
        .get("consumes")
        .or_else(|| root.get("capability").and_then(|c| c.get("consumes")));
    let mut out = Vec::new();
    match list {
        Some(list) => {
            for item in list.as_seq().unwrap_or_default() {
                if item.get("import").is_some() {
                    out.extend(import(ctx, item, id));
                } else if let Some(c) = consumes(ctx, item) {
                    out.push(c);
                }
            }
        }
        None => {
            if root.get("baseUri").is_some() {
                out.extend(consumes(ctx, root));
            } else {
                ctx.error(
                    "import-not-consumes",
                    at,
                    format!("`{location}` has no `consumes` section"),
                )
                .help(format!("see {}", span(root).path));
            }
        }
    }
    out
}

/// `a/./b/../c` → `a/c`, without touching the file system (so it works for missing files).
fn normalize_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}
