//! `capability.consumes`: HTTP namespaces, their resources, operations, parameters and bodies.

use super::auth::auth;
use super::fields::{
    self, check_keys, entries, entry_name, is_mapping, opt_string, required_string, span,
    string_field, text,
};
use super::{Ctx, imports};
use crate::load::{Node, NodeKind};
use crate::model::{
    Body, ConsumedOperation, ConsumedParam, ConsumedResource, Consumes, HttpMethod, Located,
    MultipartPart, ParamIn,
};
use crate::source::FileId;

pub fn consumes_list(ctx: &mut Ctx<'_>, node: &Node, file: FileId) -> Vec<Consumes> {
    let mut out = Vec::new();
    for (_, entry) in entries(ctx, node, "consumes") {
        if !is_mapping(ctx, entry, "a consumes entry") {
            continue;
        }
        if entry.get("import").is_some()
            || (entry.get("location").is_some() && entry.get("baseUri").is_none())
        {
            out.extend(imports::import(ctx, entry, file));
            continue;
        }
        if let Some(c) = consumes(ctx, entry) {
            out.push(c);
        }
    }
    out
}

pub fn consumes(ctx: &mut Ctx<'_>, entry: &Node) -> Option<Consumes> {
    check_keys(
        ctx,
        entry,
        "consumes[]<http>",
        &[
            "type",
            "namespace",
            "description",
            "baseUri",
            "inputParameters",
            "authentication",
            "resources",
            "label",
            "display",
            "tunnel",
        ],
        &[("auth", "`authentication`"), ("openapi", "`resources`")],
    );
    let namespace = required_string(ctx, entry, "namespace", "a consumes entry")?;
    tunnel(ctx, entry, &namespace.value);
    if let Some(kind) = string_field(ctx, entry, "type")
        && !kind.value.eq_ignore_ascii_case("http")
    {
        let at = entry.get("type").cloned().unwrap_or_else(|| entry.clone());
        ctx.error(
            "unsupported-consumes-type",
            &at,
            format!("consumes type `{}` is not supported", kind.value),
        )
        .help("only `type: http` can be generated");
        return None;
    }
    let base_uri = string_field(ctx, entry, "baseUri");
    // A `baseUri` of the wrong type has its own error already.
    let wrong_type = entry
        .get("baseUri")
        .is_some_and(|node| !matches!(node.kind, NodeKind::Null));
    if base_uri.is_none() && !wrong_type {
        // Specs written for several deployments leave the base URL out: it is configuration,
        // as a blank one is, and start-up fails naming the variable until it is set.
        let env_var = format!("{}_BASE_URL", crate::names::env_prefix(&namespace.value));
        ctx.warn(
            "no-base-uri",
            entry,
            format!(
                "consumes `{}` has no `baseUri`: set `{env_var}` at start-up",
                namespace.value
            ),
        )
        .help(format!(
            "start-up fails until `{env_var}` is set; or add `baseUri: https://api.example.com`"
        ));
    }
    let params = entry
        .get("inputParameters")
        .map(|p| params(ctx, p))
        .unwrap_or_default();
    let mut resources = Vec::new();
    if let Some(res) = entry.get("resources") {
        for (key, r) in entries(ctx, res, "resources") {
            if !is_mapping(ctx, r, "a resource") {
                continue;
            }
            if let Some(resource) = resource(ctx, key, r) {
                resources.push(resource);
            }
        }
    }
    Some(Consumes {
        description: opt_string(ctx, entry, &["description"]),
        auth: auth(ctx, entry),
        namespace,
        base_uri,
        params,
        resources,
        span: span(entry),
    })
}

/// `tunnel:` (a reverse tunnel such as an OpenZiti service) cannot be dialled by generated code.
/// Calling `baseUri` directly instead is what the reference engine does only when the tunnel
/// says `fallback: direct`; by default (`fallback: fail`) it fails closed, so this refuses.
fn tunnel(ctx: &mut Ctx<'_>, entry: &Node, namespace: &str) {
    let Some((key, tunnel)) = entry.as_map().and_then(|m| {
        m.iter()
            .find(|(k, _)| k.as_str() == Some("tunnel"))
            .map(|(k, v)| (k.clone(), v.clone()))
    }) else {
        return;
    };
    if tunnel.as_map().is_none() {
        ctx.error(
            "wrong-type",
            &tunnel,
            format!("`tunnel` must be a mapping, found {}", tunnel.kind_name()),
        );
        return;
    }
    check_keys(
        ctx,
        &tunnel,
        "consumes[]<http>.tunnel<ziti>",
        &["type", "service", "identity", "fallback"],
        &[],
    );
    let kind = string_field(ctx, &tunnel, "type").map_or_else(|| "?".to_owned(), |t| t.value);
    let service = string_field(ctx, &tunnel, "service")
        .map_or_else(String::new, |s| format!(" `{}`", s.value));
    let fallback = string_field(ctx, &tunnel, "fallback");
    match fallback.as_ref().map(|f| f.value.as_str()) {
        None | Some("fail") => {
            ctx.error(
                "unsupported-tunnel",
                &key,
                format!(
                    "tunnels are not supported: calls to `{namespace}` must go through the {kind} service{service}, which generated code cannot dial"
                ),
            )
            .help("run the tunnel as a sidecar and point `baseUri` at it, or set `fallback: direct` to call `baseUri` directly (for development)");
        }
        Some("direct") => {
            ctx.warn(
                "tunnel-direct",
                &key,
                format!(
                    "tunnels are not supported; as `fallback: direct` asks, calls to `{namespace}` go straight to `baseUri`, not through the {kind} service{service}"
                ),
            )
            .help("for development only: in production run the tunnel as a sidecar and point `baseUri` at it");
        }
        Some(other) => {
            let at = tunnel.get("fallback").cloned().unwrap_or(key);
            ctx.error(
                "bad-tunnel-fallback",
                &at,
                format!("unknown tunnel fallback `{other}`"),
            )
            .help(
                "use `fail` (the default: calls are refused) or `direct` (calls go to `baseUri`)",
            );
        }
    }
}

fn resource(ctx: &mut Ctx<'_>, key: Option<&Node>, r: &Node) -> Option<ConsumedResource> {
    check_keys(
        ctx,
        r,
        "consumes[]<http>.resources[]",
        &[
            "name",
            "label",
            "description",
            "path",
            "inputParameters",
            "operations",
            "display",
        ],
        &[],
    );
    let path = required_string(ctx, r, "path", "a resource")?;
    // A consumed resource's name only labels it (calls name the operation), so a resource
    // without one is named after its path rather than refused.
    let name = match (key, r.get("name").is_none_or(Node::is_null)) {
        (None, true) => {
            ctx.warn(
                "unnamed-resource",
                r,
                format!(
                    "a resource has no `name`; it is named after its path `{}`",
                    path.value
                ),
            )
            .help("add `name:`");
            path.clone()
        }
        _ => entry_name(ctx, key, r, "a resource")?,
    };
    let params = r
        .get("inputParameters")
        .map(|p| params(ctx, p))
        .unwrap_or_default();
    let mut operations = Vec::new();
    if let Some(ops) = r.get("operations") {
        for (key, op) in entries(ctx, ops, "operations") {
            if !is_mapping(ctx, op, "an operation") {
                continue;
            }
            if let Some(o) = operation(ctx, key, op) {
                operations.push(o);
            }
        }
    } else {
        ctx.error(
            "missing-key",
            r,
            format!("resource `{}` has no `operations`", name.value),
        );
    }
    Some(ConsumedResource {
        name,
        path,
        params,
        operations,
        span: span(r),
    })
}

fn operation(ctx: &mut Ctx<'_>, key: Option<&Node>, op: &Node) -> Option<ConsumedOperation> {
    check_keys(
        ctx,
        op,
        "consumes[]<http>.resources[].operations[]",
        &[
            "name",
            "label",
            "description",
            "method",
            "inputParameters",
            "outputRawFormat",
            "outputSchema",
            "outputParameters",
            "body",
            "path",
            "display",
            "outputMediaType",
            "maxBinarySize",
            "id",
        ],
        &[],
    );
    let name = entry_name(ctx, key, op, "an operation")?;
    let method = required_string(ctx, op, "method", "an operation")?;
    let Some(checked) = HttpMethod::parse(&method.value) else {
        let at = op.get("method").cloned().unwrap_or_else(|| op.clone());
        ctx.error(
            "bad-method",
            &at,
            format!("unknown HTTP method `{}`", method.value),
        )
        .help("use GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS");
        return None;
    };
    let method = Located::new(checked, method.span);
    let body = op.get("body").and_then(|b| body(ctx, b));
    Some(ConsumedOperation {
        description: opt_string(ctx, op, &["description", "label"]),
        path: string_field(ctx, op, "path"),
        params: op
            .get("inputParameters")
            .map(|p| params(ctx, p))
            .unwrap_or_default(),
        output_format: string_field(ctx, op, "outputRawFormat"),
        output_schema: string_field(ctx, op, "outputSchema"),
        outputs: op
            .get("outputParameters")
            .map(|o| super::targets::outputs(ctx, o))
            .unwrap_or_default(),
        name,
        method,
        body,
        span: span(op),
    })
}

/// Consumed `inputParameters`, list or name-keyed map.
pub fn params(ctx: &mut Ctx<'_>, node: &Node) -> Vec<ConsumedParam> {
    let mut out = Vec::new();
    for (key, p) in entries(ctx, node, "inputParameters") {
        if !is_mapping(ctx, p, "a parameter") {
            continue;
        }
        check_keys(
            ctx,
            p,
            "consumes[]<http>.resources[].operations[].inputParameters[]",
            &[
                "name",
                "in",
                "type",
                "description",
                "required",
                "value",
                "properties",
                "default",
                "enum",
                "format",
                "example",
                "pattern",
                "items",
            ],
            &[],
        );
        let Some(name) = entry_name(ctx, key, p, "a parameter") else {
            continue;
        };
        let from_environment = p
            .get("in")
            .and_then(Node::as_str)
            .is_some_and(|word| word.trim().eq_ignore_ascii_case("environment"));
        let location = if from_environment {
            None
        } else {
            location(ctx, p)
        };
        let required = fields::bool_field(ctx, p, "required")
            .unwrap_or_else(|| location.as_ref().is_some_and(|l| l.value == ParamIn::Path));
        out.push(ConsumedParam {
            ty: string_field(ctx, p, "type"),
            description: opt_string(ctx, p, &["description"]),
            value: p
                .get("value")
                .filter(|v| !v.is_null())
                .map(|v| Located::new(v.to_json(), span(v))),
            name,
            location,
            required,
            from_environment,
            span: span(p),
        });
    }
    out
}

pub fn location(ctx: &mut Ctx<'_>, p: &Node) -> Option<Located<ParamIn>> {
    let at = p.get("in")?;
    let s = at.as_str()?;
    match ParamIn::parse(s) {
        Some(l) => Some(Located::new(l, span(at))),
        None => {
            ctx.error(
                "bad-parameter-location",
                at,
                format!("unknown parameter location `{s}`"),
            )
            .help("use `path`, `query`, `header`, `cookie` or `body`");
            None
        }
    }
}

fn body(ctx: &mut Ctx<'_>, b: &Node) -> Option<Body> {
    match &b.kind {
        NodeKind::Null => None,
        NodeKind::Scalar(s) => {
            let data = text(b, s.text.clone());
            let trimmed = s.text.trim_start();
            let content_type = if trimmed.starts_with('{') || trimmed.starts_with('[') {
                "application/json"
            } else {
                "text/plain"
            };
            Some(Body::Text {
                content_type: content_type.into(),
                data,
            })
        }
        NodeKind::Seq(_) => Some(Body::Json(Located::new(b.to_json(), span(b)))),
        NodeKind::Map(_) => match b.get("type").and_then(Node::as_str) {
            Some(kind) => typed_body(ctx, b, kind),
            // A body given directly as a mapping is a JSON template.
            None => Some(Body::Json(Located::new(b.to_json(), span(b)))),
        },
    }
}

/// A body mapping with a `type` and its `data`.
fn typed_body(ctx: &mut Ctx<'_>, b: &Node, kind: &str) -> Option<Body> {
    let section = match kind {
        "json" => "consumes[]<http>.resources[].operations[].body<json>",
        "formUrlEncoded" => "consumes[]<http>.resources[].operations[].body<formUrlEncoded>",
        "multipartForm" => "consumes[]<http>.resources[].operations[].body<multipartForm>",
        _ => "consumes[]<http>.resources[].operations[].body",
    };
    check_keys(ctx, b, section, &["type", "data", "contentType"], &[]);
    let data = b.get("data");
    let data_json = data.map(|d| Located::new(d.to_json(), span(d)));
    let or_empty = |data_json: Option<Located<serde_json::Value>>| {
        data_json.unwrap_or_else(|| Located::new(serde_json::json!({}), span(b)))
    };
    match kind.to_ascii_lowercase().as_str() {
        "json" | "application/json" => Some(Body::Json(or_empty(data_json))),
        "formurlencoded"
        | "form"
        | "form-urlencoded"
        | "x-www-form-urlencoded"
        | "application/x-www-form-urlencoded" => Some(Body::FormUrlEncoded(or_empty(data_json))),
        "multipartform" | "multipart" | "multipart-form" | "multipart/form-data" => {
            Some(Body::Multipart(multipart_parts(ctx, data)))
        }
        kind => match raw_content_type(kind) {
            Some(default_type) => raw_body(ctx, b, kind, default_type),
            None => {
                let at = b.get("type").cloned().unwrap_or_else(|| b.clone());
                ctx.error(
                    "unsupported-body-type",
                    &at,
                    format!("body type `{kind}` is not supported"),
                )
                .help(
                    "use `json`, `formUrlEncoded`, `multipartForm`, `text`, `xml`, \
                     `binary` or a media type such as `application/cbor`",
                );
                None
            }
        },
    }
}

fn multipart_parts(ctx: &mut Ctx<'_>, data: Option<&Node>) -> Vec<MultipartPart> {
    let mut parts = Vec::new();
    for (key, part) in data.map(|d| entries(ctx, d, "data")).unwrap_or_default() {
        let Some(name) = entry_name(ctx, key, part, "a multipart part") else {
            continue;
        };
        let value = part.get("value").unwrap_or(part);
        parts.push(MultipartPart {
            name,
            value: Located::new(value.to_json(), span(value)),
            filename: part
                .get("filename")
                .and_then(Node::as_str)
                .map(str::to_string),
            content_type: part
                .get("contentType")
                .and_then(Node::as_str)
                .map(str::to_string),
        });
    }
    parts
}

/// The default content type of a body sent as it is (raw), by its `type`; `None` when the type
/// names no raw body. A `type` that is itself a media type (`application/cbor`) is its own.
fn raw_content_type(kind: &str) -> Option<String> {
    let lower = kind.to_ascii_lowercase();
    let known = match lower.as_str() {
        "text" | "plain" | "raw" => "text/plain",
        "xml" => "application/xml",
        "html" => "text/html",
        "csv" => "text/csv",
        "yaml" | "yml" => "application/yaml",
        "binary" | "octet-stream" | "bytes" => "application/octet-stream",
        _ => {
            let (top, sub) = lower.split_once('/')?;
            let token = |t: &str| {
                !t.is_empty()
                    && t.bytes()
                        .all(|c| c.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&c))
            };
            return (token(top) && token(sub)).then_some(lower);
        }
    };
    Some(known.to_string())
}

/// A body sent as it is: the `data` string, or the one string field of a `data` mapping that
/// only wraps it (`data: {content: '{{tools.content}}'}` — what authors write for a file upload),
/// with a warning. Text kinds keep sending other data as its JSON text; for the rest (bytes,
/// YAML, CBOR) a structure cannot be encoded faithfully, so it is an error.
fn raw_body(ctx: &mut Ctx<'_>, b: &Node, kind: &str, default_type: String) -> Option<Body> {
    let content_type = b
        .get("contentType")
        .and_then(Node::as_str)
        .map(str::to_string)
        .unwrap_or(default_type);
    let textual = matches!(
        kind.to_ascii_lowercase().as_str(),
        "text" | "plain" | "raw" | "xml" | "html" | "csv"
    );
    let data = match b.get("data") {
        None => text(b, String::new()),
        Some(d) => match (d.as_str(), d.as_map()) {
            (Some(s), _) => text(d, s.to_string()),
            (None, Some([(key, value)])) if value.as_str().is_some() => {
                let field = key.as_str().unwrap_or_default();
                ctx.warn(
                    "raw-body-field",
                    d,
                    format!("a body of type `{kind}` is sent as it is: the value of `{field}` is the body"),
                );
                text(value, value.as_str().unwrap_or_default().to_string())
            }
            _ if textual => text(d, d.to_json().to_string()),
            _ => {
                ctx.error(
                    "unsupported-body-type",
                    d,
                    format!(
                        "a body of type `{kind}` is sent as it is and cannot encode this `data`"
                    ),
                )
                .help("give `data` as one string, or one field holding a string");
                return None;
            }
        },
    };
    Some(Body::Text { content_type, data })
}
