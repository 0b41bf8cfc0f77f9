//! The request one upstream call must produce, computed from the spec tables alone: the
//! operation's method and path parts, its inputs with their locations, the namespace's default
//! parameters and auth, and the body kind. This is deliberately a second, independent reading
//! of the contract documented in `naftiko_runtime::spec`; the runtime's own request builder is
//! what is under test.

use std::collections::HashMap;

use base64::Engine as _;
use naftiko::spec::{
    ApiKeyPlacement, Arg, Auth, CapabilitySpec, HttpOperation, OperationId, ParamLocation,
    PathPart, RequestBody,
};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::Value as Json;

use super::value::{Inputs, Scope, eval, eval_text};
use crate::echo::base_path;
use crate::synth::to_text;

/// RFC 3986 `unreserved` is all a path segment value may keep unencoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One query parameter, header or cookie upstream must receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub value: String,
    /// Put there by the namespace's authentication (reported as `auth` when wrong).
    pub auth: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExpectedBody {
    Empty,
    Json(Json),
    /// `application/x-www-form-urlencoded` pairs.
    Form(Vec<(String, String)>),
    /// `multipart/form-data` parts: name and data.
    Multipart(Vec<(String, String)>),
    Text {
        content_type: String,
        data: String,
    },
}

/// Everything one upstream request must carry.
#[derive(Debug, Clone)]
pub struct ExpectedRequest {
    /// `namespace.operation`, for messages.
    pub operation: String,
    pub method: &'static str,
    /// The path as it should be sent, values percent-encoded as one segment each.
    pub path: String,
    pub query: Vec<Param>,
    pub headers: Vec<Param>,
    pub cookies: Vec<Param>,
    pub body: ExpectedBody,
}

/// The operation `id` names.
pub fn operation_of(
    spec: &'static CapabilitySpec,
    id: OperationId,
) -> Result<&'static HttpOperation, String> {
    spec.operation(id).ok_or_else(|| {
        format!(
            "an operation names consumes #{} operation #{}",
            id.consumes.0, id.index
        )
    })
}

/// The request operation `id` must produce when called with `args` evaluated in `scope`.
pub fn expect_call(
    spec: &'static CapabilitySpec,
    id: OperationId,
    args: &[Arg],
    scope: Scope<'_>,
) -> Result<ExpectedRequest, String> {
    let op = operation_of(spec, id)?;
    let consumes = spec
        .namespace(id.consumes)
        .ok_or_else(|| format!("operation `{}` names consumes #{}", op.name, id.consumes.0))?;
    let bound: Inputs = args
        .iter()
        .filter_map(|arg| Some((arg.input.to_string(), eval(&arg.value, scope)?)))
        .filter(|(_, value)| !value.is_null())
        .collect();
    let no_steps = Inputs::new();
    let mut effective = bound.clone();
    for input in op.inputs.iter() {
        if let Some(fixed) = &input.fixed {
            let fixed_scope = Scope {
                inputs: &bound,
                steps: &no_steps,
                ..scope
            };
            match eval(fixed, fixed_scope) {
                Some(value) => effective.insert(input.name.to_string(), value),
                None => effective.remove(&*input.name),
            };
        }
    }
    if let Some(missing) = op
        .inputs
        .iter()
        .find(|input| input.required && !effective.contains_key(&*input.name))
    {
        return Err(format!(
            "`{}.{}` requires input `{}`, but nothing the caller gave binds it",
            consumes.namespace, op.name, missing.name
        ));
    }
    let op_scope = Scope {
        inputs: &effective,
        steps: &no_steps,
        ..scope
    };

    let mut expected = ExpectedRequest {
        operation: format!("{}.{}", consumes.namespace, op.name),
        method: &op.method,
        path: String::new(),
        query: Vec::new(),
        headers: Vec::new(),
        cookies: Vec::new(),
        body: ExpectedBody::Empty,
    };
    let (path, literal_query) = expect_path(op, id.consumes.index(), &effective, scope.secrets)?;
    expected.path = path;
    expected.query.extend(literal_query);

    let mut body_fields = Inputs::new();
    for input in op.inputs.iter() {
        let (Some(location), Some(value)) = (input.location, effective.get(&*input.name)) else {
            continue;
        };
        let name = if input.wire_name.is_empty() {
            &input.name
        } else {
            &input.wire_name
        };
        put(
            &mut expected,
            &mut body_fields,
            location,
            name,
            value,
            false,
        );
    }
    for param in consumes.default_params.iter() {
        let present = match param.location {
            ParamLocation::Path => false,
            ParamLocation::Query => expected.query.iter().any(|p| p.name == param.name),
            ParamLocation::Header => expected
                .headers
                .iter()
                .any(|p| p.name.eq_ignore_ascii_case(&param.name)),
            ParamLocation::Cookie => expected.cookies.iter().any(|p| p.name == param.name),
            ParamLocation::Body => body_fields.contains_key(&*param.name),
        };
        if present {
            continue;
        }
        if let Some(value) = eval(&param.value, op_scope) {
            put(
                &mut expected,
                &mut body_fields,
                param.location,
                &param.name,
                &value,
                false,
            );
        }
    }
    put_auth(&consumes.auth, op_scope, &mut expected);
    expected.body = expect_body(&op.body, op_scope, body_fields);
    put_body_key(&consumes.auth, op_scope, &mut expected.body);
    Ok(expected)
}

/// An API key placed in the body: a field of the JSON object or form (set last, so it wins),
/// or a multipart form field; with no body at all, a JSON object of the key alone.
fn put_body_key(auth: &Auth, scope: Scope<'_>, body: &mut ExpectedBody) {
    let Auth::ApiKey {
        name,
        value,
        placement: ApiKeyPlacement::Body,
    } = auth
    else {
        return;
    };
    let Some(key) = eval_text(value, scope) else {
        return;
    };
    let name = name.to_string();
    match body {
        ExpectedBody::Empty => {
            let mut map = serde_json::Map::new();
            map.insert(name, Json::String(key));
            *body = ExpectedBody::Json(Json::Object(map));
        }
        ExpectedBody::Json(Json::Object(map)) => {
            map.insert(name, Json::String(key));
        }
        ExpectedBody::Form(pairs) | ExpectedBody::Multipart(pairs) => {
            pairs.retain(|(known, _)| *known != name);
            pairs.push((name, key));
        }
        // The code generator refuses a key in any other body.
        ExpectedBody::Json(_) | ExpectedBody::Text { .. } => {}
    }
}

/// The base path of the namespace joined with the operation's path. A literal part is URL text:
/// should it hold a `?`, what follows is query, not path.
fn expect_path(
    op: &HttpOperation,
    namespace: usize,
    inputs: &Inputs,
    secrets: &HashMap<String, String>,
) -> Result<(String, Vec<Param>), String> {
    let mut path = String::new();
    for part in op.path.iter() {
        match part {
            PathPart::Literal(text) => path.push_str(text),
            PathPart::Param(name) => {
                let text = inputs.get(&**name).map(to_text).unwrap_or_default();
                if text.is_empty() || text == "." || text == ".." {
                    return Err(format!(
                        "path parameter `{name}` of `{}` would be `{text}`",
                        op.name
                    ));
                }
                path.push_str(&utf8_percent_encode(&text, SEGMENT).to_string());
            }
            PathPart::Secret(key) => {
                let text = secrets.get(&**key).cloned().unwrap_or_default();
                path.push_str(&utf8_percent_encode(&text, SEGMENT).to_string());
            }
        }
    }
    let (path, query) = match path.split_once('?') {
        Some((path, query)) => (path.to_owned(), form_pairs(query)),
        None => (path, Vec::new()),
    };
    let mut full = base_path(namespace);
    if !path.is_empty() && !path.starts_with('/') {
        full.push('/');
    }
    full.push_str(&path);
    let query = query
        .into_iter()
        .map(|(name, value)| Param {
            name,
            value,
            auth: false,
        })
        .collect();
    Ok((full, query))
}

pub(super) fn put(
    expected: &mut ExpectedRequest,
    body_fields: &mut Inputs,
    location: ParamLocation,
    name: &str,
    value: &Json,
    auth: bool,
) {
    let param = |value: String| Param {
        name: name.to_owned(),
        value,
        auth,
    };
    match location {
        ParamLocation::Path => {}
        ParamLocation::Query => match value {
            Json::Array(items) => expected
                .query
                .extend(items.iter().map(|item| param(to_text(item)))),
            other => expected.query.push(param(to_text(other))),
        },
        ParamLocation::Header => expected.headers.push(param(to_text(value))),
        ParamLocation::Cookie => expected.cookies.push(param(to_text(value))),
        ParamLocation::Body => {
            body_fields.insert(name.to_owned(), value.clone());
        }
    }
}

pub(super) fn put_auth(auth: &Auth, scope: Scope<'_>, expected: &mut ExpectedRequest) {
    let mut set_header = |name: &str, value: String| {
        expected
            .headers
            .retain(|known| !known.name.eq_ignore_ascii_case(name));
        expected.headers.push(Param {
            name: name.to_owned(),
            value,
            auth: true,
        });
    };
    match auth {
        // Digest answers a challenge; the echo upstream never sends one. An AWS signature
        // depends on the moment it is made (the runtime's own tests verify it).
        Auth::None | Auth::Digest { .. } | Auth::AwsSigV4 { .. } => {}
        Auth::Bearer { token } => {
            if let Some(token) = eval_text(token, scope) {
                let has_scheme = token
                    .get(..7)
                    .is_some_and(|scheme| scheme.eq_ignore_ascii_case("bearer "));
                let value = if has_scheme {
                    token
                } else {
                    format!("Bearer {token}")
                };
                set_header("authorization", value);
            }
        }
        Auth::ApiKey {
            name,
            value,
            placement,
        } => {
            if let Some(key) = eval_text(value, scope) {
                let param = Param {
                    name: name.to_string(),
                    value: key.clone(),
                    auth: true,
                };
                match placement {
                    ApiKeyPlacement::Header => set_header(name, key),
                    ApiKeyPlacement::Query => expected.query.push(param),
                    ApiKeyPlacement::Cookie => expected.cookies.push(param),
                    // In the operation's path, which `expect_path` renders.
                    ApiKeyPlacement::Path => {}
                    // In the body, which `put_body_key` fills in.
                    ApiKeyPlacement::Body => {}
                }
            }
        }
        Auth::Basic { username, password } => {
            if let Some(username) = eval_text(username, scope) {
                let password = eval_text(password, scope).unwrap_or_default();
                let encoded = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{password}"));
                set_header("authorization", format!("Basic {encoded}"));
            }
        }
    }
}

fn expect_body(body: &RequestBody, scope: Scope<'_>, fields: Inputs) -> ExpectedBody {
    let object_pairs = |map: &Inputs| {
        let mut pairs = Vec::new();
        for (name, value) in map {
            match value {
                Json::Array(items) => {
                    pairs.extend(items.iter().map(|item| (name.clone(), to_text(item))));
                }
                Json::Null => {}
                other => pairs.push((name.clone(), to_text(other))),
            }
        }
        pairs
    };
    match body {
        RequestBody::Fields if fields.is_empty() => ExpectedBody::Empty,
        RequestBody::Fields => ExpectedBody::Json(Json::Object(fields)),
        // `in: body` inputs are fields of the body that an object template does not set.
        RequestBody::Json(template) => match eval(template, scope) {
            Some(Json::Object(map)) => ExpectedBody::Json(Json::Object(joined(map, fields))),
            Some(other) => ExpectedBody::Json(other),
            None if !fields.is_empty() => ExpectedBody::Json(Json::Object(fields)),
            None => ExpectedBody::Empty,
        },
        RequestBody::FormUrlEncoded(template) => match eval(template, scope) {
            Some(Json::Object(map)) => ExpectedBody::Form(object_pairs(&joined(map, fields))),
            Some(other) => ExpectedBody::Form(form_pairs(&to_text(&other))),
            None if !fields.is_empty() => ExpectedBody::Form(object_pairs(&fields)),
            None => ExpectedBody::Empty,
        },
        RequestBody::Multipart(parts) => ExpectedBody::Multipart(
            parts
                .iter()
                .filter_map(|part| Some((part.name.to_string(), eval_text(&part.value, scope)?)))
                .collect(),
        ),
        RequestBody::Text { content_type, data } => ExpectedBody::Text {
            content_type: content_type.to_string(),
            data: eval_text(data, scope).unwrap_or_default(),
        },
    }
}

fn joined(mut template: Inputs, fields: Inputs) -> Inputs {
    for (name, value) in fields {
        template.entry(name).or_insert(value);
    }
    template
}

/// `a=1&b=x+y` as decoded pairs (`+` is a space, as in forms and query strings).
pub fn form_pairs(text: &str) -> Vec<(String, String)> {
    let decode = |part: &str| {
        percent_decode_str(&part.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (decode(name), decode(value)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use naftiko::spec::{
        ConsumesId, ConsumesSpec, DefaultParam, OperationInput, RawFormat, TemplatePart, Value,
        ValueType, text,
    };
    use serde_json::json;
    use std::borrow::Cow;

    use super::*;

    const fn input(
        name: &'static str,
        wire_name: &'static str,
        location: ParamLocation,
        required: bool,
        fixed: Option<Value>,
    ) -> OperationInput {
        OperationInput {
            name: text(name),
            location: Some(location),
            wire_name: text(wire_name),
            ty: ValueType::Any,
            required,
            fixed,
            description: text(""),
        }
    }

    const OPERATION: HttpOperation = HttpOperation {
        name: text("put-item"),
        method: text("PUT"),
        description: text(""),
        path: Cow::Borrowed(&[
            PathPart::Literal(text("/items/")),
            PathPart::Param(text("id")),
            PathPart::Literal(text("?view=full")),
        ]),
        inputs: Cow::Borrowed(&[
            input("id", "id", ParamLocation::Path, true, None),
            input("tags", "tags", ParamLocation::Query, false, None),
            input("trace", "X-Trace", ParamLocation::Header, false, None),
            input("extra", "extra", ParamLocation::Body, false, None),
            input(
                "version",
                "version",
                ParamLocation::Query,
                false,
                Some(Value::Literal(text("\"v2\""))),
            ),
        ]),
        body: RequestBody::Json(Value::Object(Cow::Borrowed(&[(
            text("label"),
            Value::Template(Cow::Borrowed(&[
                TemplatePart::Text(text("#")),
                TemplatePart::Value(Value::Input(text("id"))),
            ])),
        )]))),
        output_format: RawFormat::Json,
        output: naftiko::spec::Output::Passthrough,
        output_schema: None,
    };

    static SPEC: CapabilitySpec = CapabilitySpec {
        name: text("t"),
        description: text(""),
        consumes: Cow::Borrowed(&[ConsumesSpec {
            namespace: text("shop"),
            env_prefix: text("SHOP"),
            base_url: text(""),
            description: text(""),
            timeout_ms: 1000,
            auth: Auth::ApiKey {
                name: text("key"),
                value: Value::Secret(text("KEY")),
                placement: ApiKeyPlacement::Query,
            },
            default_params: Cow::Borrowed(&[
                DefaultParam {
                    name: text("x-trace"),
                    location: ParamLocation::Header,
                    value: Value::Literal(text("\"default\"")),
                },
                DefaultParam {
                    name: text("Accept"),
                    location: ParamLocation::Header,
                    value: Value::Literal(text("\"application/json\"")),
                },
            ]),
            operations: Cow::Borrowed(&[OPERATION]),
        }]),
        secrets: Cow::Borrowed(&[]),
        rest: Cow::Borrowed(&[]),
        mcp: Cow::Borrowed(&[]),
        control: Cow::Borrowed(&[]),
    };

    const OPERATION_ID: OperationId = OperationId {
        consumes: ConsumesId(0),
        index: 0,
    };

    #[test]
    fn a_call_reads_every_table_the_way_the_contract_says() -> Result<(), String> {
        let secrets = HashMap::from([("KEY".to_owned(), "secret-KEY".to_owned())]);
        let given = match json!({"id": "a b/c", "tags": ["x", "y"], "trace": "t1", "extra": 3, "version": "mine"})
        {
            Json::Object(map) => map,
            _ => Inputs::new(),
        };
        let steps = Inputs::new();
        let scope = Scope {
            inputs: &given,
            secrets: &secrets,
            steps: &steps,
        };
        const fn arg(name: &'static str) -> Arg {
            Arg {
                input: text(name),
                value: Value::Input(text(name)),
            }
        }
        static ARGS: &[Arg] = &[
            arg("id"),
            arg("tags"),
            arg("trace"),
            arg("extra"),
            arg("version"),
        ];
        let expected = expect_call(&SPEC, OPERATION_ID, ARGS, scope)?;
        assert_eq!(expected.path, "/u0/items/a%20b%2Fc");
        let query: Vec<(&str, &str)> = expected
            .query
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str()))
            .collect();
        // The literal's query, the array spread, the fixed value over the caller's, the key.
        assert_eq!(
            query,
            [
                ("view", "full"),
                ("tags", "x"),
                ("tags", "y"),
                ("version", "v2"),
                ("key", "secret-KEY")
            ]
        );
        let headers: Vec<(&str, &str)> = expected
            .headers
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str()))
            .collect();
        // A default parameter fills in only what the operation does not set (case-insensitive).
        assert_eq!(headers, [("X-Trace", "t1"), ("Accept", "application/json")]);
        assert_eq!(
            expected.body,
            ExpectedBody::Json(json!({"label": "#a b/c", "extra": 3}))
        );
        // Without the path value nothing can be sent.
        let no_id = Inputs::new();
        assert!(
            expect_call(
                &SPEC,
                OPERATION_ID,
                ARGS,
                Scope {
                    inputs: &no_id,
                    ..scope
                }
            )
            .is_err()
        );
        Ok(())
    }
}
