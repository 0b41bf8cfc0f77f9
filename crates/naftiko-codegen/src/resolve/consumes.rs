//! Consumed namespaces → resolved namespaces: base URLs, client-level parameters, operations
//! and their inputs and paths. Their authentication is resolved in `auth`.

use super::Resolver;
use super::template::{Scope, interpret, interpret_str};
use crate::diag::Severity;
use crate::json;
use crate::model::{self, ConsumedOperation, Consumes, Span};
use crate::names;
use naftiko_spec::{
    ApiKeyPlacement, Auth, ConsumesSpec, DefaultParam, HttpOperation, MultipartPart,
    OperationInput, ParamLocation, PathPart, RawFormat, RequestBody, TemplatePart, Value,
    ValueType,
};

/// Default upstream timeout (DESIGN.md, "Names the generated code uses").
const DEFAULT_TIMEOUT_MS: u64 = 30_000;

impl Resolver<'_> {
    /// A scope for strings on the consumed side: `{{X}}` is the operation's input X (or a secret).
    pub(super) fn consumed_scope(&self) -> Scope {
        Scope {
            input_prefixes: vec![
                "rest".into(),
                "tools".into(),
                "mcp".into(),
                "input".into(),
                "inputs".into(),
            ],
            bind_namespaces: self.bind_namespaces.clone(),
            bind_keys: self.bind_keys.clone(),
            steps: Vec::new(),
        }
    }

    pub(super) fn namespace(&mut self, c: &Consumes) -> ConsumesSpec {
        let scope = self.consumed_scope();
        let env_var = format!("{}_BASE_URL", names::env_prefix(&c.namespace.value));
        let auth = match &c.auth {
            Some(a) => self.consumed_auth(a, &scope),
            None => Auth::None,
        };
        let mut key_in_path = self.key_in_path(c, &auth);
        // An empty base URL makes start-up require `<NS>_BASE_URL` (and name it when missing).
        let base_url = match &c.base_uri {
            Some(b) => {
                let mut url = b.value.trim().trim_end_matches('/').to_string();
                // `https://api.telegram.org/bot{token}`: the segments from the key's on are
                // put in front of every operation's path, the key a secret there.
                if let Some(key) = &mut key_in_path
                    && let Some(at) = placeholder_segment(&url, &key.placeholder)
                {
                    key.base_path = url.split_off(at);
                }
                if url.is_empty() {
                    // Published specs leave it blank to be filled in per deployment, as a
                    // templated one does: the same configuration, required at start-up.
                    self.diag(
                        Severity::Warning,
                        "empty-base-uri",
                        &b.span,
                        format!("`baseUri` is empty: set `{env_var}` at start-up"),
                    )
                    .help(format!("start-up fails until `{env_var}` is set"));
                    String::new()
                } else if url.contains('{') || url.contains("${") {
                    self.diag(Severity::Warning, "templated-base-uri", &b.span, format!("`baseUri` `{}` has placeholders, which are configuration: set `{env_var}` at start-up", b.value))
                        .help(format!("start-up fails until `{env_var}` is set"));
                    String::new()
                } else if !(url.starts_with("http://") || url.starts_with("https://")) {
                    self.diag(
                        Severity::Error,
                        "bad-base-uri",
                        &b.span,
                        format!("`baseUri` `{}` is not an http(s) URL", b.value),
                    )
                    .help("write an absolute URL such as `https://api.example.com`");
                    url
                } else {
                    url
                }
            }
            None => String::new(),
        };
        let mut default_params = Vec::new();
        // Further API keys go with every call, like client-level parameters (the runtime
        // treats a header that carries a secret as sensitive).
        if let Some(model::Auth::ApiKey {
            extra, placement, ..
        }) = &c.auth
        {
            let secret_scope = self.auth_scope(&scope);
            let location = placement.location();
            for (name, value) in extra {
                let value = self.secret_value(&value.value, &secret_scope, &value.span);
                default_params.push(DefaultParam {
                    name: name.value.clone().into(),
                    location,
                    value,
                });
            }
        }
        for p in c.params.iter().filter(|p| !p.from_environment) {
            let location = p
                .location
                .as_ref()
                .map_or(ParamLocation::Header, |l| l.value);
            match &p.value {
                Some(v) => {
                    let value = self.interpret_at(&v.value, &scope, &v.span);
                    default_params.push(DefaultParam {
                        name: p.name.value.clone().into(),
                        location,
                        value,
                    });
                }
                None => {
                    self.diag(
                        Severity::Warning,
                        "client-param-without-value",
                        &p.span,
                        format!(
                            "client-level parameter `{}` has no `value`; it is not sent",
                            p.name.value
                        ),
                    );
                }
            }
        }
        let auth_param = match &auth {
            Auth::Bearer { .. } | Auth::Basic { .. } | Auth::AwsSigV4 { .. } => {
                Some((ParamLocation::Header, "Authorization".to_string()))
            }
            Auth::ApiKey {
                name,
                placement: ApiKeyPlacement::Header,
                ..
            } => Some((ParamLocation::Header, name.to_string())),
            Auth::ApiKey {
                name,
                placement: ApiKeyPlacement::Body,
                ..
            } => Some((ParamLocation::Body, name.to_string())),
            _ => None,
        };
        let mut operations = Vec::new();
        for r in &c.resources {
            for op in &r.operations {
                if let Some((location, name)) = &auth_param {
                    self.warn_auth_params(r, op, *location, name);
                }
                let operation = self.operation(r, op, &scope, key_in_path.as_mut());
                if let Auth::ApiKey {
                    name,
                    placement: ApiKeyPlacement::Body,
                    ..
                } = &auth
                {
                    self.check_body_takes_key(op, &operation.body, name);
                }
                operations.push(operation);
            }
        }
        if let Some(key) = &key_in_path
            && !key.placed
            && let Some(model::Auth::ApiKey { name, .. }) = &c.auth
        {
            self.diag(
                Severity::Error,
                "bad-apikey-placement",
                &name.span,
                format!(
                    "the API key is placed in the path, but neither `baseUri` nor any path has a `{{{}}}` placeholder",
                    key.placeholder
                ),
            )
            .help(format!("write `{{{}}}` where the key goes, as in `baseUri: https://api.example.com/bot{{{}}}`", key.placeholder, key.placeholder));
        }
        ConsumesSpec {
            env_prefix: names::env_prefix(&c.namespace.value).into(),
            namespace: c.namespace.value.clone().into(),
            description: c.description.clone().unwrap_or_default().into(),
            base_url: base_url.into(),
            timeout_ms: DEFAULT_TIMEOUT_MS,
            auth,
            default_params: default_params.into(),
            operations: operations.into(),
        }
    }

    /// The parameters of a query string found in a path, as query inputs: `q=default` a fixed
    /// value, `q={term}` the input `term` sent as `q`. A declared parameter of the same name wins.
    fn query_in_path(&mut self, query: &str, inputs: &mut Vec<OperationInput>, span: &Span) {
        self.diag(
            Severity::Warning,
            "query-in-path",
            span,
            format!("the path holds the query string `?{query}`; it is sent as query parameters"),
        )
        .help("declare them in `inputParameters` with `in: query` (and `value:` for a fixed one)");
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (key, value) = (percent_decode(key), percent_decode(value));
            let (name, fixed) = match split_path(&value).as_slice() {
                [PathPart::Param(name)] => (name.to_string(), None),
                _ => (key.clone(), Some(json::text_literal(&value))),
            };
            if inputs
                .iter()
                .any(|i| *i.name == name || *i.wire_name == key)
            {
                continue;
            }
            inputs.push(OperationInput {
                required: fixed.is_none(),
                name: name.into(),
                wire_name: key.into(),
                location: Some(ParamLocation::Query),
                ty: ValueType::String,
                fixed,
                description: "".into(),
            });
        }
    }

    /// The API key a namespace places in the path, when it does: its placeholder name and the
    /// secret that fills it. The key must be exactly one secret (`{{BOT_TOKEN}}`).
    fn key_in_path(&mut self, c: &Consumes, auth: &Auth) -> Option<KeyInPath> {
        let Some(model::Auth::ApiKey {
            name,
            value,
            placement: ApiKeyPlacement::Path,
            extra,
        }) = &c.auth
        else {
            return None;
        };
        if let Some((extra_name, _)) = extra.first() {
            self.diag(
                Severity::Error,
                "bad-apikey-placement",
                &extra_name.span,
                "only one API key can be placed in the path",
            )
            .help("send the other keys in headers or the query");
        }
        match auth {
            Auth::ApiKey {
                value: Value::Secret(secret),
                ..
            } => Some(KeyInPath {
                placeholder: name.value.trim().to_string(),
                secret: secret.to_string(),
                base_path: String::new(),
                placed: false,
            }),
            _ => {
                self.diag(
                    Severity::Error,
                    "bad-apikey-placement",
                    &value.span,
                    format!(
                        "an API key placed in the path must be exactly one secret, not `{}`",
                        value.value
                    ),
                )
                .help("write `value: '{{BOT_TOKEN}}'` with `BOT_TOKEN` a bind key");
                None
            }
        }
    }

    fn operation(
        &mut self,
        r: &model::ConsumedResource,
        op: &ConsumedOperation,
        scope: &Scope,
        key_in_path: Option<&mut KeyInPath>,
    ) -> HttpOperation {
        let (raw_path, query_in_path) = operation_path(r, op);
        let raw_path = match &key_in_path {
            Some(key) if !key.base_path.is_empty() => format!("{}{raw_path}", key.base_path),
            _ => raw_path,
        };
        let mut inputs = self.declared_inputs(r, op, scope);
        if let Some(query) = &query_in_path {
            let span = op.path.as_ref().map_or(&r.path.span, |p| &p.span);
            self.query_in_path(query, &mut inputs, span);
        }
        let path = self.bind_placeholders(&raw_path, &mut inputs, key_in_path);
        self.warn_unplaced_path_params(r, op, &raw_path, &path, &inputs);
        let body = self.request_body(op, scope);
        add_template_inputs(&body, &mut inputs);
        let output_format = self.output_format(op);
        let (output, output_schema) = self.operation_output(&op.outputs, &output_format, &op.span);
        HttpOperation {
            name: op.name.value.clone().into(),
            method: op.method.value.as_str().into(),
            description: op.description.clone().unwrap_or_default().into(),
            path: path.into(),
            inputs: inputs.into(),
            body,
            output_format,
            output,
            output_schema: output_schema.map(Into::into),
        }
    }

    /// The parameters the resource and the operation declare, the operation's winning.
    fn declared_inputs(
        &mut self,
        r: &model::ConsumedResource,
        op: &ConsumedOperation,
        scope: &Scope,
    ) -> Vec<OperationInput> {
        let mut inputs: Vec<OperationInput> = Vec::new();
        for p in r
            .params
            .iter()
            .chain(&op.params)
            .filter(|p| !p.from_environment)
        {
            let location = p.location.as_ref().map(|l| l.value);
            let fixed = p
                .value
                .as_ref()
                .map(|v| self.interpret_at(&v.value, scope, &v.span));
            let input = OperationInput {
                name: p.name.value.clone().into(),
                wire_name: p.name.value.clone().into(),
                location: Some(location.unwrap_or(ParamLocation::Query)),
                ty: ValueType::from_spec(p.ty.as_ref().map(|t| t.value.as_str())),
                required: p.required && fixed.is_none(),
                fixed,
                description: p.description.clone().unwrap_or_default().into(),
            };
            if location.is_none() {
                self.diag(
                    Severity::Warning,
                    "parameter-location-missing",
                    &p.span,
                    format!(
                        "parameter `{}` has no `in`; sent as a query parameter",
                        p.name.value
                    ),
                )
                .help("add `in: query` (or path, header, cookie, body)");
            }
            if let Some(existing) = inputs.iter_mut().find(|i| i.name == input.name) {
                *existing = input;
            } else {
                inputs.push(input);
            }
        }
        inputs
    }

    /// The path's placeholders bound to inputs: `{x}` and `{{x}}` alike (rule 3); a declared
    /// path parameter matches by exact name first, then folded. A placeholder nothing declares
    /// becomes a required path input; one that names a secret, or the API key placed in the
    /// path, is that secret.
    fn bind_placeholders(
        &mut self,
        raw_path: &str,
        inputs: &mut Vec<OperationInput>,
        mut key_in_path: Option<&mut KeyInPath>,
    ) -> Vec<PathPart> {
        let mut parts = Vec::new();
        for part in split_path(raw_path) {
            let PathPart::Param(name) = part else {
                parts.push(part);
                continue;
            };
            if let Some(key) = key_in_path.as_deref_mut()
                && *name == key.placeholder
            {
                key.placed = true;
                parts.push(PathPart::Secret(key.secret.clone().into()));
                continue;
            }
            // A secret goes into the URL as it is asked (Telegram's `/bot{token}/`); what
            // prints a path prints its name only.
            if self.is_secret_name(&name) {
                let key = name.strip_prefix("env.").unwrap_or(&name);
                parts.push(PathPart::Secret(key.to_string().into()));
                continue;
            }
            let declared = names::find(&name, inputs.iter().map(|i| &*i.name));
            let bound = match declared {
                names::Match::Exact(n) | names::Match::Folded(n) => n.to_string(),
                _ => name.to_string(),
            };
            if let Some(i) = inputs.iter_mut().find(|i| i.name == bound) {
                i.location = Some(ParamLocation::Path);
                i.required = i.fixed.is_none();
            } else {
                inputs.push(OperationInput {
                    name: name.clone(),
                    wire_name: name.clone(),
                    location: Some(ParamLocation::Path),
                    ty: ValueType::String,
                    required: true,
                    fixed: None,
                    description: "".into(),
                });
            }
            parts.push(PathPart::Param(bound.into()));
        }
        parts
    }

    fn warn_unplaced_path_params(
        &mut self,
        r: &model::ConsumedResource,
        op: &ConsumedOperation,
        raw_path: &str,
        parts: &[PathPart],
        inputs: &[OperationInput],
    ) {
        for i in inputs {
            if i.location == Some(ParamLocation::Path)
                && !parts
                    .iter()
                    .any(|p| matches!(p, PathPart::Param(n) if *n == i.name))
            {
                let span = r
                    .params
                    .iter()
                    .chain(&op.params)
                    .find(|p| p.name.value == *i.name)
                    .map_or(&op.span, |p| &p.span);
                self.diag(Severity::Warning, "path-param-without-placeholder", span, format!("`in: path` parameter `{}` has no placeholder in `{raw_path}`; it is not sent", i.name))
                    .help(format!("add `{{{}}}` to the resource path, or change `in`", i.name));
            }
        }
    }

    /// An API key placed in the body becomes a field of a JSON object or a form, or a form
    /// field of a multipart body; any other body (raw text, a JSON value that may not be an
    /// object) has no place for it.
    fn check_body_takes_key(&mut self, op: &ConsumedOperation, body: &RequestBody, key: &str) {
        let is_object = |value: &Value| match value {
            Value::Object(_) => true,
            Value::Literal(json) => json.starts_with('{'),
            _ => false,
        };
        let kind = match body {
            RequestBody::Fields | RequestBody::Multipart(_) => return,
            RequestBody::Json(value) | RequestBody::FormUrlEncoded(value) if is_object(value) => {
                return;
            }
            RequestBody::Json(_) => "a JSON body that is not an object",
            RequestBody::FormUrlEncoded(_) => "a form body that is not a set of fields",
            RequestBody::Text { .. } => "a raw body",
        };
        self.diag(
            Severity::Error,
            "bad-apikey-placement",
            &op.span,
            format!(
                "operation `{}` sends {kind}, which has no field for the API key `{key}` placed in the body",
                op.name.value
            ),
        )
        .help("give the operation a JSON object, form or multipart body, or place the key in a header or the query");
    }

    fn request_body(&mut self, op: &ConsumedOperation, scope: &Scope) -> RequestBody {
        match &op.body {
            None => RequestBody::Fields,
            Some(model::Body::Json(v)) => {
                RequestBody::Json(self.interpret_at(&v.value, scope, &v.span))
            }
            Some(model::Body::FormUrlEncoded(v)) => {
                RequestBody::FormUrlEncoded(self.interpret_at(&v.value, scope, &v.span))
            }
            Some(model::Body::Multipart(parts)) => RequestBody::Multipart(
                parts
                    .iter()
                    .map(|p| MultipartPart {
                        name: p.name.value.clone().into(),
                        value: self.interpret_at(&p.value.value, scope, &p.value.span),
                        filename: p.filename.clone().map(Into::into),
                        content_type: p.content_type.clone().map(Into::into),
                    })
                    .collect::<Vec<_>>()
                    .into(),
            ),
            Some(model::Body::Text { content_type, data }) => RequestBody::Text {
                content_type: content_type.clone().into(),
                data: self.interpret_str_at(&data.value, scope, &data.span),
            },
        }
    }

    /// `outputRawFormat`, with `outputSchema` selecting HTML tables or Markdown sections.
    fn output_format(&mut self, op: &ConsumedOperation) -> RawFormat {
        let schema = op
            .output_schema
            .as_ref()
            .map(|s| s.value.trim().to_owned())
            .filter(|s| !s.is_empty());
        let Some(format) = &op.output_format else {
            return RawFormat::Json;
        };
        match format.value.to_ascii_lowercase().as_str() {
            "json" => RawFormat::Json,
            "xml" => RawFormat::Xml,
            "csv" => RawFormat::Csv,
            "tsv" => RawFormat::Tsv,
            "psv" => RawFormat::Psv,
            "html" => schema.map_or(RawFormat::Html, |s| RawFormat::HtmlTables(s.into())),
            "markdown" | "md" => schema.map_or(RawFormat::Markdown, |s| {
                RawFormat::MarkdownSections(s.into())
            }),
            "text" | "plain" => RawFormat::Text,
            "yaml" | "yml" => RawFormat::Yaml,
            "avro" => RawFormat::Avro,
            "protobuf" | "proto" => RawFormat::Protobuf,
            "binary" | "octet-stream" => RawFormat::Binary,
            other => {
                self.diag(
                    Severity::Warning,
                    "unknown-output-format",
                    &format.span,
                    format!("unknown `outputRawFormat` `{other}`; passed through as bytes"),
                );
                RawFormat::Binary
            }
        }
    }

    pub(super) fn is_secret_name(&self, name: &str) -> bool {
        let n = name.strip_prefix("env.").unwrap_or(name);
        self.bind_keys.iter().any(|k| k == n)
    }

    pub(super) fn interpret_at(
        &mut self,
        v: &serde_json::Value,
        scope: &Scope,
        span: &Span,
    ) -> Value {
        let mut notes = Vec::new();
        let out = interpret(v, scope, &mut notes);
        self.report_notes(notes, span);
        out
    }

    pub(super) fn interpret_str_at(&mut self, s: &str, scope: &Scope, span: &Span) -> Value {
        let mut notes = Vec::new();
        let out = interpret_str(s, scope, &mut notes);
        self.report_notes(notes, span);
        out
    }
}

/// An API key placed in the path, while a namespace's operations are resolved.
struct KeyInPath {
    /// The placeholder the key fills (the apikey's `key`, `token` in `/bot{token}`).
    placeholder: String,
    /// The bind key whose value is sent.
    secret: String,
    /// The base URL's path from the key's segment on, put before every operation's path.
    base_path: String,
    /// Whether some path has the placeholder.
    placed: bool,
}

/// Where the path segment holding placeholder `name` (`{name}` or `{{name}}`) starts in
/// `url`, when it is in the URL's path.
fn placeholder_segment(url: &str, name: &str) -> Option<usize> {
    let path_start = url.find("://").map_or(0, |scheme| {
        url[scheme + 3..]
            .find('/')
            .map_or(url.len(), |slash| scheme + 3 + slash)
    });
    let at = [format!("{{{name}}}"), format!("{{{{{name}}}}}")]
        .iter()
        .filter_map(|placeholder| url[path_start..].find(placeholder.as_str()))
        .min()?;
    url[..path_start + at].rfind('/')
}

/// The operation's full path (resource path plus an operation-level suffix or override) and
/// a query string written into it (`search?q=default`), which is query, not path: left in,
/// its `?` would be percent-encoded into the path upstream.
fn operation_path(r: &model::ConsumedResource, op: &ConsumedOperation) -> (String, Option<String>) {
    let raw_path = match &op.path {
        Some(p)
            if p.value.starts_with('/')
                && !r.path.value.is_empty()
                && p.value.starts_with(&r.path.value) =>
        {
            p.value.clone()
        }
        Some(p) => format!(
            "{}{}",
            r.path.value.trim_end_matches('/'),
            if p.value.starts_with('/') {
                p.value.clone()
            } else {
                format!("/{}", p.value)
            }
        ),
        None => r.path.value.clone(),
    };
    match raw_path.split_once('?') {
        Some((path, query)) => (path.to_string(), Some(query.to_string())),
        None => (raw_path, None),
    }
}

/// Inputs that only templates name (`{{tools.customer}}` in a body, a fixed value) are inputs
/// too, placed by the template that names them.
fn add_template_inputs(body: &RequestBody, inputs: &mut Vec<OperationInput>) {
    let mut named = Vec::new();
    match body {
        RequestBody::Json(v)
        | RequestBody::FormUrlEncoded(v)
        | RequestBody::Text { data: v, .. } => collect_inputs(v, &mut named),
        RequestBody::Multipart(ps) => ps.iter().for_each(|p| collect_inputs(&p.value, &mut named)),
        RequestBody::Fields => {}
    }
    for i in inputs.iter() {
        if let Some(f) = &i.fixed {
            collect_inputs(f, &mut named);
        }
    }
    for name in named {
        if !inputs.iter().any(|i| *i.name == name) {
            inputs.push(OperationInput {
                wire_name: name.clone().into(),
                name: name.into(),
                location: None,
                ty: ValueType::Any,
                required: false,
                fixed: None,
                description: "".into(),
            });
        }
    }
}

/// Every input a value refers to.
pub fn collect_inputs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Input(n) => {
            if !out.iter().any(|known| known == n) {
                out.push(n.to_string());
            }
        }
        Value::Template(parts) => parts.iter().for_each(|p| {
            if let TemplatePart::Value(v) = p {
                collect_inputs(v, out);
            }
        }),
        Value::Object(fields) => fields.iter().for_each(|(_, v)| collect_inputs(v, out)),
        Value::Array(items) => items.iter().for_each(|v| collect_inputs(v, out)),
        Value::Literal(_) | Value::Secret(_) | Value::Step { .. } => {}
    }
}

/// `/v1/runs/{runId}/x{{y}}` → literal text and placeholders (`{x}` and `{{x}}` alike).
pub fn split_path(path: &str) -> Vec<PathPart> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let (open, close) = if rest[start..].starts_with("{{") {
            (2, "}}")
        } else {
            (1, "}")
        };
        let after = &rest[start + open..];
        let Some(end) = after.find(close) else { break };
        if start > 0 {
            out.push(PathPart::Literal(rest[..start].to_string().into()));
        }
        out.push(PathPart::Param(after[..end].trim().to_string().into()));
        rest = &after[end + close.len()..];
    }
    if !rest.is_empty() {
        out.push(PathPart::Literal(rest.to_string().into()));
    }
    out
}

/// `%XX` escapes and `+` (a space, in query strings) decoded; anything malformed kept as is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let escaped = (byte == b'%')
            .then(|| bytes.get(at + 1..at + 3))
            .flatten()
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match (byte, escaped) {
            (_, Some(decoded)) => {
                out.push(decoded);
                at += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                at += 1;
            }
            (other, None) => {
                out.push(other);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
