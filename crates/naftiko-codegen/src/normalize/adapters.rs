//! `capability.exposes` (rest, mcp, control, skill …) and `capability.aggregates`.

use super::Ctx;
use super::auth::auth;
use super::fields::{
    check_keys, entries, entry_name, is_mapping, opt_string, port_field, required_string, span,
    string_field, text,
};
use super::imports;
use super::observability;
use super::targets::{TARGET_KEYS, exposed_params, target};
use crate::load::Node;
use crate::model::{
    Aggregate, AggregateFunction, ControlAdapter, Expose, ExposedOperation, ExposedResource,
    Forward, McpAdapter, McpPromptSpec, McpResourceSpec, McpTool, RestAdapter, Target, Text,
};
use naftiko_spec::McpCacheScope;

pub fn exposes(ctx: &mut Ctx<'_>, node: &Node) -> Vec<Expose> {
    let mut out = Vec::new();
    for (_, e) in entries(ctx, node, "exposes") {
        if !is_mapping(ctx, e, "an exposes entry") {
            continue;
        }
        let imported;
        let e = if imports::is_import(e) {
            let Some(found) = imports::import_entry(ctx, e, "exposes") else {
                continue;
            };
            imported = found;
            &imported
        } else {
            e
        };
        let Some(kind) = required_string(ctx, e, "type", "an exposes entry") else {
            continue;
        };
        match kind.value.to_ascii_lowercase().as_str() {
            "rest" | "api" => out.extend(rest(ctx, e).map(Expose::Rest)),
            "mcp" => out.extend(mcp(ctx, e).map(Expose::Mcp)),
            "control" => out.push(Expose::Control(control(ctx, e))),
            _ => out.push(Expose::Other {
                namespace: string_field(ctx, e, "namespace"),
                kind,
            }),
        }
    }
    out
}

/// A control adapter: health and metrics are served, `observability` configures OpenTelemetry;
/// `management` settings beyond health are not honoured, and say so.
fn control(ctx: &mut Ctx<'_>, e: &Node) -> ControlAdapter {
    check_keys(
        ctx,
        e,
        "exposes[]<control>",
        &[
            "type",
            "address",
            "port",
            "namespace",
            "label",
            "description",
            "management",
            "observability",
            "authentication",
        ],
        &[("auth", "`authentication`")],
    );
    if let Some(management) = e.get("management") {
        let mut ignored = Vec::new();
        for (key, value) in management.as_map().unwrap_or_default() {
            let Some(name) = key.as_str() else { continue };
            let enabled = value.as_bool().unwrap_or(true)
                && value.get("enabled").and_then(Node::as_bool).unwrap_or(true);
            match name {
                "health" if enabled => {}
                "scripting" if enabled => {
                    ctx.error(
                        "unsupported-scripting",
                        value,
                        "`management.scripting` (running scripts through the control port) is not supported",
                    )
                    .help("set `enabled: false` or remove `scripting`; capabilities compile to Rust, with no script engine");
                }
                _ if enabled => ignored.push(format!("`{name}`")),
                _ => {}
            }
        }
        if !ignored.is_empty() {
            ctx.warn(
                "control-setting-ignored",
                management,
                format!(
                    "management settings {} are not supported; they are ignored",
                    ignored.join(", ")
                ),
            )
            .help("the control adapter serves GET /health/live, /health/ready and /metrics");
        }
    }
    let observability = e.get("observability").map(|o| observability::read(ctx, o));
    ControlAdapter {
        namespace: string_field(ctx, e, "namespace"),
        address: string_field(ctx, e, "address"),
        port: port_field(ctx, e),
        auth: auth(ctx, e),
        observability,
        span: span(e),
    }
}

fn rest(ctx: &mut Ctx<'_>, e: &Node) -> Option<RestAdapter> {
    check_keys(
        ctx,
        e,
        "exposes[]<rest>",
        &[
            "type",
            "address",
            "port",
            "namespace",
            "description",
            "authentication",
            "resources",
            "label",
            "maxBinarySize",
        ],
        &[("auth", "`authentication`"), ("paths", "`resources`")],
    );
    let namespace = required_string(ctx, e, "namespace", "a rest adapter")?;
    let mut resources = Vec::new();
    if let Some(res) = e.get("resources") {
        for (key, r) in entries(ctx, res, "resources") {
            if !is_mapping(ctx, r, "a resource") {
                continue;
            }
            if let Some(resource) = rest_resource(ctx, key, r) {
                resources.push(resource);
            }
        }
    }
    Some(RestAdapter {
        address: string_field(ctx, e, "address"),
        port: port_field(ctx, e),
        description: opt_string(ctx, e, &["description"]),
        auth: auth(ctx, e),
        namespace,
        resources,
        span: span(e),
    })
}

/// One resource of a rest adapter: its operations, or a `forward` to a consumed namespace.
fn rest_resource(ctx: &mut Ctx<'_>, key: Option<&Node>, r: &Node) -> Option<ExposedResource> {
    let mut reads = vec![
        "path",
        "name",
        "label",
        "description",
        "inputParameters",
        "operations",
        "forward",
        "display",
        "method",
        "call",
        "with",
        "outputParameters",
    ];
    if r.get("operations").is_none() && r.get("method").is_some() {
        // A resource that is its own operation carries the operation keys too.
        reads.extend_from_slice(OPERATION_KEYS);
        reads.extend_from_slice(TARGET_KEYS);
    }
    check_keys(ctx, r, "exposes[]<rest>.resources[]", &reads, &[]);
    let path = required_string(ctx, r, "path", "a resource")?;
    let name = match key {
        Some(k) => k.as_str().map(|s| text(k, s.to_string())),
        None => string_field(ctx, r, "name"),
    };
    let operations = resource_operations(ctx, r);
    let forward = r.get("forward").and_then(|f| forward(ctx, f));
    if operations.is_empty() && forward.is_none() {
        ctx.error(
            "missing-key",
            r,
            format!("resource `{}` has no `operations`", path.value),
        );
    }
    Some(ExposedResource {
        description: opt_string(ctx, r, &["description"]),
        params: r
            .get("inputParameters")
            .map(|p| exposed_params(ctx, p))
            .unwrap_or_default(),
        path,
        name,
        operations,
        forward,
        span: span(r),
    })
}

fn resource_operations(ctx: &mut Ctx<'_>, r: &Node) -> Vec<ExposedOperation> {
    let mut operations = Vec::new();
    if let Some(ops) = r.get("operations") {
        for (key, op) in entries(ctx, ops, "operations") {
            if !is_mapping(ctx, op, "an operation") {
                continue;
            }
            if let Some(o) = operation(ctx, key, op, false) {
                operations.push(o);
            }
        }
    } else if r.get("method").is_some() {
        // A resource that is its own single operation (seen in some alpha1 specs).
        if let Some(o) = operation(ctx, None, r, true) {
            operations.push(o);
        }
    }
    operations
}

fn forward(ctx: &mut Ctx<'_>, f: &Node) -> Option<Forward> {
    let target_namespace = required_string(ctx, f, "targetNamespace", "`forward`")?;
    let trusted_headers = f
        .get("trustedHeaders")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|h| h.as_str().map(|name| text(h, name.to_string())))
        .collect();
    Some(Forward {
        target_namespace,
        trusted_headers,
    })
}

/// The keys of an exposed operation besides its target's.
const OPERATION_KEYS: &[&str] = &[
    "method",
    "name",
    "label",
    "description",
    "path",
    "display",
    "responses",
    "responseBinary",
];

/// An operation of a rest resource, or (`own`) the resource itself when it is its own single
/// operation: its keys were checked with the resource's.
fn operation(
    ctx: &mut Ctx<'_>,
    key: Option<&Node>,
    op: &Node,
    own: bool,
) -> Option<ExposedOperation> {
    if !own {
        let mut reads = OPERATION_KEYS.to_vec();
        reads.extend_from_slice(TARGET_KEYS);
        check_keys(
            ctx,
            op,
            "exposes[]<rest>.resources[].operations[]",
            &reads,
            &[],
        );
    }
    let method = required_string(ctx, op, "method", "an operation")?;
    let name = match key {
        Some(k) => k.as_str().map(|s| text(k, s.to_string())),
        None => string_field(ctx, op, "name"),
    };
    Some(ExposedOperation {
        description: opt_string(ctx, op, &["description", "label"]),
        params: op
            .get("inputParameters")
            .map(|p| exposed_params(ctx, p))
            .unwrap_or_default(),
        target: target(ctx, op),
        method,
        name,
        span: span(op),
    })
}

fn mcp(ctx: &mut Ctx<'_>, e: &Node) -> Option<McpAdapter> {
    check_keys(
        ctx,
        e,
        "exposes[]<mcp>",
        &[
            "type",
            "transport",
            "address",
            "port",
            "namespace",
            "description",
            "authentication",
            "tools",
            "resources",
            "prompts",
            "label",
            "ttlMs",
            "cacheScope",
            "maxBinarySize",
        ],
        &[("auth", "`authentication`")],
    );
    let namespace = required_string(ctx, e, "namespace", "an mcp adapter")?;
    let (ttl_ms, cache_scope) = cache_hints(ctx, e);
    let tools = each(ctx, e, "tools", "a tool", tool);
    let resources = each(ctx, e, "resources", "a resource", mcp_resource);
    let prompts = each(ctx, e, "prompts", "a prompt", prompt);
    if tools.is_empty() && resources.is_empty() && prompts.is_empty() {
        ctx.warn(
            "mcp-empty",
            e,
            format!("mcp adapter `{}` exposes no tools", namespace.value),
        );
    }
    Some(McpAdapter {
        address: string_field(ctx, e, "address"),
        port: port_field(ctx, e),
        transport: string_field(ctx, e, "transport"),
        ttl_ms,
        cache_scope,
        description: opt_string(ctx, e, &["description"]),
        auth: auth(ctx, e),
        namespace,
        tools,
        resources,
        prompts,
        span: span(e),
    })
}

/// `ttlMs` (milliseconds, not negative) and `cacheScope` (`public` or `private`) of an MCP
/// adapter, the caching hints MCP 2026-07-28 puts on list and read results.
fn cache_hints(ctx: &mut Ctx<'_>, e: &Node) -> (Option<u64>, Option<McpCacheScope>) {
    let ttl_ms = e.get("ttlMs").and_then(|node| {
        let ttl = node.as_u64();
        if ttl.is_none() {
            ctx.error(
                "wrong-type",
                node,
                "`ttlMs` must be a whole number of milliseconds, 0 or more",
            )
            .help("for example `ttlMs: 60000` (a minute); 0 means always re-fetch");
        }
        ttl
    });
    let cache_scope =
        string_field(ctx, e, "cacheScope").and_then(|scope| match scope.value.as_str() {
            "public" => Some(McpCacheScope::Public),
            "private" => Some(McpCacheScope::Private),
            other => {
                let at = e.get("cacheScope").cloned().unwrap_or_else(|| e.clone());
                ctx.error(
                    "bad-cache-scope",
                    &at,
                    format!("unknown cacheScope `{other}`"),
                )
                .help("use `public` (the same for every caller) or `private` (per caller)");
                None
            }
        });
    (ttl_ms, cache_scope)
}

/// The function name of `ref: <aggregate-namespace>.<function-name>`, located at the ref.
fn ref_name(entry: &Node) -> Option<Text> {
    let at = entry.get("ref")?;
    let (_, function) = at.as_str()?.split_once('.')?;
    (!function.is_empty()).then(|| text(at, function.to_string()))
}

/// Reads each mapping entry of the collection `key` of `e` with `read`; entries that are not
/// mappings are reported as `what`.
fn each<T>(
    ctx: &mut Ctx<'_>,
    e: &Node,
    key: &str,
    what: &str,
    read: fn(&mut Ctx<'_>, Option<&Node>, &Node) -> Option<T>,
) -> Vec<T> {
    let mut out = Vec::new();
    if let Some(list) = e.get(key) {
        for (name, entry) in entries(ctx, list, key) {
            if !is_mapping(ctx, entry, what) {
                continue;
            }
            out.extend(read(ctx, name, entry));
        }
    }
    out
}

fn tool(ctx: &mut Ctx<'_>, key: Option<&Node>, t: &Node) -> Option<McpTool> {
    let mut allowed = vec!["name", "label", "description", "display", "title"];
    allowed.extend_from_slice(TARGET_KEYS);
    check_keys(
        ctx,
        t,
        "exposes[]<mcp>.tools[]",
        &allowed,
        &[
            ("inputSchema", "`inputParameters`"),
            ("operation", "`call`"),
            ("calls", "`steps`"),
        ],
    );
    let name = match (key, t.get("name"), t.get("id"), ref_name(t)) {
        // A tool that only names an aggregate function takes the function's name.
        (None, None, None, Some(inherited)) => inherited,
        _ => entry_name(ctx, key, t, "a tool")?,
    };
    Some(McpTool {
        label: opt_string(ctx, t, &["label", "title", "display"]),
        description: opt_string(ctx, t, &["description"]),
        params: t
            .get("inputParameters")
            .map(|p| exposed_params(ctx, p))
            .unwrap_or_default(),
        target: target(ctx, t),
        name,
        span: span(t),
    })
}

fn mcp_resource(ctx: &mut Ctx<'_>, key: Option<&Node>, r: &Node) -> Option<McpResourceSpec> {
    let mut reads = vec![
        "name",
        "label",
        "display",
        "description",
        "uri",
        "mimeType",
        "location",
        "binary",
    ];
    reads.extend_from_slice(TARGET_KEYS);
    check_keys(ctx, r, "exposes[]<mcp>.resources[]", &reads, &[]);
    let name = entry_name(ctx, key, r, "a resource")?;
    let uri = required_string(ctx, r, "uri", "an MCP resource")?;
    Some(McpResourceSpec {
        label: opt_string(ctx, r, &["label", "display"]),
        description: opt_string(ctx, r, &["description"]),
        mime_type: opt_string(ctx, r, &["mimeType"]),
        location: string_field(ctx, r, "location"),
        binary: r.get("binary").and_then(Node::as_bool).unwrap_or(false),
        target: target(ctx, r),
        name,
        uri,
        span: span(r),
    })
}

fn prompt(ctx: &mut Ctx<'_>, key: Option<&Node>, p: &Node) -> Option<McpPromptSpec> {
    check_keys(
        ctx,
        p,
        "exposes[]<mcp>.prompts[]",
        &[
            "name",
            "label",
            "display",
            "description",
            "location",
            "template",
            "arguments",
        ],
        &[],
    );
    let name = entry_name(ctx, key, p, "a prompt")?;
    let arguments = prompt_arguments(ctx, p);
    let messages = prompt_messages(p);
    Some(McpPromptSpec {
        label: opt_string(ctx, p, &["label", "display"]),
        description: opt_string(ctx, p, &["description"]),
        location: string_field(ctx, p, "location"),
        name,
        arguments,
        messages,
        span: span(p),
    })
}

/// (name, description, required) of each prompt argument.
fn prompt_arguments(ctx: &mut Ctx<'_>, p: &Node) -> Vec<(Text, Option<String>, bool)> {
    let mut arguments = Vec::new();
    for (k, a) in p
        .get("arguments")
        .map(|a| entries(ctx, a, "arguments"))
        .unwrap_or_default()
    {
        check_keys(
            ctx,
            a,
            "exposes[]<mcp>.prompts[].arguments[]",
            &["name", "description", "required"],
            &[],
        );
        let Some(n) = entry_name(ctx, k, a, "a prompt argument") else {
            continue;
        };
        let required = a.get("required").and_then(Node::as_bool).unwrap_or(false);
        arguments.push((
            n,
            a.get("description")
                .and_then(Node::as_str)
                .map(str::to_string),
            required,
        ));
    }
    arguments
}

/// The messages of a prompt: a `template` string is one user message, a list gives each
/// message its role (a user message when it names none).
fn prompt_messages(p: &Node) -> Vec<(String, Text)> {
    let mut messages = Vec::new();
    match p.get("template") {
        Some(t) if t.as_str().is_some() => {
            messages.push((
                "user".to_string(),
                text(t, t.as_str().unwrap_or_default().to_string()),
            ));
        }
        Some(t) => {
            for m in t.as_seq().unwrap_or_default() {
                let role = m
                    .get("role")
                    .and_then(Node::as_str)
                    .unwrap_or("user")
                    .to_string();
                if let Some(c) = m.get("content") {
                    messages.push((role, text(c, c.as_str().unwrap_or_default().to_string())));
                }
            }
        }
        None => {}
    }
    messages
}

pub fn aggregates(ctx: &mut Ctx<'_>, node: &Node) -> Vec<Aggregate> {
    let mut out = Vec::new();
    for (_, a) in entries(ctx, node, "aggregates") {
        if !is_mapping(ctx, a, "an aggregate") {
            continue;
        }
        let imported;
        let a = if imports::is_import(a) {
            let Some(found) = imports::import_entry(ctx, a, "aggregates") else {
                continue;
            };
            imported = found;
            &imported
        } else {
            a
        };
        check_keys(
            ctx,
            a,
            "aggregates[]",
            &[
                "label",
                "namespace",
                "functions",
                "display",
                "flows",
                "name",
                "description",
            ],
            &[],
        );
        let Some(namespace) = required_string(ctx, a, "namespace", "an aggregate") else {
            continue;
        };
        let mut functions = Vec::new();
        let list = a.get("functions").or_else(|| a.get("flows"));
        for (key, f) in list
            .map(|l| entries(ctx, l, "functions"))
            .unwrap_or_default()
        {
            if !is_mapping(ctx, f, "a function") {
                continue;
            }
            let section = if a.get("functions").is_some() {
                "aggregates[].functions[]"
            } else {
                "aggregates[].flows[]"
            };
            let mut allowed = vec!["name", "description", "label", "display", "outputMediaType"];
            allowed.extend_from_slice(TARGET_KEYS);
            check_keys(ctx, f, section, &allowed, &[]);
            let Some(name) = entry_name(ctx, key, f, "a function") else {
                continue;
            };
            let target: Target = target(ctx, f);
            functions.push(AggregateFunction {
                description: opt_string(ctx, f, &["description"]),
                params: f
                    .get("inputParameters")
                    .map(|p| exposed_params(ctx, p))
                    .unwrap_or_default(),
                hints: target.hints,
                target,
                name,
            });
        }
        out.push(Aggregate {
            namespace,
            functions,
        });
    }
    out
}
