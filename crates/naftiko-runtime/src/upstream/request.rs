//! Turning an operation and its inputs into a request: URL, query, headers, cookies, body.
//!
//! Path safety is the point of this module. Every value that goes into the path is
//! percent-encoded as exactly one segment, so `/`, `?`, `#`, `%`, `\` and CR/LF in caller input
//! can never reach another path segment, the query, the host or the headers. A value that is
//! exactly `.` or `..` is refused: the WHATWG URL parser that reqwest uses treats `.`, `..` and
//! their percent-encoded forms (`%2E%2E`) alike as dot segments and would remove them, which
//! would let `..` climb out of the intended path. Empty values are refused for the same reason
//! (`/runs//cancel` is not `/runs/{id}/cancel`). Header values with CR, LF or NUL are refused.
//!
//! An API key placed in the body is a field of the JSON object or the form sent, or a form
//! field of a multipart body, and wins over a field of that name from anywhere else.

use std::borrow::Cow;

use bytes::Bytes;
use http::header::COOKIE;
use http::{HeaderMap, HeaderValue, Method};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value as Json;

use super::wire::{COOKIE_VALUE, Wire, config_problem, header_name, header_value};
use crate::error::Error;
use crate::interp::inputs::Inputs;
use crate::interp::value::{Scope, evaluate, evaluate_text, to_text};
use crate::secret::Secrets;
use crate::spec::{
    ApiKeyPlacement, Auth, ConsumesSpec, HttpOperation, ParamLocation, PathPart, RequestBody, Value,
};

/// Everything but the unreserved characters of RFC 3986.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// The application/x-www-form-urlencoded byte set (space handled separately as `+`).
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// A request ready to send (again, for a Digest retry).
pub(crate) struct Prepared {
    pub method: Method,
    pub url: url::Url,
    pub headers: HeaderMap,
    pub body: Body,
}

pub(crate) enum Body {
    Empty,
    Bytes {
        content_type: HeaderValue,
        data: Bytes,
    },
    /// Kept as data, because a `reqwest::multipart::Form` can be sent only once.
    Multipart(Vec<PartData>),
}

pub(crate) struct PartData {
    pub name: &'static str,
    pub data: String,
    pub filename: Option<&'static str>,
    pub content_type: Option<&'static str>,
}

pub(crate) fn prepare(
    consumes: &'static ConsumesSpec,
    base_url: &url::Url,
    secrets: &Secrets,
    credential: Option<&super::auth::Prebuilt>,
    op: &'static HttpOperation,
    args: &Inputs,
) -> Result<Prepared, Error> {
    let no_steps = serde_json::Map::new();
    // The caller's inputs are used as they are unless something changes them: a null to drop,
    // or a fixed value of the spec to put in (the common case copies nothing).
    let has_fixed = op.inputs.iter().any(|input| input.fixed.is_some());
    let effective: Cow<'_, Inputs> = if !has_fixed && !args.values().any(Json::is_null) {
        Cow::Borrowed(args)
    } else {
        let given: Inputs = args
            .iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        // Fixed values come from the spec and win over whatever a caller passed.
        let mut effective = given.clone();
        for input in op.inputs.iter() {
            if let Some(fixed) = &input.fixed {
                match evaluate(
                    fixed,
                    Scope {
                        inputs: &given,
                        secrets,
                        steps: &no_steps,
                    },
                ) {
                    Some(value) => effective.insert(input.name.to_string(), value),
                    None => effective.remove(&*input.name),
                };
            }
        }
        Cow::Owned(effective)
    };
    let effective = effective.as_ref();
    if let Some(missing) = op
        .inputs
        .iter()
        .find(|input| input.required && !effective.contains_key(&*input.name))
    {
        return Err(Error::invalid_input(&*missing.name, "is required"));
    }
    let scope = Scope {
        inputs: effective,
        secrets,
        steps: &no_steps,
    };

    let mut url = base_url.clone();
    let path = build_path(base_url.path(), &op.path, effective, secrets)?;
    url.set_path(&path);

    let mut wire = Wire::default();
    for input in op.inputs.iter() {
        let (Some(location), Some(value)) = (input.location, effective.get(&*input.name)) else {
            continue;
        };
        let wire_name = if input.wire_name.is_empty() {
            &input.name
        } else {
            &input.wire_name
        };
        wire.put(location, wire_name, &input.name, value)?;
    }
    // Namespace-wide parameters fill in only what the operation does not set itself.
    for param in consumes.default_params.iter() {
        if wire.has(param.location, &param.name) {
            continue;
        }
        if let Some(value) = evaluate(&param.value, scope) {
            wire.put(param.location, &param.name, &param.name, &value)?;
            // Keys passed as plain parameters (`X-Api-Key: {{KEY}}`) deserve the care auth headers get.
            if param.location == ParamLocation::Header
                && mentions_secret(&param.value)
                && let Ok(name) = header_name(&param.name)
                && let http::header::Entry::Occupied(mut entry) = wire.headers.entry(name)
            {
                entry.iter_mut().for_each(|value| value.set_sensitive(true));
            }
        }
    }
    super::auth::apply(consumes, credential, scope, &mut wire)?;
    let body_key = match &consumes.auth {
        Auth::ApiKey {
            name,
            value,
            placement: ApiKeyPlacement::Body,
        } => evaluate_text(value, scope).map(|key| (&**name, key)),
        _ => None,
    };

    let body = build_body(
        &op.body,
        scope,
        std::mem::take(&mut wire.body_fields),
        body_key,
    )?;
    if !wire.query.is_empty() {
        url.query_pairs_mut()
            .extend_pairs(wire.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }
    let mut headers = wire.headers;
    if !wire.cookies.is_empty() {
        let joined: Vec<String> = wire
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={}", utf8_percent_encode(value, COOKIE_VALUE)))
            .collect();
        let mut cookie = header_value("Cookie", &joined.join("; "))?;
        cookie.set_sensitive(true);
        headers.insert(COOKIE, cookie);
    }
    let method = Method::from_bytes(op.method.as_bytes()).map_err(|_| {
        config_problem(format!(
            "operation `{}` has an invalid HTTP method `{}`",
            op.name, op.method
        ))
    })?;
    Ok(Prepared {
        method,
        url,
        headers,
        body,
    })
}

/// The base URL's path joined with the operation's path, every parameter one encoded segment.
/// A secret in the path is encoded the same way; an error about it names the key, never the
/// value.
pub(crate) fn build_path(
    base_path: &str,
    parts: &[PathPart],
    inputs: &Inputs,
    secrets: &Secrets,
) -> Result<String, Error> {
    let mut path = base_path.trim_end_matches('/').to_owned();
    let mut operation_path = String::new();
    for part in parts {
        match part {
            PathPart::Literal(text) => operation_path.push_str(text),
            PathPart::Param(name) => {
                let value = inputs
                    .get(&**name)
                    .ok_or_else(|| Error::invalid_input(&**name, "is required (path parameter)"))?;
                operation_path.push_str(&encode_segment(name, &to_text(value))?);
            }
            PathPart::Secret(key) => {
                let value = secrets.get(key).ok_or_else(|| {
                    config_problem(format!("secret `{key}` of the upstream path is not set"))
                })?;
                let encoded = encode_segment(key, value.expose()).map_err(|_| {
                    config_problem(format!(
                        "secret `{key}` cannot be a path segment (it is empty or a dot segment)"
                    ))
                })?;
                operation_path.push_str(&encoded);
            }
        }
    }
    if !operation_path.is_empty() && !operation_path.starts_with('/') {
        path.push('/');
    }
    path.push_str(&operation_path);
    if path.is_empty() {
        path.push('/');
    }
    Ok(path)
}

/// One path segment, or an error naming `field` for values no encoding can make safe.
pub(crate) fn encode_segment(field: &str, text: &str) -> Result<String, Error> {
    match text {
        "" => Err(Error::invalid_input(
            field,
            "must not be empty (it is a path segment)",
        )),
        "." | ".." => Err(Error::invalid_input(
            field,
            "must not be `.` or `..` (it is a path segment)",
        )),
        _ => Ok(utf8_percent_encode(text, PATH_SEGMENT).to_string()),
    }
}

/// The body of the request; `key` is an API key placed in the body (name, value).
fn build_body(
    spec: &'static RequestBody,
    scope: Scope<'_>,
    fields: serde_json::Map<String, Json>,
    key: Option<(&'static str, String)>,
) -> Result<Body, Error> {
    let json_body = |json: &Json| Body::Bytes {
        content_type: HeaderValue::from_static("application/json"),
        data: Bytes::from(json.to_string()),
    };
    // The key is set last, so it wins over a template's field or a caller's.
    let with_key = |mut map: serde_json::Map<String, Json>| {
        if let Some((name, value)) = &key {
            map.insert((*name).to_owned(), Json::String(value.clone()));
        }
        map
    };
    // The code generator refuses these bodies for a key in the body; a template that still
    // turns out not to be an object has nowhere to put it.
    let no_field = || {
        config_problem(
            "the API key placed in the body cannot be sent: the body is not an object".to_owned(),
        )
    };
    Ok(match spec {
        RequestBody::Fields if fields.is_empty() && key.is_none() => Body::Empty,
        RequestBody::Fields => json_body(&Json::Object(with_key(fields))),
        RequestBody::Json(template) => match evaluate(template, scope) {
            Some(Json::Object(map)) => json_body(&Json::Object(with_key(with_fields(map, fields)))),
            Some(_) if key.is_some() => return Err(no_field()),
            Some(json) => json_body(&json),
            None if !fields.is_empty() || key.is_some() => {
                json_body(&Json::Object(with_key(fields)))
            }
            None => Body::Empty,
        },
        RequestBody::FormUrlEncoded(template) => {
            let encoded = match evaluate(template, scope) {
                Some(Json::Object(map)) => form_encode(&with_key(with_fields(map, fields))),
                Some(_) if key.is_some() => return Err(no_field()),
                Some(other) => to_text(&other),
                None if !fields.is_empty() || key.is_some() => form_encode(&with_key(fields)),
                None => return Ok(Body::Empty),
            };
            Body::Bytes {
                content_type: HeaderValue::from_static("application/x-www-form-urlencoded"),
                data: Bytes::from(encoded),
            }
        }
        RequestBody::Multipart(parts) => {
            let mut data: Vec<PartData> = parts
                .iter()
                .filter(|part| key.as_ref().is_none_or(|(name, _)| *part.name != **name))
                .filter_map(|part| {
                    Some(PartData {
                        name: &part.name,
                        data: evaluate_text(&part.value, scope)?,
                        filename: part.filename.as_deref(),
                        content_type: part.content_type.as_deref(),
                    })
                })
                .collect();
            if let Some((name, value)) = key {
                data.push(PartData {
                    name,
                    data: value,
                    filename: None,
                    content_type: None,
                });
            }
            Body::Multipart(data)
        }
        RequestBody::Text { .. } if key.is_some() => return Err(no_field()),
        RequestBody::Text { content_type, data } => Body::Bytes {
            content_type: HeaderValue::from_str(content_type).map_err(|_| {
                config_problem(format!("`{content_type}` is not a valid content type"))
            })?,
            data: Bytes::from(evaluate_text(data, scope).unwrap_or_default()),
        },
    })
}

/// `in: body` inputs are fields of the body even when a template shapes it: they are added to
/// an object template, whose own fields win.
fn with_fields(
    mut template: serde_json::Map<String, Json>,
    fields: serde_json::Map<String, Json>,
) -> serde_json::Map<String, Json> {
    for (name, value) in fields {
        template.entry(name).or_insert(value);
    }
    template
}

fn form_encode(fields: &serde_json::Map<String, Json>) -> String {
    let encode = |text: &str| {
        utf8_percent_encode(text, FORM)
            .to_string()
            .replace("%20", "+")
    };
    let mut pairs = Vec::new();
    for (name, value) in fields {
        let values: Vec<&Json> = match value {
            Json::Array(items) => items.iter().collect(),
            Json::Null => Vec::new(),
            other => vec![other],
        };
        pairs.extend(
            values
                .into_iter()
                .map(|value| format!("{}={}", encode(name), encode(&to_text(value)))),
        );
    }
    pairs.join("&")
}

/// Whether `value` is nothing but a reference to a secret (used to mark headers sensitive).
pub(crate) fn mentions_secret(value: &Value) -> bool {
    match value {
        Value::Secret(_) => true,
        Value::Template(parts) => parts.iter().any(|part| matches!(part, crate::spec::TemplatePart::Value(inner) if mentions_secret(inner))),
        Value::Object(fields) => fields.iter().any(|(_, field)| mentions_secret(field)),
        Value::Array(items) => items.iter().any(mentions_secret),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{OperationInput, text};
    use serde_json::json;

    fn inputs(value: Json) -> Inputs {
        match value {
            Json::Object(map) => map,
            _ => Inputs::new(),
        }
    }

    static PATH: &[PathPart] = &[
        PathPart::Literal(text("/runs/")),
        PathPart::Param(text("runId")),
        PathPart::Literal(text("/jobs")),
    ];

    #[test]
    fn a_secret_in_the_path_is_one_segment_and_errors_name_only_its_key() {
        static BOT: &[PathPart] = &[
            PathPart::Literal(text("/bot")),
            PathPart::Secret(text("BOT_TOKEN")),
            PathPart::Literal(text("/getMe")),
        ];
        let mut secrets = Secrets::new();
        secrets.insert("BOT_TOKEN", "123:a/b".to_owned().into());
        assert_eq!(
            build_path("/", BOT, &Inputs::new(), &secrets)
                .ok()
                .as_deref(),
            Some("/bot123%3Aa%2Fb/getMe")
        );
        let missing = build_path("/", BOT, &Inputs::new(), &Secrets::new());
        assert!(missing.is_err_and(|error| error.to_string().contains("`BOT_TOKEN`")));
        let mut dots = Secrets::new();
        dots.insert("BOT_TOKEN", "..".to_owned().into());
        let error = build_path("/", &BOT[1..2], &Inputs::new(), &dots)
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert!(
            error.contains("`BOT_TOKEN`") && !error.contains(".."),
            "{error}"
        );
    }

    #[test]
    fn a_path_value_is_exactly_one_segment() {
        let built = build_path(
            "/v1/",
            PATH,
            &inputs(json!({"runId": "a/../b?c#d%2F\r\nX: y\\z"})),
            &Secrets::new(),
        );
        assert_eq!(
            built.ok().as_deref(),
            Some("/v1/runs/a%2F..%2Fb%3Fc%23d%252F%0D%0AX%3A%20y%5Cz/jobs")
        );
        let mut url =
            url::Url::parse("https://api.example.com/v1").unwrap_or_else(|_| unreachable!());
        url.set_path(
            &build_path(
                url.path(),
                PATH,
                &inputs(json!({"runId": "../../admin"})),
                &Secrets::new(),
            )
            .unwrap_or_default(),
        );
        assert_eq!(
            url.as_str(),
            "https://api.example.com/v1/runs/..%2F..%2Fadmin/jobs"
        );
        assert_eq!(
            build_path("", PATH, &inputs(json!({"runId": 42})), &Secrets::new())
                .ok()
                .as_deref(),
            Some("/runs/42/jobs")
        );
        assert_eq!(
            build_path("/", &[], &Inputs::new(), &Secrets::new())
                .ok()
                .as_deref(),
            Some("/")
        );
    }

    #[test]
    fn dot_segments_and_empty_values_are_refused() {
        // Why refuse instead of encoding: the URL parser resolves `%2E%2E` like `..`.
        let parsed = url::Url::parse("http://h/a/b/%2E%2E/c").map(|url| url.path().to_owned());
        assert_eq!(parsed.ok().as_deref(), Some("/a/c"));
        for bad in [".", "..", ""] {
            let result = build_path("", PATH, &inputs(json!({"runId": bad})), &Secrets::new());
            assert!(
                matches!(result, Err(Error::InvalidInput { ref field, .. }) if field == "runId"),
                "{bad:?} accepted"
            );
        }
        assert!(matches!(
            build_path("", PATH, &Inputs::new(), &Secrets::new()),
            Err(Error::InvalidInput { .. })
        ));
        assert_eq!(encode_segment("x", "...").ok().as_deref(), Some("..."));
    }

    #[test]
    fn body_inputs_join_an_object_template() {
        let secrets = Secrets::new();
        let no_steps = serde_json::Map::new();
        let given = inputs(json!({"url": "u"}));
        let scope = Scope {
            inputs: &given,
            secrets: &secrets,
            steps: &no_steps,
        };
        static TEMPLATE: RequestBody = RequestBody::Json(Value::Object(Cow::Borrowed(&[
            (text("url"), Value::Input(text("url"))),
            (text("secret"), Value::Literal(text("\"from-template\""))),
        ])));
        let fields = inputs(json!({"secret": "from-input", "extra": 1}));
        let sent = match build_body(&TEMPLATE, scope, fields, None) {
            Ok(Body::Bytes { data, .. }) => serde_json::from_slice::<Json>(&data).ok(),
            _ => None,
        };
        assert_eq!(
            sent,
            Some(json!({"url": "u", "secret": "from-template", "extra": 1}))
        );
    }

    #[test]
    fn header_injection_is_refused_and_forms_encode() {
        assert!(
            matches!(header_value("h", "a\r\nX-Evil: 1"), Err(Error::InvalidInput { ref field, .. }) if field == "h")
        );
        assert!(matches!(
            header_value("h", "a\0b"),
            Err(Error::InvalidInput { .. })
        ));
        assert!(header_value("h", "caf\u{e9} ok").is_ok());
        let fields = inputs(json!({"a b": "x&y=z", "n": 1, "list": [1, 2], "skip": null}));
        assert_eq!(form_encode(&fields), "a+b=x%26y%3Dz&list=1&list=2&n=1");
        assert_eq!(crate::spec::path_text(PATH), "/runs/{runId}/jobs");
    }

    // Requests as `prepare` builds them, from hand-written specs: what reaches the upstream.

    const fn input(
        name: &'static str,
        location: Option<ParamLocation>,
        required: bool,
    ) -> OperationInput {
        OperationInput {
            name: text(name),
            location,
            wire_name: text(""),
            ty: crate::spec::ValueType::Any,
            required,
            fixed: None,
            description: text(""),
        }
    }

    /// A macro, not a `const fn`: only in a `static`'s own initializer are the borrowed body
    /// templates promoted to static storage.
    macro_rules! operation {
        ($inputs:expr, $body:expr $(,)?) => {
            HttpOperation {
                name: text("op"),
                method: text("POST"),
                description: text(""),
                path: Cow::Borrowed(&[]),
                inputs: Cow::Borrowed($inputs),
                body: $body,
                output_format: crate::spec::RawFormat::Json,
                output: crate::spec::Output::Passthrough,
                output_schema: None,
            }
        };
    }

    const fn namespace(
        auth: Auth,
        default_params: &'static [crate::spec::DefaultParam],
    ) -> ConsumesSpec {
        ConsumesSpec {
            namespace: text("ns"),
            env_prefix: text("NS"),
            base_url: text(""),
            description: text(""),
            timeout_ms: 1000,
            auth,
            default_params: Cow::Borrowed(default_params),
            operations: Cow::Borrowed(&[]),
        }
    }

    /// The API key goes into the body, as a field named `api_key`.
    static BODY_KEY: ConsumesSpec = namespace(
        Auth::ApiKey {
            name: text("api_key"),
            value: Value::Secret(text("KEY")),
            placement: ApiKeyPlacement::Body,
        },
        &[],
    );
    static OPEN: ConsumesSpec = namespace(Auth::None, &[]);

    static BODY_INPUTS: &[OperationInput] = &[
        input("name", Some(ParamLocation::Body), false),
        input("api_key", Some(ParamLocation::Body), false),
    ];
    static FIELDS: HttpOperation = operation!(BODY_INPUTS, RequestBody::Fields);
    static JSON_OBJECT: HttpOperation = operation!(
        BODY_INPUTS,
        RequestBody::Json(Value::Object(Cow::Borrowed(&[
            (text("kind"), Value::Literal(text("\"item\""))),
            (text("api_key"), Value::Literal(text("\"from-template\""))),
        ]))),
    );
    /// A template that is one input: nothing when the input is not given.
    static JSON_ABSENT: HttpOperation =
        operation!(BODY_INPUTS, RequestBody::Json(Value::Input(text("doc"))));
    static JSON_ARRAY: HttpOperation = operation!(
        BODY_INPUTS,
        RequestBody::Json(Value::Literal(text("[1,2]"))),
    );
    static FORM_OBJECT: HttpOperation = operation!(
        BODY_INPUTS,
        RequestBody::FormUrlEncoded(Value::Object(Cow::Borrowed(&[(
            text("kind"),
            Value::Literal(text("\"item\"")),
        )]))),
    );
    static FORM_ABSENT: HttpOperation = operation!(
        BODY_INPUTS,
        RequestBody::FormUrlEncoded(Value::Input(text("doc"))),
    );
    static FORM_TEXT: HttpOperation = operation!(
        BODY_INPUTS,
        RequestBody::FormUrlEncoded(Value::Literal(text("\"a=1&b=2\""))),
    );
    static MULTIPART: HttpOperation = operation!(
        &[],
        RequestBody::Multipart(Cow::Borrowed(&[
            crate::spec::MultipartPart {
                name: text("file"),
                value: Value::Literal(text("\"data\"")),
                filename: None,
                content_type: None,
            },
            crate::spec::MultipartPart {
                name: text("api_key"),
                value: Value::Literal(text("\"from-template\"")),
                filename: None,
                content_type: None,
            },
        ])),
    );
    static TEXT: HttpOperation = operation!(
        &[],
        RequestBody::Text {
            content_type: text("text/plain"),
            data: Value::Literal(text("\"plain\"")),
        },
    );

    fn prepared(
        consumes: &'static ConsumesSpec,
        op: &'static HttpOperation,
        given: Json,
    ) -> Result<Prepared, Error> {
        let mut secrets = Secrets::new();
        secrets.insert("KEY", "s3cret".to_owned().into());
        let base = url::Url::parse("http://upstream.test/v1")
            .map_err(|_| config_problem(String::new()))?;
        prepare(consumes, &base, &secrets, None, op, &inputs(given))
    }

    /// The body sent: `None` for no body, else its content type and text.
    fn body(
        consumes: &'static ConsumesSpec,
        op: &'static HttpOperation,
        given: Json,
    ) -> Option<(String, String)> {
        match prepared(consumes, op, given) {
            Ok(Prepared {
                body: Body::Bytes { content_type, data },
                ..
            }) => Some((
                content_type.to_str().unwrap_or_default().to_owned(),
                String::from_utf8_lossy(&data).into_owned(),
            )),
            Ok(Prepared {
                body: Body::Empty, ..
            }) => None,
            Ok(Prepared {
                body: Body::Multipart(_),
                ..
            }) => Some(("multipart".to_owned(), String::new())),
            Err(error) => Some(("error".to_owned(), error.to_string())),
        }
    }

    fn json_body(
        consumes: &'static ConsumesSpec,
        op: &'static HttpOperation,
        given: Json,
    ) -> Option<Json> {
        body(consumes, op, given).and_then(|(content_type, data)| {
            (content_type == "application/json").then(|| serde_json::from_str(&data).ok())?
        })
    }

    fn is_config_error(result: Result<Prepared, Error>) -> bool {
        matches!(result, Err(Error::Config { .. }))
    }

    #[test]
    fn an_api_key_in_the_body_is_a_field_of_every_object_body_and_wins() {
        assert_eq!(
            json_body(
                &BODY_KEY,
                &FIELDS,
                json!({"name": "n", "api_key": "from-caller"})
            ),
            Some(json!({"name": "n", "api_key": "s3cret"}))
        );
        // No field given: the key alone still makes a body.
        assert_eq!(
            json_body(&BODY_KEY, &FIELDS, json!({})),
            Some(json!({"api_key": "s3cret"}))
        );
        assert_eq!(
            json_body(&BODY_KEY, &JSON_OBJECT, json!({"name": "n"})),
            Some(json!({"kind": "item", "name": "n", "api_key": "s3cret"}))
        );
        assert_eq!(
            json_body(&BODY_KEY, &JSON_ABSENT, json!({})),
            Some(json!({"api_key": "s3cret"}))
        );
        assert_eq!(
            body(&BODY_KEY, &FORM_OBJECT, json!({"name": "n"})),
            Some((
                "application/x-www-form-urlencoded".to_owned(),
                "api_key=s3cret&kind=item&name=n".to_owned()
            ))
        );
        assert_eq!(
            body(&BODY_KEY, &FORM_ABSENT, json!({})),
            Some((
                "application/x-www-form-urlencoded".to_owned(),
                "api_key=s3cret".to_owned()
            ))
        );
        let parts = match prepared(&BODY_KEY, &MULTIPART, json!({})) {
            Ok(Prepared {
                body: Body::Multipart(parts),
                ..
            }) => parts
                .into_iter()
                .map(|part| (part.name, part.data))
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        assert_eq!(
            parts,
            [
                ("file", "data".to_owned()),
                ("api_key", "s3cret".to_owned())
            ]
        );
        // A body that is not an object has no place for the key: a configuration error, not a
        // request sent without it.
        assert!(is_config_error(prepared(&BODY_KEY, &JSON_ARRAY, json!({}))));
        assert!(is_config_error(prepared(&BODY_KEY, &FORM_TEXT, json!({}))));
        assert!(is_config_error(prepared(&BODY_KEY, &TEXT, json!({}))));
    }

    #[test]
    fn without_a_body_key_bodies_follow_their_templates() {
        assert_eq!(body(&OPEN, &FIELDS, json!({})), None, "no field, no body");
        assert_eq!(
            json_body(&OPEN, &FIELDS, json!({"name": "n"})),
            Some(json!({"name": "n"}))
        );
        assert_eq!(body(&OPEN, &JSON_ABSENT, json!({})), None);
        assert_eq!(
            json_body(&OPEN, &JSON_ABSENT, json!({"name": "n"})),
            Some(json!({"name": "n"}))
        );
        assert_eq!(
            json_body(&OPEN, &JSON_ARRAY, json!({})),
            Some(json!([1, 2]))
        );
        assert_eq!(body(&OPEN, &FORM_ABSENT, json!({})), None);
        assert_eq!(
            body(&OPEN, &FORM_ABSENT, json!({"name": "n"})),
            Some((
                "application/x-www-form-urlencoded".to_owned(),
                "name=n".to_owned()
            ))
        );
        assert_eq!(
            body(&OPEN, &FORM_TEXT, json!({})),
            Some((
                "application/x-www-form-urlencoded".to_owned(),
                "a=1&b=2".to_owned()
            ))
        );
        assert_eq!(
            body(&OPEN, &TEXT, json!({})),
            Some(("text/plain".to_owned(), "plain".to_owned()))
        );
    }

    #[test]
    fn a_null_input_is_not_sent_and_does_not_count_as_given() {
        static QUERY: &[OperationInput] = &[
            input("q", Some(ParamLocation::Query), false),
            input("id", Some(ParamLocation::Query), true),
        ];
        static GET: HttpOperation = operation!(QUERY, RequestBody::Fields);
        let url = prepared(&OPEN, &GET, json!({"q": null, "id": "7"})).map(|p| p.url.to_string());
        assert_eq!(url.ok().as_deref(), Some("http://upstream.test/v1?id=7"));
        assert!(matches!(
            prepared(&OPEN, &GET, json!({"id": null})),
            Err(Error::InvalidInput { ref field, .. }) if field == "id"
        ));
    }

    #[test]
    fn namespace_headers_made_of_secrets_are_marked_sensitive() {
        use crate::spec::{DefaultParam, TemplatePart};
        static PARAMS: &[DefaultParam] = &[
            DefaultParam {
                name: text("X-Key"),
                location: ParamLocation::Header,
                value: Value::Secret(text("KEY")),
            },
            DefaultParam {
                name: text("X-Signed"),
                location: ParamLocation::Header,
                value: Value::Template(Cow::Borrowed(&[
                    TemplatePart::Text(text("key=")),
                    TemplatePart::Value(Value::Secret(text("KEY"))),
                ])),
            },
            DefaultParam {
                name: text("X-Version"),
                location: ParamLocation::Header,
                value: Value::Literal(text("\"2024\"")),
            },
        ];
        static WITH_PARAMS: ConsumesSpec = namespace(Auth::None, PARAMS);
        static GET: HttpOperation = operation!(&[], RequestBody::Fields);
        let headers = prepared(&WITH_PARAMS, &GET, json!({}))
            .map(|p| p.headers)
            .unwrap_or_default();
        let sensitive = |name: &str| headers.get(name).map(HeaderValue::is_sensitive);
        assert_eq!(sensitive("x-key"), Some(true));
        assert_eq!(sensitive("x-signed"), Some(true));
        assert_eq!(sensitive("x-version"), Some(false));
        // Any secret inside a structured value counts; literals and inputs do not.
        static OBJECT: Value =
            Value::Object(Cow::Borrowed(&[(text("k"), Value::Secret(text("KEY")))]));
        static ARRAY: Value = Value::Array(Cow::Borrowed(&[
            Value::Input(text("a")),
            Value::Secret(text("KEY")),
        ]));
        static PLAIN: Value = Value::Template(Cow::Borrowed(&[
            TemplatePart::Text(text("v")),
            TemplatePart::Value(Value::Input(text("a"))),
        ]));
        assert!(mentions_secret(&OBJECT) && mentions_secret(&ARRAY));
        assert!(!mentions_secret(&PLAIN) && !mentions_secret(&Value::Literal(text("1"))));
    }

    #[test]
    fn an_operation_path_without_a_leading_slash_is_its_own_segment() {
        assert_eq!(
            build_path(
                "/v1",
                &[PathPart::Literal(text("items"))],
                &Inputs::new(),
                &Secrets::new()
            )
            .ok()
            .as_deref(),
            Some("/v1/items")
        );
    }
}
