//! What a REST adapter logs about a request carries no credential: not the caller's token
//! (right or wrong), nor query, cookie or header secrets, nor the upstream's own token. A test
//! binary of its own, so that its subscriber is the process's global one (see the test).

mod support;

use http::header;
use support::rest_capability::*;

/// Records every span field and event field as text, to look for leaked secrets.
#[derive(Clone, Default)]
struct TextRecorder {
    text: std::sync::Arc<std::sync::Mutex<String>>,
    next_id: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl tracing::field::Visit for TextRecorder {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let line = format!("{}={value:?}\n", field.name());
        self.text.lock().expect("recorder lock").push_str(&line);
    }
}

impl tracing::Subscriber for TextRecorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        span.record(&mut self.clone());
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::span::Id::from_u64(id + 1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut self.clone());
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut self.clone());
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn request_logs_carry_no_credentials() {
    use tower::Service as _;
    let recorder = TextRecorder::default();
    // The global default, in a test binary of its own: a thread-scoped subscriber can miss
    // events when tests on other threads register the same callsites at the same moment.
    tracing::subscriber::set_global_default(recorder.clone()).expect("the only subscriber");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("address");
    let rt = runtime(&format!("http://{closed}"), &[]).expect("runtime");
    let mut router = naftiko_runtime::__private::rest_router(rt, 1).expect("router");
    for token in ["caller-secret", "wrong-guess"] {
        let request = http::Request::get("/runs/r-10?api_key=query-secret")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::COOKIE, "session=cookie-secret")
            .header("x-api-key", "header-secret")
            .body(axum::body::Body::empty())
            .expect("request");
        std::future::poll_fn(|cx| {
            tower::Service::<http::Request<axum::body::Body>>::poll_ready(&mut router, cx)
        })
        .await
        .expect("ready");
        let response = router.call(request).await.expect("response");
        // The right token reaches the (closed) upstream; the wrong one is refused.
        assert!(
            matches!(response.status().as_u16(), 502 | 401),
            "{}",
            response.status()
        );
    }
    let logged = recorder.text.lock().expect("recorder lock").clone();
    assert!(
        logged.contains("/runs/r-10"),
        "nothing was logged: {logged}"
    );
    for secret in [
        "caller-secret",
        "wrong-guess",
        "query-secret",
        "cookie-secret",
        "header-secret",
        "up-secret",
    ] {
        assert!(!logged.contains(secret), "`{secret}` was logged:\n{logged}");
    }
}
