//! MCP round trips on loopback: a stand-in upstream, the runtime's MCP router, and rmcp's own
//! client speaking both protocol eras (2025-11-25 with `initialize`, 2026-07-28 without).

mod support;

use std::sync::atomic::Ordering;

use rmcp::ClientLifecycleMode;
use rmcp::ServiceError;
use rmcp::model::{ErrorCode, GetPromptRequestParams, ReadResourceRequestParams, ResourceContents};
use serde_json::json;
use support::mcp_client::*;

#[tokio::test]
async fn tools_are_listed_with_schema_and_annotations_in_both_eras() {
    let harness = start(&[]).await;
    for (era_name, era) in eras() {
        let client = connect(&harness, era).await;
        let tools = bounded("tools/list", client.list_all_tools())
            .await
            .unwrap_or_else(|error| panic!("[{era_name}] tools/list failed: {error}"));
        let names: Vec<&str> = tools.iter().map(|tool| tool.name.as_ref()).collect();
        assert_eq!(names, ["get-run", "get-run-status"], "[{era_name}]");

        let get_run = &tools[0];
        assert_eq!(get_run.title.as_deref(), Some("Get a run"), "[{era_name}]");
        assert_eq!(
            get_run.description.as_deref(),
            Some("Get one run by its id.")
        );
        let annotations = get_run.annotations.clone().unwrap_or_default();
        assert_eq!(annotations.read_only_hint, Some(true), "[{era_name}]");
        assert_eq!(annotations.destructive_hint, Some(false), "[{era_name}]");
        assert_eq!(annotations.idempotent_hint, Some(true), "[{era_name}]");
        assert_eq!(annotations.open_world_hint, Some(true), "[{era_name}]");
        assert_eq!(
            tools[1]
                .annotations
                .clone()
                .unwrap_or_default()
                .open_world_hint,
            Some(false)
        );

        let schema = serde_json::Value::Object((*get_run.input_schema).clone());
        assert_eq!(schema["type"], "object", "[{era_name}]");
        assert_eq!(schema["required"], json!(["runId"]), "[{era_name}]");
        assert_eq!(
            schema["properties"]["runId"]["type"], "string",
            "[{era_name}]"
        );

        // The era really was the one asked for, and the server names itself after the adapter.
        let info = client.peer_info();
        let version = info.as_ref().map(|info| info.protocol_version.to_string());
        assert_eq!(version.as_deref(), Some(era_name));
        let server_name = info
            .as_ref()
            .and_then(|info| info.server_info.as_ref())
            .map(|server| server.name.clone());
        assert_eq!(server_name.as_deref(), Some("runs-mcp"), "[{era_name}]");
        let instructions = info.as_ref().and_then(|info| info.instructions.clone());
        assert_eq!(
            instructions.as_deref(),
            Some("Look at Inngest runs."),
            "[{era_name}]"
        );
        let _ = client.cancel().await;
    }
}

#[tokio::test]
async fn a_call_returns_structured_content_and_the_same_json_as_text() {
    let harness = start(&[]).await;
    for (era_name, era) in eras() {
        let client = connect(&harness, era).await;
        let result = call(&client, "get-run", json!({"runId": "run-1"}))
            .await
            .unwrap_or_else(|error| panic!("[{era_name}] get-run failed: {error}"));
        assert_ne!(result.is_error, Some(true), "[{era_name}] {result:?}");
        let expected = json!({"data": {"id": "run-1", "status": "Running"}});
        assert_eq!(
            result.structured_content.as_ref(),
            Some(&expected),
            "[{era_name}]"
        );
        let text: serde_json::Value = serde_json::from_str(&text_of(&result))
            .unwrap_or_else(|error| panic!("[{era_name}] text block is not JSON: {error}"));
        assert_eq!(text, expected, "[{era_name}]");

        // A scalar answer is wrapped, so structured content stays an object.
        let status = call(&client, "get-run-status", json!({"runId": "run-1"}))
            .await
            .unwrap_or_else(|error| panic!("[{era_name}] get-run-status failed: {error}"));
        assert_eq!(
            status.structured_content,
            Some(json!({"result": "Running"})),
            "[{era_name}]"
        );
        let _ = client.cancel().await;
    }
}

#[tokio::test]
async fn an_upstream_404_is_an_error_result() {
    let harness = start(&[]).await;
    for (era_name, era) in eras() {
        let client = connect(&harness, era).await;
        let result = call(&client, "get-run", json!({"runId": "no-such-run"}))
            .await
            .unwrap_or_else(|error| panic!("[{era_name}] a 404 must be a result, got {error}"));
        assert_eq!(result.is_error, Some(true), "[{era_name}] {result:?}");
        let text = text_of(&result);
        assert!(text.contains("404"), "[{era_name}] {text}");
        assert!(text.contains("run not found"), "[{era_name}] {text}");
        let _ = client.cancel().await;
    }
}

#[tokio::test]
async fn bad_arguments_are_error_results_and_never_reach_upstream() {
    let harness = start(&[]).await;
    let client = connect(&harness, ClientLifecycleMode::Initialize).await;
    let cases = [
        (json!({}), "runId"),
        (json!({"runId": "run-1", "runid": "x"}), "runid"),
        (json!({"runId": {"nested": true}}), "runId"),
    ];
    for (args, named) in cases {
        let result = call(&client, "get-run", args.clone())
            .await
            .unwrap_or_else(|error| panic!("bad arguments {args} must be a result, got {error}"));
        assert_eq!(result.is_error, Some(true), "{args}: {result:?}");
        let text = text_of(&result);
        assert!(
            text.contains(named),
            "{args}: the error should name `{named}`: {text}"
        );
    }
    assert_eq!(
        harness.upstream_hits.load(Ordering::SeqCst),
        0,
        "a bad call reached upstream"
    );

    // The same client still works, and a good call does reach upstream.
    let result = call(&client, "get-run", json!({"runId": "run-1"})).await;
    assert!(result.is_ok_and(|result| result.is_error != Some(true)));
    assert_eq!(harness.upstream_hits.load(Ordering::SeqCst), 1);
    let _ = client.cancel().await;
}

#[tokio::test]
async fn an_unknown_tool_is_invalid_params() {
    let harness = start(&[]).await;
    for (era_name, era) in eras() {
        let client = connect(&harness, era).await;
        match call(&client, "no-such-tool", json!({})).await {
            Err(ServiceError::McpError(error)) => {
                assert_eq!(
                    error.code,
                    ErrorCode::INVALID_PARAMS,
                    "[{era_name}] {error:?}"
                );
                assert!(
                    error.message.contains("no-such-tool"),
                    "[{era_name}] {error:?}"
                );
            }
            other => panic!("[{era_name}] expected a -32602 error, got {other:?}"),
        }
        let _ = client.cancel().await;
    }
}

#[tokio::test]
async fn resources_and_prompts_are_served() {
    let harness = start(&[]).await;
    let client = connect(&harness, ClientLifecycleMode::Initialize).await;

    let resources = bounded("resources/list", client.list_all_resources())
        .await
        .unwrap_or_else(|error| panic!("resources/list failed: {error}"));
    assert_eq!(resources.len(), 1);
    assert_eq!(resources[0].uri, "naftiko://runs/readme");
    assert_eq!(resources[0].mime_type.as_deref(), Some("text/markdown"));

    let read = bounded(
        "resources/read",
        client.read_resource(ReadResourceRequestParams::new("naftiko://runs/readme")),
    )
    .await
    .unwrap_or_else(|error| panic!("resources/read failed: {error}"));
    match read.contents.first() {
        Some(ResourceContents::TextResourceContents {
            text, mime_type, ..
        }) => {
            assert!(text.starts_with("# Runs"), "{text}");
            assert_eq!(mime_type.as_deref(), Some("text/markdown"));
        }
        other => panic!("expected text contents, got {other:?}"),
    }

    let prompts = bounded("prompts/list", client.list_all_prompts())
        .await
        .unwrap_or_else(|error| panic!("prompts/list failed: {error}"));
    assert_eq!(prompts.len(), 1);
    let prompt_args = prompts[0].arguments.clone().unwrap_or_default();
    assert_eq!(
        prompt_args.first().and_then(|argument| argument.required),
        Some(true)
    );

    let rendered = bounded(
        "prompts/get",
        client.get_prompt(
            GetPromptRequestParams::new("explain-run")
                .with_arguments(arguments(json!({"runId": "run-9"}))),
        ),
    )
    .await
    .unwrap_or_else(|error| panic!("prompts/get failed: {error}"));
    let text = rendered
        .messages
        .first()
        .and_then(|message| message.content.as_text().map(|t| t.text.clone()));
    assert_eq!(text.as_deref(), Some("Explain run run-9."));

    match bounded(
        "prompts/get",
        client.get_prompt(GetPromptRequestParams::new("explain-run")),
    )
    .await
    {
        Err(ServiceError::McpError(error)) => {
            assert_eq!(error.code, ErrorCode::INVALID_PARAMS, "{error:?}");
            assert!(error.message.contains("runId"), "{error:?}");
        }
        other => panic!("a missing required prompt argument must be -32602, got {other:?}"),
    }
    let _ = client.cancel().await;
}

// Raw HTTP: what a browser or an attacker would send.

#[tokio::test]
async fn a_foreign_host_or_origin_is_refused() {
    let harness = start(&[]).await;
    let addr = harness.mcp_addr;
    let local = format!("127.0.0.1:{}", addr.port());
    assert_eq!(
        raw_post(addr, &local, None, INITIALIZE).await,
        200,
        "the control request must pass"
    );
    assert_eq!(
        raw_post(
            addr,
            &format!("localhost:{}", addr.port()),
            None,
            INITIALIZE
        )
        .await,
        200
    );
    assert_eq!(raw_post(addr, "evil.example", None, INITIALIZE).await, 403);
    assert_eq!(
        raw_post(
            addr,
            &format!("evil.example:{}", addr.port()),
            None,
            INITIALIZE
        )
        .await,
        403
    );
    let local_origin = format!("http://localhost:{}", addr.port());
    assert_eq!(
        raw_post(addr, &local, Some(&local_origin), INITIALIZE).await,
        200
    );
    assert_eq!(
        raw_post(addr, &local, Some("http://evil.example"), INITIALIZE).await,
        403
    );
}

#[tokio::test]
async fn allowed_hosts_and_body_limit_come_from_the_environment() {
    let harness = start(&[
        ("RUNS_MCP_ALLOWED_HOSTS", "mcp.example.com"),
        ("RUNS_MCP_MAX_BODY_BYTES", "1024"),
    ])
    .await;
    let addr = harness.mcp_addr;
    assert_eq!(
        raw_post(addr, "mcp.example.com", None, INITIALIZE).await,
        200
    );
    assert_eq!(
        raw_post(
            addr,
            &format!("127.0.0.1:{}", addr.port()),
            None,
            INITIALIZE
        )
        .await,
        403
    );

    let padded = INITIALIZE.replacen(
        r#""name":"raw""#,
        &format!(r#""name":"{}""#, "r".repeat(2048)),
        1,
    );
    assert_eq!(raw_post(addr, "mcp.example.com", None, &padded).await, 413);
}

#[tokio::test]
async fn an_adapter_with_authentication_refuses_a_caller_without_credentials() {
    let harness = start_adapter(1, &[]).await;
    let addr = harness.mcp_addr;
    let local = format!("127.0.0.1:{}", addr.port());
    assert_eq!(raw_post(addr, &local, None, INITIALIZE).await, 401);
}

#[tokio::test]
async fn an_adapter_with_authentication_serves_a_caller_with_the_token() {
    let harness = start_adapter(1, &[]).await;
    let url = format!("http://127.0.0.1:{}/mcp", harness.mcp_addr.port());
    let client = reqwest::Client::new();
    let send = |token: &'static str| {
        client
            .post(&url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .bearer_auth(token)
            .body(INITIALIZE)
            .send()
    };
    let ok = send("s3cret")
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(ok, 200);
    let wrong = send("s3cres")
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(wrong, 401);
}

#[tokio::test]
async fn sessions_can_be_turned_on_for_old_clients() {
    let harness = start(&[("RUNS_MCP_SESSIONS", "true")]).await;
    // With sessions on, the initialize answer names a session the client must send back.
    let local = format!("127.0.0.1:{}", harness.mcp_addr.port());
    let head = raw_exchange(harness.mcp_addr, &local, None, INITIALIZE)
        .await
        .to_ascii_lowercase();
    assert!(head.contains("mcp-session-id:"), "{head}");

    let client = connect(&harness, ClientLifecycleMode::Initialize).await;
    let result = call(&client, "get-run", json!({"runId": "run-1"}))
        .await
        .unwrap_or_else(|error| panic!("get-run over a session failed: {error}"));
    assert_eq!(
        result
            .structured_content
            .map(|content| content["data"]["id"].clone()),
        Some(json!("run-1"))
    );
    let _ = client.cancel().await;
}

/// `ttlMs` and `cacheScope` of the adapter reach the cacheable results of a 2026-07-28 client.
#[tokio::test]
async fn cache_hints_of_the_adapter_are_on_its_list_and_read_results() {
    use rmcp::model::CacheScope;
    let era = ClientLifecycleMode::Discover {
        preferred_versions: vec![rmcp::model::ProtocolVersion::V_2026_07_28],
    };
    let harness = start(&[]).await;
    let client = connect(&harness, era).await;
    let tools = bounded("tools/list", client.list_tools(None))
        .await
        .unwrap_or_else(|error| panic!("tools/list failed: {error}"));
    assert_eq!(
        (tools.ttl_ms, tools.cache_scope),
        (Some(60_000), Some(CacheScope::Public))
    );
    let resources = bounded("resources/list", client.list_resources(None))
        .await
        .unwrap_or_else(|error| panic!("resources/list failed: {error}"));
    assert_eq!(resources.ttl_ms, Some(60_000));
    let prompts = bounded("prompts/list", client.list_prompts(None))
        .await
        .unwrap_or_else(|error| panic!("prompts/list failed: {error}"));
    assert_eq!(prompts.cache_scope, Some(CacheScope::Public));
    let read = bounded(
        "resources/read",
        client.read_resource(ReadResourceRequestParams::new("naftiko://runs/readme")),
    )
    .await
    .unwrap_or_else(|error| panic!("resources/read failed: {error}"));
    assert_eq!(
        (read.ttl_ms, read.cache_scope),
        (Some(60_000), Some(CacheScope::Public))
    );
}

/// Stateless `tools/call` requests are answered in front of rmcp (`direct.rs`). Every request
/// here goes to a server doing that and to one handing everything to rmcp
/// (`RUNS_MCP_DIRECT_CALLS=false`): the answers must be the same, byte for byte once parsed.
#[tokio::test]
async fn direct_tool_calls_answer_what_rmcp_answers() {
    let direct = start(&[]).await;
    let rmcp_only = start(&[("RUNS_MCP_DIRECT_CALLS", "false")]).await;
    let http = reqwest::Client::new();

    let call = |params: &str| {
        format!(r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{params}}}"#)
    };
    let good = call(r#"{"name":"get-run","arguments":{"runId":"run-1"}}"#);
    let plain: &[(&str, &str)] = &[
        ("accept", "application/json, text/event-stream"),
        ("content-type", "application/json"),
    ];
    // What the case is, its headers, its body.
    type Case<'a> = (String, Vec<(&'a str, &'a str)>, String);
    let mut cases: Vec<Case> = Vec::new();
    for version in ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"] {
        let mut headers = plain.to_vec();
        headers.push(("mcp-protocol-version", version));
        cases.push((format!("a call, {version}"), headers, good.clone()));
    }
    let mut with = |what: &str, extra: &[(&'static str, &'static str)], body: String| {
        let mut headers = plain.to_vec();
        for (name, value) in extra {
            headers.retain(|(present, _)| present != name);
            headers.push((name, value));
        }
        cases.push((what.to_owned(), headers, body));
    };
    with("no protocol header", &[], good.clone());
    with(
        "an upstream 404",
        &[],
        call(r#"{"name":"get-run","arguments":{"runId":"no-such-run"}}"#),
    );
    with(
        "a missing argument",
        &[],
        call(r#"{"name":"get-run","arguments":{}}"#),
    );
    with("no arguments", &[], call(r#"{"name":"get-run"}"#));
    with(
        "a mistyped argument",
        &[],
        call(r#"{"name":"get-run","arguments":{"runId":7}}"#),
    );
    with(
        "null arguments",
        &[],
        call(r#"{"name":"get-run","arguments":null}"#),
    );
    with(
        "an unknown tool",
        &[],
        call(r#"{"name":"nope","arguments":{}}"#),
    );
    with(
        "a string id and _meta",
        &[],
        r#"{"jsonrpc":"2.0","id":"abc","method":"tools/call","params":{"name":"get-run","arguments":{"runId":"run-1"},"_meta":{"progressToken":3,"traceparent":"00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"}}}"#.to_owned(),
    );
    with(
        "an unknown field",
        &[],
        call(r#"{"name":"get-run","arguments":{"runId":"run-1"},"extra":true}"#),
    );
    with(
        "a charset",
        &[("content-type", "application/json; charset=utf-8")],
        good.clone(),
    );
    with(
        "the 2026 era without _meta",
        &[("mcp-protocol-version", "2026-07-28")],
        good.clone(),
    );
    with(
        "an unknown era",
        &[("mcp-protocol-version", "1999-01-01")],
        good.clone(),
    );
    with("JSON only", &[("accept", "application/json")], good.clone());
    with("not JSON", &[("content-type", "text/plain")], good.clone());
    with("a broken body", &[], "{\"jsonrpc\":".to_owned());
    with(
        "JSON-RPC 1.0",
        &[],
        good.replacen(r#""2.0""#, r#""1.0""#, 1),
    );
    with(
        "a null id",
        &[],
        good.replacen(r#""id":1"#, r#""id":null"#, 1),
    );
    let run_1 = r#""params":{"name":"get-run","arguments":{"runId":"run-1"}}"#;
    for (what, body) in [
        ("a stray null result", format!(r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call",{run_1},"result":null}}"#)),
        ("a stray error", format!(r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call",{run_1},"error":{{}}}}"#)),
        ("an unknown top-level key", format!(r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call",{run_1},"x":[1]}}"#)),
        ("the method twice", format!(r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","method":"tools/call",{run_1}}}"#)),
        ("another spelling of the method", format!(r#"{{"jsonrpc":"2.0","id":1,"method":"Tools/call",{run_1}}}"#)),
        ("no jsonrpc", format!(r#"{{"id":1,"method":"tools/call",{run_1}}}"#)),
        ("a fractional id", format!(r#"{{"jsonrpc":"2.0","id":1.5,"method":"tools/call",{run_1}}}"#)),
        ("a negative id", format!(r#"{{"jsonrpc":"2.0","id":-3,"method":"tools/call",{run_1}}}"#)),
        ("no params", r#"{"jsonrpc":"2.0","id":1,"method":"tools/call"}"#.to_owned()),
        ("null params", r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":null}"#.to_owned()),
        ("a null _meta", call(r#"{"name":"get-run","arguments":{"runId":"run-1"},"_meta":null}"#)),
        ("a _meta that is no object", call(r#"{"name":"get-run","arguments":{"runId":"run-1"},"_meta":5}"#)),
        ("a name that is no string", call(r#"{"name":5,"arguments":{"runId":"run-1"}}"#)),
        ("arguments that are no object", call(r#"{"name":"get-run","arguments":[1]}"#)),
        ("escapes in the method", r#"{"jsonrpc":"2.0","id":1,"method":"tools\/call","params":{"name":"get-run","arguments":{"runId":"run-1"}}}"#.to_owned()),
    ] {
        with(what, &[], body);
    }
    with(
        "tools/list",
        &[],
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#.to_owned(),
    );

    for (what, headers, body) in &cases {
        let mut answers = Vec::new();
        for harness in [&direct, &rmcp_only] {
            let mut request = http.post(harness.url()).body(body.clone());
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let response = bounded(what, request.send())
                .await
                .unwrap_or_else(|error| panic!("[{what}] {error}"));
            let status = response.status();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let text = bounded(what, response.text())
                .await
                .unwrap_or_else(|error| panic!("[{what}] {error}"));
            // Parsed when it is JSON, so that key order does not count.
            let body = serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or(serde_json::Value::String(text));
            answers.push((status, content_type, body));
        }
        assert_eq!(answers[0], answers[1], "[{what}] direct, then rmcp");
    }
    // Both servers went upstream for the same calls.
    assert_eq!(
        direct.upstream_hits.load(Ordering::SeqCst),
        rmcp_only.upstream_hits.load(Ordering::SeqCst)
    );
    assert!(direct.upstream_hits.load(Ordering::SeqCst) >= 10);
}
