//! `authentication` in its dialects: bearer, an API key in its several spellings (one key, a
//! parameter named by its place, a whole set of keys), basic, digest and AWS Signature
//! Version 4. Kinds we cannot honour are kept as they are, so the resolver can refuse them where
//! they are used.

use super::Ctx;
use super::fields::{check_keys, entries, required_string, span, string_field, text};
use crate::load::Node;
use crate::model::{ApiKeyPlacement, Auth, Text};

/// Where each kind of authentication is in the coverage table; callers' and upstream
/// authentication have the same keys.
const BEARER: &str = "consumes[]<http>.authentication<bearer>";
const APIKEY: &str = "consumes[]<http>.authentication<apikey>";

/// The keys an apikey authentication may have, in any of its spellings.
const APIKEY_KEYS: &[&str] = &[
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
];

/// `authentication` (or the `auth` dialect spelling, with a warning).
pub fn auth(ctx: &mut Ctx<'_>, owner: &Node) -> Option<Auth> {
    let node = auth_node(ctx, owner)?;
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
    match kind.value.to_ascii_lowercase().as_str() {
        "bearer" => bearer(ctx, node, &kind),
        kind_name @ ("apikey" | "api-key" | "api_key" | "header" | "query" | "cookie") => {
            apikey(ctx, node, &kind, kind_name)
        }
        "basic" | "digest" => basic_or_digest(ctx, node, &kind),
        "oauth2" => Some(Auth::OAuth2 { span: span(node) }),
        "aws-sigv4" => aws_sigv4(ctx, node, &kind),
        _ => Some(Auth::Unsupported { kind }),
    }
}

/// The `authentication` node, warning when it is spelled `auth`.
fn auth_node<'n>(ctx: &mut Ctx<'_>, owner: &'n Node) -> Option<&'n Node> {
    match (owner.get("authentication"), owner.get("auth")) {
        (Some(n), _) => Some(n),
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
            Some(n)
        }
        (None, None) => None,
    }
}

/// The first of `keys` present on `node`, as located text.
fn field(ctx: &mut Ctx<'_>, node: &Node, keys: &[&str]) -> Option<Text> {
    keys.iter().find_map(|k| string_field(ctx, node, k))
}

fn missing(ctx: &mut Ctx<'_>, node: &Node, kind: &Text, key: &str) {
    ctx.error(
        "missing-key",
        node,
        format!("{} authentication has no `{key}`", kind.value),
    );
}

fn bearer(ctx: &mut Ctx<'_>, node: &Node, kind: &Text) -> Option<Auth> {
    check_keys(ctx, node, BEARER, &["type", "token"], &[]);
    match field(ctx, node, &["token"]) {
        Some(token) => Some(Auth::Bearer { token }),
        None => {
            missing(ctx, node, kind, "token");
            None
        }
    }
}

fn basic_or_digest(ctx: &mut Ctx<'_>, node: &Node, kind: &Text) -> Option<Auth> {
    let section = if kind.value.eq_ignore_ascii_case("basic") {
        "consumes[]<http>.authentication<basic>"
    } else {
        "consumes[]<http>.authentication<digest>"
    };
    check_keys(ctx, node, section, &["type", "username", "password"], &[]);
    let username = field(ctx, node, &["username"]);
    let password = field(ctx, node, &["password"]);
    let (Some(username), Some(password)) = (username, password) else {
        missing(ctx, node, kind, "username` and `password");
        return None;
    };
    if kind.value.eq_ignore_ascii_case("basic") {
        Some(Auth::Basic { username, password })
    } else {
        Some(Auth::Digest { username, password })
    }
}

/// `type: aws-sigv4` with the signing name of the service (`service: appstudio`) and, when the
/// spec fixes it, the region. Neither key is in the official schemas; they are what the specs
/// that sign this way write.
fn aws_sigv4(ctx: &mut Ctx<'_>, node: &Node, kind: &Text) -> Option<Auth> {
    check_keys(
        ctx,
        node,
        "consumes[]<http>.authentication<aws-sigv4>",
        &["type", "service", "region"],
        &[],
    );
    let region = field(ctx, node, &["region"]);
    if let Some(region) = &region {
        // A region is an identifier such as `eu-west-1`, never a reference: the one the
        // environment names is read when the key is left out.
        let usable = !region.value.is_empty()
            && region
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !usable {
            let at = node.get("region").unwrap_or(node);
            ctx.error(
                "bad-aws-region",
                at,
                format!("`{}` is not an AWS region name", region.value),
            )
            .help("write a region such as `us-east-1`, or leave `region` out to read `AWS_REGION` (or `AWS_DEFAULT_REGION`) at start-up");
            return None;
        }
    }
    let Some(service) = field(ctx, node, &["service"]) else {
        missing(ctx, node, kind, "service");
        return None;
    };
    Some(Auth::AwsSigV4 {
        service,
        region,
        span: span(node),
    })
}

/// An API key: one key, or a set of them (see [`apikey_set`]).
fn apikey(ctx: &mut Ctx<'_>, node: &Node, kind: &Text, kind_name: &str) -> Option<Auth> {
    let kind_place = place_from_kind(ctx, node, kind_name);
    check_keys(ctx, node, APIKEY, APIKEY_KEYS, &[]);
    if let Some(auth) = apikey_set(ctx, node, kind_place.clone()) {
        return auth;
    }
    let (name, placement, value_keys) = match key_by_place(ctx, node) {
        Some((name, placement)) => (Some(name), Some(placement), &["value", "token", "key"][..]),
        None => {
            let (name, placement) = key_and_placement(ctx, node, kind_place);
            (name, placement, &["value", "token"][..])
        }
    };
    let value = field(ctx, node, value_keys);
    match (name, value) {
        (Some(name), Some(value)) => {
            let placement = placement.unwrap_or_else(|| text(node, "header".into()));
            let at = node
                .get("placement")
                .or_else(|| node.get("in"))
                .unwrap_or(node);
            let placement = checked_placement(ctx, at, &placement)?;
            Some(Auth::ApiKey {
                name,
                value,
                placement,
                extra: Vec::new(),
            })
        }
        (None, _) => {
            missing(ctx, node, kind, "key");
            None
        }
        (_, None) => {
            missing(ctx, node, kind, "value");
            None
        }
    }
}

/// `type: header` (or `query`, `cookie`): an API key sent in that place.
fn place_from_kind(ctx: &mut Ctx<'_>, node: &Node, kind_name: &str) -> Option<Text> {
    if !matches!(kind_name, "header" | "query" | "cookie") {
        return None;
    }
    let at = node.get("type").cloned().unwrap_or_else(|| node.clone());
    ctx.warn(
        "dialect-apikey-name",
        &at,
        format!("authentication `type: {kind_name}` read as an apikey in the {kind_name}"),
    )
    .help(format!("write `type: apikey` and `placement: {kind_name}`"));
    Some(text(&at, kind_name.to_string()))
}

/// `header: X-Api-Key` (or `query:`/`cookie:`) names the parameter and its place at once; the
/// secret is then in `value`, `token` or — since `key` is taken — `key`.
fn key_by_place(ctx: &mut Ctx<'_>, node: &Node) -> Option<(Text, Text)> {
    let (place, name) = ["header", "query", "cookie"]
        .iter()
        .find_map(|place| Some((*place, field(ctx, node, &[place])?)))?;
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
    Some((name, text(&at, place.into())))
}

/// The spec says `key`/`placement`; many specs write OpenAPI's `name`/`in`.
fn key_and_placement(
    ctx: &mut Ctx<'_>,
    node: &Node,
    kind_place: Option<Text>,
) -> (Option<Text>, Option<Text>) {
    let name = match field(ctx, node, &["key"]) {
        Some(k) => Some(k),
        None => {
            let n = field(ctx, node, &["name"]);
            if let Some(n) = &n {
                let at = node.get("name").cloned().unwrap_or_else(|| node.clone());
                ctx.warn(
                    "dialect-apikey-name",
                    &at,
                    format!("apikey `name: {}` read as `key`", n.value),
                )
                .help("write `key:` and `placement:` (OpenAPI's `name`/`in` are accepted)");
            }
            n
        }
    };
    let placement = field(ctx, node, &["placement"])
        .or_else(|| field(ctx, node, &["in"]))
        .or(kind_place);
    (name, placement)
}

/// The placement word, checked: `header`, `query` or `cookie` in any case. An error at `at`
/// for any other word.
fn checked_placement(ctx: &mut Ctx<'_>, at: &Node, word: &Text) -> Option<ApiKeyPlacement> {
    let placement = ApiKeyPlacement::parse(&word.value);
    if placement.is_none() {
        ctx.error(
            "bad-apikey-placement",
            at,
            format!("unknown apikey placement `{}`", word.value),
        )
        .help("use `header`, `query`, `cookie`, `path` or `body`");
    }
    placement
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
    Some(keys_in_set(ctx, node, list, &place))
}

/// The keys of an API key set, sent in `place`: the first becomes the key, the others `extra`.
fn keys_in_set(ctx: &mut Ctx<'_>, node: &Node, list: &Node, place: &Text) -> Option<Auth> {
    let keys = listed_keys(ctx, list)?;
    let placement = checked_placement(ctx, node, place)?;
    let mut keys = keys.into_iter();
    let Some((name, value)) = keys.next() else {
        ctx.error("missing-key", list, "no API key is listed");
        return None;
    };
    let extra: Vec<(Text, Text)> = keys.collect();
    ctx.warn(
        "dialect-apikey-set",
        list,
        format!(
            "{} API keys, each sent in the {}",
            extra.len() + 1,
            placement.as_str()
        ),
    )
    .help("one apikey authentication carries one key; the others are sent with it on every call");
    Some(Auth::ApiKey {
        name,
        value,
        placement,
        extra,
    })
}

/// (name, value) of each listed key; `None` after an error on the first one without both.
fn listed_keys(ctx: &mut Ctx<'_>, list: &Node) -> Option<Vec<(Text, Text)>> {
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
        let Some(pair) = pair else {
            ctx.error(
                "missing-key",
                entry,
                "an API key needs a name and a string value",
            );
            return None;
        };
        keys.push(pair);
    }
    Some(keys)
}
