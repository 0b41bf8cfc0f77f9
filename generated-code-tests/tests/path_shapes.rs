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
        "API_ADDR" => Some("127.0.0.1:0".to_owned()),
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
    assert_eq!(status(http.get(format!("{api}/act_42/campaigns"))).await, 200);
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
    assert_eq!(status(http.post(format!("{api}/v2/conf-1:cancel"))).await, 404);
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
    assert!(paths.contains_key("/v2/{name}:endActiveConference"), "{paths:?}");
    assert!(paths.contains_key("/act_{accountId}/campaigns"), "{paths:?}");
}

#[test]
fn a_namespace_without_base_uri_needs_its_variable_at_start_up() {
    let error = Capability::from_lookup(&|name: &str| match name {
        "MEET_BASE_URL" => Some("http://127.0.0.1:9".to_owned()),
        _ => None,
    })
    .err()
    .expect("start-up without ADS_BASE_URL must fail");
    let message = error.to_string();
    assert!(message.contains("ADS_BASE_URL"), "{message}");
    assert!(!message.contains("MEET_BASE_URL"), "{message}");
}
