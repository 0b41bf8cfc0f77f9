//! `naftiko-codegen explain`: what a spec came to mean, route by route and tool by tool.

use std::fmt::Write as _;

use crate::resolve::provenance::{BindingKind, InputOrigin, Provenance, Site, SiteNotes};
use naftiko_spec::{
    Arg, Auth, CallerInput, CapabilitySpec, Handler, Mapping, McpTransport, OperationId, Output,
    ParamLocation, Step, TemplatePart, Value, path_text,
};

/// What every route, forward, tool and consumed namespace of `cap` does, in words, with how
/// each binding was decided (`provenance`, from [`check`](crate::check)).
pub fn explain(cap: &CapabilitySpec, provenance: &Provenance) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "capability: {}", cap.name);
    consumes_section(&mut out, cap);
    rest_section(&mut out, cap, provenance);
    control_section(&mut out, cap);
    mcp_section(&mut out, cap, provenance);
    secrets_section(&mut out, cap);
    out
}

/// Each consumed namespace: where it points, its auth and what every call carries.
fn consumes_section(out: &mut String, cap: &CapabilitySpec) {
    for ns in cap.consumes.iter() {
        let _ = writeln!(
            out,
            "\nconsumes {} → {} (env {}_BASE_URL, timeout {} ms)",
            ns.namespace, ns.base_url, ns.env_prefix, ns.timeout_ms
        );
        let _ = writeln!(out, "  auth: {}", auth(&ns.auth));
        for param in ns.default_params.iter() {
            let _ = writeln!(
                out,
                "  every call: {} {} ← {}",
                param.location.as_str(),
                param.name,
                value_str(&param.value, &[], None)
            );
        }
    }
}

/// Each REST adapter: its routes, then its forwards.
fn rest_section(out: &mut String, cap: &CapabilitySpec, provenance: &Provenance) {
    for a in cap.rest.iter() {
        let _ = writeln!(
            out,
            "\nrest {} on {} (env {}_ADDR)",
            a.namespace, a.default_addr, a.env_prefix
        );
        for r in a.routes.iter() {
            let site = Site::Route {
                adapter: a.namespace.to_string(),
                method: r.method.to_string(),
                path: r.path.to_string(),
            };
            let notes = provenance.site(&site);
            let spec_path = notes.and_then(|n| n.spec_path.as_deref());
            let _ = writeln!(out, "  {} {}", r.method, spec_path.unwrap_or(&r.path));
            handler(out, cap, notes, &r.handler, &r.inputs);
        }
        for f in a.forwards.iter() {
            let target = cap.namespace(f.consumes).map_or("?", |ns| &*ns.namespace);
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
}

/// Each control adapter and the endpoints it serves.
fn control_section(out: &mut String, cap: &CapabilitySpec) {
    for a in cap.control.iter() {
        let _ = writeln!(
            out,
            "\ncontrol {} on {} (env {}_ADDR): GET /health/live, /health/ready, /metrics",
            a.namespace, a.default_addr, a.env_prefix
        );
        if a.auth != Auth::None {
            let _ = writeln!(out, "  callers present: {}", auth(&a.auth));
        }
    }
}

/// Each MCP adapter: its tools, with their annotations and arguments.
fn mcp_section(out: &mut String, cap: &CapabilitySpec, provenance: &Provenance) {
    for a in cap.mcp.iter() {
        let _ = match a.transport {
            McpTransport::Http => writeln!(
                out,
                "\nmcp {} on {} (env {}_ADDR), at /mcp",
                a.namespace, a.default_addr, a.env_prefix
            ),
            McpTransport::Stdio => writeln!(
                out,
                "\nmcp {} over stdio (stdin/stdout of the process; logs must go to stderr)",
                a.namespace
            ),
        };
        for t in a.tools.iter() {
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
            let site = Site::Tool {
                adapter: a.namespace.to_string(),
                name: t.name.to_string(),
            };
            handler(out, cap, provenance.site(&site), &t.handler, &t.inputs);
        }
    }
}

/// The secrets read at start-up and where each comes from.
fn secrets_section(out: &mut String, cap: &CapabilitySpec) {
    if !cap.secrets.is_empty() {
        let _ = writeln!(out, "\nsecrets (read at start-up):");
        for s in cap.secrets.iter() {
            let from = match &s.file {
                Some(f) => format!("env {} or key `{}` of {f}", s.key, s.source_name),
                None if s.source_name != s.key => format!("env {} (or {})", s.key, s.source_name),
                None => format!("env {}", s.key),
            };
            let _ = writeln!(out, "  {} ← {from}", s.key);
        }
    }
}

fn handler(
    out: &mut String,
    cap: &CapabilitySpec,
    notes: Option<&SiteNotes>,
    h: &Handler,
    inputs: &[CallerInput],
) {
    match h {
        Handler::Call {
            operation,
            args,
            output,
        } => {
            call_line(out, cap, *operation, "    ");
            for a in args.iter() {
                arg_line(out, a, "", notes, inputs, "      ");
            }
            let _ = writeln!(out, "    output: {}", output_str(output));
        }
        Handler::Steps { steps, output } => {
            for s in steps.iter() {
                match s {
                    Step::Call {
                        name,
                        operation,
                        args,
                    } => {
                        let _ = write!(out, "    step {name}: ");
                        call_line(out, cap, *operation, "");
                        for a in args.iter() {
                            arg_line(out, a, name, notes, inputs, "      ");
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
                            value_str(lookup_value, inputs, notes),
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

fn call_line(out: &mut String, cap: &CapabilitySpec, id: OperationId, indent: &str) {
    let (Some(ns), Some(o)) = (cap.namespace(id.consumes), cap.operation(id)) else {
        return;
    };
    let path = path_text(&o.path);
    let _ = writeln!(
        out,
        "{indent}→ {}.{} ({} {}{path})",
        ns.namespace, o.name, o.method, ns.base_url
    );
}

fn arg_line(
    out: &mut String,
    a: &Arg,
    step: &str,
    notes: Option<&SiteNotes>,
    inputs: &[CallerInput],
    indent: &str,
) {
    let kind = notes.and_then(|n| n.bindings.get(&(step.to_string(), a.input.to_string())));
    let how = match kind {
        None | Some(BindingKind::With) => "",
        Some(BindingKind::WithFolded) => " (`with` key case-folded)",
        Some(BindingKind::WithInputFolded) => " (case-folded)",
        Some(BindingKind::PassThrough) => " (passed through by name)",
        Some(BindingKind::Inferred) => " (inferred)",
    };
    let _ = writeln!(
        out,
        "{indent}{} ← {}{how}",
        a.input,
        value_str(&a.value, inputs, notes)
    );
}

fn value_str(v: &Value, inputs: &[CallerInput], notes: Option<&SiteNotes>) -> String {
    match v {
        Value::Literal(l) => format!("literal {l}"),
        Value::Input(name) => match inputs.iter().find(|i| &i.name == name) {
            Some(i) => {
                let origin = match notes.and_then(|n| n.origins.get(&*i.name)) {
                    Some(InputOrigin::Inferred) => ", inferred",
                    _ => "",
                };
                let loc = if inputs.iter().all(|x| x.location == ParamLocation::Body)
                    && i.location == ParamLocation::Body
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
                    TemplatePart::Value(v) => value_str(v, inputs, notes),
                })
                .collect();
            format!("template {}", s.join(" + "))
        }
        Value::Object(fields) => {
            let s: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", value_str(v, inputs, notes)))
                .collect();
            format!("{{{}}}", s.join(", "))
        }
        Value::Array(items) => {
            let s: Vec<String> = items.iter().map(|v| value_str(v, inputs, notes)).collect();
            format!("[{}]", s.join(", "))
        }
    }
}

fn auth(a: &Auth) -> String {
    match a {
        Auth::None => "none".into(),
        Auth::Bearer { token } => format!("bearer token ← {}", value_str(token, &[], None)),
        Auth::ApiKey {
            name,
            value,
            placement,
        } => {
            format!(
                "apikey {} `{name}` ← {}",
                placement.as_str(),
                value_str(value, &[], None)
            )
        }
        Auth::Basic { username, password } => format!(
            "basic {} / {}",
            value_str(username, &[], None),
            value_str(password, &[], None)
        ),
        Auth::Digest { username, password } => format!(
            "digest {} / {}",
            value_str(username, &[], None),
            value_str(password, &[], None)
        ),
        Auth::AwsSigV4 { service, region } => {
            let region = match region {
                Some(region) => format!("region `{region}`"),
                None => "region ← env AWS_REGION or AWS_DEFAULT_REGION".to_owned(),
            };
            format!(
                "aws-sigv4 service `{service}`, {region}; credentials ← env AWS_ACCESS_KEY_ID, \
                 AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (optional)"
            )
        }
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
        Mapping::Value(v) => value_str(v, &[], None),
    }
}
