//! Without an OTLP endpoint, OpenTelemetry is not installed and nothing of a caller's trace
//! context goes upstream: an operation call is a new request, and the runtime neither reads
//! nor writes `traceparent` for it. A test binary of its own: whether telemetry is installed
//! is a property of the process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use naftiko_runtime::Server;

#[tokio::test]
async fn without_an_endpoint_nothing_is_installed_or_propagated() {
    let (upstream, base) = support::recording_upstream::Upstream::start().await;
    // A service name and a sampler alone do not turn it on.
    let rt = support::rest_capability::runtime(
        &base,
        &[
            ("OTEL_SERVICE_NAME", "runs"),
            ("OTEL_TRACES_SAMPLER", "always_on"),
        ],
    )
    .expect("runtime");
    assert!(!naftiko_runtime::init_telemetry(&rt));
    assert!(
        !naftiko_runtime::telemetry_active(),
        "no provider installed"
    );
    let server = Server::bind(rt).await.expect("bind");
    let rest = format!("http://{}", server.rest_addrs()[0]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let answer = support::rest_capability::client()
        .get(format!("{rest}/runs/r-10"))
        .header(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        )
        .header("tracestate", "vendor=1")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let _ = stop.send(());
    let _ = running.await;
    let received = upstream.received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert!(
        !received[0].headers.contains_key("traceparent")
            && !received[0].headers.contains_key("tracestate"),
        "{:?}",
        received[0].headers
    );
}
