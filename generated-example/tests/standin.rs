//! The Inngest runs stand-in over real HTTP: every behaviour the contract in
//! `shared/upstreams/` asks of it, seen from a plain reqwest client.

use std::time::Duration;

use generated_example::standin::{
    self, COMPLETED_RUN_ID, DEMO_API_KEY, FAILED_RUN_ID, MISSING_RUN_ID, RUNNING_RUN_ID, StandIn,
};
use reqwest::header::{ALLOW, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {:?}", self.body))
    }

    fn header(&self, name: reqwest::header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }
}

async fn send_with(
    standin: &StandIn,
    method: Method,
    path: &str,
    authorization: Option<&str>,
) -> Answer {
    let client = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("a client");
    let mut request = client.request(method, format!("{}{path}", standin.base_url));
    if let Some(authorization) = authorization {
        request = request.header(AUTHORIZATION, authorization);
    }
    let response = request.send().await.expect("the stand-in answers");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.expect("a body");
    Answer {
        status,
        headers,
        body,
    }
}

async fn send(standin: &StandIn, method: Method, path: &str) -> Answer {
    send_with(
        standin,
        method,
        path,
        Some(&format!("Bearer {DEMO_API_KEY}")),
    )
    .await
}

fn assert_v1_error(answer: &Answer, status: StatusCode, message: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.header(CONTENT_TYPE), "application/json");
    assert_eq!(
        answer.json(),
        json!({ "error": message, "data": null, "status": status.as_u16() })
    );
}

fn assert_rfc3339_millis(text: &Value) {
    let text = text
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {text}"));
    let shape_ok = text.len() == 24
        && text.char_indices().all(|(at, c)| match at {
            4 | 7 => c == '-',
            10 => c == 'T',
            13 | 16 => c == ':',
            19 => c == '.',
            23 => c == 'Z',
            _ => c.is_ascii_digit(),
        });
    assert!(shape_ok, "not YYYY-MM-DDTHH:MM:SS.mmmZ: {text}");
}

/// Checks the v1 success envelope and returns its `data`.
fn v1_data(answer: &Answer, cache_seconds: u32) -> Value {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.header(CONTENT_TYPE), "application/json");
    assert_eq!(
        answer.header(CACHE_CONTROL),
        format!("private, max-age={cache_seconds}")
    );
    let envelope = answer.json();
    let metadata = &envelope["metadata"];
    assert_rfc3339_millis(&metadata["fetched_at"]);
    assert_rfc3339_millis(&metadata["cached_until"]);
    // Same fixed-width format, so string order is time order.
    assert!(
        metadata["cached_until"].as_str() > metadata["fetched_at"].as_str(),
        "{metadata}"
    );
    envelope["data"].clone()
}

fn contract_run(run_id: &str, status: &str, ended_at: Value) -> Value {
    json!({
        "run_id": run_id,
        "run_started_at": "2026-03-14T09:21:07.412Z",
        "function_id": "3f1c9a6e-2b7d-4e58-9a0c-7d41e6b2f915",
        "function_version": 7,
        "environment_id": "b84e2d10-5c3a-4f9e-8e21-0a6c93d4e7b2",
        "event_id": "01KKNTCG9HN1P8R5T7W0A3C6EJ",
        "status": status,
        "ended_at": ended_at,
    })
}

#[tokio::test]
async fn get_running_run() {
    let standin = standin::start().await.expect("started");
    let answer = send(&standin, Method::GET, &format!("/v1/runs/{RUNNING_RUN_ID}")).await;
    assert_eq!(
        v1_data(&answer, 3),
        contract_run(RUNNING_RUN_ID, "Running", Value::Null)
    );
}

#[tokio::test]
async fn get_completed_and_failed_runs_with_output() {
    let standin = standin::start().await.expect("started");
    let completed = send(
        &standin,
        Method::GET,
        &format!("/v1/runs/{COMPLETED_RUN_ID}"),
    )
    .await;
    let mut expected = contract_run(
        COMPLETED_RUN_ID,
        "Completed",
        json!("2026-03-14T09:21:09.087Z"),
    );
    expected["output"] = json!({ "invoiceId": "inv_4471", "emailed": true });
    assert_eq!(v1_data(&completed, 3), expected);

    let failed = send(&standin, Method::GET, &format!("/v1/runs/{FAILED_RUN_ID}")).await;
    let mut expected = contract_run(FAILED_RUN_ID, "Failed", json!("2026-03-14T09:48:51.903Z"));
    expected["output"] = json!({ "name": "Error", "message": "payment gateway answered 503" });
    assert_eq!(v1_data(&failed, 3), expected);
}

#[tokio::test]
async fn run_ids_are_case_insensitive_and_answered_upper_case() {
    let standin = standin::start().await.expect("started");
    let lower = RUNNING_RUN_ID.to_ascii_lowercase();
    let answer = send(&standin, Method::GET, &format!("/v1/runs/{lower}")).await;
    assert_eq!(v1_data(&answer, 3)["run_id"], RUNNING_RUN_ID);
}

#[tokio::test]
async fn jobs_of_a_running_run_and_of_an_ended_one() {
    let standin = standin::start().await.expect("started");
    let running = send(
        &standin,
        Method::GET,
        &format!("/v1/runs/{RUNNING_RUN_ID}/jobs"),
    )
    .await;
    let jobs = v1_data(&running, 5);
    let [job] = jobs.as_array().expect("an array").as_slice() else {
        panic!("one queued job expected: {jobs}");
    };
    for key in ["JobID", "at", "position", "kind", "attempt", "Raw"] {
        assert!(job.get(key).is_some(), "{key} missing from {job}");
    }
    assert_eq!(job["kind"], "sleep");
    assert_eq!(job["at"], "2026-03-14T10:21:07.412Z");

    let completed = send(
        &standin,
        Method::GET,
        &format!("/v1/runs/{COMPLETED_RUN_ID}/jobs"),
    )
    .await;
    assert_eq!(v1_data(&completed, 5), json!([]));
}

async fn assert_cancel_ends_the_running_run(cancel_method: Method, cancel_path: &str) {
    let standin = standin::start().await.expect("started");
    let run_path = format!("/v1/runs/{RUNNING_RUN_ID}");

    let cancelled = send(&standin, cancel_method.clone(), cancel_path).await;
    assert_eq!(cancelled.status, StatusCode::OK);
    assert_eq!(cancelled.header(CONTENT_TYPE), "application/json");
    assert_eq!(cancelled.body, "", "v1 cancel has an empty body");

    let after = send(&standin, Method::GET, &run_path).await;
    let run = v1_data(&after, 3);
    assert_eq!(run["status"], "Cancelled");
    assert_rfc3339_millis(&run["ended_at"]);
    assert!(run["ended_at"].as_str() <= after.json()["metadata"]["fetched_at"].as_str());
    assert!(run.get("output").is_none(), "{run}");

    let jobs = send(&standin, Method::GET, &format!("{run_path}/jobs")).await;
    assert_eq!(v1_data(&jobs, 5), json!([]));

    // Real v1 answers 200 to cancelling an ended run, and the run keeps its end.
    let again = send(&standin, cancel_method, cancel_path).await;
    assert_eq!((again.status, again.body.as_str()), (StatusCode::OK, ""));
    let still = v1_data(&send(&standin, Method::GET, &run_path).await, 3);
    assert_eq!(still["ended_at"], run["ended_at"]);
}

#[tokio::test]
async fn post_cancel_moves_running_to_cancelled() {
    let path = format!("/v1/runs/{RUNNING_RUN_ID}/cancel");
    assert_cancel_ends_the_running_run(Method::POST, &path).await;
}

#[tokio::test]
async fn delete_moves_running_to_cancelled() {
    let path = format!("/v1/runs/{RUNNING_RUN_ID}");
    assert_cancel_ends_the_running_run(Method::DELETE, &path).await;
}

#[tokio::test]
async fn cancelling_an_ended_run_changes_nothing() {
    let standin = standin::start().await.expect("started");
    let cancel = send(
        &standin,
        Method::POST,
        &format!("/v1/runs/{COMPLETED_RUN_ID}/cancel"),
    )
    .await;
    assert_eq!((cancel.status, cancel.body.as_str()), (StatusCode::OK, ""));
    let run = v1_data(
        &send(
            &standin,
            Method::GET,
            &format!("/v1/runs/{COMPLETED_RUN_ID}"),
        )
        .await,
        3,
    );
    assert_eq!(
        (&run["status"], &run["ended_at"]),
        (&json!("Completed"), &json!("2026-03-14T09:21:09.087Z"))
    );
}

#[tokio::test]
async fn each_stand_in_has_its_own_runs() {
    let cancelled_here = standin::start().await.expect("started");
    let untouched = standin::start().await.expect("started");
    let cancel = format!("/v1/runs/{RUNNING_RUN_ID}/cancel");
    assert_eq!(
        send(&cancelled_here, Method::POST, &cancel).await.status,
        StatusCode::OK
    );
    let run = send(
        &untouched,
        Method::GET,
        &format!("/v1/runs/{RUNNING_RUN_ID}"),
    )
    .await;
    assert_eq!(v1_data(&run, 3)["status"], "Running");
}

#[tokio::test]
async fn missing_or_malformed_keys_are_401() {
    let standin = standin::start().await.expect("started");
    let run = format!("/v1/runs/{RUNNING_RUN_ID}");
    for (method, path) in [
        (Method::GET, run.clone()),
        (Method::GET, format!("{run}/jobs")),
        (Method::POST, format!("{run}/cancel")),
        (Method::DELETE, run.clone()),
        // The key is checked before the run id.
        (Method::GET, "/v1/runs/not-a-run".to_owned()),
    ] {
        let missing = send_with(&standin, method.clone(), &path, None).await;
        assert_v1_error(&missing, StatusCode::UNAUTHORIZED, "Unauthorized");
        for wrong in [
            DEMO_API_KEY,
            "Bearer sk-demo-0123",
            "Basic signkey-demo-0123",
            "Bearer signkey-demo-xyz",
        ] {
            let answer = send_with(&standin, method.clone(), &path, Some(wrong)).await;
            assert_v1_error(&answer, StatusCode::UNAUTHORIZED, "Unauthorized");
        }
    }
    // A rejected cancel must not cancel.
    let run_now = send(&standin, Method::GET, &run).await;
    assert_eq!(v1_data(&run_now, 3)["status"], "Running");

    let shouting = send_with(
        &standin,
        Method::GET,
        &run,
        Some("BEARER SIGNKEY-PROD-ABC123"),
    )
    .await;
    assert_eq!(
        shouting.status,
        StatusCode::OK,
        "the contract's key pattern is case-insensitive"
    );
}

#[tokio::test]
async fn malformed_run_ids_are_400() {
    let standin = standin::start().await.expect("started");
    for (method, path, shown) in [
        (Method::GET, "/v1/runs/not-a-run", "not-a-run"),
        (Method::GET, "/v1/runs/not-a-run/jobs", "not-a-run"),
        (Method::POST, "/v1/runs/not-a-run/cancel", "not-a-run"),
        (
            Method::DELETE,
            "/v1/runs/01KKNTCGA0T4V6X9B2C5D8F1G",
            "01KKNTCGA0T4V6X9B2C5D8F1G",
        ),
        (
            Method::GET,
            "/v1/runs/01KKNTCGA0T4V6X9B2C5D8F1GI",
            "01KKNTCGA0T4V6X9B2C5D8F1GI",
        ),
        (Method::GET, "/v1/runs/a%2F..%2Fb/jobs", "a/../b"),
    ] {
        let answer = send(&standin, method, path).await;
        assert_v1_error(
            &answer,
            StatusCode::BAD_REQUEST,
            &format!("Invalid run ID: {shown}"),
        );
    }
}

#[tokio::test]
async fn unknown_runs_are_500_on_reads_and_404_on_cancel() {
    let standin = standin::start().await.expect("started");
    let never_seeded = "7ZZZZZZZZZZZZZZZZZZZZZZZZZ";
    for run_id in [MISSING_RUN_ID, never_seeded] {
        let message = format!("Unable to load function run: {run_id}");
        let run = format!("/v1/runs/{run_id}");
        let read = send(&standin, Method::GET, &run).await;
        assert_v1_error(&read, StatusCode::INTERNAL_SERVER_ERROR, &message);
        let jobs = send(&standin, Method::GET, &format!("{run}/jobs")).await;
        assert_v1_error(&jobs, StatusCode::INTERNAL_SERVER_ERROR, &message);
        let post = send(&standin, Method::POST, &format!("{run}/cancel")).await;
        assert_v1_error(&post, StatusCode::NOT_FOUND, &message);
        let delete = send(&standin, Method::DELETE, &run).await;
        assert_v1_error(&delete, StatusCode::NOT_FOUND, &message);
    }
}

#[tokio::test]
async fn other_paths_are_404_and_other_methods_405() {
    let standin = standin::start().await.expect("started");
    for path in [
        "/",
        "/v1/runs",
        "/v2/runs/x",
        "/v1/runs//jobs",
        "/v1/runs/x/y/z",
    ] {
        let answer = send(&standin, Method::GET, path).await;
        assert_v1_error(
            &answer,
            StatusCode::NOT_FOUND,
            &format!("No route for GET {path}"),
        );
    }
    let run = format!("/v1/runs/{RUNNING_RUN_ID}");
    for (method, path, allowed) in [
        (Method::POST, run.clone(), "GET, DELETE"),
        (Method::GET, format!("{run}/cancel"), "POST"),
        (Method::DELETE, format!("{run}/jobs"), "GET"),
    ] {
        let answer = send(&standin, method, &path).await;
        assert_v1_error(
            &answer,
            StatusCode::METHOD_NOT_ALLOWED,
            "Method Not Allowed",
        );
        assert_eq!(answer.header(ALLOW), allowed);
    }
}

#[tokio::test]
async fn records_requests_as_they_arrived() {
    let standin = standin::start().await.expect("started");
    send(
        &standin,
        Method::GET,
        &format!("/v1/runs/{RUNNING_RUN_ID}?include=all"),
    )
    .await;
    send(&standin, Method::GET, "/v1/runs/a%2F..%2Fb").await;

    let requests = standin.requests();
    let [get_run, encoded] = requests.as_slice() else {
        panic!("two requests expected: {requests:?}");
    };
    assert_eq!(get_run.method, Method::GET);
    assert_eq!(get_run.path, format!("/v1/runs/{RUNNING_RUN_ID}"));
    assert_eq!(get_run.query.as_deref(), Some("include=all"));
    let sent_key = get_run
        .headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    assert_eq!(sent_key, Some(format!("Bearer {DEMO_API_KEY}").as_str()));
    assert!(get_run.body.is_empty());
    assert!(
        !format!("{get_run:?}").contains(DEMO_API_KEY),
        "the key leaked into Debug output"
    );
    assert_eq!(
        encoded.path, "/v1/runs/a%2F..%2Fb",
        "one encoded segment, not decoded"
    );

    standin.clear_requests();
    assert!(standin.requests().is_empty());
}

/// reqwest resolves dot segments before sending, so this one goes out over a bare socket.
#[tokio::test]
async fn records_dot_segments_unresolved() {
    let standin = standin::start().await.expect("started");
    let exchange = async {
        let mut socket = tokio::net::TcpStream::connect(standin.addr).await?;
        let request = "GET /v1/runs/a/../b HTTP/1.1\r\nHost: stand-in\r\nConnection: close\r\n\r\n";
        socket.write_all(request.as_bytes()).await?;
        let mut response = String::new();
        socket.read_to_string(&mut response).await?;
        std::io::Result::Ok(response)
    };
    let response = tokio::time::timeout(REQUEST_TIMEOUT, exchange)
        .await
        .expect("answered in time")
        .expect("a response");
    assert!(
        response.starts_with("HTTP/1.1 401"),
        "no key sent: {response}"
    );
    let paths: Vec<String> = standin
        .requests()
        .into_iter()
        .map(|request| request.path)
        .collect();
    assert_eq!(paths, ["/v1/runs/a/../b"]);
}

async fn connection_refused(base_url: &str) -> bool {
    let client = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("a client");
    matches!(client.get(base_url).send().await, Err(error) if error.is_connect())
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let standin = standin::start().await.expect("started");
    let base_url = standin.base_url.clone();
    assert_eq!(
        send(&standin, Method::GET, "/").await.status,
        StatusCode::NOT_FOUND
    );
    standin.shutdown().await;
    assert!(connection_refused(&base_url).await);
}

#[tokio::test]
async fn dropping_stops_the_server() {
    let standin = standin::start().await.expect("started");
    let base_url = standin.base_url.clone();
    drop(standin);
    // Drop only signals the server task, so give it a bounded moment to let go of the port.
    let mut refused = false;
    for _ in 0..100 {
        if connection_refused(&base_url).await {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "{base_url} still accepts connections");
}
