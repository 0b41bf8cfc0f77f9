//! MCP adapters → tools (with JSON Schemas and annotations), resources and prompts.

use std::collections::HashMap;

use super::Resolver;
use super::binding::{Exposure, Surface};
use super::provenance::{InputOrigin, Site};
use crate::diag::{PartId, Severity};
use crate::json;
use crate::model::{self, Hints, Span};
use crate::names;
use naftiko_spec::{
    CallerInput, Handler, McpAdapterSpec, McpPrompt, McpResource, McpResourceContent, McpTool,
    McpTransport, ParamLocation, PathPart, PromptArgument, PromptMessage, Step, TemplatePart,
    ToolAnnotations, Value, ValueType,
};

impl Resolver<'_> {
    pub(super) fn mcp_adapter(&mut self, a: &model::McpAdapter) -> McpAdapterSpec {
        let mut tools: Vec<McpTool> = Vec::new();
        let mut seen: HashMap<String, (Span, String)> = HashMap::new();
        for t in &a.tools {
            let what = format!(
                "tool `{}` of MCP adapter `{}`",
                t.name.value, a.namespace.value
            );
            let part = self.part(what, &t.span);
            self.diags.enter_parts(&[part]);
            let tool = self.mcp_tool(a, t, &mut seen, part);
            self.diags.leave_parts();
            tools.extend(tool);
        }
        let mut resources = Vec::new();
        for r in &a.resources {
            let what = format!(
                "resource `{}` of MCP adapter `{}`",
                r.name.value, a.namespace.value
            );
            let part = self.part(what, &r.span);
            self.diags.enter_parts(&[part]);
            let resource = self.mcp_resource(a, r);
            let broken = self.diags.part_has_errors(part);
            self.diags.leave_parts();
            if !broken {
                resources.extend(resource);
            }
        }
        let mut prompts = Vec::new();
        for p in &a.prompts {
            prompts.push(self.mcp_prompt(p));
        }
        let port = a.port.as_ref().map_or(9090, |p| p.value);
        let transport = self.mcp_transport(a);
        McpAdapterSpec {
            env_prefix: names::env_prefix(&a.namespace.value).into(),
            default_addr: self.default_addr(a.address.as_ref(), port).into(),
            transport,
            ttl_ms: a.ttl_ms,
            cache_scope: a.cache_scope,
            namespace: a.namespace.value.clone().into(),
            description: a.description.clone().unwrap_or_default().into(),
            tools: tools.into(),
            resources: resources.into(),
            prompts: prompts.into(),
            auth: self.exposed_auth(a.auth.as_ref()),
        }
    }

    /// `transport:`: `http` (the default) or `stdio`, whose address and port go unused.
    fn mcp_transport(&mut self, a: &model::McpAdapter) -> McpTransport {
        let Some(transport) = &a.transport else {
            return McpTransport::Http;
        };
        match transport.value.to_ascii_lowercase().as_str() {
            "http" => McpTransport::Http,
            "stdio" => {
                if let Some(port) = &a.port {
                    self.diag(
                        Severity::Warning,
                        "stdio-port-ignored",
                        &port.span,
                        format!(
                            "mcp adapter `{}` speaks over stdio; its port is not used",
                            a.namespace.value
                        ),
                    )
                    .help("remove `port`, or set `transport: http` to serve over HTTP");
                }
                McpTransport::Stdio
            }
            other => {
                self.diag(
                    Severity::Error,
                    "bad-transport",
                    &transport.span,
                    format!("unknown MCP transport `{other}`"),
                )
                .help("use `http` (Streamable HTTP, the default) or `stdio`");
                McpTransport::Http
            }
        }
    }

    /// A process has one stdin and one stdout: two adapters cannot both speak over them.
    pub(super) fn check_one_stdio_adapter(&mut self) {
        let spec = self.spec;
        let mut first: Option<&model::McpAdapter> = None;
        for e in &spec.exposes {
            let model::Expose::Mcp(a) = e else { continue };
            let Some(transport) = &a.transport else {
                continue;
            };
            if !transport.value.eq_ignore_ascii_case("stdio") {
                continue;
            }
            match first {
                None => first = Some(a),
                Some(earlier) => {
                    self.diag(
                        Severity::Error,
                        "two-stdio-adapters",
                        &transport.span,
                        format!(
                            "mcp adapters `{}` and `{}` both use `transport: stdio`; a process has one stdin and one stdout",
                            earlier.namespace.value, a.namespace.value
                        ),
                    )
                    .help(format!(
                        "serve one of them over HTTP (`transport: http`, with a `port`); `{}` is declared at line {}",
                        earlier.namespace.value, earlier.span.loc.line
                    ));
                }
            }
        }
    }

    /// One tool: its arguments and what it calls. `seen` holds the tools declared so far (name →
    /// where, and what it does), so that a repeat is merged when identical and refused otherwise;
    /// `None` when the tool is not generated.
    fn mcp_tool(
        &mut self,
        a: &model::McpAdapter,
        t: &model::McpTool,
        seen: &mut HashMap<String, (Span, String)>,
        part: PartId,
    ) -> Option<McpTool> {
        let mut exp = Exposure::new(Surface::Mcp, &a.namespace.value, "");
        for p in &t.params {
            if p.value.is_some() {
                continue;
            }
            let input = self.declared_input(p, Surface::Mcp, "");
            if !exp.inputs.iter().any(|i| i.name == input.name) {
                exp.add_input(input, InputOrigin::Declared);
            }
        }
        let handler = self.bind_target(&t.target, Some(&t.name), &mut exp, &t.span)?;
        if self.diags.part_has_errors(part) {
            return None;
        }
        let signature = format!("{handler:?}");
        if let Some((first, sig)) = seen.get(&t.name.value) {
            if *sig == signature {
                self.diag(
                    Severity::Warning,
                    "duplicate-tool-merged",
                    &t.name.span,
                    format!(
                        "tool `{}` is declared twice, identically; merged",
                        t.name.value
                    ),
                );
            } else {
                self.diag(
                    Severity::Error,
                    "duplicate-tool",
                    &t.name.span,
                    format!(
                        "tool `{}` is declared twice and the two do different things",
                        t.name.value
                    ),
                )
                .help(format!("first declared at line {}", first.loc.line));
            }
            return None;
        }
        seen.insert(t.name.value.clone(), (t.name.span.clone(), signature));
        let hints = self.inherited_hints(&t.target);
        let annotations = self.annotations(hints, &handler);
        let site = Site::Tool {
            adapter: a.namespace.value.clone(),
            name: t.name.value.clone(),
        };
        self.provenance.sites.insert(site, exp.notes);
        Some(McpTool {
            name: t.name.value.clone().into(),
            title: t.label.clone().map(Into::into),
            description: t.description.clone().unwrap_or_default().into(),
            annotations,
            input_schema: json::canonical_json(&input_schema(&exp.inputs)).into(),
            inputs: exp.inputs.into(),
            output_schema: super::outputs::handler_output_schema(&handler, &t.target)
                .and_then(super::outputs::tool_output_schema)
                .map(|schema| json::canonical_json(&schema).into()),
            handler,
        })
    }

    /// One resource: a file read now and embedded, or a call made on each read whose inputs
    /// the URI must give; `None` when it is not generated.
    fn mcp_resource(
        &mut self,
        a: &model::McpAdapter,
        r: &model::McpResourceSpec,
    ) -> Option<McpResource> {
        let uri_template = self.uri_template(r)?;
        let content = if let Some(loc) = &r.location {
            if r.binary {
                use base64::Engine as _;
                let bytes = self.read_embedded_bytes(&loc.value, &loc.span)?;
                McpResourceContent::Static(
                    base64::engine::general_purpose::STANDARD
                        .encode(bytes)
                        .into(),
                )
            } else {
                McpResourceContent::Static(self.read_embedded(&loc.value, &loc.span)?.into())
            }
        } else {
            let mut exp = Exposure::new(Surface::Mcp, &a.namespace.value, "");
            // The template's placeholders are what a read gives.
            for part in &uri_template {
                if let PathPart::Param(name) = part {
                    let input = CallerInput {
                        name: name.clone(),
                        location: ParamLocation::Path,
                        wire_name: name.clone(),
                        ty: ValueType::String,
                        required: true,
                        description: "".into(),
                        schema: None,
                        pattern: None,
                    };
                    exp.add_input(input, InputOrigin::PathPlaceholder);
                }
            }
            let h = self.bind_target(&r.target, None, &mut exp, &r.span)?;
            let needs = exp
                .inputs
                .iter()
                .find(|i| i.required && !uri_template.contains(&PathPart::Param(i.name.clone())));
            if let Some(input) = needs {
                self.diag(
                    Severity::Error,
                    "resource-needs-input",
                    &r.span,
                    format!(
                        "resource `{}` needs caller input `{}`, which its URI does not give",
                        r.name.value, input.name
                    ),
                )
                .help(format!(
                    "supply it with a `with` literal, or make the URI a template with `{{{}}}`",
                    input.name
                ));
                return None;
            }
            let site = Site::Resource {
                adapter: a.namespace.value.clone(),
                uri: r.uri.value.clone(),
            };
            self.provenance.sites.insert(site, exp.notes);
            McpResourceContent::Dynamic(h)
        };
        Some(McpResource {
            name: r.name.value.clone().into(),
            title: r.label.clone().map(Into::into),
            uri: r.uri.value.clone().into(),
            uri_template: uri_template.into(),
            description: r.description.clone().unwrap_or_default().into(),
            mime_type: r
                .mime_type
                .clone()
                .unwrap_or_else(|| {
                    if r.binary {
                        "application/octet-stream".into()
                    } else {
                        "application/json".into()
                    }
                })
                .into(),
            binary: r.binary,
            content,
        })
    }

    /// One prompt: its messages, from the spec or else from the file it names.
    fn mcp_prompt(&mut self, p: &model::McpPromptSpec) -> McpPrompt {
        let arg_names: Vec<String> = p.arguments.iter().map(|a| a.0.value.clone()).collect();
        let mut messages = Vec::new();
        for (role, content) in &p.messages {
            messages.push(PromptMessage {
                role: role.clone().into(),
                parts: prompt_parts(&content.value, &arg_names).into(),
            });
        }
        if messages.is_empty()
            && let Some(loc) = &p.location
            && let Some(text) = self.read_embedded(&loc.value, &loc.span)
        {
            messages.push(PromptMessage {
                role: "user".into(),
                parts: prompt_parts(&text, &arg_names).into(),
            });
        }
        McpPrompt {
            name: p.name.value.clone().into(),
            title: p.label.clone().map(Into::into),
            description: p.description.clone().unwrap_or_default().into(),
            arguments: p
                .arguments
                .iter()
                .map(|(n, d, r)| PromptArgument {
                    name: n.value.clone().into(),
                    description: d.clone().unwrap_or_default().into(),
                    required: *r,
                })
                .collect::<Vec<_>>()
                .into(),
            messages: messages.into(),
        }
    }

    /// Hints of a tool, falling back to those of the aggregate function it `ref`s.
    fn inherited_hints(&self, target: &model::Target) -> Hints {
        let mut h = target.hints;
        if let Some(r) = &target.reference
            && let Some((ns, f)) = r.value.split_once('.')
        {
            let func = self
                .spec
                .aggregates
                .iter()
                .filter(|a| a.namespace.value == ns)
                .flat_map(|a| &a.functions)
                .find(|x| x.name.value == f);
            if let Some(func) = func {
                h.read_only = h.read_only.or(func.hints.read_only);
                h.destructive = h.destructive.or(func.hints.destructive);
                h.idempotent = h.idempotent.or(func.hints.idempotent);
                h.open_world = h.open_world.or(func.hints.open_world);
            }
        }
        h
    }

    /// `hints` where given; otherwise derived from the HTTP method of what the tool calls.
    fn annotations(&self, hints: Hints, handler: &Handler) -> ToolAnnotations {
        let method = match handler {
            Handler::Call { operation, .. } => Some(&*self.op(*operation).method),
            Handler::Steps { steps, .. } => {
                // The most consequential method among the steps decides.
                let methods: Vec<&str> = steps
                    .iter()
                    .filter_map(|s| match s {
                        Step::Call { operation, .. } => Some(&*self.op(*operation).method),
                        Step::Lookup { .. } => None,
                    })
                    .collect();
                ["DELETE", "PUT", "PATCH", "POST", "GET"]
                    .into_iter()
                    .find(|m| methods.contains(m))
            }
            Handler::Static { .. } => Some("GET"),
        };
        let (ro, destructive, idempotent) = match method.unwrap_or("GET") {
            "GET" | "HEAD" | "OPTIONS" => (true, false, true),
            "PUT" => (false, true, true),
            "DELETE" => (false, true, true),
            _ => (false, false, false),
        };
        let open_world = !matches!(handler, Handler::Static { .. });
        let read_only = hints.read_only.unwrap_or(ro);
        ToolAnnotations {
            read_only,
            destructive: hints
                .destructive
                .unwrap_or(if read_only { false } else { destructive }),
            idempotent: hints
                .idempotent
                .unwrap_or(if read_only { true } else { idempotent }),
            open_world: hints.open_world.unwrap_or(open_world),
        }
    }

    /// The text of the file `location` names, relative to the spec; a located error when it
    /// cannot be read or is not UTF-8.
    fn read_embedded(&mut self, location: &str, span: &Span) -> Option<String> {
        let bytes = self.read_embedded_bytes(location, span)?;
        match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                self.diag(
                    Severity::Error,
                    "file-not-text",
                    span,
                    format!("`{location}` is not UTF-8 text"),
                )
                .help("on an MCP resource, `binary: true` serves a file as bytes (a base64 blob)");
                None
            }
        }
    }

    /// The bytes of the file `location` names, relative to the spec.
    fn read_embedded_bytes(&mut self, location: &str, span: &Span) -> Option<Vec<u8>> {
        let rel = location.strip_prefix("file://").unwrap_or(location);
        let base = self
            .sources
            .path(span.loc.file)
            .and_then(std::path::Path::parent)
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        let path = base.join(rel.trim_start_matches("/./"));
        match std::fs::read(&path) {
            Ok(bytes) => {
                self.read_files.push(path);
                Some(bytes)
            }
            Err(e) => {
                self.diag(
                    Severity::Error,
                    "file-not-found",
                    span,
                    format!("cannot read `{location}`: {e}"),
                )
                .help(format!(
                    "looked for `{}`, relative to the spec",
                    path.display()
                ));
                None
            }
        }
    }
}

/// The JSON Schema (2020-12) of a tool's arguments. Structured (object) inputs are defined
/// once under `$defs` and referenced, as 2020-12 intends for named sub-schemas.
pub fn input_schema(inputs: &[CallerInput]) -> serde_json::Value {
    use serde_json::{Map, Value};
    let mut properties = Map::new();
    let mut defs = Map::new();
    let mut required = Vec::new();
    for i in inputs
        .iter()
        .filter(|i| i.location == ParamLocation::Body || i.location == ParamLocation::Query)
    {
        let mut p = Map::new();
        match i.schema.as_deref().and_then(json::parse) {
            Some(Value::Object(structure))
                if structure.get("type") == Some(&Value::from("object")) =>
            {
                defs.insert(i.name.to_string(), Value::Object(structure));
                p.insert(
                    "$ref".into(),
                    format!("#/$defs/{}", json_pointer_escape(&i.name)).into(),
                );
            }
            Some(Value::Object(structure)) => p.extend(structure),
            _ => {
                if let Some(t) = i.ty.json_schema() {
                    p.insert("type".into(), t.into());
                }
            }
        }
        if !i.description.is_empty() {
            p.insert("description".into(), i.description.to_string().into());
        }
        if let Some(pattern) = &i.pattern {
            p.insert("pattern".into(), pattern.to_string().into());
        }
        properties.insert(i.name.to_string(), Value::Object(p));
        if i.required {
            required.push(Value::String(i.name.to_string()));
        }
    }
    let mut schema = Map::new();
    schema.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    schema.insert("type".into(), "object".into());
    if !defs.is_empty() {
        schema.insert("$defs".into(), Value::Object(defs));
    }
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    // Every argument is known (declared or inferred), so anything else is a mistake.
    schema.insert("additionalProperties".into(), false.into());
    Value::Object(schema)
}

/// RFC 6901: `~` → `~0`, `/` → `~1`.
fn json_pointer_escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// A prompt template: `{{arg}}` holes become the argument's value.
fn prompt_parts(text: &str, args: &[String]) -> Vec<TemplatePart> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start + 2..].find("}}") else {
            break;
        };
        let name = rest[start + 2..start + 2 + end].trim();
        if !rest[..start].is_empty() {
            out.push(TemplatePart::Text(rest[..start].to_string().into()));
        }
        if args.iter().any(|a| a == name) {
            out.push(TemplatePart::Value(Value::Input(name.to_string().into())));
        } else {
            out.push(TemplatePart::Text(
                rest[start..start + 2 + end + 2].to_string().into(),
            ));
        }
        rest = &rest[start + 2 + end + 2..];
    }
    if !rest.is_empty() {
        out.push(TemplatePart::Text(rest.to_string().into()));
    }
    out
}

impl Resolver<'_> {
    /// An MCP resource URI with `{placeholders}` is a template; `None` (after an error) when
    /// two placeholders touch, since a read could not tell where one ends.
    fn uri_template(&mut self, r: &model::McpResourceSpec) -> Option<Vec<PathPart>> {
        let parts = super::consumes::split_path(&r.uri.value);
        if !parts.iter().any(|p| matches!(p, PathPart::Param(_))) {
            return Some(Vec::new());
        }
        let touching = parts
            .windows(2)
            .any(|w| matches!(w, [PathPart::Param(_), PathPart::Param(_)]));
        let empty = parts
            .iter()
            .any(|p| matches!(p, PathPart::Param(n) if n.is_empty()));
        if touching || empty {
            self.diag(
                Severity::Error,
                "bad-uri-template",
                &r.uri.span,
                format!(
                    "`{}`: placeholders must be named and separated by text",
                    r.uri.value
                ),
            )
            .help("write the URI like `data://users/{userId}/profile`");
            return None;
        }
        Some(parts)
    }
}
