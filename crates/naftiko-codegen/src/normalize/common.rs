//! Small readers shared by the normalizer: typed fields, list-or-map entries, binds, auth.

use super::Ctx;
use crate::load::{Node, NodeKind};
use crate::model::{Auth, Bind, Located, Span, Text};

pub fn span(node: &Node) -> Span {
    Span {
        loc: node.loc,
        path: node.path.clone(),
    }
}

pub fn text(node: &Node, value: String) -> Text {
    Located::new(value, span(node))
}

/// Warns about keys a mapping should not have. `dialect` lists keys we know from other
/// dialects or drafts, with what they should be; all other unknown keys get a did-you-mean.
pub fn check_keys(ctx: &mut Ctx<'_>, node: &Node, allowed: &[&str], dialect: &[(&str, &str)]) {
    let Some(entries) = node.as_map() else { return };
    for (key, _) in entries {
        let Some(name) = key.as_str() else {
            ctx.error("wrong-type", key, "mapping keys must be strings");
            continue;
        };
        if allowed.contains(&name) || name.starts_with("x-") {
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
            if let Some(s) = suggest(name, allowed.iter().copied()) {
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

pub fn binds(ctx: &mut Ctx<'_>, node: &Node) -> Vec<Bind> {
    let mut out = Vec::new();
    for (key, entry) in entries(ctx, node, "binds") {
        if !is_mapping(ctx, entry, "a bind") {
            continue;
        }
        check_keys(
            ctx,
            entry,
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

/// `authentication` (or the `auth` dialect spelling, with a warning).
pub fn auth(ctx: &mut Ctx<'_>, owner: &Node) -> Option<Auth> {
    let node = match (owner.get("authentication"), owner.get("auth")) {
        (Some(n), _) => n,
        (None, Some(n)) => {
            let key = owner.as_map().and_then(|m| {
                m.iter()
                    .find(|(k, _)| k.as_str() == Some("auth"))
                    .map(|(k, _)| k.clone())
            });
            if let Some(k) = key {
                ctx.warn("dialect-auth-key", &k, "`auth` read as `authentication`")
                    .help("rename the key to `authentication`");
            }
            n
        }
        (None, None) => return None,
    };
    if node.as_map().is_none() {
        ctx.error(
            "wrong-type",
            node,
            format!(
                "`authentication` must be a mapping, found {}",
                node.kind_name()
            ),
        );
        return None;
    }
    let kind = required_string(ctx, node, "type", "authentication")?;
    let field =
        |ctx: &mut Ctx<'_>, keys: &[&str]| keys.iter().find_map(|k| string_field(ctx, node, k));
    let missing = |ctx: &mut Ctx<'_>, key: &str| {
        ctx.error(
            "missing-key",
            node,
            format!("{} authentication has no `{key}`", kind.value),
        );
    };
    match kind.value.to_ascii_lowercase().as_str() {
        "bearer" => {
            check_keys(ctx, node, &["type", "token"], &[]);
            match field(ctx, &["token"]) {
                Some(token) => Some(Auth::Bearer { token }),
                None => {
                    missing(ctx, "token");
                    None
                }
            }
        }
        kind_name @ ("apikey" | "api-key" | "api_key" | "header" | "query" | "cookie") => {
            // `type: header` (or `query`, `cookie`): an API key sent in that place.
            let kind_place = matches!(kind_name, "header" | "query" | "cookie").then(|| {
                let at = node.get("type").cloned().unwrap_or_else(|| node.clone());
                ctx.warn(
                    "dialect-apikey-name",
                    &at,
                    format!(
                        "authentication `type: {kind_name}` read as an apikey in the {kind_name}"
                    ),
                )
                .help(format!("write `type: apikey` and `placement: {kind_name}`"));
                text(&at, kind_name.to_string())
            });
            check_keys(
                ctx,
                node,
                &[
                    "type",
                    "key",
                    "value",
                    "placement",
                    "name",
                    "in",
                    "token",
                    "header",
                    "query",
                    "cookie",
                    "headers",
                    "parameters",
                ],
                &[],
            );
            if let Some(auth) = apikey_set(ctx, node, kind_place.clone()) {
                return auth;
            }
            // `header: X-Api-Key` (or `query:`/`cookie:`) names the parameter and its place at
            // once; the secret is then in `value`, `token` or — since `key` is taken — `key`.
            let located = ["header", "query", "cookie"]
                .iter()
                .find_map(|place| Some((*place, field(ctx, &[place])?)));
            let (name, placement, value_keys): (_, _, &[&str]) = match located {
                Some((place, name)) => {
                    let at = node.get(place).cloned().unwrap_or_else(|| node.clone());
                    ctx.warn(
                        "dialect-apikey-name",
                        &at,
                        format!(
                            "apikey `{place}: {}` read as `key` and `placement`",
                            name.value
                        ),
                    )
                    .help("write `key:`, `value:` and `placement:`");
                    (
                        Some(name),
                        Some(text(&at, place.into())),
                        &["value", "token", "key"],
                    )
                }
                None => {
                    // The spec says `key`/`placement`; many specs write OpenAPI's `name`/`in`.
                    let name = match field(ctx, &["key"]) {
                        Some(k) => Some(k),
                        None => {
                            let n = field(ctx, &["name"]);
                            if let Some(n) = &n {
                                let at = node.get("name").cloned().unwrap_or_else(|| node.clone());
                                ctx.warn(
                                    "dialect-apikey-name",
                                    &at,
                                    format!("apikey `name: {}` read as `key`", n.value),
                                )
                                .help(
                                    "write `key:` and `placement:` (OpenAPI's `name`/`in` are accepted)",
                                );
                            }
                            n
                        }
                    };
                    let placement = field(ctx, &["placement"])
                        .or_else(|| field(ctx, &["in"]))
                        .or(kind_place);
                    (name, placement, &["value", "token"])
                }
            };
            let value = field(ctx, value_keys);
            match (name, value) {
                (Some(name), Some(value)) => {
                    let placement = placement.unwrap_or_else(|| text(node, "header".into()));
                    let p = placement.value.to_ascii_lowercase();
                    if !matches!(p.as_str(), "header" | "query" | "cookie") {
                        let at = node
                            .get("placement")
                            .or_else(|| node.get("in"))
                            .unwrap_or(node)
                            .clone();
                        ctx.error(
                            "bad-apikey-placement",
                            &at,
                            format!("unknown apikey placement `{}`", placement.value),
                        )
                        .help("use `header`, `query` or `cookie`");
                        return None;
                    }
                    Some(Auth::ApiKey {
                        name,
                        value,
                        placement: Located::new(p, placement.span),
                        extra: Vec::new(),
                    })
                }
                (None, _) => {
                    missing(ctx, "key");
                    None
                }
                (_, None) => {
                    missing(ctx, "value");
                    None
                }
            }
        }
        "basic" | "digest" => {
            check_keys(ctx, node, &["type", "username", "password"], &[]);
            let username = field(ctx, &["username"]);
            let password = field(ctx, &["password"]);
            let (Some(username), Some(password)) = (username, password) else {
                missing(ctx, "username` and `password");
                return None;
            };
            if kind.value.eq_ignore_ascii_case("basic") {
                Some(Auth::Basic { username, password })
            } else {
                Some(Auth::Digest { username, password })
            }
        }
        "oauth2" => Some(Auth::OAuth2 { span: span(node) }),
        _ => Some(Auth::Unsupported { kind }),
    }
}

/// The closest candidate by edit distance (case and `-`/`_` ignored), if close enough.
pub fn suggest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let folded = crate::names::fold(name);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = levenshtein(&folded, &crate::names::fold(c));
        let limit = (folded.len().max(3) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Several API keys at once — `headers: {DD-API-KEY: …, DD-APPLICATION-KEY: …}`, or
/// `parameters: [{name, value}, …]` with the place in `type`/`in` — as one apikey
/// authentication with `extra` keys. `None` when the node has neither; `Some(None)` after an
/// error.
fn apikey_set(ctx: &mut Ctx<'_>, node: &Node, kind_place: Option<Text>) -> Option<Option<Auth>> {
    let (list, place) = match (node.get("headers"), node.get("parameters")) {
        (Some(h), _) => (h, text(h, "header".into())),
        (None, Some(p)) => {
            let place = string_field(ctx, node, "placement")
                .or_else(|| string_field(ctx, node, "in"))
                .or(kind_place)
                .unwrap_or_else(|| text(p, "query".into()));
            (p, place)
        }
        (None, None) => return None,
    };
    let mut keys = Vec::new();
    for (key, entry) in entries(ctx, list, "API keys") {
        let pair = match key {
            // `headers: {Name: value}`
            Some(k) => k
                .as_str()
                .zip(entry.as_str())
                .map(|(n, v)| (text(k, n.to_string()), text(entry, v.to_string()))),
            // `parameters: [{name, value}]`
            None => string_field(ctx, entry, "name").zip(string_field(ctx, entry, "value")),
        };
        match pair {
            Some(pair) => keys.push(pair),
            None => {
                ctx.error(
                    "missing-key",
                    entry,
                    "an API key needs a name and a string value",
                );
                return Some(None);
            }
        }
    }
    let placement = place.value.to_ascii_lowercase();
    if !matches!(placement.as_str(), "header" | "query" | "cookie") {
        ctx.error(
            "bad-apikey-placement",
            node,
            format!("unknown apikey placement `{}`", place.value),
        )
        .help("use `header`, `query` or `cookie`");
        return Some(None);
    }
    let mut keys = keys.into_iter();
    let Some((name, value)) = keys.next() else {
        ctx.error("missing-key", list, "no API key is listed");
        return Some(None);
    };
    let extra: Vec<(Text, Text)> = keys.collect();
    ctx.warn(
        "dialect-apikey-set",
        list,
        format!("{} API keys, each sent in the {placement}", extra.len() + 1),
    )
    .help("one apikey authentication carries one key; the others are sent with it on every call");
    Some(Some(Auth::ApiKey {
        name,
        value,
        placement: Located::new(placement, place.span),
        extra,
    }))
}
