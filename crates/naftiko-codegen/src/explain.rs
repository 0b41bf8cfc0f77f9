//! `naftiko-codegen explain`: what a spec came to mean, route by route and tool by tool.

use std::fmt::Write as _;

use naftiko_spec::{
    Arg, Auth, BindingKind, CallerInput, Capability, Handler, InputOrigin, Mapping, Output,
    PathPart, ApiKeyPlacement, Step, TemplatePart, Value,
};

pub fn explain(cap: &Capability) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "capability: {}", cap.name);
    for ns in &cap.consumes {
        let _ = writeln!(
            out,
            "\nconsumes {} → {} (env {}_BASE_URL, timeout {} ms)",
            ns.namespace, ns.base_url, ns.env_prefix, ns.timeout_ms
        );
        let _ = writeln!(out, "  auth: {}", auth(&ns.auth));
        for (name, location, value) in &ns.default_params {
            let _ = writeln!(
                out,
                "  every call: {} {name} ← {}",
                location.as_str(),
                value_str(value, &[])
            );
        }
    }
    for a in &cap.rest {
        let _ = writeln!(
            out,
            "\nrest {} on {} (env {}_ADDR)",
            a.namespace, a.default_addr, a.env_prefix
        );
        for r in &a.routes {
            let _ = writeln!(out, "  {} {}", r.method, r.spec_path);
            handler(&mut out, cap, &r.handler, &r.inputs);
        }
        for f in &a.forwards {
            let target = cap
                .consumes
                .get(f.namespace)
                .map_or("?", |ns| ns.namespace.as_str());
            let _ = writeln!(
                out,
                "  * {}/… → {target} (every method and sub-path, with {target}'s auth)",
                f.prefix
            );
            let trusted = if f.trusted_headers.is_empty() {
                "none".to_string()
            } else {
                f.trusted_headers.join(", ")
            };
            let _ = writeln!(
                out,
                "    caller headers passed on: content-type, accept, content-length; trusted: {trusted}"
            );
        }
    }
    for a in &cap.control {
        let _ = writeln!(
            out,
            "\ncontrol {} on {} (env {}_ADDR): GET /health/live, /health/ready, /metrics",
            a.namespace, a.default_addr, a.env_prefix
        );
    }
    for a in &cap.mcp {
        let _ = writeln!(
            out,
            "\nmcp {} on {} (env {}_ADDR), at /mcp",
            a.namespace, a.default_addr, a.env_prefix
        );
        for t in &a.tools {
            let ann = t.annotations;
            let _ = writeln!(
                out,
                "  tool {} [readOnly={} destructive={} idempotent={} openWorld={}]",
                t.name, ann.read_only, ann.destructive, ann.idempotent, ann.open_world
            );
            let args: Vec<String> = t
                .inputs
                .iter()
                .map(|i| {
                    format!(
                        "{}: {}{}",
                        i.name,
                        i.ty.json_schema().unwrap_or("any"),
                        if i.required { " (required)" } else { "" }
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "    arguments: {}",
                if args.is_empty() {
                    "none".into()
                } else {
                    args.join(", ")
                }
            );
            handler(&mut out, cap, &t.handler, &t.inputs);
        }
    }
    if !cap.secrets.is_empty() {
        let _ = writeln!(out, "\nsecrets (read at start-up):");
        for s in &cap.secrets {
            let from = match &s.file {
                Some(f) => format!("env {} or key `{}` of {f}", s.key, s.source_name),
                None if s.source_name != s.key => format!("env {} (or {})", s.key, s.source_name),
                None => format!("env {}", s.key),
            };
            let _ = writeln!(out, "  {} ← {from}", s.key);
        }
    }
    out
}

fn handler(out: &mut String, cap: &Capability, h: &Handler, inputs: &[CallerInput]) {
    match h {
        Handler::Call { op, args, output } => {
            call_line(out, cap, *op, "    ");
            for a in args {
                arg_line(out, a, inputs, "      ");
            }
            let _ = writeln!(out, "    output: {}", output_str(output));
        }
        Handler::Steps { steps, output } => {
            for s in steps {
                match s {
                    Step::Call { name, op, args } => {
                        let _ = write!(out, "    step {name}: ");
                        call_line(out, cap, *op, "");
                        for a in args {
                            arg_line(out, a, inputs, "      ");
                        }
                    }
                    Step::Lookup {
                        name,
                        index,
                        match_field,
                        lookup_value,
                        fields,
                    } => {
                        let _ = writeln!(
                            out,
                            "    step {name}: lookup in {index} where {match_field} = {} keeping [{}]",
                            value_str(lookup_value, inputs),
                            fields.join(", ")
                        );
                    }
                }
            }
            let _ = writeln!(out, "    output: {}", output_str(output));
        }
        Handler::Static { body, .. } => {
            let _ = writeln!(out, "    → static response {body}");
        }
    }
}

fn call_line(out: &mut String, cap: &Capability, op: naftiko_spec::OperationId, indent: &str) {
    let Some(ns) = cap.consumes.get(op.namespace) else {
        return;
    };
    let Some(o) = ns.operations.get(op.operation) else {
        return;
    };
    let path: String = o
        .path
        .iter()
        .map(|p| match p {
            PathPart::Literal(l) => l.clone(),
            PathPart::Param(n) => format!("{{{n}}}"),
        })
        .collect();
    let _ = writeln!(
        out,
        "{indent}→ {}.{} ({} {}{path})",
        ns.namespace, o.name, o.method, ns.base_url
    );
}

fn arg_line(out: &mut String, a: &Arg, inputs: &[CallerInput], indent: &str) {
    let how = match a.kind {
        BindingKind::With => "",
        BindingKind::WithFolded => " (`with` key case-folded)",
        BindingKind::WithInputFolded => " (case-folded)",
        BindingKind::PassThrough => " (passed through by name)",
        BindingKind::Inferred => " (inferred)",
    };
    let _ = writeln!(
        out,
        "{indent}{} ← {}{how}",
        a.input,
        value_str(&a.value, inputs)
    );
}

fn value_str(v: &Value, inputs: &[CallerInput]) -> String {
    match v {
        Value::Literal(l) => format!("literal {l}"),
        Value::Input(name) => match inputs.iter().find(|i| &i.name == name) {
            Some(i) => {
                let origin = match i.origin {
                    InputOrigin::Declared => "",
                    InputOrigin::PathPlaceholder => "",
                    InputOrigin::Inferred => ", inferred",
                };
                let loc = if inputs
                    .iter()
                    .all(|x| x.location == naftiko_spec::ParamLocation::Body)
                    && i.location == naftiko_spec::ParamLocation::Body
                {
                    "argument".to_string()
                } else {
                    i.location.as_str().to_string()
                };
                format!(
                    "{loc} `{}`{}{origin}",
                    i.name,
                    if i.required { " (required)" } else { "" }
                )
            }
            None => format!("input `{name}`"),
        },
        Value::Secret(k) => format!("secret {k}"),
        Value::Step { step, path } => format!("step {step} {path:?}"),
        Value::Template(parts) => {
            let s: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    TemplatePart::Text(t) => format!("{t:?}"),
                    TemplatePart::Value(v) => value_str(v, inputs),
                })
                .collect();
            format!("template {}", s.join(" + "))
        }
        Value::Object(fields) => {
            let s: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", value_str(v, inputs)))
                .collect();
            format!("{{{}}}", s.join(", "))
        }
        Value::Array(items) => {
            let s: Vec<String> = items.iter().map(|v| value_str(v, inputs)).collect();
            format!("[{}]", s.join(", "))
        }
    }
}

fn auth(a: &Auth) -> String {
    match a {
        Auth::None => "none".into(),
        Auth::Bearer { token } => format!("bearer token ← {}", value_str(token, &[])),
        Auth::ApiKey {
            name,
            value,
            placement,
        } => {
            let p = match placement {
                ApiKeyPlacement::Header => "header",
                ApiKeyPlacement::Query => "query",
                ApiKeyPlacement::Cookie => "cookie",
            };
            format!("apikey {p} `{name}` ← {}", value_str(value, &[]))
        }
        Auth::Basic { username, password } => format!(
            "basic {} / {}",
            value_str(username, &[]),
            value_str(password, &[])
        ),
        Auth::Digest { username, password } => format!(
            "digest {} / {}",
            value_str(username, &[]),
            value_str(password, &[])
        ),
    }
}

fn output_str(o: &Output) -> String {
    match o {
        Output::Passthrough => "upstream body passed through as is".into(),
        Output::Mapped(m) => format!("mapped {}", mapping_str(m)),
    }
}

fn mapping_str(m: &Mapping) -> String {
    match m {
        Mapping::Select { path, .. } => format!("{path:?}"),
        Mapping::Object { fields, .. } => {
            let f: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", mapping_str(v)))
                .collect();
            format!("{{{}}}", f.join(", "))
        }
        Mapping::Array { path, items } => format!("{path:?}[{}]", mapping_str(items)),
        Mapping::Const(c) => c.to_string(),
        Mapping::Value(v) => value_str(v, &[]),
    }
}
