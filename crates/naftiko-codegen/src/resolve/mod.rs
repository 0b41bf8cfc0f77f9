//! Stage 3: the normalized model → a resolved [`CapabilitySpec`], every name bound to its
//! source, with the [`Provenance`](provenance::Provenance) of each binding beside it.
//!
//! The semantics are the rules of DESIGN.md: caller inputs in every spelling (rule 1), exact
//! then folded name matching (rule 2), `{x}` and `{{x}}` placeholders (rule 3), pass-through
//! by name (rule 4), inferred inputs (rule 5), secrets (rule 6) and compiled outputs (rule 7).
//! Each repair is a warning; what cannot become correct code is an error.

mod auth;
mod binding;
mod consumes;
mod forward;
mod jsonpath;
mod mcp;
mod outputs;
pub(crate) mod provenance;
mod rest;
mod template;

use std::path::PathBuf;

use crate::diag::{Builder, Diagnostics, Part, PartId, Severity};
use crate::model::{self, Expose, Span, Spec, Text};
use crate::names;
use crate::source::SourceMap;
use naftiko_spec::{
    Auth, CapabilitySpec, ConsumesSpec, ControlAdapterSpec, Handler, HttpOperation, McpAdapterSpec,
    McpResourceContent, ObservabilitySpec, OperationId, RequestBody, RestAdapterSpec, SecretSpec,
    Step, TemplatePart, Value,
};
use provenance::Provenance;
use template::Scope;

pub use template::Note;

/// Where a control adapter listens when the spec gives no port.
const DEFAULT_CONTROL_PORT: u16 = 9191;

pub(crate) struct Resolver<'a> {
    spec: &'a Spec,
    sources: &'a SourceMap,
    diags: &'a mut Diagnostics,
    namespaces: Vec<ConsumesSpec>,
    /// How each binding was decided, for `explain`.
    provenance: Provenance,
    bind_namespaces: Vec<String>,
    bind_keys: Vec<String>,
    /// Where the first control adapter's `observability` is, once one was resolved.
    observability_at: Option<Span>,
    aggregate_namespaces: Vec<String>,
    ref_depth: usize,
    /// Caller references matched only after folding while binding the current value.
    folded_refs: Vec<String>,
    /// Files read while resolving (embedded MCP resources), for rebuild tracking.
    read_files: Vec<PathBuf>,
}

/// The result of resolving: the spec, how its bindings were decided, and the extra files
/// it read.
pub struct Resolved {
    pub capability: CapabilitySpec,
    pub provenance: Provenance,
    pub read_files: Vec<PathBuf>,
}

pub fn resolve(spec: &Spec, sources: &SourceMap, diags: &mut Diagnostics) -> Resolved {
    let mut r = Resolver {
        spec,
        sources,
        diags,
        namespaces: Vec::new(),
        provenance: Provenance::default(),
        bind_namespaces: spec
            .binds
            .iter()
            .map(|b| b.namespace.value.clone())
            .collect(),
        // `in: environment` parameters are read from the environment as bind keys are.
        bind_keys: spec
            .binds
            .iter()
            .flat_map(|b| b.keys.iter().map(|(k, _)| k.value.clone()))
            .chain(environment_params(spec))
            .collect(),
        observability_at: None,
        aggregate_namespaces: spec
            .aggregates
            .iter()
            .map(|a| a.namespace.value.clone())
            .collect(),
        ref_depth: 0,
        folded_refs: Vec::new(),
        read_files: Vec::new(),
    };
    r.check_unique_namespaces();
    for c in &spec.consumes {
        let ns = r.namespace(c);
        r.add_namespace(ns, c);
    }
    let mut rest = Vec::new();
    let mut mcp = Vec::new();
    let mut control = Vec::new();
    for e in &spec.exposes {
        match e {
            Expose::Rest(a) => rest.push(r.rest_adapter(a)),
            Expose::Mcp(a) => mcp.push(r.mcp_adapter(a)),
            Expose::Control(c) => control.push(r.control_adapter(c)),
            Expose::Other { kind, .. } => {
                let what = if kind.value.eq_ignore_ascii_case("skill") {
                    "`skill` adapters are not supported; the adapter is skipped"
                } else {
                    "unknown adapter type; the adapter is skipped"
                };
                r.diag(
                    Severity::Warning,
                    "adapter-not-generated",
                    &kind.span,
                    format!("{what} (`type: {}`)", kind.value),
                )
                .help("rest and mcp adapters are generated");
            }
        }
    }
    r.check_env_prefixes();
    r.check_one_stdio_adapter();
    let secrets = r.secrets(&rest, &mcp, &control);
    let capability = CapabilitySpec {
        name: spec
            .label
            .clone()
            .or_else(|| spec.consumes.first().map(|c| c.namespace.value.clone()))
            .unwrap_or_else(|| "capability".into())
            .into(),
        description: spec.description.clone().unwrap_or_default().into(),
        consumes: r.namespaces.into(),
        secrets: secrets.into(),
        rest: rest.into(),
        mcp: mcp.into(),
        control: control.into(),
    };
    Resolved {
        capability,
        provenance: r.provenance,
        read_files: r.read_files,
    }
}

impl Resolver<'_> {
    /// The consumed operation `id` names; ids come from `find_operation`, so it exists.
    fn op(&self, id: OperationId) -> &HttpOperation {
        &self.namespaces[id.consumes.index()].operations[id.index as usize]
    }

    fn op_mut(&mut self, id: OperationId) -> &mut HttpOperation {
        &mut self.namespaces[id.consumes.index()].operations.to_mut()[id.index as usize]
    }

    fn diag(
        &mut self,
        severity: Severity,
        code: &'static str,
        span: &Span,
        message: impl Into<String>,
    ) -> Builder<'_> {
        self.diags
            .at_loc(severity, code, &span.loc, &span.path, self.sources, message)
    }

    /// Registers `what`, declared at `span`, as a part that partial generation may leave out.
    /// What is raised between `enter_parts` and `leave_parts` is that part's; a part with an
    /// error is left out of the spec being built, whether or not partial generation is on
    /// (without it, the error refuses the spec anyway).
    fn part(&mut self, what: String, span: &Span) -> PartId {
        let part = Part {
            what,
            file: self.sources.name(span.loc.file).to_string(),
            line: span.loc.line,
            column: span.loc.column,
            path: span.path.clone(),
        };
        self.diags.add_part(part)
    }

    fn report_notes(&mut self, notes: Vec<Note>, span: &Span) {
        for n in notes {
            match n {
                Note::SecretFolded { written, key } => {
                    self.diag(
                        Severity::Warning,
                        "case-folded-name",
                        span,
                        format!(
                            "`{written}` matched bind key `{key}` ignoring case and separators"
                        ),
                    )
                    .help(format!("write `{{{{{key}}}}}`"));
                }
                Note::UndeclaredSecret(name) => {
                    self.diag(Severity::Warning, "undeclared-secret", span, format!("`{name}` is not a key of any bind; it is read from the environment variable `{name}`"))
                        .help(format!("declare it: `binds: [{{namespace: env, keys: {{{name}: {name}}}}}]`"));
                }
                Note::BadHole(expr) => {
                    self.diag(
                        Severity::Error,
                        "bad-template",
                        span,
                        format!("cannot read `{{{{{expr}}}}}`"),
                    )
                    .help("a hole holds a name: `{{runId}}`, `{{env.API_KEY}}`, `{{step.field}}`");
                }
            }
        }
    }

    /// Adds a consumed namespace; a second, identical definition (copied twice into a spec by
    /// its generator) is merged with a warning, a different one is an error.
    fn add_namespace(&mut self, ns: ConsumesSpec, c: &model::Consumes) {
        let Some(first) = self.namespaces.iter().find(|n| n.namespace == ns.namespace) else {
            self.namespaces.push(ns);
            return;
        };
        if format!("{first:?}") == format!("{ns:?}") {
            let msg = format!(
                "namespace `{}` is defined twice, identically; merged",
                ns.namespace
            );
            self.diag(
                Severity::Warning,
                "duplicate-namespace-merged",
                &c.namespace.span,
                msg,
            );
        } else {
            let msg = format!("namespace `{}` is defined twice, differently", ns.namespace);
            self.diag(
                Severity::Error,
                "duplicate-namespace",
                &c.namespace.span,
                msg,
            )
            .help("give one of them another namespace");
        }
    }

    /// Exposed namespaces name environment variables and servers: each must be unique.
    /// (Consumed namespaces are checked as they are added, where identical copies merge.)
    fn check_unique_namespaces(&mut self) {
        let mut seen: Vec<&Text> = Vec::new();
        let spec = self.spec;
        let all = spec.exposes.iter().filter_map(|e| match e {
            Expose::Rest(a) => Some(&a.namespace),
            Expose::Mcp(a) => Some(&a.namespace),
            Expose::Control(c) => c.namespace.as_ref(),
            Expose::Other { .. } => None,
        });
        for ns in all {
            if let Some(first) = seen.iter().find(|s| s.value == ns.value) {
                let line = first.span.loc.line;
                self.diag(
                    Severity::Error,
                    "duplicate-namespace",
                    &ns.span,
                    format!("namespace `{}` is defined twice", ns.value),
                )
                .help(format!("first defined at line {line}"));
            } else {
                seen.push(ns);
            }
        }
    }

    fn control_adapter(&mut self, c: &model::ControlAdapter) -> ControlAdapterSpec {
        let port = c.port.as_ref().map_or(DEFAULT_CONTROL_PORT, |p| p.value);
        let (namespace, env_prefix) = match &c.namespace {
            Some(ns) => (ns.value.clone(), names::env_prefix(&ns.value)),
            None => ("control".to_string(), "CONTROL".to_string()),
        };
        ControlAdapterSpec {
            namespace: namespace.into(),
            env_prefix: env_prefix.into(),
            default_addr: self.default_addr(c.address.as_ref(), port).into(),
            auth: self.exposed_auth(c.auth.as_ref()),
            metrics: c
                .observability
                .as_ref()
                .is_none_or(|o| o.enabled && o.metrics_local),
            observability: self.observability(c.observability.as_ref()),
        }
    }

    /// What a value outside any call may name: bind keys only.
    pub(super) fn bind_scope(&self) -> Scope {
        Scope {
            bind_namespaces: self.bind_namespaces.clone(),
            bind_keys: self.bind_keys.clone(),
            ..Scope::default()
        }
    }

    /// A control adapter's OpenTelemetry defaults. The endpoint may name bind keys (read at
    /// start-up, like a credential); a second adapter that sets what an earlier one set is
    /// warned, since one process exports through one pipeline.
    fn observability(&mut self, o: Option<&model::Observability>) -> ObservabilitySpec {
        let Some(o) = o else {
            return ObservabilitySpec::DEFAULT;
        };
        let scope = self.bind_scope();
        let otlp_endpoint = o.otlp_endpoint.as_ref().map(|endpoint| {
            let url = endpoint.value.starts_with("http://") || endpoint.value.starts_with("https://");
            // A template's bind keys are filled in at start-up, where a bad URL stops it.
            let template = endpoint.value.contains("{{");
            if !(url || template) {
                self.diag(
                    Severity::Error,
                    "bad-otlp-endpoint",
                    &endpoint.span,
                    format!("`exporters.otlp.endpoint` `{}` is not an http(s) URL", endpoint.value),
                )
                .help("OTLP is exported over HTTP (http/protobuf): write a URL such as `http://collector:4318`");
            }
            self.secret_value(&endpoint.value, &scope, &endpoint.span)
        });
        if let Some(first) = &self.observability_at {
            let line = first.loc.line;
            self.diag(
                Severity::Warning,
                "observability-ignored",
                &o.span,
                "the OpenTelemetry settings of a second control adapter's `observability` are not read: one process exports through one pipeline",
            )
            .help(format!("the first, at line {line}, is used (this adapter's `/metrics` setting is); keep the rest on one control adapter"));
            return ObservabilitySpec::DEFAULT;
        }
        self.observability_at = Some(o.span.clone());
        ObservabilitySpec {
            enabled: o.enabled,
            otlp_endpoint,
            trace_sampling: o.sampling.as_ref().map(|s| s.value),
        }
    }

    /// Namespaces name environment variables (`<PREFIX>_BASE_URL`, `<PREFIX>_ADDR`): two that
    /// differ only in case or separators (`type` and `Type`) would read the same variables.
    fn check_env_prefixes(&mut self) {
        let spec = self.spec;
        let mut named: Vec<(String, &Text, &'static str)> = Vec::new();
        for c in &spec.consumes {
            // Identical copies of one consumed namespace are merged elsewhere.
            if !named.iter().any(|(_, n, _)| n.value == c.namespace.value) {
                named.push((
                    names::env_prefix(&c.namespace.value),
                    &c.namespace,
                    "consumed",
                ));
            }
        }
        let mut control_without_namespace: Option<&Span> = None;
        for e in &spec.exposes {
            let (ns, kind) = match e {
                Expose::Rest(a) => (&a.namespace, "REST"),
                Expose::Mcp(a) => (&a.namespace, "MCP"),
                Expose::Control(model::ControlAdapter {
                    namespace: Some(ns),
                    ..
                }) => (ns, "control"),
                Expose::Control(c) => {
                    if let Some(first) = control_without_namespace {
                        let line = first.loc.line;
                        self.diag(Severity::Error, "env-prefix-collision", &c.span, "a second control adapter without `namespace` would also be configured by `CONTROL_ADDR`")
                            .help(format!("give one of them a `namespace` (the first is at line {line})"));
                    } else {
                        control_without_namespace = Some(&c.span);
                    }
                    continue;
                }
                Expose::Other { .. } => continue,
            };
            named.push((names::env_prefix(&ns.value), ns, kind));
        }
        for (index, (prefix, ns, kind)) in named.iter().enumerate() {
            let clash = named[..index]
                .iter()
                .find(|(other, first, _)| other == prefix && first.value != ns.value);
            if let Some((_, first, first_kind)) = clash {
                let message = format!(
                    "{kind} namespace `{}` and {first_kind} namespace `{}` (line {}) both read environment variables `{prefix}_…`",
                    ns.value, first.value, first.span.loc.line
                );
                self.diag(Severity::Error, "env-prefix-collision", &ns.span, message)
                    .help("rename one so that they differ in more than case and separators");
            }
        }
        if let Some(span) = control_without_namespace
            && let Some((_, first, kind)) = named.iter().find(|(prefix, _, _)| prefix == "CONTROL")
        {
            let message = format!(
                "the control adapter without `namespace` and {kind} namespace `{}` both read `CONTROL_ADDR`",
                first.value
            );
            self.diag(Severity::Error, "env-prefix-collision", span, message)
                .help("give the control adapter a `namespace`");
        }
    }

    fn default_addr(&self, address: Option<&Text>, port: u16) -> String {
        let host = address.map_or("127.0.0.1", |a| a.value.as_str());
        if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        }
    }

    /// Every secret some value refers to, with where its value comes from.
    fn secrets(
        &self,
        rest: &[RestAdapterSpec],
        mcp: &[McpAdapterSpec],
        control: &[ControlAdapterSpec],
    ) -> Vec<SecretSpec> {
        self.secret_names(rest, mcp, control)
            .into_iter()
            .map(|key| self.secret_spec(key))
            .collect()
    }

    /// The secrets values refer to, in order of first reference: consumed namespaces (auth,
    /// client-level parameters, operations), then the auth of adapters, then their handlers.
    fn secret_names(
        &self,
        rest: &[RestAdapterSpec],
        mcp: &[McpAdapterSpec],
        control: &[ControlAdapterSpec],
    ) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let mut visit = |v: &Value| collect_secrets(v, &mut names);
        for ns in &self.namespaces {
            auth_values(&ns.auth).into_iter().for_each(&mut visit);
            for param in ns.default_params.iter() {
                visit(&param.value);
            }
            for op in ns.operations.iter() {
                for part in op.path.iter() {
                    if let naftiko_spec::PathPart::Secret(key) = part {
                        visit(&Value::Secret(key.clone()));
                    }
                }
                for i in op.inputs.iter() {
                    if let Some(f) = &i.fixed {
                        visit(f);
                    }
                }
                match &op.body {
                    RequestBody::Json(v)
                    | RequestBody::FormUrlEncoded(v)
                    | RequestBody::Text { data: v, .. } => visit(v),
                    RequestBody::Multipart(parts) => parts.iter().for_each(|p| visit(&p.value)),
                    RequestBody::Fields => {}
                }
            }
        }
        for adapter in control {
            if let Some(endpoint) = &adapter.observability.otlp_endpoint {
                visit(endpoint);
            }
        }
        let auths = rest
            .iter()
            .map(|a| &a.auth)
            .chain(mcp.iter().map(|a| &a.auth))
            .chain(control.iter().map(|a| &a.auth));
        for auth in auths {
            auth_values(auth).into_iter().for_each(&mut visit);
        }
        let resources = mcp.iter().flat_map(|a| {
            a.resources.iter().filter_map(|r| match &r.content {
                McpResourceContent::Dynamic(handler) => Some(handler),
                McpResourceContent::Static(_) => None,
            })
        });
        let handlers = rest
            .iter()
            .flat_map(|a| a.routes.iter().map(|r| &r.handler))
            .chain(mcp.iter().flat_map(|a| a.tools.iter().map(|t| &t.handler)))
            .chain(resources);
        for h in handlers {
            for_each_value(h, &mut visit);
        }
        names
    }

    /// Where secret `key` is read from: the bind that declares it, if any.
    fn secret_spec(&self, key: String) -> SecretSpec {
        let bind = self
            .spec
            .binds
            .iter()
            .find(|b| b.keys.iter().any(|(k, _)| k.value == key));
        let source_name = bind
            .and_then(|b| b.keys.iter().find(|(k, _)| k.value == key))
            .map_or_else(|| key.clone(), |(_, s)| s.clone());
        let file = bind
            .and_then(|b| b.location.as_ref())
            .filter(|l| l.value.starts_with("file://"))
            .map(|l| l.value.clone());
        SecretSpec {
            key: key.into(),
            source_name: source_name.into(),
            file: file.map(Into::into),
        }
    }
}

/// The names of every consumed `in: environment` parameter (namespace, resource, operation).
fn environment_params(spec: &Spec) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for c in &spec.consumes {
        let resources = c.resources.iter();
        let params = c.params.iter().chain(resources.flat_map(|r| {
            r.params
                .iter()
                .chain(r.operations.iter().flat_map(|op| &op.params))
        }));
        for p in params.filter(|p| p.from_environment) {
            if !names.contains(&p.name.value) {
                names.push(p.name.value.clone());
            }
        }
    }
    names
}

/// The values a credential is made of.
fn auth_values(auth: &Auth) -> Vec<&Value> {
    match auth {
        Auth::None | Auth::AwsSigV4 { .. } => Vec::new(),
        Auth::Bearer { token } => vec![token],
        Auth::ApiKey { value, .. } => vec![value],
        Auth::Basic { username, password } | Auth::Digest { username, password } => {
            vec![username, password]
        }
    }
}

fn for_each_value(h: &Handler, f: &mut impl FnMut(&Value)) {
    match h {
        Handler::Call { args, .. } => args.iter().for_each(|a| f(&a.value)),
        Handler::Steps { steps, .. } => {
            for s in steps.iter() {
                match s {
                    Step::Call { args, .. } => args.iter().for_each(|a| f(&a.value)),
                    Step::Lookup { lookup_value, .. } => f(lookup_value),
                }
            }
        }
        Handler::Static { .. } => {}
    }
}

fn collect_secrets(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Secret(n) => {
            if !out.iter().any(|known| known == n) {
                out.push(n.to_string());
            }
        }
        Value::Template(parts) => parts.iter().for_each(|p| {
            if let TemplatePart::Value(v) = p {
                collect_secrets(v, out);
            }
        }),
        Value::Object(fields) => fields.iter().for_each(|(_, v)| collect_secrets(v, out)),
        Value::Array(items) => items.iter().for_each(|v| collect_secrets(v, out)),
        Value::Literal(_) | Value::Input(_) | Value::Step { .. } => {}
    }
}
