//! REST adapters → routes: paths in router syntax, caller inputs, duplicates merged or refused.

use std::collections::HashMap;

use super::Resolver;
use super::binding::{Exposure, Surface};
use super::provenance::{InputOrigin, Site};
use crate::diag::{PartId, Severity};
use crate::json;
use crate::model::{self, ExposedParam, Span, Text};
use crate::names;
use naftiko_spec::{
    CallerInput, ParamLocation, RestAdapterSpec, RestForward, RestRoute, Str, ValueType,
};

impl Resolver<'_> {
    pub(super) fn rest_adapter(&mut self, a: &model::RestAdapter) -> RestAdapterSpec {
        let mut table = RouteTable::default();
        // Placeholder names chosen per position: (segments before it, with placeholders as
        // `{}`) → name. The router needs one name per segment position.
        let mut canonical: HashMap<String, String> = HashMap::new();
        // With the path as the spec wrote it, for messages.
        let mut forwards: Vec<(RestForward, Span, String)> = Vec::new();
        for r in &a.resources {
            if let Some(f) = &r.forward {
                if let Some(forward) = self.rest_forward(&a.namespace.value, r, f) {
                    forwards.push((forward, r.path.span.clone(), r.path.value.clone()));
                }
                // Operations next to a forward are routes of their own; the forward takes
                // the other methods and paths.
                if r.operations.is_empty() {
                    continue;
                }
            }
            let parts: Vec<_> = r
                .operations
                .iter()
                .map(|op| {
                    let what = format!(
                        "route `{} {}` of REST adapter `{}`",
                        op.method.value.to_ascii_uppercase(),
                        r.path.value,
                        a.namespace.value
                    );
                    self.part(what, &op.span)
                })
                .collect();
            // A path that cannot be routed breaks every operation on it.
            self.diags.enter_parts(&parts);
            let routed = self.router_path(&r.path.value, &r.path.span, &mut canonical);
            self.diags.leave_parts();
            let Some((router_path, placeholders)) = routed else {
                continue;
            };
            for (op, part) in r.operations.iter().zip(parts) {
                self.diags.enter_parts(&[part]);
                self.rest_route(a, r, op, &router_path, &placeholders, &mut table, part);
                self.diags.leave_parts();
            }
        }
        self.check_forwards(&forwards, &table.route_spans, &table.routes);
        let port = a.port.as_ref().map_or(8080, |p| p.value);
        RestAdapterSpec {
            env_prefix: names::env_prefix(&a.namespace.value).into(),
            default_addr: self.default_addr(a.address.as_ref(), port).into(),
            namespace: a.namespace.value.clone().into(),
            description: a.description.clone().unwrap_or_default().into(),
            routes: table.routes.into(),
            // Written by the emitter, from the rest of this adapter.
            openapi: "".into(),
            auth: self.exposed_auth(a.auth.as_ref()),
            forwards: forwards
                .into_iter()
                .map(|(forward, _, _)| forward)
                .collect::<Vec<_>>()
                .into(),
        }
    }

    /// One operation of resource `r` as a route at `router_path`, added to `table` unless it
    /// cannot be generated (an error was raised for `part`) or repeats a route already there.
    #[allow(clippy::too_many_arguments)]
    fn rest_route(
        &mut self,
        a: &model::RestAdapter,
        r: &model::ExposedResource,
        op: &model::ExposedOperation,
        router_path: &str,
        placeholders: &[(String, String)],
        table: &mut RouteTable,
        part: PartId,
    ) {
        let method = op.method.value.to_ascii_uppercase();
        if !matches!(
            method.as_str(),
            "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS"
        ) {
            self.diag(
                Severity::Error,
                "bad-method",
                &op.method.span,
                format!("unknown HTTP method `{}`", op.method.value),
            );
            return;
        }
        let mut exp = self.route_exposure(a, r, op, &method, placeholders);
        let Some(handler) = self.bind_target(&op.target, op.name.as_ref(), &mut exp, &op.span)
        else {
            return;
        };
        let name = op.name.as_ref().map_or_else(
            || format!("{} {}", method, r.path.value),
            |n| n.value.clone(),
        );
        if self.diags.part_has_errors(part) {
            return;
        }
        let key = (method.clone(), router_path.to_string());
        let signature = format!("{:?}", handler);
        if let Some((_, first_span, first_sig)) = table.seen.get(&key) {
            self.duplicate_route(&method, r, op, first_span, *first_sig == signature);
            return;
        }
        table
            .seen
            .insert(key, (table.routes.len(), op.span.clone(), signature));
        table
            .route_spans
            .push((table.routes.len(), op.span.clone(), r.path.value.clone()));
        let site = Site::Route {
            adapter: a.namespace.value.clone(),
            method: method.clone(),
            path: router_path.to_string(),
        };
        exp.notes.spec_path = Some(r.path.value.clone());
        self.provenance.sites.insert(site, exp.notes);
        table.routes.push(RestRoute {
            method: method.into(),
            path: router_path.to_string().into(),
            name: name.into(),
            description: op
                .description
                .clone()
                .or_else(|| r.description.clone())
                .unwrap_or_default()
                .into(),
            inputs: exp.inputs.into(),
            output_schema: super::outputs::handler_output_schema(&handler, &op.target)
                .map(|schema| json::canonical_json(&schema).into()),
            handler,
        });
    }

    /// The caller inputs a route starts with: its path placeholders, then the parameters the
    /// resource and the operation declare.
    fn route_exposure(
        &mut self,
        a: &model::RestAdapter,
        r: &model::ExposedResource,
        op: &model::ExposedOperation,
        method: &str,
        placeholders: &[(String, String)],
    ) -> Exposure {
        let mut exp = Exposure::new(Surface::Rest, &a.namespace.value, method);
        for (spec_name, wire_name) in placeholders {
            let input = CallerInput {
                name: spec_name.clone().into(),
                location: ParamLocation::Path,
                wire_name: wire_name.clone().into(),
                ty: ValueType::String,
                required: true,
                description: "".into(),
                schema: None,
                pattern: None,
            };
            exp.add_input(input, InputOrigin::PathPlaceholder);
        }
        for p in r.params.iter().chain(&op.params) {
            if p.value.is_some() {
                continue;
            }
            let declared = self.declared_input(p, Surface::Rest, method);
            if let Some(existing) = exp.inputs.iter_mut().find(|i| i.name == declared.name) {
                // A declared path parameter gives its placeholder a type, description and pattern.
                existing.ty = declared.ty;
                existing.description = declared.description;
                existing.pattern = declared.pattern;
            } else if declared.location == ParamLocation::Path {
                let msg = format!(
                    "`in: path` parameter `{}` has no placeholder in `{}`",
                    p.name.value, r.path.value
                );
                self.diag(
                    Severity::Warning,
                    "path-param-without-placeholder",
                    &p.span,
                    msg,
                )
                .help(format!("add `{{{}}}` to the path", p.name.value));
            } else {
                exp.add_input(declared, InputOrigin::Declared);
            }
        }
        exp
    }

    /// A second route for the same method and path: merged when it does the same as the
    /// first (`same`), refused otherwise.
    fn duplicate_route(
        &mut self,
        method: &str,
        r: &model::ExposedResource,
        op: &model::ExposedOperation,
        first_span: &Span,
        same: bool,
    ) {
        if same {
            self.diag(
                Severity::Warning,
                "duplicate-route-merged",
                &op.span,
                format!(
                    "`{method} {}` is declared twice, identically; merged",
                    r.path.value
                ),
            )
            .help(format!("first declared at line {}", first_span.loc.line));
        } else {
            self.diag(
                Severity::Error,
                "duplicate-route",
                &op.span,
                format!(
                    "`{method} {}` is declared twice and the two do different things",
                    r.path.value
                ),
            )
            .help(format!(
                "first declared at line {}; remove one or give it another path",
                first_span.loc.line
            ));
        }
    }

    /// `/v1/runs/{runid}` → router path and (spec name, router name) per placeholder.
    fn router_path(
        &mut self,
        path: &str,
        span: &Span,
        canonical: &mut HashMap<String, String>,
    ) -> Option<(String, Vec<(String, String)>)> {
        let trimmed = path.trim();
        if !trimmed.starts_with('/') {
            self.diag(
                Severity::Error,
                "bad-path",
                span,
                format!("path `{path}` must start with `/`"),
            );
            return None;
        }
        // A request path never carries a fragment or a query: such a route could never match.
        if let Some(at) = trimmed.find(['#', '?']) {
            let what = if trimmed[at..].starts_with('#') {
                "fragment"
            } else {
                "query"
            };
            self.diag(
                Severity::Error,
                "bad-path",
                span,
                format!("path `{path}` has a {what} (`{}`), which no request path carries", &trimmed[at..]),
            )
            .help("give each operation a path of its own, or declare query parameters as `inputParameters`");
            return None;
        }
        let mut out = String::new();
        let mut prefix = String::new();
        let mut placeholders = Vec::new();
        for seg in trimmed.split('/').skip(1) {
            out.push('/');
            let placeholder = match segment_placeholder(seg) {
                Ok(placeholder) => placeholder,
                Err(why) => {
                    self.diag(
                        Severity::Error,
                        "bad-path",
                        span,
                        format!("`{seg}` in `{path}`: {why}"),
                    )
                    .help("write at most one `{name}` per segment, with literal text around it if need be (`{name}:cancel`, `act_{id}`)");
                    return None;
                }
            };
            match placeholder {
                Some((affix_before, name, affix_after)) => {
                    let name = name.to_string();
                    if placeholders.iter().any(|(known, _)| *known == name) {
                        self.diag(
                            Severity::Error,
                            "duplicate-placeholder",
                            span,
                            format!("placeholder `{{{name}}}` appears twice in `{path}`"),
                        )
                        .help("give each placeholder its own name: one caller input fills one segment");
                        return None;
                    }
                    let key = prefix.clone();
                    let wire = match canonical.get(&key) {
                        Some(wire) => {
                            if *wire != sanitize_param(&name) {
                                self.diag(Severity::Warning, "renamed-placeholder", span, format!("placeholder `{{{name}}}` shares its position with `{{{wire}}}` on another route; routed as `{{{wire}}}`"))
                                    .help("both names keep working as inputs; using one name per position is clearer");
                            }
                            wire.clone()
                        }
                        None => {
                            // A new position takes the spec's name, unless an earlier position
                            // of this path is routed under that name already (the router
                            // needs distinct names within one path).
                            let base = sanitize_param(&name);
                            let mut wire = base.clone();
                            let mut n = 2;
                            while placeholders.iter().any(|(_, used)| *used == wire) {
                                wire = format!("{base}_{n}");
                                n += 1;
                            }
                            if wire != base {
                                self.diag(Severity::Warning, "renamed-placeholder", span, format!("placeholder `{{{name}}}` would be routed under the name `{{{base}}}` twice in `{path}`; routed as `{{{wire}}}`"))
                                    .help("the input keeps its name; distinct placeholder names are clearer");
                            }
                            canonical.insert(key, wire.clone());
                            wire
                        }
                    };
                    // Literal text around the placeholder stays in the route's path; the
                    // runtime routes the whole segment and checks and strips that text.
                    out.push_str(affix_before);
                    out.push('{');
                    out.push_str(&wire);
                    out.push('}');
                    out.push_str(affix_after);
                    prefix.push_str("/{}");
                    placeholders.push((name, wire));
                }
                None if seg.starts_with(':') || seg.starts_with('*') => {
                    self.diag(Severity::Error, "bad-path", span, format!("segment `{seg}` of `{path}` uses a router syntax the spec does not have"))
                        .help("placeholders are written `{name}`");
                    return None;
                }
                None => {
                    out.push_str(seg);
                    prefix.push('/');
                    prefix.push_str(seg);
                }
            }
        }
        Some((out, placeholders))
    }

    pub(super) fn declared_input(
        &mut self,
        p: &ExposedParam,
        surface: Surface,
        method: &str,
    ) -> CallerInput {
        let location = match (surface, &p.location) {
            (Surface::Mcp, _) => ParamLocation::Body,
            (Surface::Rest, Some(l)) => l.value,
            (Surface::Rest, None) => {
                if matches!(method, "POST" | "PUT" | "PATCH") {
                    ParamLocation::Body
                } else {
                    ParamLocation::Query
                }
            }
        };
        let required = p.required.unwrap_or(location == ParamLocation::Path);
        let pattern = p
            .pattern
            .as_ref()
            .and_then(|pattern| self.input_pattern(pattern));
        CallerInput {
            name: p.name.value.clone().into(),
            location,
            wire_name: p.name.value.clone().into(),
            ty: ValueType::from_spec(p.ty.as_ref().map(|t| t.value.as_str())),
            required,
            description: p.description.clone().unwrap_or_default().into(),
            schema: p
                .schema
                .as_ref()
                .map(|schema| json::canonical_json(schema).into()),
            pattern,
        }
    }

    /// A caller input's `pattern`, compiled now with the engine the runtime checks it with, so
    /// that a pattern the runtime could not run is a located error instead of a failure later.
    fn input_pattern(&mut self, pattern: &Text) -> Option<Str> {
        match regex_lite::Regex::new(&pattern.value) {
            Ok(_) => Some(pattern.value.clone().into()),
            Err(error) => {
                self.diag(
                    Severity::Error,
                    "bad-pattern",
                    &pattern.span,
                    format!(
                        "`pattern` `{}` is not a regular expression naftiko-rs can run: {error}",
                        pattern.value
                    ),
                )
                .help(
                    "use the common subset of ECMA-262 and Rust syntax (classes, anchors, \
                     repetition, groups); look-around and back-references are not supported",
                );
                None
            }
        }
    }
}

/// Router placeholder names must be identifiers: `run-id` → `run_id`.
/// The placeholder of one path segment with the literal text before and after it
/// (`{buildId}:cancel` → `("", "buildId", ":cancel")`, `act_{{id}}` → `("act_", "id", "")`),
/// `None` for a literal segment, or why the segment cannot be routed. Two placeholders in one
/// segment are refused: nothing says where the first value ends.
fn segment_placeholder(seg: &str) -> Result<Option<(&str, &str, &str)>, &'static str> {
    let Some(start) = seg.find(['{', '}']) else {
        return Ok(None);
    };
    let (before, rest) = seg.split_at(start);
    let (inner, after) = if let Some(rest) = rest.strip_prefix("{{") {
        rest.split_once("}}").ok_or("a placeholder is not closed")?
    } else if let Some(rest) = rest.strip_prefix('{') {
        rest.split_once('}').ok_or("a placeholder is not closed")?
    } else {
        return Err("a `}` closes no placeholder");
    };
    let name = inner.trim();
    if name.is_empty() || name.contains(['{', '}']) {
        return Err("a placeholder has no name");
    }
    if after.contains(['{', '}']) {
        return Err("two placeholders in one segment cannot be told apart");
    }
    Ok(Some((before, name, after)))
}

fn sanitize_param(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() { "param".into() } else { s }
}

/// The routes of one adapter so far, with what duplicate and forward checks need of them.
#[derive(Default)]
struct RouteTable {
    routes: Vec<RestRoute>,
    /// (method, router path) → (index, where declared, what it does).
    seen: HashMap<(String, String), (usize, Span, String)>,
    /// (index, where declared, path as written) of each route, for messages.
    route_spans: Vec<(usize, Span, String)>,
}
