//! Path shapes of real APIs, from YAML to sockets: the generated tables of
//! `fixtures/path-shapes.yaml` served by the runtime, in front of a recording upstream that keeps
//! the exact request target of every call.

use std::sync::{Arc, Mutex};

use axum::extract::Request;
use naftiko_tests::goldens::path_shapes::Capability;

/// A loopback upstream that answers `ok` and records each request as `METHOD target`.
async fn recording_upstream() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let recorder = Arc::clone(&seen);
    let upstream = axum::Router::new().fallback(move |request: Request| {
        let recorder = Arc::clone(&recorder);
        async move {
            recorder
                .lock()
                .unwrap()
                .push(format!("{} {}", request.method(), request.uri()));
            "{}"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, upstream).await;
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn text_around_a_placeholder_is_routed_and_sent_upstream_exactly() {
    let (upstream, seen) = recording_upstream().await;
    let capability = Capability::from_lookup(&|name: &str| match name {
        "MEET_BASE_URL" => Some(format!("{upstream}/v2")),
        "ADS_BASE_URL" => Some(format!("{upstream}/v19.0")),
        "TELEGRAM_BASE_URL" => Some(upstream.clone()),
        "BOT_TOKEN" => Some("123:token".to_owned()),
        "API_ADDR" | "OPS_ADDR" => Some("127.0.0.1:0".to_owned()),
        _ => None,
    })
    .unwrap();
    let server = naftiko::Server::bind(capability.runtime().clone())
        .await
        .unwrap();
    let api = format!("http://{}", server.rest_addrs()[0]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();
    let status = |request: reqwest::RequestBuilder| async move {
        request.send().await.unwrap().status().as_u16()
    };

    // Google's custom method: the verb after `:` picks the route, the rest is the name.
    assert_eq!(
        status(http.post(format!("{api}/v2/conf-1:endActiveConference"))).await,
        200
    );
    // The same segment without the verb is the plain route of its own method.
    assert_eq!(status(http.get(format!("{api}/v2/conf-1"))).await, 200);
    // Facebook's ad account: `act_` is routed, and the input is what follows it.
    assert_eq!(
        status(http.get(format!("{api}/act_42/campaigns"))).await,
        200
    );
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "POST /v2/conf-1:endActiveConference",
            "GET /v2/conf-1",
            "GET /v19.0/act_42/campaigns",
        ]
    );

    // A segment without the route's text matches no route: 404, and nothing goes upstream.
    assert_eq!(status(http.post(format!("{api}/v2/conf-1"))).await, 404);
    assert_eq!(
        status(http.post(format!("{api}/v2/conf-1:cancel"))).await,
        404
    );
    assert_eq!(
        status(http.post(format!("{api}/v2/:endActiveConference"))).await,
        404
    );
    assert_eq!(status(http.get(format!("{api}/42/campaigns"))).await, 404);
    assert_eq!(status(http.get(format!("{api}/act_/campaigns"))).await, 404);
    // A value is still one segment upstream: its own `/` and `:` are percent-encoded.
    assert_eq!(
        status(http.post(format!("{api}/v2/a%2F..%3Ab:endActiveConference"))).await,
        200
    );
    assert_eq!(
        seen.lock().unwrap().last().map(String::as_str),
        Some("POST /v2/a%2F..%3Ab:endActiveConference")
    );
    assert_eq!(seen.lock().unwrap().len(), 4);
    let _ = stop.send(());
}

#[test]
fn the_openapi_document_keeps_the_text_around_placeholders() {
    let document: serde_json::Value =
        serde_json::from_str(&naftiko_tests::goldens::path_shapes::SPEC.rest[0].openapi).unwrap();
    let paths = document["paths"].as_object().unwrap();
    assert!(
        paths.contains_key("/v2/{name}:endActiveConference"),
        "{paths:?}"
    );
    assert!(
        paths.contains_key("/act_{accountId}/campaigns"),
        "{paths:?}"
    );
}

#[test]
fn a_namespace_without_base_uri_needs_its_variable_at_start_up() {
    let started = Capability::from_lookup(&|name: &str| match name {
        "MEET_BASE_URL" | "TELEGRAM_BASE_URL" => Some("http://127.0.0.1:9".to_owned()),
        "BOT_TOKEN" => Some("123:token".to_owned()),
        _ => None,
    });
    let Err(error) = started else {
        panic!("start-up without ADS_BASE_URL must fail");
    };
    let message = error.to_string();
    assert!(message.contains("ADS_BASE_URL"), "{message}");
    assert!(!message.contains("MEET_BASE_URL"), "{message}");
}

/// The bot token: `:` and `/` are percent-encoded in the path, so both forms are looked for.
const TOKEN: &str = "7357:SeCr3t/b0t-t0ken";
const TOKEN_IN_URL: &str = "7357%3ASeCr3t%2Fb0t-t0ken";

#[tokio::test]
async fn a_secret_in_the_path_reaches_the_upstream_and_nothing_else() {
    // Global, not per thread: a callsite first seen by another test's thread with no
    // subscriber would stay off otherwise. Only this test sets it.
    let recorder = TextRecorder::default();
    tracing::subscriber::set_global_default(recorder.clone()).unwrap();
    let (upstream, seen) = recording_upstream().await;
    // A port nothing listens on, for an upstream that cannot be reached.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap();
    let start = |base_url: String| {
        Capability::from_lookup(&move |name: &str| match name {
            "TELEGRAM_BASE_URL" => Some(base_url.clone()),
            "MEET_BASE_URL" | "ADS_BASE_URL" => Some("http://127.0.0.1:9".to_owned()),
            "BOT_TOKEN" => Some(TOKEN.to_owned()),
            "API_ADDR" | "OPS_ADDR" => Some("127.0.0.1:0".to_owned()),
            _ => None,
        })
        .unwrap()
    };
    let mut outputs: Vec<(&str, String)> = Vec::new();
    let http = reqwest::Client::new();
    for (base_url, status) in [(upstream.clone(), 200), (format!("http://{closed}"), 502)] {
        let capability = start(base_url);
        outputs.push((
            "Debug of the capability",
            format!("{:?}", capability.runtime()),
        ));
        let server = naftiko::Server::bind(capability.runtime().clone())
            .await
            .unwrap();
        let api = format!("http://{}", server.rest_addrs()[0]);
        let ops = format!("http://{}", server.control_addrs()[0]);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        let answer = http.get(format!("{api}/bot/me")).send().await.unwrap();
        assert_eq!(answer.status(), status);
        outputs.push(("REST answer", answer.text().await.unwrap()));
        let metrics = http.get(format!("{ops}/metrics")).send().await.unwrap();
        outputs.push(("metrics", metrics.text().await.unwrap()));
        // The typed client's error, as a program would print it.
        let called = capability
            .clients()
            .telegram
            .get_me(naftiko_tests::goldens::path_shapes::consumes::telegram::GetMeInput {})
            .await;
        match called {
            Ok(response) => outputs.push(("client answer", format!("{response:?}"))),
            Err(error) => outputs.push(("client error", format!("{error} / {error:?}"))),
        }
        let _ = stop.send(());
        let _ = served.await;
    }
    // The key went where the spec puts it, and only there.
    assert_eq!(
        seen.lock().unwrap().first().map(String::as_str),
        Some(format!("POST /bot{TOKEN_IN_URL}/getMe").as_str())
    );
    assert!(
        outputs.iter().any(
            |(what, text)| *what == "REST answer" && text.contains("problem")
                || *what == "client error"
        ),
        "{outputs:?}"
    );

    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/path-shapes.yaml");
    let checked = naftiko_codegen::check(&spec, "path-shapes.yaml");
    let capability = checked.capability.as_ref().unwrap();
    let explained = naftiko_codegen::explain(capability, &checked.provenance);
    assert!(explained.contains("{{BOT_TOKEN}}"), "{explained}");
    outputs.push(("explain", explained));

    let logged = recorder.text.lock().unwrap().clone();
    // The spans of the route and of the upstream call were recorded, naming the key only.
    assert!(logged.contains("/bot/me"), "nothing was traced: {logged}");
    assert!(logged.contains("/bot{{BOT_TOKEN}}/getMe"), "{logged}");
    outputs.push(("spans and events at every level", logged));
    for (what, text) in &outputs {
        for form in [TOKEN, TOKEN_IN_URL, "SeCr3t"] {
            assert!(
                !text.contains(form),
                "the token shows in the {what}:\n{text}"
            );
        }
    }
}

/// Records every span field and event field, at every level and from every crate, as text.
#[derive(Clone, Default)]
struct TextRecorder {
    text: Arc<Mutex<String>>,
    next_id: Arc<std::sync::atomic::AtomicU64>,
}

impl tracing::field::Visit for TextRecorder {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let line = format!("{}={value:?}\n", field.name());
        self.text.lock().unwrap().push_str(&line);
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
