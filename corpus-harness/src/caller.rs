//! Calling what an adapter exposes, the way its clients would: a REST route over HTTP, a
//! forward with a sub-path, an MCP tool as stateless JSON-RPC over HTTP (protocol 2026-07-28),
//! each with the credential the adapter asks for.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine as _;
use naftiko::spec::{ApiKeyPlacement, Auth, CallerInput, ParamLocation, RestRoute};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value as Json, json};

use crate::oracle::forward::ForwardCall;
use crate::oracle::value::{Inputs, Scope, eval_text};
use crate::synth::to_text;

/// Every request of the harness gives up after this.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// The MCP protocol revision the harness speaks (stateless: no `initialize`).
pub const MCP_PROTOCOL: &str = "2026-07-28";

/// RFC 3986 `unreserved` is all a path segment may keep unencoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What an exposed adapter answered.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: bytes::Bytes,
}

/// The credential an exposed adapter requires, as the caller presents it.
#[derive(Debug, Clone)]
pub enum Credential {
    Header(String, String),
    Query(String, String),
    Cookie(String, String),
}

/// The credential `auth` asks for, its values read from `secrets`; `Err` when one is empty.
pub fn credential(
    auth: &Auth,
    secrets: &HashMap<String, String>,
) -> Result<Option<Credential>, String> {
    let empty = Inputs::new();
    let scope = Scope {
        inputs: &empty,
        secrets,
        steps: &empty,
    };
    let text = |value| {
        eval_text(value, scope)
            .filter(|text| !text.is_empty())
            .ok_or_else(|| "the adapter's expected credential is empty".to_owned())
    };
    Ok(match auth {
        Auth::None => None,
        Auth::Bearer { token } => Some(Credential::Header(
            "authorization".to_owned(),
            format!("Bearer {}", text(token)?),
        )),
        Auth::ApiKey {
            name,
            value,
            placement,
        } => {
            let (name, value) = (name.to_string(), text(value)?);
            Some(match placement {
                ApiKeyPlacement::Header => Credential::Header(name, value),
                ApiKeyPlacement::Query => Credential::Query(name, value),
                ApiKeyPlacement::Cookie => Credential::Cookie(name, value),
                // The code generator never asks callers for a key in the path or the body.
                ApiKeyPlacement::Path | ApiKeyPlacement::Body => {
                    return Err(
                        "callers are never asked for a key in the path or the body".to_owned()
                    );
                }
            })
        }
        Auth::Basic { username, password } => {
            let pair = format!("{}:{}", text(username)?, text(password)?);
            let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
            Some(Credential::Header(
                "authorization".to_owned(),
                format!("Basic {encoded}"),
            ))
        }
        // The code generator refuses digest for callers, so no generated adapter asks for it.
        Auth::Digest { .. } => return Err("callers are never asked for digest".to_owned()),
        Auth::AwsSigV4 { .. } => {
            return Err("callers are never asked for an AWS signature".to_owned());
        }
    })
}

/// A request being put together.
struct Outgoing {
    method: reqwest::Method,
    url: reqwest::Url,
    headers: Vec<(String, String)>,
    /// Content type and bytes.
    body: Option<(String, Vec<u8>)>,
}

impl Outgoing {
    fn new(method: &str, url: &str) -> Result<Outgoing, String> {
        Ok(Outgoing {
            method: reqwest::Method::from_bytes(method.as_bytes())
                .map_err(|_| format!("method `{method}`"))?,
            url: reqwest::Url::parse(url).map_err(|error| format!("URL `{url}`: {error}"))?,
            headers: Vec::new(),
            body: None,
        })
    }

    fn header(&mut self, name: &str, value: impl Into<String>) {
        self.headers.push((name.to_owned(), value.into()));
    }

    fn credential(&mut self, credential: Option<&Credential>) {
        match credential {
            None => {}
            Some(Credential::Header(name, value)) => self.header(name, value.as_str()),
            Some(Credential::Query(name, value)) => {
                self.url.query_pairs_mut().append_pair(name, value);
            }
            Some(Credential::Cookie(name, value)) => {
                self.header("cookie", format!("{name}={value}"))
            }
        }
    }

    async fn send(self, client: &reqwest::Client) -> Result<Answer, String> {
        let what = format!("{} {}", self.method, self.url.path());
        let mut request = client.request(self.method, self.url);
        for (name, value) in self.headers {
            request = request.header(name, value);
        }
        if let Some((content_type, body)) = self.body {
            request = request.header("content-type", content_type).body(body);
        }
        let response = request
            .send()
            .await
            .map_err(|error| format!("{what}: {error}"))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response
            .bytes()
            .await
            .map_err(|error| format!("{what}: reading the answer: {error}"))?;
        Ok(Answer {
            status,
            content_type,
            body,
        })
    }
}

/// Calls `route` at `base` (`http://127.0.0.1:port`) with `inputs` put where the route reads
/// them: path placeholders (encoded as one segment), query, headers, JSON body fields.
pub async fn call_route(
    client: &reqwest::Client,
    base: &str,
    route: &RestRoute,
    inputs: &[(&CallerInput, Json)],
    credential: Option<&Credential>,
) -> Result<Answer, String> {
    let mut path = String::new();
    let mut rest: &str = &route.path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|at| open + at)
            .ok_or_else(|| format!("route path `{}` has an unclosed placeholder", route.path))?;
        path.push_str(&rest[..open]);
        let wire = rest[open + 1..close].trim_start_matches('*');
        let value = inputs
            .iter()
            .find(|(input, _)| input.location == ParamLocation::Path && input.wire_name == wire)
            .map(|(_, value)| to_text(value))
            .ok_or_else(|| format!("no input fills `{{{wire}}}` of `{}`", route.path))?;
        path.push_str(&utf8_percent_encode(&value, SEGMENT).to_string());
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    let mut request = Outgoing::new(&route.method, &format!("{base}{path}"))?;
    let mut body = serde_json::Map::new();
    for (input, value) in inputs {
        match input.location {
            ParamLocation::Path => {}
            ParamLocation::Query => {
                request
                    .url
                    .query_pairs_mut()
                    .append_pair(&input.wire_name, &to_text(value));
            }
            ParamLocation::Header => request.header(&input.wire_name, to_text(value)),
            ParamLocation::Cookie => {
                request.header("cookie", format!("{}={}", input.wire_name, to_text(value)));
            }
            ParamLocation::Body => {
                body.insert(input.wire_name.to_string(), value.clone());
            }
        }
    }
    if route
        .inputs
        .iter()
        .any(|input| input.location == ParamLocation::Body)
    {
        let json = Json::Object(body).to_string().into_bytes();
        request.body = Some(("application/json".to_owned(), json));
    }
    request.credential(credential);
    request.send(client).await
}

/// Sends `call` to the forward mounted at `prefix` of the adapter at `base`.
pub async fn call_forward(
    client: &reqwest::Client,
    base: &str,
    prefix: &str,
    call: &ForwardCall<'_>,
    credential: Option<&Credential>,
) -> Result<Answer, String> {
    let mut request = Outgoing::new(call.method, &format!("{base}{prefix}{}", call.sub_path))?;
    request.url.query_pairs_mut().extend_pairs(call.query);
    for (name, value) in call.headers {
        request.header(name, value.as_str());
    }
    request.body = Some((call.content_type.to_owned(), call.body.as_bytes().to_vec()));
    request.credential(credential);
    request.send(client).await
}

/// One stateless MCP request (`method` with `params`, `_meta` added) to `url`; the JSON-RPC
/// answer.
pub async fn mcp_request(
    client: &reqwest::Client,
    url: &str,
    id: u64,
    method: &str,
    mut params: Json,
    credential: Option<&Credential>,
) -> Result<Json, String> {
    if let Json::Object(params) = &mut params {
        params.insert(
            "_meta".to_owned(),
            json!({
                "io.modelcontextprotocol/protocolVersion": MCP_PROTOCOL,
                "io.modelcontextprotocol/clientCapabilities": {},
                "io.modelcontextprotocol/clientInfo": {"name": "corpus-harness", "version": "0"},
            }),
        );
    }
    let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
    let mut request = Outgoing::new("POST", url)?;
    request.header("accept", "application/json, text/event-stream");
    request.header("mcp-protocol-version", MCP_PROTOCOL);
    // 2026-07-28 (SEP-2243) repeats the method and the tool's name in headers, for proxies.
    request.header("mcp-method", method);
    if let Some(name) = message.pointer("/params/name").and_then(Json::as_str) {
        request.header("mcp-name", header_text(name));
    }
    request.body = Some((
        "application/json".to_owned(),
        message.to_string().into_bytes(),
    ));
    request.credential(credential);
    let answer = request.send(client).await?;
    let text = String::from_utf8_lossy(&answer.body);
    if answer.status != 200 {
        return Err(format!("MCP {method}: HTTP {}: {text}", answer.status));
    }
    // A JSON answer, or server-sent events whose `data:` lines carry it.
    let json_text = if answer.content_type.starts_with("text/event-stream") {
        text.lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .map(str::trim)
            .rfind(|data| data.contains("\"id\""))
            .unwrap_or_default()
            .to_owned()
    } else {
        text.into_owned()
    };
    serde_json::from_str(&json_text)
        .map_err(|error| format!("MCP {method}: not JSON-RPC ({error}): {json_text}"))
}

/// A header value as SEP-2243 writes one: as is when it is plain visible ASCII, else
/// `=?base64?…?=`.
fn header_text(value: &str) -> String {
    let plain = value.bytes().all(|byte| (0x20..=0x7e).contains(&byte))
        && !value.starts_with(' ')
        && !value.ends_with(' ');
    if plain {
        value.to_owned()
    } else {
        let encoded = base64::engine::general_purpose::STANDARD.encode(value);
        format!("=?base64?{encoded}?=")
    }
}
