//! `forward` resources: a path prefix of a REST adapter proxied whole to a consumed namespace.
//!
//! A forward with prefix `/notion` answers `/notion`, `/notion/` and every `/notion/…`, for
//! every method. The request goes to the namespace's base URL plus the same sub-path and query
//! (see [`crate::upstream::ClientCore`] for what the namespace adds: its parameters and its
//! credentials). Routes the spec declares under the prefix keep their own methods; the others
//! are forwarded too.
//!
//! What passes, and what never does:
//! - the sub-path, segment by segment: a segment that is (or decodes to, or hides behind an
//!   encoded slash) `.` or `..` is refused with a 400, since the upstream, or the URL parser on
//!   the way, would resolve it and climb out of the base URL; other bytes keep the caller's
//!   encoding, or are percent-encoded when they may not stand in a path. The host is never the
//!   caller's to choose;
//! - caller headers: only the forward's trusted headers and `content-type`, `accept`,
//!   `content-length`; never hop-by-hop headers, never the credential the adapter itself
//!   checked (that one was meant for us, not the upstream);
//! - the answer: status, headers (hop-by-hop removed) and body, streamed as they come.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any};
use http::{HeaderMap, HeaderName, StatusCode, header};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, percent_encode};

use super::respond;
use crate::adapters::caller_auth::AuthCheck;
use crate::adapters::problem::Problem;
use crate::error::Error;
use crate::runtime::Runtime;
use crate::runtime::control_state::RouteMeter;
use crate::spec::{ApiKeyPlacement, Auth, RestAdapterSpec, RestForward, Str};
use crate::upstream::Forwarded;

/// Everything but the unreserved characters of RFC 3986 (for segments that need encoding).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The router's name for the rest of the path (never read: the raw path is).
const CATCH_ALL: &str = "{*naftiko_forwarded_path}";

/// Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus `host`.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
];

/// The forwards of one REST adapter, checked and ready to mount.
pub(super) struct Forwards {
    entries: Vec<Arc<ForwardContext>>,
}

struct ForwardContext {
    rt: Runtime,
    spec: &'static RestForward,
    auth: Arc<AuthCheck>,
    /// The header the adapter's own credential arrives in, never passed on.
    caller_credential_header: Option<HeaderName>,
    /// The query parameter the adapter's own credential arrives in, never passed on.
    caller_credential_query: Option<&'static str>,
    meter: Option<RouteMeter>,
}

impl Forwards {
    /// Checks the adapter's forwards against each other and against its route paths, and
    /// prepares them. A table axum would panic on is an [`Error::Serve`].
    pub(super) fn build(
        rt: &Runtime,
        adapter: usize,
        spec: &'static RestAdapterSpec,
        auth: &Arc<AuthCheck>,
        route_paths: &[&str],
    ) -> Result<Forwards, Error> {
        let problem = |message: String| {
            Error::Serve(format!("REST adapter `{}`: {message}", &*spec.namespace))
        };
        let (caller_credential_header, caller_credential_query) = match &spec.auth {
            Auth::None => (None, None),
            Auth::Bearer { .. }
            | Auth::Basic { .. }
            | Auth::Digest { .. }
            | Auth::AwsSigV4 { .. } => (Some(header::AUTHORIZATION), None),
            Auth::ApiKey {
                name,
                placement: ApiKeyPlacement::Header,
                ..
            } => (HeaderName::from_bytes(name.as_bytes()).ok(), None),
            Auth::ApiKey {
                name,
                placement: ApiKeyPlacement::Query,
                ..
            } => (None, Some(&**name)),
            Auth::ApiKey { .. } => (None, None),
        };
        let mut entries: Vec<Arc<ForwardContext>> = Vec::new();
        for (index, forward) in spec.forwards.iter().enumerate() {
            let prefix: &str = &forward.prefix;
            let shape_ok = prefix.is_empty()
                || (prefix.starts_with('/')
                    && !prefix.ends_with('/')
                    && !prefix.contains("//")
                    && !prefix.contains(['{', '}', '*', '?', '#']));
            if !shape_ok {
                return Err(problem(format!(
                    "forward `{}` has prefix `{prefix}`, which is not a literal path",
                    forward.name
                )));
            }
            if rt.spec().namespace(forward.consumes).is_none() {
                return Err(problem(format!(
                    "forward `{}` names consumed namespace number {}, which does not exist",
                    forward.name, forward.consumes.0
                )));
            }
            if let Some(earlier) = entries.iter().find(|e| e.spec.prefix == prefix) {
                return Err(problem(format!(
                    "forwards `{}` and `{}` both take `{prefix}`",
                    earlier.spec.name, forward.name
                )));
            }
            if let Some(path) = route_paths
                .iter()
                .find(|path| placeholder_after(path, prefix))
            {
                return Err(problem(format!(
                    "route `{path}` has a placeholder right where forward `{}` takes every sub-path of `{prefix}`",
                    forward.name
                )));
            }
            entries.push(Arc::new(ForwardContext {
                rt: rt.clone(),
                spec: forward,
                auth: Arc::clone(auth),
                caller_credential_header: caller_credential_header.clone(),
                caller_credential_query,
                meter: RouteMeter::new(rt.control_state(), adapter, spec.routes.len() + index),
            }));
        }
        Ok(Forwards { entries })
    }

    /// The forward that takes the requests `path` does not route itself (the longest prefix
    /// `path` falls under), as a handler for that path's method fallback.
    pub(super) fn covering(&self, path: &str) -> Option<MethodRouter> {
        self.entries
            .iter()
            .filter(|entry| under(path, &entry.spec.prefix))
            .max_by_key(|entry| entry.spec.prefix.len())
            .map(|entry| method_router(Arc::clone(entry)))
    }

    /// Mounts each forward's prefix, its trailing-slash form and its catch-all, except for
    /// paths already routed (`taken`), whose method fallback is the forward already; adds the
    /// paths it mounts to `paths`.
    pub(super) fn mount(
        &self,
        mut router: Router,
        taken: &[&str],
        paths: &mut Vec<String>,
    ) -> Router {
        for entry in &self.entries {
            let prefix: &str = &entry.spec.prefix;
            let own = [
                if prefix.is_empty() {
                    "/".to_owned()
                } else {
                    prefix.to_owned()
                },
                format!("{prefix}/"),
                format!("{prefix}/{CATCH_ALL}"),
            ];
            let mut mounted: Vec<&str> = Vec::new();
            for path in &own {
                if taken.contains(&path.as_str()) || mounted.contains(&path.as_str()) {
                    continue;
                }
                router = router.route(path, method_router(Arc::clone(entry)));
                mounted.push(path);
                paths.push(path.clone());
            }
        }
        router
    }
}

/// `path` is the prefix itself or lies under it.
fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// `path` has a placeholder as the first segment after `prefix` (where the catch-all sits:
/// the router cannot have both).
fn placeholder_after(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|rest| rest.starts_with('{'))
}

fn method_router(context: Arc<ForwardContext>) -> MethodRouter {
    any(move |request: Request| forward(Arc::clone(&context), request))
}

async fn forward(context: Arc<ForwardContext>, request: Request) -> Response {
    let started = context.meter.as_ref().map(|_| Instant::now());
    let response = forward_unmetered(&context, request).await;
    if let (Some(meter), Some(started)) = (&context.meter, started) {
        meter.record(response.status(), started.elapsed());
    }
    response
}

async fn forward_unmetered(context: &ForwardContext, request: Request) -> Response {
    tracing::Span::current().record("route", &*context.spec.name);
    let (parts, body) = request.into_parts();
    if let Err(refusal) = context.auth.check(&parts) {
        return refusal;
    }
    let path = parts.uri.path();
    let Some(rest) = path.strip_prefix(&*context.spec.prefix) else {
        return Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            format!("no route for {}", path),
        )
        .into_response();
    };
    let sub_path = match safe_sub_path(rest) {
        Ok(sub_path) => sub_path,
        Err(refusal) => return refusal,
    };
    let query = parts
        .uri
        .query()
        .map(|query| match context.caller_credential_query {
            Some(name) => without_param(query, name),
            None => query.to_owned(),
        });
    let has_body = parts.headers.contains_key(header::CONTENT_LENGTH)
        || parts.headers.contains_key(header::TRANSFER_ENCODING);
    let headers = passed_headers(
        &parts.headers,
        &context.spec.trusted_headers,
        context.caller_credential_header.as_ref(),
    );
    let forwarded = Forwarded {
        method: parts.method,
        sub_path,
        query,
        headers,
        body: has_body.then_some(body),
    };
    let client = context.rt.client(context.spec.consumes);
    match client.forward(&context.spec.name, forwarded).await {
        Ok(upstream) => relay(upstream),
        Err(error) => respond::error_response(error),
    }
}

/// `rest` (the path after the prefix: empty or `/…`) made safe to append to the base URL.
fn safe_sub_path(rest: &str) -> Result<String, Response> {
    if rest.is_empty() {
        return Ok(String::new());
    }
    let mut out = String::with_capacity(rest.len());
    for segment in rest.split('/').skip(1) {
        let decoded: Vec<u8> = percent_decode_str(segment).collect();
        // An encoded slash or backslash may be decoded upstream and split the segment.
        let climbs = decoded
            .split(|byte| matches!(byte, b'/' | b'\\'))
            .any(|part| part == b"." || part == b"..");
        if climbs {
            return Err(Problem::new(
                StatusCode::BAD_REQUEST,
                "invalid-path",
                "Invalid path",
                "the path must not contain `.` or `..` segments",
            )
            .into_response());
        }
        out.push('/');
        if segment.bytes().all(is_path_byte) && well_formed_escapes(segment) {
            out.push_str(segment);
        } else {
            out.extend(percent_encode(&decoded, PATH_SEGMENT));
        }
    }
    Ok(out)
}

/// A byte that may stand unencoded in a path segment (RFC 3986 `pchar`, `%` checked apart).
fn is_path_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@%".contains(&byte)
}

/// Every `%` starts a two-digit hex escape.
fn well_formed_escapes(segment: &str) -> bool {
    let bytes = segment.as_bytes();
    bytes.iter().enumerate().all(|(index, byte)| {
        *byte != b'%'
            || (bytes.get(index + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(index + 2).is_some_and(u8::is_ascii_hexdigit))
    })
}

/// The query without the parameter `name` (the adapter's own API key).
fn without_param(query: &str, name: &str) -> String {
    query
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            percent_decode_str(&key.replace('+', " ")).decode_utf8_lossy() != name
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn passed_headers(
    caller: &HeaderMap,
    trusted: &[Str],
    caller_credential: Option<&HeaderName>,
) -> HeaderMap {
    let mut out = HeaderMap::new();
    for (name, value) in caller {
        let always = [header::CONTENT_TYPE, header::ACCEPT, header::CONTENT_LENGTH].contains(name);
        let is_trusted = trusted
            .iter()
            .any(|t| t.eq_ignore_ascii_case(name.as_str()));
        let refused = HOP_BY_HOP.contains(&name.as_str()) || Some(name) == caller_credential;
        if (always || is_trusted) && !refused {
            out.append(name.clone(), value.clone());
        }
    }
    out
}

/// The upstream answer as ours: status, end-to-end headers and the body as a stream.
fn relay(upstream: http::Response<Body>) -> Response {
    let (parts, body) = upstream.into_parts();
    let status = parts.status;
    let mut headers = parts.headers;
    let named_by_connection: Vec<HeaderName> = headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|list| list.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in named_by_connection {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        headers.remove(*name);
    }
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::text;

    fn sub_path(rest: &str) -> Option<String> {
        safe_sub_path(rest).ok()
    }

    #[test]
    fn sub_paths_keep_their_encoding_and_refuse_dot_segments() {
        assert_eq!(sub_path("").as_deref(), Some(""));
        assert_eq!(sub_path("/").as_deref(), Some("/"));
        assert_eq!(
            sub_path("/a/b%20c/d:e@f").as_deref(),
            Some("/a/b%20c/d:e@f")
        );
        assert_eq!(
            sub_path("/group%2Fproject").as_deref(),
            Some("/group%2Fproject")
        );
        assert_eq!(sub_path("/a\"b").as_deref(), Some("/a%22b"));
        assert_eq!(sub_path("/50%").as_deref(), Some("/50%25"));
        for climbing in [
            "/..",
            "/../x",
            "/a/../../b",
            "/.",
            "/%2e%2E",
            "/.%2e/x",
            "/a%2F..%2Fb",
            "/a%5C..",
        ] {
            assert_eq!(sub_path(climbing), None, "{climbing}");
        }
        assert_eq!(sub_path("/...").as_deref(), Some("/..."));
        assert_eq!(sub_path("/a..b").as_deref(), Some("/a..b"));
    }

    #[test]
    fn prefixes_cover_their_own_sub_paths_only() {
        assert!(under("/notion", "/notion"));
        assert!(under("/notion/pages", "/notion"));
        assert!(!under("/notional", "/notion"));
        assert!(under("/anything", ""));
        assert!(placeholder_after("/notion/{id}", "/notion"));
        assert!(!placeholder_after("/notion/pages/{id}", "/notion"));
        assert!(placeholder_after("/{id}", ""));
    }

    #[test]
    fn only_chosen_headers_pass() {
        let mut caller = HeaderMap::new();
        for (name, value) in [
            ("content-type", "application/json"),
            ("accept", "*/*"),
            ("notion-version", "2022"),
            ("cookie", "session=1"),
            ("authorization", "Bearer ours"),
            ("connection", "close"),
            ("x-other", "1"),
        ] {
            caller.insert(
                HeaderName::from_static(name),
                http::HeaderValue::from_static(value),
            );
        }
        let passed = passed_headers(
            &caller,
            &[
                text("Notion-Version"),
                text("Authorization"),
                text("Connection"),
            ],
            Some(&header::AUTHORIZATION),
        );
        let mut names: Vec<&str> = passed.keys().map(HeaderName::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["accept", "content-type", "notion-version"]);
    }

    #[test]
    fn the_adapter_key_is_removed_from_the_query() {
        assert_eq!(without_param("a=1&key=s&b=2", "key"), "a=1&b=2");
        assert_eq!(without_param("k%65y=s&b", "key"), "b");
        assert_eq!(without_param("keys=1", "key"), "keys=1");
    }
}
