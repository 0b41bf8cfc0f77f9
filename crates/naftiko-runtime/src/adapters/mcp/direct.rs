//! Stateless `tools/call` POSTs answered in the HTTP request's own task.
//!
//! rmcp serves every stateless request through its service machinery: a service loop, a task
//! per request and channels between them, all started and torn down for one call. That costs
//! more CPU than the rest of a tool call. This module answers the request that makes up almost
//! all of an MCP server's traffic — a stateless `tools/call` whose answer is plain JSON — by
//! calling the same handler ([`McpServer::run_tool`]) directly. The request is read in one
//! pass into an envelope of rmcp's field types (`Envelope`), the answer written with rmcp's
//! message types.
//!
//! It takes only requests that rmcp would hand straight to that handler, and recognises them
//! conservatively: one `Host` on the allowed list, no `Origin` (unless the Origin check is
//! off), `Accept` naming both `application/json` and `text/event-stream` without parameters,
//! a JSON `Content-Type`, a `Content-Length` within the body limit, no protocol-version header
//! or one of a revision before 2026-07-28 (later ones bring header checks of their own), and a
//! body that is a `tools/call` request naming no protocol version in its `_meta`. Everything
//! else — a browser's request, a chunked body, another method, any doubt — goes to rmcp
//! untouched (with the body already read, when it was), and rmcp does every check and writes
//! every refusal. `<PREFIX>_DIRECT_CALLS=false` sends every request to rmcp.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::future::BoxFuture;
use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HOST, ORIGIN, TRANSFER_ENCODING};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use rmcp::model::{ProtocolVersion, RequestMetaObject, ServerJsonRpcMessage, ServerResult};
use rmcp::transport::streamable_http_server::StreamableHttpService;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use serde::Deserialize as _;

use super::handler::{Caller, McpServer};
use super::hosts::HostPolicy;
use crate::access::AccessRecord;

/// The header a client names its protocol revision in.
const PROTOCOL_VERSION_HEADER: &str = "mcp-protocol-version";

/// rmcp's stateless Streamable HTTP service (`S`), with `tools/call` answered in front of it.
pub(crate) struct DirectCalls<S = Rmcp> {
    shared: Arc<Shared<S>>,
}

impl<S> Clone for DirectCalls<S> {
    fn clone(&self) -> Self {
        DirectCalls {
            shared: self.shared.clone(),
        }
    }
}

/// The rmcp service behind, as the stateless transport builds it.
pub(crate) type Rmcp = StreamableHttpService<McpServer, NeverSessionManager>;

/// What rmcp's service answers with.
type RmcpResponse = http::Response<http_body_util::combinators::BoxBody<Bytes, Infallible>>;

struct Shared<S> {
    server: McpServer,
    rmcp: S,
    hosts: Admitted,
    max_body_bytes: usize,
}

impl<S> DirectCalls<S> {
    pub(crate) fn new(
        server: McpServer,
        rmcp: S,
        hosts: &HostPolicy,
        max_body_bytes: usize,
    ) -> DirectCalls<S> {
        DirectCalls {
            shared: Arc::new(Shared {
                server,
                rmcp,
                hosts: Admitted::new(hosts),
                max_body_bytes,
            }),
        }
    }
}

impl<S> tower::Service<Request<Body>> for DirectCalls<S>
where
    S: tower::Service<Request<Body>, Response = RmcpResponse, Error = Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let shared = self.shared.clone();
        Box::pin(async move { Ok(shared.answer(request).await) })
    }
}

impl<S> Shared<S>
where
    S: tower::Service<Request<Body>, Response = RmcpResponse, Error = Infallible> + Clone,
{
    async fn answer(&self, request: Request<Body>) -> Response {
        if !self.takes(&request) {
            return self.to_rmcp(request).await;
        }
        let (parts, body) = request.into_parts();
        let bytes = match http_body_util::Limited::new(body, self.max_body_bytes)
            .collect()
            .await
        {
            Ok(collected) => collected.to_bytes(),
            // The length was announced and within the limit, so this is a connection that
            // broke off; rmcp answers the same.
            Err(error) => {
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("Failed to read request body: {error}"),
                )
                    .into_response();
            }
        };
        let Some((id, ToolCall { params, meta })) = tool_call(&bytes) else {
            return self
                .to_rmcp(Request::from_parts(parts, Body::from(bytes)))
                .await;
        };
        let caller = Caller {
            headers: Some(&parts.headers),
            record: parts.extensions.get::<Arc<AccessRecord>>().cloned(),
            traceparent: meta.get_traceparent(),
            tracestate: meta.get_tracestate(),
        };
        // A client that goes away drops this future, and the call with it.
        let outcome = self
            .server
            .run_tool(params, caller, std::future::pending())
            .await;
        let message = match outcome {
            Ok(response) => {
                // What rmcp's handler dispatch does for every client before 2026-07-28, the
                // only ones taken here: no `resultType`, structured content only as an object.
                let mut result = ServerResult::from(response);
                result.strip_result_type_for_legacy_peer();
                result.strip_non_object_output_for_legacy_peer();
                ServerJsonRpcMessage::response(result, id)
            }
            Err(error) => {
                tracing::debug!(%id, ?error, "tools/call answered with an error");
                ServerJsonRpcMessage::error(error, Some(id))
            }
        };
        json_response(&message)
    }

    /// Whether the request's method and headers are ones rmcp would pass straight to the
    /// handler; the body is looked at after.
    fn takes(&self, request: &Request<Body>) -> bool {
        let headers = request.headers();
        request.method() == Method::POST
            && self.hosts.admits(headers)
            && accepts_json_and_event_stream(headers)
            && content_type_is_json(headers)
            && self.length_within_limit(headers)
            && protocol_version_is_before_standard_headers(headers)
    }

    fn length_within_limit(&self, headers: &HeaderMap) -> bool {
        !headers.contains_key(TRANSFER_ENCODING)
            && single(headers, CONTENT_LENGTH)
                .and_then(|length| length.parse::<usize>().ok())
                .is_some_and(|length| length <= self.max_body_bytes)
    }

    async fn to_rmcp(&self, request: Request<Body>) -> Response {
        let mut rmcp = self.rmcp.clone();
        // rmcp's service is always ready.
        match tower::Service::call(&mut rmcp, request).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        }
    }
}

/// A `tools/call` request's parameters and `_meta`.
struct ToolCall {
    params: rmcp::model::CallToolRequestParams,
    meta: RequestMetaObject,
}

/// A JSON-RPC request read in one pass with rmcp's field types. rmcp reads a message by
/// buffering it, checking which of `method`, `id`, `result` and `error` it has, and trying each
/// kind of request in turn; that was 7 % of an MCP call's CPU. What this reads, rmcp reads the
/// same way; anything this cannot read goes to rmcp.
#[derive(serde::Deserialize)]
struct Envelope<'a> {
    // Checked, not kept: only "2.0" reads.
    #[serde(rename = "jsonrpc")]
    _jsonrpc: rmcp::model::JsonRpcVersion2_0,
    id: rmcp::model::RequestId,
    #[serde(borrow)]
    method: std::borrow::Cow<'a, str>,
    params: rmcp::model::CallToolRequestParams,
    /// rmcp refuses a request that also has either key, whatever its value.
    #[serde(default, deserialize_with = "present")]
    result: bool,
    #[serde(default, deserialize_with = "present")]
    error: bool,
}

fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    serde::de::IgnoredAny::deserialize(deserializer).map(|_| true)
}

/// The id and call of a `tools/call` request that names no protocol version of its own (one
/// that does takes rmcp's per-request negotiation); `None` for any other body.
fn tool_call(body: &[u8]) -> Option<(rmcp::model::RequestId, ToolCall)> {
    let Envelope {
        id,
        method,
        mut params,
        result,
        error,
        ..
    } = serde_json::from_slice(body).ok()?;
    if method != "tools/call" || result || error {
        return None;
    }
    let meta = params.meta.take().unwrap_or_default();
    if meta.protocol_version().is_some() {
        return None;
    }
    Some((id, ToolCall { params, meta }))
}

fn json_response(message: &ServerJsonRpcMessage) -> Response {
    match serde_json::to_vec(message) {
        Ok(body) => (
            StatusCode::OK,
            [(CONTENT_TYPE, "application/json")],
            Bytes::from(body),
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "a tools/call answer could not be written as JSON");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The value of `name` when the request has exactly one, as text.
fn single(headers: &HeaderMap, name: impl http::header::AsHeaderName) -> Option<&str> {
    let mut values = headers.get_all(name).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    value.to_str().ok()
}

/// Both media types named plainly; any parameter (a `q` weight among them) is left to rmcp.
fn accepts_json_and_event_stream(headers: &HeaderMap) -> bool {
    let (mut json, mut event_stream) = (false, false);
    for value in headers.get_all(ACCEPT) {
        let Ok(value) = value.to_str() else {
            return false;
        };
        for entry in value.split(',').map(str::trim) {
            if entry.contains(';') {
                return false;
            }
            json |= entry.eq_ignore_ascii_case("application/json");
            event_stream |= entry.eq_ignore_ascii_case("text/event-stream");
        }
    }
    json && event_stream
}

fn content_type_is_json(headers: &HeaderMap) -> bool {
    single(headers, CONTENT_TYPE).is_some_and(|value| {
        let essence = value.split_once(';').map_or(value, |(essence, _)| essence);
        essence.trim().eq_ignore_ascii_case("application/json")
    })
}

/// No protocol-version header (rmcp then assumes 2025-03-26), or one naming a revision rmcp
/// knows that is older than the one with standard headers.
fn protocol_version_is_before_standard_headers(headers: &HeaderMap) -> bool {
    if !headers.contains_key(PROTOCOL_VERSION_HEADER) {
        return true;
    }
    single(headers, PROTOCOL_VERSION_HEADER).is_some_and(|version| {
        version < ProtocolVersion::STANDARD_HEADERS.as_str()
            && ProtocolVersion::KNOWN_VERSIONS
                .iter()
                .any(|known| known.as_str() == version)
    })
}

/// The `Host` and `Origin` headers that certainly pass rmcp's DNS-rebinding check.
struct Admitted {
    /// `None`: any host.
    hosts: Option<Vec<Authority>>,
    /// Whether requests with an `Origin` header can be taken (the Origin check is off).
    any_origin: bool,
}

/// A host name (lower case, no brackets) and the port, if one is required.
#[derive(Debug, PartialEq, Eq)]
struct Authority {
    host: String,
    port: Option<u16>,
}

impl Authority {
    fn parse(text: &str) -> Option<Authority> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        Some(match http::uri::Authority::try_from(text) {
            Ok(authority) => Authority {
                host: normalized(authority.host()),
                port: authority.port_u16(),
            },
            Err(_) => Authority {
                host: normalized(text),
                port: None,
            },
        })
    }
}

fn normalized(host: &str) -> String {
    host.trim_matches(['[', ']']).to_ascii_lowercase()
}

impl Admitted {
    fn new(policy: &HostPolicy) -> Admitted {
        Admitted {
            hosts: policy.allowed_hosts.as_ref().map(|hosts| {
                hosts
                    .iter()
                    .filter_map(|host| Authority::parse(host))
                    .collect()
            }),
            any_origin: policy.allowed_origins.is_none(),
        }
    }

    fn admits(&self, headers: &HeaderMap) -> bool {
        if !self.any_origin && headers.contains_key(ORIGIN) {
            return false;
        }
        let Some(host) = single(headers, HOST) else {
            return false;
        };
        let Ok(host) = http::uri::Authority::try_from(host) else {
            return false;
        };
        let Some(allowed) = &self.hosts else {
            return true;
        };
        // Compared without building a lower-case copy: this runs for every request.
        let (name, port) = (host.host().trim_matches(['[', ']']), host.port_u16());
        allowed.iter().any(|allowed| {
            allowed.host.eq_ignore_ascii_case(name)
                && allowed.port.is_none_or(|wanted| port == Some(wanted))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(
                *name,
                http::HeaderValue::from_str(value).unwrap_or_else(|e| unreachable!("{e}")),
            );
        }
        headers
    }

    #[test]
    fn accept_must_name_both_types_plainly() {
        let both = headers(&[("accept", "application/json, text/event-stream")]);
        assert!(accepts_json_and_event_stream(&both));
        let split = headers(&[
            ("accept", "text/event-stream"),
            ("accept", "Application/JSON"),
        ]);
        assert!(accepts_json_and_event_stream(&split));
        let weighted = headers(&[("accept", "application/json, text/event-stream;q=0")]);
        assert!(!accepts_json_and_event_stream(&weighted));
        let one = headers(&[("accept", "application/json")]);
        assert!(!accepts_json_and_event_stream(&one));
        let any = headers(&[("accept", "*/*")]);
        assert!(!accepts_json_and_event_stream(&any));
    }

    #[test]
    fn protocol_versions_with_header_checks_of_their_own_are_left_to_rmcp() {
        assert!(protocol_version_is_before_standard_headers(&headers(&[])));
        for version in ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"] {
            let named = headers(&[("mcp-protocol-version", version)]);
            assert!(
                protocol_version_is_before_standard_headers(&named),
                "{version}"
            );
        }
        for version in ["2026-07-28", "2099-01-01", "2025-01-01", ""] {
            let named = headers(&[("mcp-protocol-version", version)]);
            assert!(
                !protocol_version_is_before_standard_headers(&named),
                "{version}"
            );
        }
        let twice = headers(&[
            ("mcp-protocol-version", "2025-11-25"),
            ("mcp-protocol-version", "2025-11-25"),
        ]);
        assert!(!protocol_version_is_before_standard_headers(&twice));
    }

    #[test]
    fn hosts_are_admitted_only_when_rmcp_would_admit_them() {
        let policy = HostPolicy::new(
            Some("localhost, example.org:8443"),
            None,
            "127.0.0.1:9090"
                .parse()
                .unwrap_or_else(|e| unreachable!("{e}")),
        );
        let admitted = Admitted::new(&policy);
        assert!(admitted.admits(&headers(&[("host", "LOCALHOST:9090")])));
        assert!(admitted.admits(&headers(&[("host", "example.org:8443")])));
        assert!(!admitted.admits(&headers(&[("host", "example.org:8444")])));
        assert!(!admitted.admits(&headers(&[("host", "example.org")])));
        assert!(!admitted.admits(&headers(&[("host", "127.0.0.1:9090")])));
        assert!(!admitted.admits(&headers(&[])));
        // A browser's request is left to rmcp's Origin check.
        let from_browser = headers(&[("host", "localhost:9090"), ("origin", "http://localhost")]);
        assert!(!admitted.admits(&from_browser));

        let any = Admitted::new(&HostPolicy::new(
            Some("*"),
            Some("*"),
            "127.0.0.1:9090"
                .parse()
                .unwrap_or_else(|e| unreachable!("{e}")),
        ));
        assert!(any.admits(&from_browser));
        assert!(any.admits(&headers(&[("host", "anything.example")])));
    }

    #[test]
    fn only_tool_calls_without_a_protocol_version_of_their_own_are_taken() {
        let call = br#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"t","arguments":{"a":1},"_meta":{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"}}}"#;
        let (id, call) = tool_call(call).unwrap_or_else(|| unreachable!("a tools/call"));
        assert_eq!(id, rmcp::model::RequestId::Number(7));
        assert_eq!(call.params.name, "t");
        assert_eq!(
            call.meta.get_traceparent(),
            Some("00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01")
        );
        let versioned = br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#;
        assert!(tool_call(versioned).is_none());
        let listing = br#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#;
        assert!(tool_call(listing).is_none());
        let notification = br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
        assert!(tool_call(notification).is_none());
        assert!(tool_call(b"{not json").is_none());
    }

    /// The service in front of a stand-in for rmcp that answers 599 with the body it got.
    mod answering {
        use http_body_util::{BodyExt, Full};
        use serde_json::{Value, json};

        use super::*;
        use crate::adapters::mcp::test_spec::PING;
        use crate::runtime::Runtime;

        const LIMIT: usize = 1024;
        const CALL: &str =
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ping"}}"#;

        /// Stands in for rmcp: 599, with the body it got.
        #[derive(Clone)]
        struct StandIn;

        impl tower::Service<Request<Body>> for StandIn {
            type Response = RmcpResponse;
            type Error = Infallible;
            type Future = BoxFuture<'static, Result<RmcpResponse, Infallible>>;

            fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
                Poll::Ready(Ok(()))
            }

            fn call(&mut self, request: Request<Body>) -> Self::Future {
                Box::pin(async move {
                    let body = request
                        .into_body()
                        .collect()
                        .await
                        .map(|collected| collected.to_bytes())
                        .unwrap_or_default();
                    let mut response = http::Response::new(Full::new(body).boxed());
                    *response.status_mut() =
                        StatusCode::from_u16(599).unwrap_or_else(|e| unreachable!("{e}"));
                    Ok(response)
                })
            }
        }

        fn service() -> DirectCalls<StandIn> {
            let rt = Runtime::from_lookup(&PING, &|_| None)
                .unwrap_or_else(|error| unreachable!("{error}"));
            let hosts = HostPolicy::new(
                None,
                None,
                "127.0.0.1:9090"
                    .parse()
                    .unwrap_or_else(|e| unreachable!("{e}")),
            );
            DirectCalls::new(McpServer::new(rt, 0), StandIn, &hosts, LIMIT)
        }

        /// A request as the Python SDK sends a tools/call, changed by `change`.
        fn request(body: &str, change: impl FnOnce(&mut Request<Body>)) -> Request<Body> {
            let mut request = Request::new(Body::from(body.to_owned()));
            *request.method_mut() = Method::POST;
            *request.uri_mut() = http::Uri::from_static("/mcp");
            let headers = request.headers_mut();
            for (name, value) in [
                ("host", "127.0.0.1:9090".to_owned()),
                ("accept", "application/json, text/event-stream".to_owned()),
                ("content-type", "application/json".to_owned()),
                ("content-length", body.len().to_string()),
                ("mcp-protocol-version", "2025-11-25".to_owned()),
            ] {
                headers.insert(
                    name,
                    http::HeaderValue::from_str(&value).unwrap_or_else(|e| unreachable!("{e}")),
                );
            }
            change(&mut request);
            request
        }

        async fn send(request: Request<Body>) -> (StatusCode, Bytes) {
            let mut service = service();
            let Ok(response) = tower::Service::call(&mut service, request).await;
            let status = response.status();
            let body = response
                .into_body()
                .collect()
                .await
                .map(|collected| collected.to_bytes())
                .unwrap_or_default();
            (status, body)
        }

        fn json_of(body: &[u8]) -> Value {
            serde_json::from_slice(body).unwrap_or_else(|error| unreachable!("not JSON ({error})"))
        }

        #[tokio::test]
        async fn a_plain_tool_call_is_answered_in_front() {
            let (status, body) = send(request(CALL, |_| {})).await;
            assert_eq!(status, StatusCode::OK);
            let answer = json_of(&body);
            assert_eq!(answer["id"], 1);
            assert_eq!(answer["result"]["structuredContent"], json!({"pong": true}));

            // No protocol header (rmcp assumes 2025-03-26), a string id, a charset.
            let unknown =
                r#"{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"nope"}}"#;
            let (status, body) = send(request(unknown, |request| {
                let headers = request.headers_mut();
                headers.remove("mcp-protocol-version");
                headers.insert(
                    "content-type",
                    http::HeaderValue::from_static("application/json; charset=utf-8"),
                );
            }))
            .await;
            assert_eq!(status, StatusCode::OK);
            let answer = json_of(&body);
            assert_eq!(answer["id"], "x");
            assert_eq!(answer["error"]["code"], -32602, "{answer}");
        }

        #[tokio::test]
        async fn anything_else_goes_to_rmcp_with_its_body() {
            type Change = fn(&mut Request<Body>);
            fn header(request: &mut Request<Body>, name: &'static str, value: &'static str) {
                request
                    .headers_mut()
                    .insert(name, http::HeaderValue::from_static(value));
            }
            let changes: [(&str, Change); 9] = [
                ("GET", |r| *r.method_mut() = Method::GET),
                ("json only", |r| header(r, "accept", "application/json")),
                ("weighted", |r| {
                    header(r, "accept", "application/json, text/event-stream;q=0.5")
                }),
                ("text body", |r| header(r, "content-type", "text/plain")),
                ("no length", |r| {
                    r.headers_mut().remove("content-length");
                }),
                ("2026 era", |r| {
                    header(r, "mcp-protocol-version", "2026-07-28")
                }),
                ("unknown era", |r| {
                    header(r, "mcp-protocol-version", "1999-01-01")
                }),
                ("browser", |r| header(r, "origin", "http://localhost:9090")),
                ("foreign host", |r| header(r, "host", "evil.example")),
            ];
            for (what, change) in changes {
                let (status, body) = send(request(CALL, change)).await;
                assert_eq!(status.as_u16(), 599, "{what}");
                assert_eq!(body, CALL.as_bytes(), "{what}");
            }
            let too_long = format!("{CALL:<width$}", width = LIMIT + 1);
            let (status, _) = send(request(&too_long, |_| {})).await;
            assert_eq!(status.as_u16(), 599, "over the limit");

            // Bodies read before they turn out to be something else reach rmcp whole.
            for body in [
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
                r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ping","_meta":{"io.modelcontextprotocol/protocolVersion":"2025-11-25"}}}"#,
                r#"[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ping"}}]"#,
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ping"},"result":null}"#,
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ping"},"error":{}}"#,
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","method":"tools/call","params":{"name":"ping"}}"#,
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/call"}"#,
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ping"}"#,
                r#"{"jsonrpc":"1.0","id":1,"method":"tools/call","params":{"name":"ping"}}"#,
                r#"{"id":1,"method":"tools/call","params":{"name":"ping"}}"#,
                "{not json",
            ] {
                let (status, received) = send(request(body, |_| {})).await;
                assert_eq!(status.as_u16(), 599, "{body}");
                assert_eq!(received, body.as_bytes());
            }
        }
    }
}
