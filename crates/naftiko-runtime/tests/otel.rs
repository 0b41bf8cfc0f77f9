//! OpenTelemetry end to end: a REST request (with a caller's `traceparent` header) and an MCP
//! `tools/call` (with `params._meta.traceparent`, SEP-414) are served with OTLP export on; a
//! receiver on loopback decodes what the exporter sends with the official protobuf types, and
//! a stand-in upstream records the `traceparent` it gets. Each call's server span and client
//! span carry the caller's trace id, which is also the one the upstream received, and the
//! client span is the server span's child. A test binary of its own: telemetry is installed
//! once per process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use naftiko_runtime::{Runtime, Server};
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message as _;
use rmcp::model::{CallToolRequestParams, RequestMetaObject};

/// What the receiver decoded.
#[derive(Default)]
struct Received {
    spans: Vec<Span>,
    metrics: Vec<String>,
    service_names: Vec<String>,
}

/// An OTLP/HTTP receiver on loopback (`/v1/traces`, `/v1/metrics`, protobuf bodies).
async fn receiver() -> (Arc<Mutex<Received>>, String) {
    let received = Arc::new(Mutex::new(Received::default()));
    let traces = Arc::clone(&received);
    let metrics = Arc::clone(&received);
    let app = axum::Router::new()
        .route(
            "/v1/traces",
            axum::routing::post(move |body: Bytes| async move {
                let request =
                    ExportTraceServiceRequest::decode(body).expect("an OTLP trace export");
                let mut received = traces.lock().unwrap();
                for resource in request.resource_spans {
                    if let Some(resource) = &resource.resource {
                        for attribute in &resource.attributes {
                            if attribute.key == "service.name" {
                                received
                                    .service_names
                                    .push(format!("{:?}", attribute.value));
                            }
                        }
                    }
                    for scope in resource.scope_spans {
                        received.spans.extend(scope.spans);
                    }
                }
                Bytes::new()
            }),
        )
        .route(
            "/v1/metrics",
            axum::routing::post(move |body: Bytes| async move {
                let request =
                    ExportMetricsServiceRequest::decode(body).expect("an OTLP metrics export");
                let mut received = metrics.lock().unwrap();
                for resource in request.resource_metrics {
                    for scope in resource.scope_metrics {
                        received
                            .metrics
                            .extend(scope.metrics.into_iter().map(|metric| metric.name));
                    }
                }
                Bytes::new()
            }),
        );
    let addr = support::mcp_client::serve(app).await;
    (received, format!("http://{addr}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The trace id and parent id of a `traceparent` value.
fn trace_and_parent(traceparent: &str) -> (String, String) {
    let parts: Vec<&str> = traceparent.split('-').collect();
    assert_eq!(parts.len(), 4, "not a traceparent: {traceparent}");
    (parts[1].to_owned(), parts[2].to_owned())
}

const SPAN_KIND_SERVER: i32 = 2;
const SPAN_KIND_CLIENT: i32 = 3;

/// Checks one call: its server span (named `server_name`) has the caller's trace id and span
/// as parent, a client span is its child in the same trace, and the upstream got that client
/// span's context.
fn check_call(spans: &[Span], server_name: &str, caller: (&str, &str), upstream_got: &str) {
    let (trace_id, caller_span) = caller;
    let server = spans
        .iter()
        .find(|span| span.name == server_name)
        .unwrap_or_else(|| panic!("no span `{server_name}` among {:#?}", names(spans)));
    assert_eq!(server.kind, SPAN_KIND_SERVER);
    assert_eq!(hex(&server.trace_id), trace_id, "the caller's trace");
    assert_eq!(
        hex(&server.parent_span_id),
        caller_span,
        "the caller's span is the parent"
    );
    let client = spans
        .iter()
        .find(|span| span.kind == SPAN_KIND_CLIENT && span.parent_span_id == server.span_id)
        .unwrap_or_else(|| panic!("no client span under `{server_name}`: {:#?}", names(spans)));
    assert_eq!(hex(&client.trace_id), trace_id);
    let (upstream_trace, upstream_parent) = trace_and_parent(upstream_got);
    assert_eq!(
        upstream_trace, trace_id,
        "the upstream joined the caller's trace"
    );
    assert_eq!(
        upstream_parent,
        hex(&client.span_id),
        "under the client span"
    );
    let attribute = |span: &Span, key: &str| {
        span.attributes
            .iter()
            .find(|attribute| attribute.key == key)
            .and_then(|attribute| attribute.value.as_ref())
            .map(|value| format!("{value:?}"))
            .unwrap_or_else(|| panic!("no `{key}` on `{}`", span.name))
    };
    assert!(attribute(client, "http.response.status_code").contains("200"));
    assert!(attribute(client, "http.request.method").contains("GET"));
    assert!(
        !attribute(client, "url.full").contains('?'),
        "no query string in url.full"
    );
}

fn names(spans: &[Span]) -> Vec<(String, i32)> {
    spans
        .iter()
        .map(|span| (span.name.clone(), span.kind))
        .collect()
}

fn traceparent_of(received: &support::recording_upstream::Received) -> String {
    received
        .headers
        .get("traceparent")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("no traceparent upstream: {:?}", received.headers))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_of_rest_and_mcp_calls_share_the_callers_trace_with_the_upstream() {
    let (collector, endpoint) = receiver().await;
    let (upstream, base) = support::recording_upstream::Upstream::start().await;
    let otel = [("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str())];

    // REST: the caller's context in its `traceparent` header.
    let rt = support::rest_capability::runtime(&base, &otel).expect("runtime");
    assert!(!naftiko_runtime::telemetry_active());
    assert!(naftiko_runtime::init_telemetry(&rt), "an endpoint is set");
    assert!(naftiko_runtime::telemetry_active());
    let server = Server::bind(rt).await.expect("bind");
    let rest = format!("http://{}", server.rest_addrs()[0]);
    let (stop_rest, rest_stopped) = tokio::sync::oneshot::channel::<()>();
    let rest_server = tokio::spawn(server.run(async {
        let _ = rest_stopped.await;
    }));
    let rest_trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let rest_caller = "00f067aa0ba902b7";
    let answer = support::rest_capability::client()
        .get(format!("{rest}/runs/r-10?page=2"))
        .header("traceparent", format!("00-{rest_trace}-{rest_caller}-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);

    // MCP: the caller's context in `params._meta` (SEP-414).
    let mcp_base = base.clone();
    let mcp_rt = Runtime::from_lookup(
        &support::mcp_capability::CAPABILITY,
        &move |name| match name {
            "RUNS_BASE_URL" => Some(mcp_base.clone()),
            "RUNS_MCP_ADDR" | "RUNS_MCP_PRIVATE_ADDR" => Some("127.0.0.1:0".to_owned()),
            _ => None,
        },
    )
    .expect("runtime");
    let server = Server::bind(mcp_rt).await.expect("bind");
    let harness = support::mcp_client::Harness {
        mcp_addr: server.mcp_addrs()[0],
        upstream_hits: Arc::default(),
    };
    let (stop_mcp, mcp_stopped) = tokio::sync::oneshot::channel::<()>();
    let mcp_server = tokio::spawn(server.run(async {
        let _ = mcp_stopped.await;
    }));
    let [(_, era), _] = support::mcp_client::eras();
    let client = support::mcp_client::connect(&harness, era).await;
    let mcp_trace = "0af7651916cd43dd8448eb211c80319c";
    let mcp_caller = "b7ad6b7169203331";
    let mut meta = RequestMetaObject::new();
    meta.set_traceparent(format!("00-{mcp_trace}-{mcp_caller}-01"));
    let mut request = CallToolRequestParams::new("get-run").with_arguments(
        support::mcp_client::arguments(serde_json::json!({"runId": "run-1"})),
    );
    request.meta = Some(meta);
    let result = support::mcp_client::bounded("tools/call", client.call_tool(request))
        .await
        .expect("tools/call");
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let _ = client.cancel().await;

    // Stopping flushes what the batch processor holds.
    let _ = stop_rest.send(());
    let _ = stop_mcp.send(());
    let _ = rest_server.await;
    let _ = mcp_server.await;
    naftiko_runtime::shutdown_telemetry().await;

    let received = upstream.received.lock().unwrap().clone();
    assert_eq!(received.len(), 2, "one upstream call each");
    let rest_upstream = traceparent_of(&received[0]);
    let mcp_upstream = traceparent_of(&received[1]);

    let collected = collector.lock().unwrap();
    check_call(
        &collected.spans,
        "GET /runs/{id}",
        (rest_trace, rest_caller),
        &rest_upstream,
    );
    check_call(
        &collected.spans,
        "tools/call get-run",
        (mcp_trace, mcp_caller),
        &mcp_upstream,
    );
    assert!(
        collected
            .service_names
            .iter()
            .all(|name| name.contains("runs")),
        "the capability's name by default: {:?}",
        collected.service_names
    );
    for metric in [
        "http.server.request.duration",
        "http.client.request.duration",
        "mcp.server.operation.duration",
    ] {
        assert!(
            collected.metrics.iter().any(|name| name == metric),
            "no `{metric}` among {:?}",
            collected.metrics
        );
    }
}
