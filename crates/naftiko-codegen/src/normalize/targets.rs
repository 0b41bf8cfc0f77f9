//! What exposed operations, tools and aggregate functions do: `call` + `with`, `steps` +
//! `mappings`, `ref`, their declared inputs, hints and output trees.

use super::Ctx;
use super::consumes::location;
use super::fields::{
    bool_field, check_keys, entries, entry_name, is_mapping, opt_string, span, string_field, text,
};
use crate::load::{Node, NodeKind};
use crate::model::{ExposedParam, Hints, Located, OutputParam, StepSpec, Target, Text};

/// Keys a node with a target may carry (besides its own).
/// Steps have one shape wherever they are; the coverage table lists it under tools.
const STEP: &str = "exposes[]<mcp>.tools[].steps[]";

pub const TARGET_KEYS: &[&str] = &[
    "call",
    "with",
    "steps",
    "mappings",
    "ref",
    "outputParameters",
    "hints",
    "inputParameters",
    "semantics",
];

pub fn target(ctx: &mut Ctx<'_>, node: &Node) -> Target {
    let mut t = Target {
        span: span(node),
        ..Target::default()
    };
    t.call = string_field(ctx, node, "call");
    t.reference = string_field(ctx, node, "ref");
    if let Some(w) = node.get("with") {
        t.with = with(ctx, w);
    }
    if let Some(steps) = node.get("steps") {
        t.steps = self::steps(ctx, steps);
    }
    if let Some(m) = node.get("mappings") {
        t.mappings = mappings(ctx, m);
    }
    if let Some(o) = node.get("outputParameters") {
        t.outputs = outputs(ctx, o);
    }
    t.hints = hints(ctx, node);
    t
}

pub fn with(ctx: &mut Ctx<'_>, node: &Node) -> Vec<(Text, Located<serde_json::Value>)> {
    match &node.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .filter_map(|(k, v)| {
                k.as_str().map(|name| {
                    (
                        text(k, name.to_string()),
                        Located::new(v.to_json(), span(v)),
                    )
                })
            })
            .collect(),
        NodeKind::Null => Vec::new(),
        _ => {
            ctx.error(
                "wrong-type",
                node,
                format!(
                    "`with` must map parameter names to values, found {}",
                    node.kind_name()
                ),
            );
            Vec::new()
        }
    }
}

fn steps(ctx: &mut Ctx<'_>, node: &Node) -> Vec<StepSpec> {
    let mut out = Vec::new();
    for (key, s) in entries(ctx, node, "steps") {
        if !is_mapping(ctx, s, "a step") {
            continue;
        }
        let Some(name) = entry_name(ctx, key, s, "a step") else {
            continue;
        };
        let kind = string_field(ctx, s, "type")
            .map_or_else(|| "call".to_string(), |k| k.value.to_ascii_lowercase());
        let step = match kind.as_str() {
            "call" => call_step(ctx, s, name),
            "lookup" => lookup_step(ctx, s, name),
            _ => {
                let at = s.get("type").cloned().unwrap_or_else(|| s.clone());
                Some(StepSpec::Unsupported {
                    name,
                    kind: text(&at, kind),
                })
            }
        };
        out.extend(step);
    }
    out
}

fn call_step(ctx: &mut Ctx<'_>, s: &Node, name: Text) -> Option<StepSpec> {
    check_keys(
        ctx,
        s,
        STEP,
        &["name", "type", "call", "with", "description"],
        &[],
    );
    let Some(call) = string_field(ctx, s, "call") else {
        ctx.error(
            "missing-key",
            s,
            format!("step `{}` has no `call`", name.value),
        );
        return None;
    };
    let with = s.get("with").map(|w| with(ctx, w)).unwrap_or_default();
    Some(StepSpec::Call { name, call, with })
}

fn lookup_step(ctx: &mut Ctx<'_>, s: &Node, name: Text) -> Option<StepSpec> {
    check_keys(
        ctx,
        s,
        STEP,
        &[
            "name",
            "type",
            "index",
            "match",
            "lookupValue",
            "outputParameters",
            "description",
        ],
        &[],
    );
    let index = string_field(ctx, s, "index");
    let match_field = string_field(ctx, s, "match");
    let lookup_value = string_field(ctx, s, "lookupValue");
    let (Some(index), Some(match_field), Some(lookup_value)) = (index, match_field, lookup_value)
    else {
        ctx.error(
            "missing-key",
            s,
            format!(
                "lookup step `{}` needs `index`, `match` and `lookupValue`",
                name.value
            ),
        );
        return None;
    };
    // Each output field is named by a string or by the `name` of a parameter.
    let fields = s
        .get("outputParameters")
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|f| {
            f.as_str()
                .or_else(|| f.get("name").and_then(Node::as_str))
                .map(str::to_string)
        })
        .collect();
    Some(StepSpec::Lookup {
        name,
        index,
        match_field,
        lookup_value,
        fields,
    })
}

fn mappings(ctx: &mut Ctx<'_>, node: &Node) -> Vec<(Text, Text)> {
    let mut out = Vec::new();
    for (key, m) in entries(ctx, node, "mappings") {
        // Both `{targetName, value}` list items and ikanos' `{target, value}` / `name: value`.
        let target = match key {
            Some(k) => k.as_str().map(|s| text(k, s.to_string())),
            None => string_field(ctx, m, "targetName").or_else(|| string_field(ctx, m, "target")),
        };
        let value = if key.is_some() && m.as_str().is_some() {
            m.as_str().map(|s| text(m, s.to_string()))
        } else {
            string_field(ctx, m, "value")
        };
        match (target, value) {
            (Some(t), Some(v)) => out.push((t, v)),
            _ => {
                ctx.error("missing-key", m, "a mapping needs `targetName` and `value`");
            }
        }
    }
    out
}

pub fn hints(ctx: &mut Ctx<'_>, node: &Node) -> Hints {
    let mut h = Hints::default();
    if let Some(hn) = node.get("hints") {
        check_keys(
            ctx,
            hn,
            "exposes[]<mcp>.tools[].hints",
            &["readOnly", "destructive", "idempotent", "openWorld"],
            &[],
        );
        h.read_only = bool_field(ctx, hn, "readOnly");
        h.destructive = bool_field(ctx, hn, "destructive");
        h.idempotent = bool_field(ctx, hn, "idempotent");
        h.open_world = bool_field(ctx, hn, "openWorld");
    }
    if let Some(sem) = node.get("semantics") {
        let safe = bool_field(ctx, sem, "safe");
        h.read_only = h.read_only.or(safe);
        // A safe function changes nothing, so it cannot be destructive.
        h.destructive = h.destructive.or(safe.filter(|s| *s).map(|_| false));
        h.idempotent = h.idempotent.or(bool_field(ctx, sem, "idempotent"));
    }
    h
}

/// Declared caller inputs of an exposed operation, tool or function.
pub fn exposed_params(ctx: &mut Ctx<'_>, node: &Node) -> Vec<ExposedParam> {
    let mut out = Vec::new();
    for (key, p) in entries(ctx, node, "inputParameters") {
        if !is_mapping(ctx, p, "a parameter") {
            continue;
        }
        check_keys(
            ctx,
            p,
            "exposes[]<rest>.resources[].operations[].inputParameters[]",
            &[
                "name",
                "in",
                "type",
                "description",
                "required",
                "value",
                "mapping",
                "pattern",
                "default",
                "enum",
                "items",
                "format",
                "example",
                "label",
            ],
            &[],
        );
        let Some(name) = entry_name(ctx, key, p, "a parameter") else {
            continue;
        };
        let value = p
            .get("value")
            .or_else(|| p.get("mapping"))
            .filter(|v| !v.is_null());
        out.push(ExposedParam {
            location: location(ctx, p),
            ty: string_field(ctx, p, "type"),
            required: bool_field(ctx, p, "required"),
            description: opt_string(ctx, p, &["description"]),
            value: value.map(|v| Located::new(v.to_json(), span(v))),
            schema: structure_schema(p),
            pattern: string_field(ctx, p, "pattern"),
            name,
            span: span(p),
        });
    }
    out
}

/// The JSON Schema of a parameter's nested `properties` / `items` (list or name-keyed map of
/// parameter-like entries), or `None` when it has neither.
fn structure_schema(p: &Node) -> Option<serde_json::Value> {
    use serde_json::{Map, Value, json};
    fn field(n: &Node) -> Value {
        let mut s = Map::new();
        if let Some(t) = n.get("type").and_then(Node::as_str) {
            s.insert("type".into(), t.into());
        }
        if let Some(d) = n.get("description").and_then(Node::as_str) {
            s.insert("description".into(), d.into());
        }
        if let Some(Value::Object(nested)) = structure_schema(n) {
            s.extend(nested);
        }
        Value::Object(s)
    }
    let mut schema = Map::new();
    if let Some(props) = p.get("properties") {
        let mut properties = Map::new();
        let mut required = Vec::new();
        let entries: Vec<(String, &Node)> = match &props.kind {
            NodeKind::Map(m) => m
                .iter()
                .filter_map(|(k, v)| k.as_str().map(|k| (k.to_string(), v)))
                .collect(),
            NodeKind::Seq(items) => items
                .iter()
                .filter_map(|i| {
                    i.get("name")
                        .and_then(Node::as_str)
                        .map(|n| (n.to_string(), i))
                })
                .collect(),
            _ => Vec::new(),
        };
        for (name, n) in entries {
            if n.get("required").and_then(Node::as_bool) == Some(true) {
                required.push(Value::String(name.clone()));
            }
            properties.insert(name, field(n));
        }
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
    }
    if let Some(items) = p.get("items").filter(|i| i.as_map().is_some()) {
        schema.insert("type".into(), "array".into());
        schema.insert("items".into(), field(items));
    }
    if schema.is_empty() {
        None
    } else {
        Some(json!(schema))
    }
}

/// An `outputParameters` list (or name-keyed map) → output trees.
pub fn outputs(ctx: &mut Ctx<'_>, node: &Node) -> Vec<OutputParam> {
    let mut out = Vec::new();
    for (key, o) in entries(ctx, node, "outputParameters") {
        if let Some(p) = output(ctx, key, o) {
            out.push(p);
        }
    }
    out
}

fn output(ctx: &mut Ctx<'_>, key: Option<&Node>, o: &Node) -> Option<OutputParam> {
    if o.as_map().is_none() {
        // `- fullName` shorthand inside lookup-like lists: a named string field.
        let name = o.as_str()?;
        return Some(OutputParam {
            name: Some(text(o, name.to_string())),
            ty: None,
            mapping: None,
            constant: None,
            properties: Vec::new(),
            items: None,
            description: None,
            required: false,
            span: span(o),
        });
    }
    check_keys(
        ctx,
        o,
        "exposes[]<mcp>.tools[].outputParameters[]",
        &[
            "name",
            "type",
            "mapping",
            "value",
            "const",
            "properties",
            "items",
            "description",
            "label",
            "format",
            "required",
            "enum",
        ],
        &[],
    );
    let name = match key {
        Some(k) => k.as_str().map(|s| text(k, s.to_string())),
        None => string_field(ctx, o, "name"),
    };
    let mapping = ["mapping", "value"].iter().find_map(|k| {
        o.get(k)
            .and_then(|v| v.as_str().map(|s| text(v, s.to_string())))
    });
    let constant = o.get("const").map(|c| Located::new(c.to_json(), span(c)));
    let properties = o
        .get("properties")
        .map(|p| outputs(ctx, p))
        .unwrap_or_default();
    let items = match o.get("items") {
        None => None,
        Some(i) if i.as_map().is_some() && i.get("type").is_some_and(|t| t.as_str().is_some()) => {
            output(ctx, None, i).map(Box::new)
        }
        Some(i) => {
            // `items` as a list of named fields (or an ikanos name-keyed map): an object per item.
            let fields = outputs(ctx, i);
            Some(Box::new(OutputParam {
                name: None,
                ty: Some(text(i, "object".into())),
                mapping: None,
                constant: None,
                properties: fields,
                items: None,
                description: None,
                required: false,
                span: span(i),
            }))
        }
    };
    Some(OutputParam {
        name,
        ty: string_field(ctx, o, "type"),
        mapping,
        constant,
        properties,
        items,
        description: opt_string(ctx, o, &["description", "label"]),
        required: bool_field(ctx, o, "required").unwrap_or(false),
        span: span(o),
    })
}
