//! REST forwards: what a forward sends upstream (method, path, query, body, trusted headers,
//! namespace defaults and auth), what it refuses, and how upstream failures come back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::borrow::Cow;

use http::{StatusCode, header};
use naftiko_runtime::Runtime;
use naftiko_runtime::spec::*;
use support::forward_capability::*;

#[tokio::test]
async fn a_forwarded_request_carries_method_path_query_body_trusted_headers_and_auth() {
    let (upstream, base) = Upstream::start().await;
    let app = serve(runtime(&base)).await;
    let response = client()
        .post(format!("{}/notion/pages/p%201?x=1&y=two", app.rest))
        .bearer_auth(CALLER_TOKEN)
        .header("content-type", "text/plain")
        .header("X-Trace", "t-1")
        .header("notion-version", "2099-01-01")
        .header("X-Internal", "not for upstream")
        .header("Cookie", "session=ours")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["x-upstream"], "yes");
    assert_eq!(response.headers()[header::CONTENT_TYPE], "text/plain");
    assert_eq!(response.text().await.unwrap(), "got:hello");

    let received = upstream.received();
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(got.method, "POST");
    assert_eq!(
        got.path_and_query,
        "/v1/pages/p%201?x=1&y=two&api-version=1"
    );
    assert_eq!(got.body, b"hello");
    assert_eq!(got.headers["x-up-key"], UP_KEY);
    assert_eq!(got.headers["x-trace"], "t-1");
    // A trusted header the caller sends wins over the namespace's default.
    assert_eq!(got.headers["notion-version"], "2099-01-01");
    assert_eq!(got.headers[header::CONTENT_TYPE], "text/plain");
    assert_eq!(got.headers[header::CONTENT_LENGTH], "5");
    for dropped in ["authorization", "x-internal", "cookie"] {
        assert!(
            !got.headers.contains_key(dropped),
            "{dropped} reached upstream"
        );
    }
}

#[tokio::test]
async fn the_bare_prefix_and_its_trailing_slash_are_forwarded_with_namespace_defaults() {
    let (upstream, base) = Upstream::start().await;
    let app = serve(runtime(&base)).await;
    for path in ["/notion", "/notion/"] {
        let response = client()
            .delete(format!("{}{path}", app.rest))
            .bearer_auth(CALLER_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "{path}");
    }
    let received = upstream.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].method, "DELETE");
    assert_eq!(received[0].path_and_query, "/v1?api-version=1");
    assert_eq!(received[1].path_and_query, "/v1/?api-version=1");
    assert_eq!(received[0].headers["notion-version"], "2022-06-28");
    assert!(received[0].body.is_empty());
}

#[tokio::test]
async fn upstream_errors_pass_through_with_status_and_body() {
    let (_upstream, base) = Upstream::start().await;
    let app = serve(runtime(&base)).await;
    let response = client()
        .get(format!("{}/notion/pages/missing", app.rest))
        .bearer_auth(CALLER_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        response.text().await.unwrap(),
        "{\"error\":\"no such page\"}"
    );
}

#[tokio::test]
async fn dot_segments_are_refused_before_anything_is_sent() {
    let (upstream, base) = Upstream::start().await;
    let app = serve(runtime(&base)).await;
    for line in [
        "GET /notion/../admin HTTP/1.1",
        "GET /notion/a/../../secrets HTTP/1.1",
        "GET /notion/%2e%2E/admin HTTP/1.1",
        "GET /notion/a%2F..%2F..%2Fadmin HTTP/1.1",
        "GET /notion/. HTTP/1.1",
    ] {
        assert_eq!(raw_status(&app.rest, line).await, 400, "{line}");
    }
    assert!(upstream.received().is_empty(), "{:?}", upstream.received());
    // Dots inside a segment are just text.
    assert_eq!(
        raw_status(&app.rest, "GET /notion/v1..2 HTTP/1.1").await,
        201
    );
    assert_eq!(
        upstream.received()[0].path_and_query,
        "/v1/v1..2?api-version=1"
    );
}

#[tokio::test]
async fn declared_routes_keep_their_methods_and_the_others_are_forwarded() {
    let (upstream, base) = Upstream::start().await;
    let app = serve(runtime(&base)).await;
    let declared = client()
        .get(format!("{}/notion/special", app.rest))
        .bearer_auth(CALLER_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status(), StatusCode::OK);
    assert_eq!(declared.text().await.unwrap(), "{\"special\":true}");
    assert!(upstream.received().is_empty());

    let other_method = client()
        .put(format!("{}/notion/special", app.rest))
        .bearer_auth(CALLER_TOKEN)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(other_method.status(), StatusCode::CREATED);
    let deeper = client()
        .get(format!("{}/notion/special/child", app.rest))
        .bearer_auth(CALLER_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(deeper.status(), StatusCode::CREATED);
    let received = upstream.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].method, "PUT");
    assert_eq!(received[0].path_and_query, "/v1/special?api-version=1");
    assert_eq!(
        received[1].path_and_query,
        "/v1/special/child?api-version=1"
    );
}

#[tokio::test]
async fn callers_without_the_adapter_credential_are_refused() {
    let (upstream, base) = Upstream::start().await;
    let app = serve(runtime(&base)).await;
    let response = client()
        .get(format!("{}/notion/pages", app.rest))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(upstream.received().is_empty());
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_502_problem() {
    let closed = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    };
    let app = serve(runtime(&format!("http://{closed}/v1"))).await;
    let response = client()
        .get(format!("{}/notion/pages", app.rest))
        .bearer_auth(CALLER_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let metrics = client()
        .get(format!("{}/metrics", app.control))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            "naftiko_upstream_errors_total{namespace=\"up\",operation=\"notion-proxy\",kind=\"unanswered\"} 1\n"
        ),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_route_with_a_placeholder_where_a_forward_takes_sub_paths_is_refused() {
    static CLASH: CapabilitySpec = CapabilitySpec {
        name: text("clash"),
        description: text(""),
        consumes: CONSUMES,
        secrets: list(&[]),
        rest: Cow::Borrowed(&[RestAdapterSpec {
            namespace: text("clash"),
            env_prefix: text("CLASH"),
            default_addr: text("127.0.0.1:0"),
            description: text(""),
            routes: Cow::Borrowed(&[RestRoute {
                method: text("GET"),
                path: text("/notion/{id}"),
                name: text("by-id"),
                description: text(""),
                inputs: list(&[]),
                output_schema: None,
                handler: Handler::Static {
                    body: text("{}"),
                    content_type: text("application/json"),
                },
            }]),
            openapi: text(""),
            auth: Auth::None,
            forwards: Cow::Borrowed(&[RestForward {
                name: text("proxy"),
                prefix: text("/notion"),
                // `up`, the only consumed namespace.
                consumes: ConsumesId(0),
                trusted_headers: list(&[]),
                description: text(""),
            }]),
        }]),
        mcp: list(&[]),
        control: list(&[]),
    };
    let rt = Runtime::from_lookup(&CLASH, &|_| None).expect("runtime");
    let error = naftiko_runtime::__private::rest_router(rt, 0).expect_err("clash");
    assert!(error.to_string().contains("/notion/{id}"), "{error}");
}
