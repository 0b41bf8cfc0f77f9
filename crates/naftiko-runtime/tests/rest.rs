//! Round trips through a REST adapter: a test client → the adapter → a stand-in upstream on
//! loopback that records what it receives (see `support::recording_upstream`).

mod support;

use std::borrow::Cow;
use std::net::SocketAddr;
use std::time::Duration;

use http::{StatusCode, header};
use naftiko_runtime::spec::{
    Auth, CapabilitySpec, Handler, List, RestAdapterSpec, RestRoute, list, text,
};
use naftiko_runtime::{Error, Runtime, Server};
use serde_json::{Value as Json, json};
use support::recording_upstream::*;
use support::rest_capability::*;

// ---------------------------------------------------------------------------------------------
// Tests.

#[tokio::test]
async fn get_reaches_upstream_with_method_path_and_auth_and_passes_bytes_through() {
    let (upstream, base) = Upstream::start().await;
    let app = start(&base, &[]).await;
    let response = client()
        .get(format!("{}/runs/r-1", app.open))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        response.text().await.expect("body"),
        r#"{ "id" : "r-1", "status" : "Running" }"#
    );

    let received = upstream.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].method, "GET");
    assert_eq!(received[0].path, "/v1/runs/r-1");
    assert_eq!(
        received[0].headers[header::AUTHORIZATION],
        "Bearer up-secret"
    );
}

#[tokio::test]
async fn post_sends_the_body_field() {
    let (upstream, base) = Upstream::start().await;
    let app = start(&base, &[]).await;
    let response = client()
        .post(format!("{}/runs/r-2/cancel", app.open))
        .json(&json!({"reason": "done", "ignored": 1}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    let received = upstream.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].method, "POST");
    assert_eq!(received[0].path, "/v1/runs/r-2/cancel");
    let sent: Json = serde_json::from_slice(&received[0].body).expect("upstream got JSON");
    assert_eq!(sent["reason"], "done");
}

#[tokio::test]
async fn mapped_route_shapes_json() {
    let (_upstream, base) = Upstream::start().await;
    let app = start(&base, &[]).await;
    let response = client()
        .get(format!("{}/runs/r-3/status", app.open))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        response.json::<Json>().await.expect("JSON"),
        json!({"state": "Running"})
    );
}

#[tokio::test]
async fn upstream_errors_pass_through_with_body_and_content_type() {
    let (_upstream, base) = Upstream::start().await;
    let app = start(&base, &[]).await;
    let missing = client()
        .get(format!("{}/runs/missing", app.open))
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        missing.headers()[header::CONTENT_TYPE],
        "application/vnd.runs+json"
    );
    assert_eq!(
        missing.text().await.expect("body"),
        r#"{"error":"run not found"}"#
    );

    let boom = client()
        .get(format!("{}/runs/boom", app.open))
        .send()
        .await
        .expect("request");
    assert_eq!(boom.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(boom.headers()[header::CONTENT_TYPE], "text/plain");
    assert_eq!(boom.text().await.expect("body"), "kaput");
}

#[tokio::test]
async fn unreachable_upstream_is_a_502_problem() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address")
    };
    let app = start(&format!("http://{closed}"), &[]).await;
    let response = client()
        .get(format!("{}/runs/r-4", app.open))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let doc = problem(response).await;
    assert_eq!(doc["status"], 502);
    assert!(!doc.to_string().contains("up-secret"));
}

#[tokio::test]
async fn slow_upstream_is_a_504_problem_after_the_timeout() {
    let (_upstream, base) = Upstream::start().await;
    let app = start(&base, &[("RUNS_API_TIMEOUT_MS", "200")]).await;
    let started = std::time::Instant::now();
    let response = client()
        .get(format!("{}/runs/slow", app.open))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(problem(response).await["status"], 504);
}

#[tokio::test]
async fn non_json_upstream_body_where_a_mapping_needs_json_is_a_502_problem() {
    let (_upstream, base) = Upstream::start().await;
    let app = start(&base, &[]).await;
    let response = client()
        .get(format!("{}/runs/html/status", app.open))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(problem(response).await["status"], 502);
}

#[tokio::test]
async fn missing_or_invalid_input_is_a_400_naming_the_field() {
    let (upstream, base) = Upstream::start().await;
    let app = start(&base, &[]).await;
    let no_reason = client()
        .post(format!("{}/runs/r-5/cancel", app.open))
        .json(&json!({"other": "x"}))
        .send()
        .await
        .expect("request");
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(no_reason).await["field"], "reason");

    let bad_limit = client()
        .get(format!("{}/runs?limit=lots", app.open))
        .send()
        .await
        .expect("request");
    assert_eq!(bad_limit.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(bad_limit).await["field"], "limit");

    let not_json = client()
        .post(format!("{}/runs/r-5/cancel", app.open))
        .header(header::CONTENT_TYPE, "application/json")
        .body("reason=done")
        .send()
        .await
        .expect("request");
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    assert_eq!(problem(not_json).await["field"], "body");

    assert!(upstream.received().is_empty(), "bad input reached upstream");

    let good_limit = client()
        .get(format!("{}/runs?limit=5", app.open))
        .send()
        .await
        .expect("request");
    assert_eq!(good_limit.status(), StatusCode::OK);
    assert_eq!(upstream.received()[0].query.as_deref(), Some("limit=5"));
}

#[tokio::test]
async fn oversized_body_is_refused() {
    let (upstream, base) = Upstream::start().await;
    let app = start(&base, &[("RUNS_REST_MAX_BODY_BYTES", "64")]).await;
    let reason = "x".repeat(100);
    let response = client()
        .post(format!("{}/runs/r-6/cancel", app.open))
        .json(&json!({ "reason": reason }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem(response).await["status"], 413);
    assert!(upstream.received().is_empty());
}

/// Whatever the caller puts in a path parameter, the upstream sees exactly one segment under
/// `/v1/runs/` holding exactly that value; the one value that cannot be one segment (a dot
/// segment, which URL resolution would remove) is refused with a 400 and never sent.
#[tokio::test]
async fn path_parameters_reach_upstream_as_one_segment() {
    let (upstream, base) = Upstream::start().await;
    let app = start(&base, &[]).await;
    // (sent, what the handler decodes it to, whether it must arrive or must be refused)
    let cases = [
        ("a%2F..%2Fb", "a/../b", true),
        ("..%2F..%2Fadmin", "../../admin", true),
        ("a%0D%0AX-Injected:%20yes", "a\r\nX-Injected: yes", true),
        ("%2E%2E", "..", false),
        ("a%3Fq=1%23frag", "a?q=1#frag", true),
    ];
    for (encoded, decoded, must_arrive) in cases {
        let before = upstream.received().len();
        let status = raw_get(&app.open, &format!("/runs/{encoded}")).await;
        let received = upstream.received();
        if !must_arrive {
            assert_eq!(
                status,
                StatusCode::BAD_REQUEST,
                "{decoded:?} must be refused"
            );
            assert_eq!(received.len(), before, "{decoded:?} refused but still sent");
            continue;
        }
        assert_eq!(received.len(), before + 1, "{decoded:?}: status {status}");
        let sent = &received[before];
        let segment = sent
            .path
            .strip_prefix("/v1/runs/")
            .unwrap_or_else(|| panic!("{decoded:?} sent to {}", sent.path));
        assert!(
            !segment.contains('/'),
            "{decoded:?} split into segments: {}",
            sent.path
        );
        let round_trip = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        assert_eq!(round_trip, decoded, "{decoded:?} sent as {}", sent.path);
        assert!(
            sent.query.is_none(),
            "{decoded:?} grew a query: {:?}",
            sent.query
        );
        assert!(sent.headers.get("x-injected").is_none());
    }
}

#[tokio::test]
async fn unknown_method_is_405_with_allow_and_unknown_path_is_404() {
    let (_upstream, base) = Upstream::start().await;
    let app = start(&base, &[]).await;
    let put = client()
        .put(format!("{}/runs/r-7", app.open))
        .send()
        .await
        .expect("request");
    assert_eq!(put.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(put.headers()[header::ALLOW], "GET,HEAD");
    assert_eq!(problem(put).await["status"], 405);

    let runs = client()
        .delete(format!("{}/runs", app.open))
        .send()
        .await
        .expect("request");
    assert_eq!(runs.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(runs.headers()[header::ALLOW], "GET,HEAD");

    let unknown = client()
        .get(format!("{}/nothing/here", app.open))
        .send()
        .await
        .expect("request");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(problem(unknown).await["status"], 404);
}

#[tokio::test]
async fn openapi_document_is_served_when_present() {
    let (_upstream, base) = Upstream::start().await;
    let app = start(&base, &[]).await;
    let open = client()
        .get(format!("{}/openapi.json", app.open))
        .send()
        .await
        .expect("request");
    assert_eq!(open.status(), StatusCode::OK);
    assert_eq!(open.headers()[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        open.json::<Json>().await.expect("JSON"),
        json!({"openapi": "3.1.0"})
    );
    // The second adapter has no document, so no route.
    let secure = client()
        .get(format!("{}/openapi.json", app.secure))
        .send()
        .await
        .expect("request");
    assert_eq!(secure.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn exposed_bearer_auth_is_checked() {
    let (upstream, base) = Upstream::start().await;
    let app = start(&base, &[]).await;
    for authorization in [
        None,
        Some("Bearer wrong"),
        Some("Bearer caller-secre"),
        Some("Basic caller-secret"),
    ] {
        let mut request = client().get(format!("{}/runs/r-8", app.secure));
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        let response = request.send().await.expect("request");
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{authorization:?}"
        );
        assert_eq!(
            response.headers()[header::WWW_AUTHENTICATE],
            "Bearer realm=\"runs-secure\""
        );
        let doc = problem(response).await;
        assert!(!doc.to_string().contains("caller-secret"));
    }
    assert!(upstream.received().is_empty());

    let allowed = client()
        .get(format!("{}/runs/r-8", app.secure))
        .bearer_auth("caller-secret")
        .send()
        .await
        .expect("request");
    assert_eq!(allowed.status(), StatusCode::OK);
    // The caller's credential is not forwarded; the upstream gets its own.
    assert_eq!(
        upstream.received()[0].headers[header::AUTHORIZATION],
        "Bearer up-secret"
    );
}

#[tokio::test]
async fn graceful_shutdown_lets_an_in_flight_request_finish() {
    let (upstream, base) = Upstream::start().await;
    let mut app = start(&base, &[]).await;
    let url = format!("{}/runs/held", app.open);
    let in_flight = tokio::spawn(async move { client().get(url).send().await });

    // Bounded wait until the request has reached the upstream, so it is really in flight.
    let mut reached = false;
    for _ in 0..1000 {
        if !upstream.received().is_empty() {
            reached = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(reached, "the request never reached the upstream");

    if let Some(stop) = app.stop.take() {
        let _ = stop.send(());
    }
    // Timed by events, not by a margin: the server has taken the signal once it refuses new
    // connections; the upstream holds the request until released, so the server must still
    // be draining (returning now would let `main` end and drop the connection).
    let open = app.open.trim_start_matches("http://").to_owned();
    let mut refused = false;
    for _ in 0..1000 {
        if tokio::net::TcpStream::connect(&open).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        refused,
        "still accepting connections 10 s after the stop signal"
    );
    assert!(
        !app.server.is_finished(),
        "the server stopped before its in-flight request finished"
    );
    upstream.release_held();
    let response = in_flight
        .await
        .expect("task")
        .expect("in-flight request completed");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.expect("body"), r#"{"finished":true}"#);

    let stopped = tokio::time::timeout(Duration::from_secs(10), &mut app.server).await;
    assert!(
        matches!(stopped, Ok(Ok(Ok(())))),
        "server did not stop cleanly: {stopped:?}"
    );
    let after = client().get(format!("{}/runs/r-9", app.open)).send().await;
    assert!(after.is_err(), "still serving after shutdown");
}

#[tokio::test]
async fn bind_failure_names_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr: SocketAddr = taken.local_addr().expect("address");
    let rt = runtime(
        "http://127.0.0.1:9",
        &[("RUNS_REST_ADDR", &addr.to_string())],
    )
    .expect("runtime");
    let error = Server::bind(rt).await.expect_err("port is taken");
    assert!(matches!(error, Error::Serve(_)));
    assert!(error.to_string().contains(&addr.to_string()), "{error}");
}

#[test]
fn a_route_table_axum_would_panic_on_is_an_error() {
    const CONFLICTING: List<RestRoute> = Cow::Borrowed(&[
        RestRoute {
            method: text("GET"),
            path: text("/runs/{id}"),
            name: text("a"),
            description: text(""),
            inputs: list(&[]),
            output_schema: None,
            handler: Handler::Static {
                body: text("{}"),
                content_type: text("application/json"),
            },
        },
        RestRoute {
            method: text("GET"),
            path: text("/runs/{runId}/jobs"),
            name: text("b"),
            description: text(""),
            inputs: list(&[]),
            output_schema: None,
            handler: Handler::Static {
                body: text("[]"),
                content_type: text("application/json"),
            },
        },
    ]);
    static BROKEN: CapabilitySpec = CapabilitySpec {
        name: text("broken"),
        description: text(""),
        consumes: list(&[]),
        secrets: list(&[]),
        rest: Cow::Borrowed(&[RestAdapterSpec {
            namespace: text("broken-rest"),
            env_prefix: text("BROKEN_REST"),
            default_addr: text("127.0.0.1:0"),
            description: text(""),
            routes: CONFLICTING,
            openapi: text(""),
            auth: Auth::None,
            forwards: list(&[]),
        }]),
        mcp: list(&[]),
        control: list(&[]),
    };
    let rt = Runtime::from_lookup(&BROKEN, &|_| None).expect("runtime");
    let error = naftiko_runtime::__private::rest_router(rt.clone(), 0).expect_err("conflict");
    assert!(matches!(error, Error::Serve(_)));
    assert!(
        error.to_string().contains("{id}") && error.to_string().contains("{runId}"),
        "{error}"
    );
    assert!(matches!(
        naftiko_runtime::__private::rest_router(rt, 1),
        Err(Error::Serve(_))
    ));
}
