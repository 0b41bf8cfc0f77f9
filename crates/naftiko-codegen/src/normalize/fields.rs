//! Readers shared by the normalizer: typed fields, key checks (with did-you-mean), and the
//! entries of collections given as a list or as a name-keyed map.

use super::Ctx;
use crate::coverage::{self, Status};
use crate::load::{Node, NodeKind};
use crate::model::{Located, Span, Text};

pub fn span(node: &Node) -> Span {
    Span {
        loc: node.loc,
        path: node.path.clone(),
    }
}

pub fn text(node: &Node, value: String) -> Text {
    Located::new(value, span(node))
}

/// Checks the keys of the mapping `node`, which sits at `section` of the schema coverage table
/// ([`crate::coverage`]; `""` for the top level and `capability`). `reads` are the keys the
/// caller reads; `dialect` lists keys we know from other dialects or drafts, with what they
/// should be.
///
/// The table decides for every key a schema defines at `section`: an ignored key is a warning
/// and a refused one an error, with the table's code and reason, whatever the caller reads; an
/// honoured key the caller does not take (`info` under `capability`, which shares the top
/// level's section) is `misplaced-key`. Other keys are read when `reads` has them (dialect spellings); a key the schema defines on
/// another kind of entry (`tools` on a rest adapter) is a `misplaced-key` warning, a key of an
/// older draft `non-schema-key`, and any other `unknown-key` with a did-you-mean.
pub fn check_keys(
    ctx: &mut Ctx<'_>,
    node: &Node,
    section: &str,
    reads: &[&str],
    dialect: &[(&str, &str)],
) {
    let Some(entries) = node.as_map() else { return };
    for (key, _) in entries {
        let Some(name) = key.as_str() else {
            ctx.error("wrong-type", key, "mapping keys must be strings");
            continue;
        };
        if name.starts_with("x-") {
            continue;
        }
        if let Some(row) = coverage::lookup(section, name) {
            match row.status {
                Status::Descriptive => {}
                Status::Honoured { .. } if reads.contains(&name) => {}
                Status::Honoured { .. } => {
                    // A section shared by two places (the top level and `capability`) where
                    // this one does not take the key.
                    ctx.warn(
                        "misplaced-key",
                        key,
                        format!("`{name}` does not belong here; it is ignored"),
                    )
                    .help(format!("the schema defines `{}`", row.path));
                }
                Status::Ignored { code, why } => {
                    ctx.warn(code, key, format!("`{name}` is ignored: {why}"));
                }
                Status::Refused { code, why } => {
                    ctx.error(code, key, format!("`{name}` cannot be honoured: {why}"));
                }
            }
            continue;
        }
        if reads.contains(&name) {
            continue;
        }
        if let Some(row) = coverage::elsewhere(section, name) {
            ctx.warn(
                "misplaced-key",
                key,
                format!("`{name}` does not belong in this kind of entry; it is ignored"),
            )
            .help(format!("the schema defines `{}`", row.path));
            continue;
        }
        if let Some((_, instead)) = dialect.iter().find(|(k, _)| *k == name) {
            ctx.warn(
                "non-schema-key",
                key,
                format!("`{name}` is not part of the capability schema; it is ignored"),
            )
            .help(format!("use {instead}"));
        } else {
            let mut b = ctx.warn(
                "unknown-key",
                key,
                format!("unknown key `{name}`; it is ignored"),
            );
            let mut candidates: Vec<&str> = coverage::keys_of(section).collect();
            candidates.extend_from_slice(reads);
            if let Some(s) = suggest(name, candidates) {
                b = b.help(format!("did you mean `{s}`?"));
            }
            drop(b);
        }
    }
}

/// A string field, with `wrong-type` for collections. Scalars of any type read as their text.
pub fn string_field(ctx: &mut Ctx<'_>, node: &Node, key: &str) -> Option<Text> {
    let value = node.get(key)?;
    scalar_text(ctx, value, key)
}

pub fn scalar_text(ctx: &mut Ctx<'_>, value: &Node, what: &str) -> Option<Text> {
    match &value.kind {
        NodeKind::Scalar(s) => Some(text(value, s.text.clone())),
        NodeKind::Null => None,
        _ => {
            ctx.error(
                "wrong-type",
                value,
                format!("`{what}` must be a string, found {}", value.kind_name()),
            );
            None
        }
    }
}

/// A required string field: a located `missing-key` error on `owner` when absent.
pub fn required_string(ctx: &mut Ctx<'_>, node: &Node, key: &str, what: &str) -> Option<Text> {
    let found = string_field(ctx, node, key);
    if found.is_none() && node.get(key).is_none_or(Node::is_null) {
        ctx.error("missing-key", node, format!("{what} has no `{key}`"));
    }
    found
}

/// The first of `keys` that is present, as plain text (descriptions, labels).
pub fn opt_string(ctx: &mut Ctx<'_>, node: &Node, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| string_field(ctx, node, k))
        .map(|t| t.value)
}

pub fn bool_field(ctx: &mut Ctx<'_>, node: &Node, key: &str) -> Option<bool> {
    let value = node.get(key)?;
    if value.is_null() {
        return None;
    }
    let b = value.as_bool();
    if b.is_none() {
        ctx.error(
            "wrong-type",
            value,
            format!("`{key}` must be true or false, found {}", value.kind_name()),
        );
    }
    b
}

pub fn port_field(ctx: &mut Ctx<'_>, node: &Node) -> Option<Located<u16>> {
    let value = node.get("port")?;
    match value.as_u64().and_then(|p| u16::try_from(p).ok()) {
        Some(p) => Some(Located::new(p, span(value))),
        None => {
            ctx.error(
                "wrong-type",
                value,
                "`port` must be a number from 0 to 65535",
            );
            None
        }
    }
}

/// The entries of a collection given either as a list of mappings with a `name` key or as a
/// mapping from name to entry (the ikanos form). Returns (name node if keyed by map, entry).
pub fn entries<'n>(
    ctx: &mut Ctx<'_>,
    node: &'n Node,
    what: &str,
) -> Vec<(Option<&'n Node>, &'n Node)> {
    match &node.kind {
        NodeKind::Seq(items) => items.iter().map(|i| (None, i)).collect(),
        NodeKind::Map(map) => map.iter().map(|(k, v)| (Some(k), v)).collect(),
        NodeKind::Null => Vec::new(),
        NodeKind::Scalar(_) => {
            ctx.error(
                "wrong-type",
                node,
                format!("`{what}` must be a list, found {}", node.kind_name()),
            );
            Vec::new()
        }
    }
}

/// The name of an entry: the map key (ikanos form) or its `name` field.
pub fn entry_name(ctx: &mut Ctx<'_>, key: Option<&Node>, entry: &Node, what: &str) -> Option<Text> {
    match key {
        Some(k) => k.as_str().map(|s| text(k, s.to_string())),
        None => match (string_field(ctx, entry, "name"), entry.get("id")) {
            (Some(name), _) => Some(name),
            // `id:` for `name:`, as OpenAPI's `operationId` and some generators spell it.
            (None, Some(id_node)) if id_node.as_str().is_some() => {
                let id = string_field(ctx, entry, "id")?;
                ctx.warn(
                    "dialect-id-name",
                    id_node,
                    format!("`id: {}` read as `name`", id.value),
                )
                .help("write `name:`");
                Some(id)
            }
            _ => required_string(ctx, entry, "name", what),
        },
    }
}

/// Each entry must be a mapping; reports the others.
pub fn is_mapping(ctx: &mut Ctx<'_>, entry: &Node, what: &str) -> bool {
    if entry.as_map().is_some() {
        return true;
    }
    ctx.error(
        "wrong-type",
        entry,
        format!("{what} must be a mapping, found {}", entry.kind_name()),
    );
    false
}

/// The closest candidate by edit distance (case and `-`/`_` ignored), if close enough.
pub fn suggest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let folded = crate::names::fold(name);
    let limit = (folded.len().max(3) / 3).max(1);
    let folded: Vec<char> = folded.chars().collect();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let candidate: Vec<char> = crate::names::fold(c).chars().collect();
        // The distance is at least the difference in length: most candidates end here.
        if candidate.len().abs_diff(folded.len()) > limit {
            continue;
        }
        let d = levenshtein(&folded, &candidate);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
