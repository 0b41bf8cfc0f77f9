//! Serving a REST adapter (`exposes[]` with `type: rest`) with axum.
//!
//! [`router`] turns one [`RestAdapterSpec`](crate::spec::RestAdapterSpec) into an `axum::Router`:
//!
//! - one route per distinct path; the methods declared on a path share one method router, so a
//!   known path with an undeclared method answers 405 with an `Allow` header, and an unknown
//!   path answers a 404 problem;
//! - a path segment with text around its placeholder (`{name}:cancel`, `act_{id}`) is routed as
//!   the whole segment; among the routes of one method there, the narrowest whose text the
//!   segment carries serves the request (none: a 404 problem), and its input is the segment
//!   without that text;
//! - each request is authenticated (when the adapter asks for it), its declared inputs are read
//!   and checked (bad input is a 400 problem naming the field), and the route's handler runs
//!   through [`crate::invoke::invoke`];
//! - upstream answers pass through untouched (status, body, content type), our own failures are
//!   `application/problem+json` (see [`crate::adapters::problem`]);
//! - `forward` resources proxy a whole path prefix to a consumed namespace (see `forward.rs`);
//! - `GET /openapi.json` serves the adapter's OpenAPI document, unless the spec declares that
//!   route itself;
//! - every request gets a `debug` tracing span with the method and path only: no query string
//!   (it may carry an API key) and no header values.
//!
//! The route table is checked before axum sees it ([`table`]), so a spec mistake that would
//! make axum panic (conflicting placeholder names, a method declared twice) is an
//! [`Error::Serve`] instead.
//!
//! Settings read from the environment, by the adapter's prefix: `<PREFIX>_MAX_BODY_BYTES`, the
//! largest request body read (default 1 MiB).

mod extract;
mod forward;
mod respond;
mod table;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, RawPathParams, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use http::{HeaderValue, Method, StatusCode, header};
use tower_http::trace::TraceLayer;

use crate::adapters::problem::Problem;
use crate::config::REST_DEFAULT_MAX_BODY_BYTES;
use crate::error::Error;
use crate::invoke::invoke;
use crate::runtime::Runtime;
use crate::spec::RestRoute;

use crate::adapters::caller_auth::AuthCheck;
use crate::runtime::control_state::RouteMeter;

/// Where the adapter's OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/openapi.json";

/// Everything a route's handler needs, shared by all requests to that route.
struct RouteContext {
    rt: Runtime,
    route: &'static RestRoute,
    /// Text the route's path puts around placeholders inside segments (usually none).
    affixes: Vec<table::Affix>,
    auth: Arc<AuthCheck>,
    max_body_bytes: usize,
    /// Present when a control adapter wants request metrics.
    meter: Option<RouteMeter>,
}

/// The router of REST adapter number `adapter` of the runtime's capability.
///
/// Fails with [`Error::Serve`] when the adapter does not exist or its route table cannot be
/// served, and with [`Error::Config`] when a setting or the expected credential is unusable.
pub fn router(rt: Runtime, adapter: usize) -> Result<Router, Error> {
    router_and_paths(rt, adapter).map(|(router, _)| router)
}

/// [`router`], and every path template it routes (its routes', the OpenAPI document's, its
/// forwards'), for mounting the router beside others without overlap.
pub(crate) fn router_and_paths(
    rt: Runtime,
    adapter: usize,
) -> Result<(Router, Vec<String>), Error> {
    let spec = rt.spec();
    let Some(adapter_spec) = spec.rest.get(adapter) else {
        return Err(Error::Serve(format!(
            "capability `{}` has no REST adapter number {adapter} (it has {})",
            spec.name,
            spec.rest.len()
        )));
    };
    let namespace: &str = &adapter_spec.namespace;
    let max_body_bytes = rt
        .rest_settings(adapter)
        .map_or(REST_DEFAULT_MAX_BODY_BYTES, |settings| {
            settings.max_body_bytes
        });
    let auth = Arc::new(AuthCheck::build(
        &adapter_spec.auth,
        namespace,
        rt.secrets(),
    )?);
    let serves_openapi = !adapter_spec.openapi.is_empty();
    let extra_paths: &[&'static str] = if serves_openapi { &[OPENAPI_PATH] } else { &[] };
    let groups = table::group_routes(&adapter_spec.routes, extra_paths)
        .map_err(|message| Error::Serve(format!("REST adapter `{namespace}`: {message}")))?;
    let mut taken: Vec<&str> = groups.iter().map(|group| group.path.as_str()).collect();
    taken.extend(extra_paths);
    let forwards = forward::Forwards::build(&rt, adapter, adapter_spec, &auth, &taken)?;

    let mut router = Router::new();
    let mut openapi_mounted = false;
    for group in &groups {
        let mut methods = MethodRouter::new();
        let mut allow = group.allow();
        let context = |grouped: &table::GroupedRoute| {
            Arc::new(RouteContext {
                rt: rt.clone(),
                route: grouped.route,
                affixes: grouped.affixes.clone(),
                auth: Arc::clone(&auth),
                max_body_bytes,
                meter: RouteMeter::new(rt.control_state(), adapter, grouped.index),
            })
        };
        for (filter, mut same_method) in group.by_method() {
            if let [only] = same_method.as_slice()
                && only.affixes.is_empty()
            {
                let context = context(only);
                methods = methods.on(filter, move |request: Request| {
                    handle(Arc::clone(&context), request)
                });
                continue;
            }
            // The narrowest first: the table check refused every pair where neither is.
            same_method.sort_by_key(|candidate| {
                std::cmp::Reverse(
                    candidate
                        .affixes
                        .iter()
                        .map(|affix| affix.before.len() + affix.after.len())
                        .sum::<usize>(),
                )
            });
            let candidates: Arc<[Arc<RouteContext>]> =
                same_method.into_iter().map(context).collect();
            methods = methods.on(filter, move |request: Request| {
                dispatch(Arc::clone(&candidates), request)
            });
        }
        if serves_openapi && group.path == OPENAPI_PATH && !group.has(&Method::GET) {
            methods = methods.get(openapi_document(&adapter_spec.openapi));
            allow = format!("{allow},GET,HEAD");
            openapi_mounted = true;
        } else if serves_openapi && group.path == OPENAPI_PATH {
            tracing::warn!(
                adapter = namespace,
                "the spec declares GET {OPENAPI_PATH}; the generated document is not served"
            );
            openapi_mounted = true;
        }
        let allow = HeaderValue::from_str(&allow).map_err(|_| {
            Error::Serve(format!(
                "REST adapter `{namespace}`: bad methods on `{}`",
                group.path
            ))
        })?;
        methods = match forwards.covering(&group.path) {
            // Methods the spec does not declare on a path under a forward's prefix go upstream.
            Some(forward) => methods.fallback_service(forward),
            None => methods.fallback(move || method_not_allowed(allow.clone())),
        };
        router = router.route(&group.path, methods);
    }
    let mut paths: Vec<String> = groups.iter().map(|group| group.path.clone()).collect();
    if serves_openapi && !openapi_mounted {
        router = router.route(OPENAPI_PATH, get(openapi_document(&adapter_spec.openapi)));
        paths.push(OPENAPI_PATH.to_owned());
    }
    router = forwards.mount(router, &taken, &mut paths);
    if auth.is_required() {
        tracing::debug!(adapter = namespace, "REST adapter requires authentication");
    }

    // Spans for OpenTelemetry on matched routes (their template names the span), when it is
    // installed.
    let router = crate::telemetry::rest_layer(router).fallback(not_found);
    // A `debug` span per request, with tower-http's `debug` lines as the request starts and
    // ends, when debug logging is on as the router is built (`RUST_LOG=naftiko_runtime=debug`).
    // At the usual `info` level the layer is left out: it wraps every route's future and body
    // (about 2 % of the instructions of a proxied request), and its only output at that level,
    // an `error` line for each 5xx answer, says what the access line already says (as does the
    // `warn` line of a call that failed here).
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return Ok((router, paths));
    }
    let trace = TraceLayer::new_for_http().make_span_with(move |request: &http::Request<Body>| {
        tracing::debug_span!(
            "rest",
            adapter = namespace,
            method = %request.method(),
            path = %request.uri().path(),
            route = tracing::field::Empty,
        )
    });
    Ok((router.layer(trace), paths))
}

/// Serves a request with the first of `candidates` (narrowest first) whose text around
/// placeholders the request's path carries.
async fn dispatch(candidates: Arc<[Arc<RouteContext>]>, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    let params = match RawPathParams::from_request_parts(&mut parts, &()).await {
        Ok(params) => params,
        Err(rejection) => {
            return respond::error_response(Error::invalid_input("path", rejection.body_text()));
        }
    };
    let chosen = candidates.iter().find(|candidate| {
        candidate.affixes.iter().all(|affix| {
            params
                .iter()
                .find(|(name, _)| *name == affix.param)
                .is_some_and(|(_, segment)| affix.strip(segment).is_some())
        })
    });
    match chosen {
        Some(context) => handle(Arc::clone(context), Request::from_parts(parts, body)).await,
        None => not_found(parts.method, parts.uri).await,
    }
}

async fn handle(context: Arc<RouteContext>, request: Request) -> Response {
    let started = context.meter.as_ref().map(|_| Instant::now());
    let response = handle_unmetered(&context, request).await;
    if let (Some(meter), Some(started)) = (&context.meter, started) {
        meter.record(response.status(), started.elapsed());
    }
    response
}

async fn handle_unmetered(context: &RouteContext, request: Request) -> Response {
    tracing::Span::current().record("route", &*context.route.name);
    let (mut parts, body) = request.into_parts();
    if let Err(refusal) = context.auth.check(&parts) {
        return refusal;
    }
    let inputs = match extract::read_inputs(
        context.route,
        &context.affixes,
        &mut parts,
        body,
        context.max_body_bytes,
    )
    .await
    {
        Ok(inputs) => inputs,
        Err(refusal) => return refusal,
    };
    match invoke(&context.rt, &context.route.handler, &inputs).await {
        Ok(outcome) => respond::outcome_response(outcome),
        Err(error) => respond::error_response(error),
    }
}

fn openapi_document(document: &'static str) -> MethodRouter {
    get(move || async move {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            document,
        )
    })
}

async fn method_not_allowed(allow: HeaderValue) -> Response {
    let detail = match allow.to_str() {
        Ok(methods) => format!("this path accepts {methods}"),
        Err(_) => "this path does not accept that method".to_owned(),
    };
    let mut response = Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        detail,
    )
    .into_response();
    response.headers_mut().insert(header::ALLOW, allow);
    response
}

async fn not_found(method: Method, uri: http::Uri) -> Response {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "Not found",
        format!("no route for {method} {}", uri.path()),
    )
    .into_response()
}
