//! A `forward` resource and a control adapter, from YAML to sockets: the generated tables of
//! `fixtures/forward-control.yaml` served by the runtime, in front of a recording upstream.

use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::http;
use naftiko::serde_json;
use naftiko_tests::goldens::forward_control::Capability;

#[tokio::test]
async fn the_generated_forward_proxies_and_the_control_adapter_counts_it() {
    let seen: Arc<Mutex<Vec<(String, http::HeaderMap)>>> = Arc::default();
    let recorder = Arc::clone(&seen);
    let upstream = axum::Router::new().fallback(move |request: Request| {
        let recorder = Arc::clone(&recorder);
        async move {
            let target = request.uri().to_string();
            recorder
                .lock()
                .unwrap()
                .push((target, request.headers().clone()));
            "ok"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream_addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, upstream).await;
    });

    let base_url = format!("http://{upstream_addr}/v1");
    let capability = Capability::from_lookup(&|name: &str| match name {
        "NOTION_BASE_URL" => Some(base_url.clone()),
        "NOTION_TOKEN" => Some("notion-secret".to_owned()),
        "PROXY_ADDR" | "OPS_ADDR" => Some("127.0.0.1:0".to_owned()),
        _ => None,
    })
    .unwrap();
    let server = naftiko::Server::bind(capability.runtime().clone())
        .await
        .unwrap();
    let proxy = format!("http://{}", server.rest_addrs()[0]);
    let ops = format!("http://{}", server.control_addrs()[0]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));

    let http = reqwest::Client::new();
    let answer = http
        .get(format!("{proxy}/notion/pages/p-1?filter=a"))
        .header("X-Request-Id", "req-7")
        .header("X-Other", "dropped")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), "ok");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        let (target, headers) = &seen[0];
        assert_eq!(target, "/v1/pages/p-1?filter=a");
        assert_eq!(headers["authorization"], "Bearer notion-secret");
        assert_eq!(headers["notion-version"], "2022-06-28");
        assert_eq!(headers["x-request-id"], "req-7");
        assert!(!headers.contains_key("x-other"));
    }

    let metrics = http
        .get(format!("{ops}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.lines().any(|line| line
            == "naftiko_http_requests_total{adapter=\"proxy\",route=\"notion-pass-through\",status=\"200\"} 1"),
        "{metrics}"
    );
    assert_eq!(
        http.get(format!("{ops}/health/ready"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let openapi: serde_json::Value = http
        .get(format!("{proxy}/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        openapi["paths"]["/notion/{path}"]["x-naftiko-forward"]["targetNamespace"],
        "notion"
    );
    let _ = stop.send(());
}
