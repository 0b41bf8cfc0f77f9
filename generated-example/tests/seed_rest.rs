//! The seed's generated REST adapter over real sockets, against the Inngest stand-in (or a dead
//! or silent upstream): every route reaches the right upstream method and path with the bearer
//! token; upstream errors pass through with their bodies; our own errors are problem+json with
//! 400/502/504; nothing a caller puts in a path segment escapes it.

mod seed_server;

use std::net::SocketAddr;
use std::time::Duration;

use generated_example::from_build_rs::Capability;
use generated_example::standin::{self, DEMO_API_KEY, MISSING_RUN_ID, RUNNING_RUN_ID};

/// The seed served on loopback with `base_url` as its upstream; stops when dropped.
struct Served {
    rest: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn serve(base_url: String, extra: &'static [(&'static str, &'static str)]) -> Served {
    let lookup = move |name: &str| match name {
        "INNGEST_RUNS_BASE_URL" => Some(base_url.clone()),
        "INNGEST_API_KEY" => Some(DEMO_API_KEY.to_owned()),
        "INNGEST_RUNS_REST_ADDR" | "INNGEST_RUNS_MCP_ADDR" => Some("127.0.0.1:0".to_owned()),
        other => extra
            .iter()
            .find(|(k, _)| *k == other)
            .map(|(_, v)| v.to_string()),
    };
    let capability = Capability::from_lookup(&lookup).unwrap_or_else(|e| panic!("capability: {e}"));
    let server = naftiko::Server::bind(capability.runtime().clone())
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let rest = server.rest_addrs()[0];
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    Served {
        rest,
        stop: Some(stop),
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default()
}

/// Sends a request line as raw bytes, so no client tidies the path first; returns the status
/// and the body.
async fn raw_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let (status, text) = seed_server::raw_exchange(addr, request.as_bytes()).await;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_seed_route_reaches_its_upstream_method_and_path_with_the_bearer_token() {
    let upstream = standin::start()
        .await
        .unwrap_or_else(|e| panic!("stand-in: {e}"));
    let served = serve(upstream.base_url.clone(), &[]).await;
    let base = format!("http://{}", served.rest);
    let cases = [
        (
            "GET",
            format!("/v1/v1/runs/{RUNNING_RUN_ID}"),
            format!("/v1/runs/{RUNNING_RUN_ID}"),
        ),
        (
            "GET",
            format!("/v1/v1/runs/{RUNNING_RUN_ID}/jobs"),
            format!("/v1/runs/{RUNNING_RUN_ID}/jobs"),
        ),
        (
            "POST",
            format!("/v1/v1/runs/{RUNNING_RUN_ID}/cancel"),
            format!("/v1/runs/{RUNNING_RUN_ID}/cancel"),
        ),
    ];
    for (method, ours, theirs) in &cases {
        upstream.clear_requests();
        let request = match *method {
            "GET" => http().get(format!("{base}{ours}")),
            _ => http().post(format!("{base}{ours}")),
        };
        let status = request
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        assert_eq!(status, 200, "{method} {ours}");
        let seen = upstream.requests();
        assert_eq!(seen.len(), 1, "{method} {ours}");
        assert_eq!(
            (seen[0].method.as_str(), seen[0].path.as_str()),
            (*method, theirs.as_str())
        );
        let auth = seen[0]
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        assert_eq!(auth, Some(format!("Bearer {DEMO_API_KEY}").as_str()));
    }
    // The cancel took effect upstream: the run reads back Cancelled.
    let run: serde_json::Value = http()
        .get(format!("{base}/v1/v1/runs/{RUNNING_RUN_ID}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(run["data"]["status"], "Cancelled");
}

#[tokio::test(flavor = "multi_thread")]
async fn upstream_errors_pass_through_with_status_body_and_content_type() {
    let upstream = standin::start()
        .await
        .unwrap_or_else(|e| panic!("stand-in: {e}"));
    let served = serve(upstream.base_url.clone(), &[]).await;
    let base = format!("http://{}", served.rest);
    for (method, path, status) in [
        ("GET", format!("/v1/v1/runs/{MISSING_RUN_ID}"), 500),
        ("POST", format!("/v1/v1/runs/{MISSING_RUN_ID}/cancel"), 404),
    ] {
        let request = if method == "GET" {
            http().get(format!("{base}{path}"))
        } else {
            http().post(format!("{base}{path}"))
        };
        let answer = request.send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(answer.status().as_u16(), status, "{method} {path}");
        let content_type = answer
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        assert_eq!(content_type.as_deref(), Some("application/json"));
        let body: serde_json::Value = answer.json().await.unwrap_or_default();
        assert_eq!(
            body["error"],
            format!("Unable to load function run: {MISSING_RUN_ID}")
        );
        assert_eq!(body["status"], status);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_upstream_is_a_502_and_a_silent_one_a_504() {
    // Dead: a port nothing listens on.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap_or_else(|e| panic!("{e}"));
    let served = serve(format!("http://{dead}"), &[]).await;
    let answer = http()
        .get(format!(
            "http://{}/v1/v1/runs/{RUNNING_RUN_ID}",
            served.rest
        ))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer.status().as_u16(), 502);
    assert_eq!(
        answer
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );

    // Silent: accepts the connection and never answers; the timeout is 300 ms.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let silent_addr = silent.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        for _ in 0..4 {
            if let Ok((s, _)) = silent.accept().await {
                held.push(s);
            }
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
    });
    let served = serve(
        format!("http://{silent_addr}"),
        &[("INNGEST_RUNS_TIMEOUT_MS", "300")],
    )
    .await;
    let started = std::time::Instant::now();
    let answer = http()
        .get(format!(
            "http://{}/v1/v1/runs/{RUNNING_RUN_ID}",
            served.rest
        ))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer.status().as_u16(), 504);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let problem: serde_json::Value = answer.json().await.unwrap_or_default();
    assert_eq!(problem["status"], 504);
    hold.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_in_a_path_segment_escapes_it() {
    let upstream = standin::start()
        .await
        .unwrap_or_else(|e| panic!("stand-in: {e}"));
    let served = serve(upstream.base_url.clone(), &[]).await;
    // Percent-encoded traversal, encoded slash, query and fragment characters, CR/LF, unicode:
    // each arrives upstream as one encoded segment under /v1/runs/ (the stand-in then answers
    // 400 for a malformed run id, which passes through).
    for (sent, arrives) in [
        ("a%2F..%2Fb", "/v1/runs/a%2F..%2Fb"),
        ("a%2Fb", "/v1/runs/a%2Fb"),
        ("x%3Fy%23z", "/v1/runs/x%3Fy%23z"),
        ("a%0D%0AX-Evil:%201", "/v1/runs/a%0D%0AX-Evil%3A%201"),
        ("%C3%A9t%C3%A9", "/v1/runs/%C3%A9t%C3%A9"),
    ] {
        upstream.clear_requests();
        let (status, _) = raw_get(served.rest, &format!("/v1/v1/runs/{sent}")).await;
        assert_eq!(status, 400, "{sent}");
        let seen = upstream.requests();
        assert_eq!(seen.len(), 1, "{sent}");
        assert_eq!(seen[0].path, arrives, "{sent}");
        assert!(!seen[0].headers.contains_key("x-evil"));
    }
    // A whole segment of `..` cannot be sent safely at all: refused before any upstream call,
    // with a problem naming the input.
    upstream.clear_requests();
    let (status, body) = raw_get(served.rest, "/v1/v1/runs/%2E%2E").await;
    assert_eq!(status, 400);
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    assert_eq!(problem["field"], "runid", "{problem}");
    assert!(upstream.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_known_path_with_an_undeclared_method_is_405_with_allow() {
    let upstream = standin::start()
        .await
        .unwrap_or_else(|e| panic!("stand-in: {e}"));
    let served = serve(upstream.base_url.clone(), &[]).await;
    let answer = http()
        .delete(format!(
            "http://{}/v1/v1/runs/{RUNNING_RUN_ID}",
            served.rest
        ))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer.status().as_u16(), 405);
    let allow = answer
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(allow.contains("GET"), "{allow}");
    let openapi: serde_json::Value = http()
        .get(format!("http://{}/openapi.json", served.rest))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_default();
    assert_eq!(openapi["openapi"], "3.1.0");
    assert!(
        openapi["paths"]["/v1/v1/runs/{runid}"]["get"].is_object(),
        "{openapi}"
    );
}
