//! Control adapters: liveness, readiness (503 until every adapter is served) and the metrics of
//! REST routes, forwards and upstream calls.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use http::{StatusCode, header};
use naftiko_runtime::{Error, Hooks};
use support::forward_capability::*;

#[derive(Clone, Default)]
struct CountingHooks {
    answered: Arc<AtomicUsize>,
}

impl Hooks for CountingHooks {
    fn after(&self, _operation: &str, _status: StatusCode, _elapsed: Duration) {
        self.answered.fetch_add(1, Ordering::Relaxed);
    }
}

#[tokio::test]
async fn control_serves_liveness_readiness_and_metrics_after_requests() {
    let (_upstream, base) = Upstream::start().await;
    let hooks = CountingHooks::default();
    let app = serve(runtime(&base).with_hooks(hooks.clone())).await;
    let http = client();
    let call = |path: &str| {
        http.get(format!("{}{path}", app.rest))
            .bearer_auth(CALLER_TOKEN)
            .send()
    };
    assert_eq!(call("/notion/a").await.unwrap().status(), 201);
    assert_eq!(call("/notion/b").await.unwrap().status(), 201);
    assert_eq!(call("/notion/missing").await.unwrap().status(), 404);
    assert_eq!(call("/notion/broken").await.unwrap().status(), 502);
    assert_eq!(call("/notion/special").await.unwrap().status(), 200);
    assert_eq!(
        hooks.answered.load(Ordering::Relaxed),
        4,
        "user hooks still run"
    );

    let live = http
        .get(format!("{}/health/live", app.control))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    let ready = http
        .get(format!("{}/health/ready", app.control))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.unwrap(), "{\"status\":\"ready\"}");

    let metrics = http
        .get(format!("{}/metrics", app.control))
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), StatusCode::OK);
    assert!(
        metrics.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = metrics.text().await.unwrap();
    let proxy = "adapter=\"api\",route=\"notion-proxy\"";
    for line in [
        format!("naftiko_http_requests_total{{{proxy},status=\"201\"}} 2"),
        format!("naftiko_http_requests_total{{{proxy},status=\"404\"}} 1"),
        format!("naftiko_http_requests_total{{{proxy},status=\"502\"}} 1"),
        "naftiko_http_requests_total{adapter=\"api\",route=\"special\",status=\"200\"} 1".to_owned(),
        format!("naftiko_http_request_duration_seconds_count{{{proxy}}} 4"),
        format!("naftiko_http_request_duration_seconds_bucket{{{proxy},le=\"+Inf\"}} 4"),
        "naftiko_upstream_requests_total{namespace=\"up\",operation=\"notion-proxy\"} 4".to_owned(),
        "naftiko_upstream_errors_total{namespace=\"up\",operation=\"notion-proxy\",kind=\"status\"} 1"
            .to_owned(),
        "naftiko_upstream_errors_total{namespace=\"up\",operation=\"notion-proxy\",kind=\"unanswered\"} 0"
            .to_owned(),
        "# TYPE naftiko_http_request_duration_seconds histogram".to_owned(),
    ] {
        assert!(text.lines().any(|l| l == line), "missing `{line}` in:\n{text}");
    }
    let unknown = http
        .get(format!("{}/nope", app.control))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn readiness_is_503_until_the_adapters_are_served() {
    let rt = runtime("http://127.0.0.1:9/v1");
    // The control router alone, outside a `Server`: no adapter is being served.
    let router = naftiko_runtime::__private::control_router(rt.clone(), 0).expect("router");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let http = client();
    let ready = http
        .get(format!("http://{addr}/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(ready.text().await.unwrap().contains("0 of 0 adapters"));
    let live = http
        .get(format!("http://{addr}/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    assert!(matches!(
        naftiko_runtime::__private::control_router(rt, 1),
        Err(Error::Serve(_))
    ));
}

/// A capability with nothing but a control adapter that asks for a bearer token.
static GUARDED: naftiko_runtime::spec::CapabilitySpec = {
    use naftiko_runtime::spec::*;
    use std::borrow::Cow;
    CapabilitySpec {
        name: text("guarded"),
        description: text(""),
        consumes: list(&[]),
        secrets: Cow::Borrowed(&[SecretSpec {
            key: text("METRICS_TOKEN"),
            source_name: text("METRICS_TOKEN"),
            file: None,
        }]),
        rest: list(&[]),
        mcp: list(&[]),
        control: Cow::Borrowed(&[ControlAdapterSpec {
            namespace: text("control"),
            env_prefix: text("CONTROL"),
            default_addr: text("127.0.0.1:0"),
            auth: Auth::Bearer {
                token: Value::Secret(text("METRICS_TOKEN")),
            },
            metrics: true,
            observability: ObservabilitySpec::DEFAULT,
        }]),
    }
};

/// A control adapter whose `observability` turns `/metrics` off.
static NO_METRICS: naftiko_runtime::spec::CapabilitySpec = {
    use naftiko_runtime::spec::*;
    CapabilitySpec {
        name: text("quiet"),
        description: text(""),
        consumes: list(&[]),
        secrets: list(&[]),
        rest: list(&[]),
        mcp: list(&[]),
        control: std::borrow::Cow::Borrowed(&[ControlAdapterSpec {
            namespace: text("control"),
            env_prefix: text("CONTROL"),
            default_addr: text("127.0.0.1:0"),
            auth: Auth::None,
            metrics: false,
            observability: ObservabilitySpec {
                enabled: false,
                otlp_endpoint: None,
                trace_sampling: None,
            },
        }]),
    }
};

#[tokio::test]
async fn a_control_adapter_without_metrics_serves_health_only() {
    let rt = naftiko_runtime::Runtime::from_lookup(&NO_METRICS, &|name| match name {
        "CONTROL_ADDR" => Some("127.0.0.1:0".to_owned()),
        // `enabled: false` wins over the environment.
        "OTEL_EXPORTER_OTLP_ENDPOINT" => Some("http://127.0.0.1:9".to_owned()),
        _ => None,
    })
    .unwrap();
    assert!(
        !naftiko_runtime::init_telemetry(&rt),
        "observability.enabled: false exports nothing"
    );
    let server = naftiko_runtime::Server::bind(rt).await.unwrap();
    let base = format!("http://{}", server.control_addrs()[0]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let http = client();
    let live = http
        .get(format!("{base}/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    let metrics = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), StatusCode::NOT_FOUND);
    let problem = metrics.text().await.unwrap();
    assert!(
        problem.contains("try /health/live or /health/ready\""),
        "{problem}"
    );
    let _ = stop.send(());
    running.await.unwrap().unwrap();
}

fn guarded(token: &'static str) -> Result<naftiko_runtime::Runtime, Error> {
    naftiko_runtime::Runtime::from_lookup(&GUARDED, &move |name| match name {
        "METRICS_TOKEN" => Some(token.to_owned()),
        "CONTROL_ADDR" => Some("127.0.0.1:0".to_owned()),
        _ => None,
    })
}

#[tokio::test]
async fn a_control_adapter_with_authentication_refuses_callers_without_it() {
    let server = naftiko_runtime::Server::bind(guarded("ops-secret").unwrap())
        .await
        .unwrap();
    let base = format!("http://{}", server.control_addrs()[0]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let http = client();
    for path in ["/metrics", "/health/live", "/health/ready"] {
        let url = format!("{base}{path}");
        let anonymous = http.get(&url).send().await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert!(
            anonymous.headers()[header::WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .starts_with("Bearer"),
            "{path}"
        );
        let wrong = http.get(&url).bearer_auth("guess").send().await.unwrap();
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "{path}");
        let right = http
            .get(&url)
            .bearer_auth("ops-secret")
            .send()
            .await
            .unwrap();
        assert_eq!(right.status(), StatusCode::OK, "{path}");
    }
    let _ = stop.send(());
    running.await.unwrap().unwrap();
}

#[tokio::test]
async fn an_empty_expected_control_credential_stops_start_up() {
    let refused = match guarded("") {
        Ok(rt) => naftiko_runtime::Server::bind(rt).await.map(|_| ()),
        Err(error) => Err(error),
    };
    assert!(refused.is_err(), "served the control port to anyone");
}
