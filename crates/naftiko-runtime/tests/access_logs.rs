//! One access line per request at `info`, on REST, MCP and control listeners: what it names
//! (route template or tool, status, durations, the upstream's status and attempts) and what it
//! never does (a credential, a query string); a `warn` line per upstream retry. A test binary of its own, so that its subscriber is the
//! process's global one (a thread-scoped subscriber misses events of rmcp's tasks).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use http::header;
use naftiko_runtime::{Runtime, Server};

type Fields = BTreeMap<String, String>;

/// Keeps every access event's fields, and the text of every other event and span, to look for
/// leaked secrets.
#[derive(Clone, Default)]
struct Recorder {
    access: Arc<Mutex<Vec<Fields>>>,
    retries: Arc<Mutex<Vec<Fields>>>,
    text: Arc<Mutex<String>>,
    next_id: Arc<std::sync::atomic::AtomicU64>,
}

struct FieldVisitor<'a>(&'a mut Fields);

impl tracing::field::Visit for FieldVisitor<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl Recorder {
    fn keep_text(&self, fields: &Fields) {
        let mut text = self.text.lock().unwrap();
        for (name, value) in fields {
            text.push_str(&format!("{name}={value}\n"));
        }
    }

    /// The access lines of adapter `adapter` so far.
    fn lines_of(&self, adapter: &str) -> Vec<Fields> {
        self.access
            .lock()
            .unwrap()
            .iter()
            .filter(|line| line.get("adapter").map(String::as_str) == Some(adapter))
            .cloned()
            .collect()
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut fields = Fields::new();
        span.record(&mut FieldVisitor(&mut fields));
        self.keep_text(&fields);
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::span::Id::from_u64(id + 1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut fields = Fields::new();
        values.record(&mut FieldVisitor(&mut fields));
        self.keep_text(&fields);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields::new();
        event.record(&mut FieldVisitor(&mut fields));
        self.keep_text(&fields);
        if event.metadata().target() == "naftiko::access" {
            fields.insert("level".to_owned(), event.metadata().level().to_string());
            self.access.lock().unwrap().push(fields);
        } else if fields.get("message").map(String::as_str) == Some("retrying an upstream call") {
            fields.insert("level".to_owned(), event.metadata().level().to_string());
            self.retries.lock().unwrap().push(fields);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

fn field<'a>(line: &'a Fields, name: &str) -> &'a str {
    line.get(name)
        .map(String::as_str)
        .unwrap_or_else(|| panic!("no `{name}` in {line:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_has_one_access_line_without_secrets() {
    let recorder = Recorder::default();
    tracing::subscriber::set_global_default(recorder.clone()).expect("the only subscriber");
    let http = support::rest_capability::client();

    // REST, behind a bearer token, with a secret in the query string.
    let (upstream, base) = support::recording_upstream::Upstream::start().await;
    let rest = support::rest_capability::start(&base, &[]).await;
    let answer = http
        .get(format!("{}/runs/r-10?api_key=query-secret", rest.secure))
        .header(header::AUTHORIZATION, "Bearer caller-secret")
        .header(header::COOKIE, "session=cookie-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(upstream.received().len(), 1);
    let refused = http
        .get(format!("{}/runs/r-10", rest.secure))
        .header(header::AUTHORIZATION, "Bearer wrong-guess")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    let unmatched = http
        .get(format!("{}/nowhere/r-10?token=path-secret", rest.open))
        .send()
        .await
        .unwrap();
    assert_eq!(unmatched.status().as_u16(), 404);

    let lines = recorder.lines_of("runs-secure");
    assert_eq!(lines.len(), 2, "one line per request: {lines:#?}");
    let served = &lines[0];
    assert_eq!(field(served, "level"), "INFO");
    assert_eq!(field(served, "kind"), "rest");
    assert_eq!(field(served, "method"), "GET");
    assert_eq!(field(served, "route"), "/runs/{id}");
    assert_eq!(field(served, "status"), "200");
    assert_eq!(field(served, "upstream_status"), "200");
    assert_eq!(field(served, "upstream_attempts"), "1");
    assert!(
        field(served, "duration_ms").parse::<u64>().is_ok(),
        "{served:?}"
    );
    assert!(
        field(served, "upstream_ms").parse::<u64>().is_ok(),
        "{served:?}"
    );
    let refused = &lines[1];
    assert_eq!(field(refused, "status"), "401");
    assert!(
        !refused.contains_key("upstream_status"),
        "nothing went upstream: {refused:?}"
    );
    let lines = recorder.lines_of("runs-rest");
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_eq!(field(&lines[0], "route"), "(unmatched)");
    assert_eq!(field(&lines[0], "status"), "404");

    // MCP: the tool's name, and the upstream call its handler made in rmcp's task.
    let mcp_upstream = axum::Router::new()
        .route(
            "/v1/runs/{id}",
            axum::routing::get(support::mcp_client::upstream_run),
        )
        .with_state(Arc::default());
    let mcp_upstream = support::mcp_client::serve(mcp_upstream).await;
    let base_url = format!("http://{mcp_upstream}");
    let rt = Runtime::from_lookup(
        &support::mcp_capability::CAPABILITY,
        &move |name| match name {
            "RUNS_BASE_URL" => Some(base_url.clone()),
            "RUNS_MCP_ADDR" | "RUNS_MCP_PRIVATE_ADDR" => Some("127.0.0.1:0".to_owned()),
            _ => None,
        },
    )
    .expect("runtime");
    let server = Server::bind(rt).await.expect("bind");
    let mcp_addr = server.mcp_addrs()[0];
    let (stop_mcp, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let harness = support::mcp_client::Harness {
        mcp_addr,
        upstream_hits: Arc::default(),
    };
    let [(_, era), _] = support::mcp_client::eras();
    let client = support::mcp_client::connect(&harness, era).await;
    let result =
        support::mcp_client::call(&client, "get-run", serde_json::json!({"runId": "run-1"}))
            .await
            .expect("tools/call");
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let _ = client.cancel().await;
    let lines = recorder.lines_of("runs-mcp");
    let calls: Vec<&Fields> = lines
        .iter()
        .filter(|line| line.get("tool").map(String::as_str) == Some("get-run"))
        .collect();
    assert_eq!(calls.len(), 1, "{lines:#?}");
    assert_eq!(field(calls[0], "kind"), "mcp");
    assert_eq!(field(calls[0], "method"), "POST");
    assert_eq!(field(calls[0], "route"), "/mcp");
    assert_eq!(field(calls[0], "status"), "200");
    assert_eq!(field(calls[0], "upstream_status"), "200");
    let _ = stop_mcp.send(());

    // Control.
    let (_forward_upstream, base) = support::forward_capability::Upstream::start().await;
    let app = support::forward_capability::serve(support::forward_capability::runtime(&base)).await;
    let live = http
        .get(format!("{}/health/live", app.control))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status().as_u16(), 200);
    let lines = recorder.lines_of("control");
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_eq!(field(&lines[0], "kind"), "control");
    assert_eq!(field(&lines[0], "route"), "/health/live");
    assert_eq!(field(&lines[0], "status"), "200");

    // A retried call: a `warn` line per retry, and the attempts on the access line.
    let closed = support::echo_upstream::closed_port().await;
    let retrying = support::rest_capability::start(
        &format!("http://127.0.0.1:{closed}"),
        &[("RUNS_API_RETRIES", "1")],
    )
    .await;
    let answer = http
        .get(format!("{}/runs/r-2", retrying.open))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 502);
    let lines = recorder.lines_of("runs-rest");
    let failed: Vec<&Fields> = lines
        .iter()
        .filter(|line| line.get("status").map(String::as_str) == Some("502"))
        .collect();
    assert_eq!(failed.len(), 1, "{lines:#?}");
    assert_eq!(field(failed[0], "upstream_attempts"), "2");
    assert_eq!(field(failed[0], "upstream_retries"), "1");
    assert!(!failed[0].contains_key("upstream_status"), "no answer came");
    let retries = recorder.retries.lock().unwrap().clone();
    assert_eq!(retries.len(), 1, "{retries:#?}");
    assert_eq!(field(&retries[0], "level"), "WARN");
    assert_eq!(field(&retries[0], "operation"), "getrun");
    assert_eq!(field(&retries[0], "reason"), "unanswered");
    assert_eq!(field(&retries[0], "retry"), "1");

    let access_text = format!("{:?}", recorder.access.lock().unwrap());
    assert!(
        !access_text.contains("r-10"),
        "a path was logged: {access_text}"
    );
    let logged = recorder.text.lock().unwrap().clone();
    for secret in [
        "caller-secret",
        "wrong-guess",
        "query-secret",
        "cookie-secret",
        "path-secret",
        "up-secret",
        "api_key",
    ] {
        assert!(!logged.contains(secret), "`{secret}` was logged:\n{logged}");
    }
    drop(rest);
    drop(retrying);
}
