//! The seed's generated MCP server, driven by rmcp's own client over Streamable HTTP in both
//! protocol eras, against the Inngest stand-in: the three tools with the spec's names and hints
//! (plus the derived `openWorldHint`), `runId` a required string; a call returns the run; an
//! upstream error is an `isError` result; an unknown tool is JSON-RPC -32602.

use std::time::Duration;

use generated_example::from_macro::Capability;
use generated_example::standin::{self, DEMO_API_KEY, MISSING_RUN_ID, RUNNING_RUN_ID};
use rmcp::model::{CallToolRequestParams, ClientConfig, ErrorCode, ProtocolVersion};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::{ClientLifecycleMode, ClientServiceExt, ServiceError};

async fn bounded<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .unwrap_or_else(|_| panic!("{what} took over 20 s"))
}

fn args(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    match v {
        serde_json::Value::Object(o) => o,
        _ => serde_json::Map::new(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rmcp_client_lists_and_calls_the_seed_tools_in_both_eras() {
    let upstream = standin::start()
        .await
        .unwrap_or_else(|e| panic!("stand-in: {e}"));
    let base_url = upstream.base_url.clone();
    let lookup = move |name: &str| match name {
        "INNGEST_RUNS_BASE_URL" => Some(base_url.clone()),
        "INNGEST_API_KEY" => Some(DEMO_API_KEY.to_owned()),
        "INNGEST_RUNS_REST_ADDR" | "INNGEST_RUNS_MCP_ADDR" => Some("127.0.0.1:0".to_owned()),
        _ => None,
    };
    let capability = Capability::from_lookup(&lookup).unwrap_or_else(|e| panic!("{e}"));
    let server = naftiko::Server::bind(capability.runtime().clone())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let url = format!("http://{}/mcp", server.mcp_addrs()[0]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));

    let eras = [
        ClientLifecycleMode::Initialize,
        ClientLifecycleMode::Discover {
            preferred_versions: vec![ProtocolVersion::V_2026_07_28],
        },
    ];
    for era in eras {
        let transport = StreamableHttpClientTransport::from_uri(url.clone());
        let client = bounded(
            "connect",
            ClientConfig::default().serve_with_lifecycle(transport, era),
        )
        .await
        .unwrap_or_else(|e| panic!("client cannot start: {e}"));
        let tools = bounded("tools/list", client.list_all_tools())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "cancel-function-run",
                "get-function-run-status",
                "list-jobs-steps-run"
            ]
        );
        for t in &tools {
            let a = t.annotations.clone().unwrap_or_default();
            let expected = match t.name.as_ref() {
                // hints: readOnly true, destructive false, idempotent true; openWorld derived.
                "get-function-run-status" | "list-jobs-steps-run" => {
                    (Some(true), Some(false), Some(true), Some(true))
                }
                // hints: readOnly false, destructive false, idempotent false; openWorld derived.
                _ => (Some(false), Some(false), Some(false), Some(true)),
            };
            assert_eq!(
                (
                    a.read_only_hint,
                    a.destructive_hint,
                    a.idempotent_hint,
                    a.open_world_hint
                ),
                expected,
                "{}",
                t.name
            );
            let schema = serde_json::Value::Object((*t.input_schema).clone());
            assert_eq!(
                schema["required"],
                serde_json::json!(["runId"]),
                "{}",
                t.name
            );
            assert_eq!(
                schema["properties"]["runId"]["type"], "string",
                "{}",
                t.name
            );
        }

        let call = |tool: &'static str, v: serde_json::Value| {
            client.call_tool(CallToolRequestParams::new(tool).with_arguments(args(v)))
        };
        let run = bounded(
            "call",
            call(
                "get-function-run-status",
                serde_json::json!({"runId": RUNNING_RUN_ID}),
            ),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(run.is_error, Some(true), "{run:?}");
        let structured = run.structured_content.clone().unwrap_or_default();
        assert_eq!(structured["data"]["run_id"], RUNNING_RUN_ID);

        let missing = bounded(
            "call",
            call(
                "get-function-run-status",
                serde_json::json!({"runId": MISSING_RUN_ID}),
            ),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(missing.is_error, Some(true), "{missing:?}");
        // The stand-in answers 404 to cancelling an unknown run (500 to reading it).
        let not_found = bounded(
            "call",
            call(
                "cancel-function-run",
                serde_json::json!({"runId": MISSING_RUN_ID}),
            ),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(not_found.is_error, Some(true), "{not_found:?}");
        let text: String = not_found
            .content
            .iter()
            .filter_map(|c| c.as_text().map(|t| t.text.clone()))
            .collect();
        assert!(text.contains("404"), "{text}");

        let unknown = bounded("call", call("no-such-tool", serde_json::json!({}))).await;
        match unknown {
            Err(ServiceError::McpError(e)) => assert_eq!(e.code, ErrorCode::INVALID_PARAMS),
            other => panic!("expected -32602, got {other:?}"),
        }
        let _ = client.cancel().await;
    }
    let _ = stop.send(());
}
