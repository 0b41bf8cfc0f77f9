//! Reading a route's caller inputs out of a request.
//!
//! Each declared input is read from where the route says it lives: a path placeholder, the query
//! string, a header, a cookie or a field of the JSON body. Text from the URL and headers is
//! converted to the input's JSON type by [`coerce_text`]; body fields are already JSON and only
//! checked. Inputs that are not declared are ignored, so a caller may send extra query
//! parameters or headers (a tracing header, an API key) without being refused.
//!
//! The body is read only when the route declares a body input, at most `max_body_bytes` of it.

use axum::body::Body;
use axum::extract::{FromRequestParts, Query, RawPathParams};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use http::StatusCode;
use http::request::Parts;
use serde_json::Value as Json;

use crate::adapters::problem::Problem;
use crate::error::Error;
use crate::interp::inputs::{Inputs, check_all, check_json, coerce_text};
use crate::spec::{CallerInput, ParamLocation, RestRoute, ValueType};

use super::table::Affix;

/// The field name problems use when the body as a whole is at fault.
const BODY_FIELD: &str = "body";

/// The inputs of `route`, checked, or the answer that refuses the request.
pub(crate) async fn read_inputs(
    route: &'static RestRoute,
    affixes: &[Affix],
    parts: &mut Parts,
    body: Body,
    max_body_bytes: usize,
) -> Result<Inputs, Response> {
    // The router's own decoded captures (shared, not copied): no deserialiser, no strings.
    let path_params = if route
        .inputs
        .iter()
        .any(|input| input.location == ParamLocation::Path)
    {
        match RawPathParams::from_request_parts(parts, &()).await {
            Ok(params) => Some(params),
            Err(rejection) => return Err(invalid("path", rejection.body_text())),
        }
    } else {
        None
    };
    let query = if route
        .inputs
        .iter()
        .any(|input| input.location == ParamLocation::Query)
    {
        match Query::<Vec<(String, String)>>::try_from_uri(&parts.uri) {
            Ok(Query(pairs)) => pairs,
            Err(rejection) => return Err(invalid("query", rejection.body_text())),
        }
    } else {
        Vec::new()
    };
    let body_fields = if route
        .inputs
        .iter()
        .any(|input| input.location == ParamLocation::Body)
    {
        read_json_object(body, max_body_bytes).await?
    } else {
        serde_json::Map::new()
    };

    let mut given = Inputs::new();
    for input in route.inputs.iter() {
        let wire_name = wire_name(input);
        let value = match input.location {
            ParamLocation::Path => text_value(
                input,
                path_params
                    .as_ref()
                    .and_then(|params| params.iter().find(|(key, _)| *key == wire_name))
                    .and_then(
                        |(_, value)| match affixes.iter().find(|a| a.param == wire_name) {
                            // The router captured the whole segment; the input is what the
                            // route's text surrounds.
                            Some(affix) => affix.strip(value),
                            None => Some(value),
                        },
                    ),
            ),
            ParamLocation::Query => query_value(input, wire_name, &query),
            ParamLocation::Header => header_value(input, wire_name, parts),
            ParamLocation::Cookie => text_value(
                input,
                crate::adapters::caller_auth::cookie(parts, wire_name).as_deref(),
            ),
            ParamLocation::Body => match body_fields.get(wire_name) {
                Some(json) => check_json(input, json.clone()).map(Some),
                None => Ok(None),
            },
        };
        match value {
            Ok(Some(value)) => {
                given.insert(input.name.to_string(), value);
            }
            Ok(None) => {}
            Err(error) => return Err(super::respond::error_response(error)),
        }
    }
    check_all(&route.inputs, given, false).map_err(super::respond::error_response)
}

/// Where the caller puts the input: the route's placeholder name for a path input (it may
/// differ from `name` when routes sharing a segment had to agree on one), a header's name.
fn wire_name(input: &CallerInput) -> &str {
    if input.wire_name.is_empty() {
        &input.name
    } else {
        &input.wire_name
    }
}

fn text_value(input: &CallerInput, text: Option<&str>) -> Result<Option<Json>, Error> {
    text.map(|text| coerce_text(input, text)).transpose()
}

/// A repeated query parameter (`?tag=a&tag=b`) is an array when the input is one; otherwise
/// the first occurrence counts.
fn query_value(
    input: &CallerInput,
    wire_name: &str,
    query: &[(String, String)],
) -> Result<Option<Json>, Error> {
    let mut values = query
        .iter()
        .filter(|(key, _)| key == wire_name)
        .map(|(_, value)| value.as_str());
    let Some(first_value) = values.next() else {
        return Ok(None);
    };
    let rest: Vec<&str> = values.collect();
    if input.ty == ValueType::Array && !rest.is_empty() {
        let all = std::iter::once(first_value)
            .chain(rest)
            .map(|value| Json::String(value.to_owned()))
            .collect();
        return check_json(input, Json::Array(all)).map(Some);
    }
    coerce_text(input, first_value).map(Some)
}

fn header_value(
    input: &CallerInput,
    wire_name: &str,
    parts: &Parts,
) -> Result<Option<Json>, Error> {
    let Some(value) = parts.headers.get(wire_name) else {
        return Ok(None);
    };
    // Never quote the header's value: it may be a credential.
    let text = value.to_str().map_err(|_| {
        Error::invalid_input(&*input.name, "header value is not visible ASCII text")
    })?;
    coerce_text(input, text).map(Some)
}

/// Reads the body (bounded) and parses it as a JSON object; an empty body has no fields.
async fn read_json_object(
    body: Body,
    max_body_bytes: usize,
) -> Result<serde_json::Map<String, Json>, Response> {
    let bytes = read_bounded(body, max_body_bytes).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Json>(&bytes) {
        Ok(Json::Object(fields)) => Ok(fields),
        Ok(_) => Err(invalid(
            BODY_FIELD,
            "the request body must be a JSON object",
        )),
        Err(error) => Err(invalid(
            BODY_FIELD,
            format!("the request body is not JSON: {error}"),
        )),
    }
}

async fn read_bounded(body: Body, max_body_bytes: usize) -> Result<Vec<u8>, Response> {
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    // Bounded: the stream ends with the body, and reading stops once the limit is passed.
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "bad-body",
                "Unreadable body",
                format!("reading the body failed: {error}"),
            )
            .into_response()
        })?;
        if bytes.len().saturating_add(chunk.len()) > max_body_bytes {
            return Err(Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body-too-large",
                "Body too large",
                format!("the request body is larger than {max_body_bytes} bytes"),
            )
            .into_response());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn invalid(field: &str, message: impl Into<String>) -> Response {
    super::respond::error_response(Error::invalid_input(field, message))
}
