//! The OpenAPI 3.1 document of a REST adapter, written at codegen time.
//!
//! Everything it says is known before the server runs: the routes, their inputs (path, query,
//! header, cookie parameters and body fields), what each answers (the upstream's content type
//! when the body is passed through, JSON when it is mapped, with its schema when the outputs
//! declare one) and the errors the runtime itself
//! produces (RFC 9457 problem documents for 400, 502 and 504).

use serde_json::{Map, Value as Json, json};

use crate::json::{self, canonical_json_pretty};
use naftiko_spec::{
    ApiKeyPlacement, Auth, CallerInput, CapabilitySpec, Handler, Output, ParamLocation, RawFormat,
    RestAdapterSpec, RestForward, RestRoute,
};

const SECURITY_SCHEME: &str = "adapterAuth";

/// The document as canonical JSON text (keys sorted, indented), for `RestAdapterSpec::openapi`.
pub fn document(cap: &CapabilitySpec, adapter: &RestAdapterSpec) -> String {
    let mut paths = Map::new();
    for route in adapter.routes.iter() {
        let path = openapi_path(&route.path);
        let entry = paths
            .entry(path)
            .or_insert_with(|| Json::Object(Map::new()));
        if let Json::Object(methods) = entry {
            methods.insert(
                route.method.to_ascii_lowercase(),
                operation(cap, adapter, route),
            );
        }
    }
    for forward in adapter.forwards.iter() {
        paths.insert(
            format!("{}/{{path}}", forward.prefix),
            forward_path_item(cap, adapter, forward),
        );
    }
    let mut info = Map::new();
    info.insert("title".into(), cap.name.clone().into());
    info.insert("version".into(), env!("CARGO_PKG_VERSION").into());
    let description = if adapter.description.is_empty() {
        &cap.description
    } else {
        &adapter.description
    };
    if !description.is_empty() {
        info.insert("description".into(), description.clone().into());
    }
    let mut components = Map::new();
    components.insert("schemas".into(), json!({ "Problem": problem_schema() }));
    if let Some(scheme) = security_scheme(&adapter.auth) {
        components.insert("securitySchemes".into(), json!({ SECURITY_SCHEME: scheme }));
    }
    let mut doc = Map::new();
    doc.insert("openapi".into(), "3.1.0".into());
    doc.insert("info".into(), Json::Object(info));
    doc.insert("paths".into(), Json::Object(paths));
    doc.insert("components".into(), Json::Object(components));
    if !matches!(adapter.auth, Auth::None) {
        doc.insert("security".into(), json!([{ SECURITY_SCHEME: [] }]));
    }
    canonical_json_pretty(&Json::Object(doc))
}

/// Router syntax to OpenAPI: `{*rest}` (a catch-all) is `{rest}` there.
fn openapi_path(path: &str) -> String {
    path.replace("{*", "{")
}

fn operation(cap: &CapabilitySpec, adapter: &RestAdapterSpec, route: &RestRoute) -> Json {
    let mut op = Map::new();
    op.insert(
        "operationId".into(),
        format!("{}.{}", adapter.namespace, route.name).into(),
    );
    if !route.description.is_empty() {
        op.insert("summary".into(), route.description.clone().into());
    }
    let parameters: Vec<Json> = route
        .inputs
        .iter()
        .filter(|i| i.location != ParamLocation::Body)
        .map(parameter)
        .collect();
    if !parameters.is_empty() {
        op.insert("parameters".into(), Json::Array(parameters));
    }
    let body_fields: Vec<&CallerInput> = route
        .inputs
        .iter()
        .filter(|i| i.location == ParamLocation::Body)
        .collect();
    if !body_fields.is_empty() {
        let required = body_fields.iter().any(|i| i.required);
        op.insert(
            "requestBody".into(),
            json!({
                "required": required,
                "content": { "application/json": { "schema": object_schema(&body_fields) } },
            }),
        );
    }
    op.insert("responses".into(), responses(cap, route));
    Json::Object(op)
}

/// A forward as one path item: every method, the rest of the path as `{path}`.
fn forward_path_item(
    cap: &CapabilitySpec,
    adapter: &RestAdapterSpec,
    forward: &RestForward,
) -> Json {
    let target = cap
        .consumes
        .get(forward.consumes.index())
        .map_or("", |ns| &*ns.namespace);
    let mut parameters = vec![json!({
        "name": "path",
        "in": "path",
        "required": true,
        "description": "The rest of the path, forwarded as is (it may span several segments; `.` and `..` segments are refused)",
        "schema": { "type": "string" },
    })];
    parameters.extend(forward.trusted_headers.iter().map(|header| {
        json!({
            "name": header,
            "in": "header",
            "required": false,
            "description": "Passed on to the upstream API",
            "schema": { "type": "string" },
        })
    }));
    let problem = |description: &str| {
        json!({
            "description": description,
            "content": { "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
            } },
        })
    };
    let summary = if forward.description.is_empty() {
        format!("Forwarded to `{target}`")
    } else {
        forward.description.to_string()
    };
    let mut item = Map::new();
    for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
        item.insert(
            method.into(),
            json!({
                "operationId": format!("{}.{}.{method}", adapter.namespace, forward.name),
                "summary": summary,
                "description": format!(
                    "Proxied to the consumed API `{target}`: same method, sub-path, query and body, with `{target}`'s authentication. Caller headers passed on: content-type, accept, content-length and the trusted ones listed here."
                ),
                "parameters": parameters,
                "requestBody": { "required": false, "content": { "*/*": {} } },
                "responses": {
                    "default": { "description": "The upstream API's answer: status, headers and body passed through" },
                    "400": problem("The path has a `.` or `..` segment"),
                    "502": problem("The upstream API is unreachable"),
                    "504": problem("The upstream API did not answer in time"),
                },
            }),
        );
    }
    item.insert(
        "x-naftiko-forward".into(),
        json!({ "targetNamespace": target, "trustedHeaders": forward.trusted_headers }),
    );
    Json::Object(item)
}

fn parameter(input: &CallerInput) -> Json {
    let location = match input.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
        ParamLocation::Body => "body",
    };
    let mut p = Map::new();
    p.insert("name".into(), input.wire_name.clone().into());
    p.insert("in".into(), location.into());
    // OpenAPI requires path parameters to be required.
    p.insert(
        "required".into(),
        (input.required || input.location == ParamLocation::Path).into(),
    );
    p.insert("schema".into(), type_schema(input));
    if !input.description.is_empty() {
        p.insert("description".into(), input.description.to_string().into());
    }
    Json::Object(p)
}

fn type_schema(input: &CallerInput) -> Json {
    if let Some(schema) = input.schema.as_deref().and_then(json::parse) {
        return schema;
    }
    let mut schema = match input.ty.json_schema() {
        Some(ty) => json!({ "type": ty }),
        None => json!({}),
    };
    if let (Some(pattern), Json::Object(schema)) = (&input.pattern, &mut schema) {
        schema.insert("pattern".into(), pattern.to_string().into());
    }
    schema
}

fn object_schema(fields: &[&CallerInput]) -> Json {
    let mut properties = Map::new();
    for field in fields {
        let mut schema = type_schema(field);
        if let (Json::Object(schema), false) = (&mut schema, field.description.is_empty()) {
            schema.insert("description".into(), field.description.to_string().into());
        }
        properties.insert(field.wire_name.to_string(), schema);
    }
    let required: Vec<Json> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| Json::String(f.wire_name.to_string()))
        .collect();
    let mut schema = Map::new();
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), Json::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Json::Array(required));
    }
    Json::Object(schema)
}

fn responses(cap: &CapabilitySpec, route: &RestRoute) -> Json {
    let handler = &route.handler;
    let problem = |description: &str| {
        json!({
            "description": description,
            "content": { "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
            } },
        })
    };
    let mut responses = Map::new();
    // The body's schema, when the route's outputs declare its shape.
    let media = match route.output_schema.as_deref().and_then(json::parse) {
        Some(schema) => json!({ "schema": schema }),
        None => json!({}),
    };
    responses.insert(
        "200".into(),
        json!({
            "description": "Success",
            "content": { success_content_type(cap, handler): media },
        }),
    );
    if matches!(handler, Handler::Static { .. }) {
        return Json::Object(responses);
    }
    responses.insert(
        "400".into(),
        problem("A caller input is missing or has the wrong type"),
    );
    responses.insert(
        "502".into(),
        problem("The upstream API is unreachable or its answer undecodable"),
    );
    responses.insert(
        "504".into(),
        problem("The upstream API did not answer in time"),
    );
    responses.insert(
        "default".into(),
        json!({ "description": "An error status of the upstream API, passed through with its body" }),
    );
    Json::Object(responses)
}

/// What a successful call answers with: the upstream's own type when its body passes through.
fn success_content_type(cap: &CapabilitySpec, handler: &Handler) -> String {
    match handler {
        Handler::Call {
            operation,
            output: Output::Passthrough,
            ..
        } => cap
            .operation(*operation)
            .map_or("application/json", |op| raw_content_type(&op.output_format))
            .to_string(),
        Handler::Static { content_type, .. } => content_type.to_string(),
        Handler::Call { .. } | Handler::Steps { .. } => "application/json".to_string(),
    }
}

fn raw_content_type(format: &RawFormat) -> &'static str {
    match format {
        RawFormat::Json => "application/json",
        RawFormat::Xml => "application/xml",
        RawFormat::Csv => "text/csv",
        RawFormat::Tsv => "text/tab-separated-values",
        RawFormat::Html | RawFormat::HtmlTables(_) => "text/html",
        RawFormat::Markdown | RawFormat::MarkdownSections(_) => "text/markdown",
        RawFormat::Text | RawFormat::Psv => "text/plain",
        RawFormat::Yaml => "application/yaml",
        RawFormat::Binary | RawFormat::Avro | RawFormat::Protobuf => "application/octet-stream",
    }
}

fn security_scheme(auth: &Auth) -> Option<Json> {
    Some(match auth {
        Auth::None => return None,
        Auth::Bearer { .. } => json!({ "type": "http", "scheme": "bearer" }),
        Auth::Basic { .. } => json!({ "type": "http", "scheme": "basic" }),
        Auth::Digest { .. } => json!({ "type": "http", "scheme": "digest" }),
        // Callers are never asked to sign (the resolver refuses it).
        Auth::AwsSigV4 { .. } => return None,
        Auth::ApiKey {
            name, placement, ..
        } => {
            let location = match placement {
                ApiKeyPlacement::Header => "header",
                ApiKeyPlacement::Query => "query",
                ApiKeyPlacement::Cookie => "cookie",
                // Callers never present a key in the path or the body (the resolver refuses it).
                ApiKeyPlacement::Path | ApiKeyPlacement::Body => return None,
            };
            json!({ "type": "apiKey", "name": name, "in": location })
        }
    })
}

fn problem_schema() -> Json {
    json!({
        "type": "object",
        "description": "An RFC 9457 problem document",
        "properties": {
            "type": { "type": "string" },
            "title": { "type": "string" },
            "status": { "type": "integer" },
            "detail": { "type": "string" },
            "instance": { "type": "string" },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catch_all_placeholders_lose_their_star() {
        assert_eq!(openapi_path("/files/{*rest}"), "/files/{rest}");
        assert_eq!(openapi_path("/runs/{runid}"), "/runs/{runid}");
    }
}
