//! Imported consumes (`- import: ns` + `location: ./shared/x.yaml`, `from:`, and the alpha1
//! top-level `imports:` list), resolved relative to the importing file.

use std::path::{Path, PathBuf};

use super::Ctx;
use super::consumes::consumes;
use super::fields::string_field;
use crate::load::{self, Node, NodeKind, Scalar};
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
    let wanted = name.as_ref().map(|n| n.value.as_str());
    let Some(mut found) = read_import(ctx, &at, &location.value, file, wanted) else {
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

/// Whether an `exposes`, `aggregates` or `binds` entry imports one from another file: it has
/// `import`, or a `from` where a local entry has its own keys.
pub fn is_import(entry: &Node) -> bool {
    entry.get("import").is_some()
        || (entry.get("from").is_some()
            && entry.get("type").is_none()
            && entry.get("keys").is_none())
}

/// The entry of `section` (`exposes`, `aggregates` or `binds`) that an import entry names:
/// `import` is its namespace in the file `from` (relative to the importing file), which has
/// the section at its top level (an ikanos fragment) or under `capability`; `as` renames it
/// here. The entry is returned as written there (so its diagnostics point into that file),
/// with `namespace` set to the local name.
pub fn import_entry(ctx: &mut Ctx<'_>, entry: &Node, section: &str) -> Option<Node> {
    let Some(name) = string_field(ctx, entry, "import") else {
        ctx.error(
            "missing-key",
            entry,
            "an import has no `import` (the namespace it takes)",
        )
        .help("add `import: <namespace>`, the namespace of the entry in the other file");
        return None;
    };
    let Some(location_key) = ["from", "location"]
        .into_iter()
        .find(|k| entry.get(k).is_some())
    else {
        ctx.error("missing-key", entry, "an import has no `from`")
            .help("add `from: ./shared/<file>.yaml`, relative to this file");
        return None;
    };
    let location = string_field(ctx, entry, location_key)?;
    let alias = string_field(ctx, entry, "as");
    let at = entry
        .get(location_key)
        .cloned()
        .unwrap_or_else(|| entry.clone());
    let rel = location
        .value
        .strip_prefix("file://")
        .unwrap_or(&location.value)
        .to_string();
    let path = import_path(ctx, &at, &location.value, &rel, entry.loc.file)?;
    let importer = ctx.sources.name(entry.loc.file).to_string();
    let shown = Path::new(&importer)
        .parent()
        .map_or_else(|| rel.clone(), |p| p.join(&rel).display().to_string());
    let (_, root) = load::read_file(&path, shown, ctx.sources, ctx.diags)?;
    let list = root
        .get(section)
        .or_else(|| root.get("capability").and_then(|c| c.get(section)));
    let found = list.and_then(|list| match &list.kind {
        NodeKind::Seq(items) => items
            .iter()
            .find(|i| i.get("namespace").and_then(Node::as_str) == Some(name.value.as_str()))
            .cloned(),
        NodeKind::Map(map) => map
            .iter()
            .find(|(k, _)| k.as_str() == Some(name.value.as_str()))
            .map(|(k, v)| with_namespace(v, k)),
        _ => None,
    });
    let Some(found) = found else {
        let import_at = entry
            .get("import")
            .cloned()
            .unwrap_or_else(|| entry.clone());
        ctx.error(
            "import-namespace-missing",
            &import_at,
            format!(
                "`{}` does not define {section} namespace `{}`",
                location.value, name.value
            ),
        )
        .help(format!(
            "the file needs `{section}:` at its top level or under `capability:`, with an entry \
             whose `namespace` is `{}`",
            name.value
        ));
        return None;
    };
    Some(match alias {
        Some(alias) => {
            let alias_at = entry.get("as").cloned().unwrap_or_else(|| entry.clone());
            let named = scalar(&alias_at, &alias.value);
            with_namespace(&found, &named)
        }
        None => found,
    })
}

/// `entry` with its `namespace` set to the scalar `name`.
fn with_namespace(entry: &Node, name: &Node) -> Node {
    let mut out = entry.clone();
    if let NodeKind::Map(map) = &mut out.kind {
        let key = scalar(name, "namespace");
        match map
            .iter_mut()
            .find(|(k, _)| k.as_str() == Some("namespace"))
        {
            Some((_, v)) => *v = name.clone(),
            None => map.push((key, name.clone())),
        }
    }
    out
}

/// alpha1's top-level `imports: [{namespace, from}]`.
pub fn legacy_imports(ctx: &mut Ctx<'_>, node: &Node, file: FileId) -> Vec<Consumes> {
    let mut out = Vec::new();
    for item in node.as_seq().unwrap_or_default() {
        out.extend(import(ctx, item, file));
    }
    out
}

/// The consumed namespaces of the file at `location`; `wanted` is the namespace the import
/// names, which names an alpha1 `operations:` fragment that has no namespace of its own.
fn read_import(
    ctx: &mut Ctx<'_>,
    at: &Node,
    location: &str,
    file: FileId,
    wanted: Option<&str>,
) -> Option<Vec<Consumes>> {
    let rel = location.strip_prefix("file://").unwrap_or(location);
    let path = import_path(ctx, at, location, rel, file)?;
    let importer = ctx.sources.name(file).to_string();
    let name = Path::new(&importer)
        .parent()
        .map_or_else(|| rel.to_string(), |p| p.join(rel).display().to_string());
    let (id, root) = load::read_file(&path, name, ctx.sources, ctx.diags)?;
    ctx.import_stack.push(path);
    let out = imported_consumes(ctx, at, location, id, &root, wanted);
    ctx.import_stack.pop();
    out
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
/// import further), the file itself when it is a single namespace, or an alpha1 fragment of
/// top-level `operations:`. `None` when the file cannot be read as any of them, which is
/// reported already.
fn imported_consumes(
    ctx: &mut Ctx<'_>,
    at: &Node,
    location: &str,
    id: FileId,
    root: &Node,
    wanted: Option<&str>,
) -> Option<Vec<Consumes>> {
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
            } else if let Some(operations) = root.get("operations").filter(|o| o.as_seq().is_some())
            {
                out.push(operations_fragment(
                    ctx, at, location, root, operations, wanted,
                )?);
            } else {
                ctx.error(
                    "import-not-consumes",
                    at,
                    format!("`{location}` has no `consumes` section"),
                )
                .help(
                    "an imported file lists `consumes:` at its top level or under \
                     `capability:`, or is one consumed namespace with a `baseUri`",
                );
                return None;
            }
        }
    }
    Some(out)
}

/// An alpha1 fragment that lists `operations:` at its top level, each with its `server:`, read
/// as one consumed namespace: named by `info.namespace` or by the import, its base URI the one
/// server every operation names, each operation a resource of its own path. Operations that
/// name different servers have no one base URI, and are refused.
fn operations_fragment(
    ctx: &mut Ctx<'_>,
    at: &Node,
    location: &str,
    root: &Node,
    operations: &Node,
    wanted: Option<&str>,
) -> Option<Consumes> {
    let info_namespace = root
        .get("info")
        .and_then(|i| i.get("namespace"))
        .and_then(Node::as_str);
    let Some(namespace) = info_namespace.or(wanted) else {
        ctx.error(
            "import-not-consumes",
            at,
            format!("`{location}` lists operations but names no namespace"),
        )
        .help("import it with `import: <namespace>`");
        return None;
    };
    let ops = operations.as_seq().unwrap_or_default();
    let mut servers: Vec<&Node> = Vec::new();
    for op in ops {
        let server = op.get("server");
        let server = server.and_then(|s| s.get("url")).or(server);
        if let Some(s) = server.filter(|s| s.as_str().is_some())
            && !servers.iter().any(|seen| seen.as_str() == s.as_str())
        {
            servers.push(s);
        }
    }
    let base_uri = match servers.as_slice() {
        [one] => (*one).clone(),
        [] => {
            ctx.error(
                "import-not-consumes",
                at,
                format!("the operations of `{location}` name no `server`"),
            )
            .help("give each operation `server: https://api.example.com`");
            return None;
        }
        [first, ..] => {
            let names: Vec<&str> = servers.iter().filter_map(|s| s.as_str()).collect();
            ctx.error(
                "ambiguous-import",
                first,
                format!(
                    "the operations of `{location}` name {} servers ({}): no one base URI",
                    names.len(),
                    names.join(", ")
                ),
            )
            .help("split the file into one file per server, each imported as its own namespace");
            return None;
        }
    };
    let resources = ops
        .iter()
        .map(|op| {
            let mut operation = Vec::new();
            let mut resource = Vec::new();
            for (k, v) in op.as_map().unwrap_or_default() {
                match k.as_str() {
                    // Read here: where the call goes, and the name the resource takes.
                    Some("server" | "security") => {}
                    Some("path") => resource.push((k.clone(), v.clone())),
                    Some("name") => {
                        resource.push((k.clone(), v.clone()));
                        operation.push((k.clone(), v.clone()));
                    }
                    _ => operation.push((k.clone(), v.clone())),
                }
            }
            let operations = synthetic(
                op,
                NodeKind::Seq(vec![synthetic(op, NodeKind::Map(operation))]),
            );
            resource.push((scalar(op, "operations"), operations));
            synthetic(op, NodeKind::Map(resource))
        })
        .collect();
    let mut entry = vec![
        (scalar(root, "type"), scalar(root, "http")),
        (scalar(root, "namespace"), scalar(at, namespace)),
        (scalar(root, "baseUri"), base_uri),
        (
            scalar(operations, "resources"),
            synthetic(operations, NodeKind::Seq(resources)),
        ),
    ];
    if let Some((k, v)) = root
        .as_map()
        .unwrap_or_default()
        .iter()
        .find(|(k, _)| k.as_str() == Some("authentication"))
    {
        entry.push((k.clone(), v.clone()));
    }
    consumes(ctx, &synthetic(root, NodeKind::Map(entry)))
}

/// A node made by the reader, located where the text it stands for is.
fn synthetic(at: &Node, kind: NodeKind) -> Node {
    Node {
        kind,
        loc: at.loc,
        path: at.path.clone(),
    }
}

fn scalar(at: &Node, text: &str) -> Node {
    synthetic(
        at,
        NodeKind::Scalar(Scalar {
            text: text.to_string(),
            quoted: true,
        }),
    )
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
