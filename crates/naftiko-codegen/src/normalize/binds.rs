//! `binds`: namespaces of keys whose values are supplied from outside the spec (with an
//! optional `file://` location), at the root or in the capability.

use super::Ctx;
use super::fields::{check_keys, entries, is_mapping, string_field, text};
use super::imports;
use crate::load::Node;
use crate::model::{Bind, Text};

/// The value providers a generated program reads: a `file://` file (a JSON object or a flat YAML
/// mapping) or, with no location, the environment. Any other (`vault://`, `k8s-secret://`,
/// `github-secrets://`) is warned about: its keys are read from the environment instead, so
/// the operator must supply them there (start-up names every one missing).
fn unsupported_location(ctx: &mut Ctx<'_>, namespace: &str, location: &Text, node: &Node) {
    if location.value.starts_with("file:") {
        return;
    }
    let scheme = location.value.split_once("://").map_or_else(
        || "a location without a scheme".to_owned(),
        |(scheme, _)| format!("`{scheme}://`"),
    );
    ctx.warn(
        "bind-location-unsupported",
        node,
        format!(
            "bind `{namespace}`: values cannot be read from {scheme}; its keys are read from the environment instead"
        ),
    )
    .help("supported: `location: file:///./secrets.yaml` (a JSON object or a flat YAML mapping) or no location (environment variables)");
}

pub fn binds(ctx: &mut Ctx<'_>, node: &Node) -> Vec<Bind> {
    let mut out = Vec::new();
    for (key, entry) in entries(ctx, node, "binds") {
        if !is_mapping(ctx, entry, "a bind") {
            continue;
        }
        let imported;
        let entry = if imports::is_import(entry) {
            let Some(found) = imports::import_entry(ctx, entry, "binds") else {
                continue;
            };
            imported = found;
            &imported
        } else {
            entry
        };
        check_keys(
            ctx,
            entry,
            "binds[]",
            &["namespace", "description", "location", "keys", "name"],
            &[],
        );
        let namespace = match key {
            Some(k) => k.as_str().map(|s| text(k, s.to_string())),
            None => {
                string_field(ctx, entry, "namespace").or_else(|| string_field(ctx, entry, "name"))
            }
        };
        let Some(namespace) = namespace else {
            ctx.error("missing-key", entry, "a bind has no `namespace`");
            continue;
        };
        let location = string_field(ctx, entry, "location");
        if let (Some(location), Some(node)) = (&location, entry.get("location")) {
            unsupported_location(ctx, &namespace.value, location, node);
        }
        let mut keys = Vec::new();
        match entry.get("keys") {
            Some(k) if k.as_map().is_some() => {
                for (name, source) in k.as_map().unwrap_or_default() {
                    let Some(n) = name.as_str() else { continue };
                    let src = source
                        .as_str()
                        .map_or_else(|| n.to_string(), str::to_string);
                    keys.push((text(name, n.to_string()), src));
                }
            }
            Some(k) if k.as_seq().is_some() => {
                for item in k.as_seq().unwrap_or_default() {
                    if let Some(n) = item.as_str() {
                        keys.push((text(item, n.to_string()), n.to_string()));
                    }
                }
            }
            Some(k) => {
                ctx.error(
                    "wrong-type",
                    k,
                    "`keys` must map each key to its name in the source",
                );
            }
            None => {
                ctx.error("missing-key", entry, "a bind has no `keys`");
            }
        }
        out.push(Bind {
            namespace,
            location,
            keys,
        });
    }
    out
}
