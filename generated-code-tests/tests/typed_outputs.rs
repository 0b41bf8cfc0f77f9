//! Outputs with a declared shape, used as a program would: the typed client returns the
//! operation's output struct (read against the Inngest stand-in on loopback), the MCP tool
//! publishes an `outputSchema` that its `structuredContent` validates against, and the OpenAPI
//! document carries the response schema.

use generated_example::standin::{self, COMPLETED_RUN_ID, DEMO_API_KEY, RUNNING_RUN_ID};
use naftiko::serde_json::{self, Value, json};
use naftiko_tests::goldens::typed_outputs::{Capability, SPEC, consumes::runs};

fn capability(base_url: String) -> Capability {
    Capability::from_lookup(&move |name: &str| match name {
        "RUNS_BASE_URL" => Some(base_url.clone()),
        "INNGEST_API_KEY" => Some(DEMO_API_KEY.to_owned()),
        "RUNS_REST_ADDR" | "RUNS_MCP_ADDR" => Some("127.0.0.1:0".to_owned()),
        _ => None,
    })
    .unwrap()
}

#[tokio::test]
async fn the_client_returns_the_declared_fields_typed() {
    let standin = standin::start().await.unwrap();
    let capability = capability(standin.base_url.clone());
    let client = &capability.clients().runs;

    let run: naftiko::Response<runs::GetRunOutput> = client
        .get_run(runs::GetRunInput {
            run_id: RUNNING_RUN_ID.into(),
        })
        .await
        .unwrap();
    let status: &String = &run.body.status;
    assert_eq!(status, "Running");
    assert_eq!(run.body.run_id, RUNNING_RUN_ID);
    assert_eq!(run.body.ended_at, None, "a running run has not ended");
    assert_eq!(run.body.output, None);
    assert!(run.body.metadata.fetched_at.is_some(), "{:?}", run.body);

    let done = client
        .get_run(runs::GetRunInput {
            run_id: COMPLETED_RUN_ID.into(),
        })
        .await
        .unwrap();
    assert_eq!(done.body.status, "Completed");
    assert!(done.body.ended_at.is_some());
    assert_eq!(
        done.body.output,
        Some(json!({ "invoiceId": "inv_4471", "emailed": true }))
    );

    // One array declared as the whole answer: the body is a `Vec` of its item struct.
    let jobs: Vec<runs::ListJobsOutputItem> = client
        .list_jobs(runs::ListJobsInput {
            run_id: RUNNING_RUN_ID.into(),
        })
        .await
        .unwrap()
        .body;
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].position, Some(0));
    assert!(jobs[0].id.is_some());
    standin.shutdown().await;
}

/// The JSON-RPC result of one MCP request, posted without a session.
async fn mcp(http: &reqwest::Client, url: &str, request: Value) -> Value {
    let answer = http
        .post(url)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", "2025-06-18")
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let text = answer.text().await.unwrap();
    let json = text
        .lines()
        .find_map(|line| line.strip_prefix("data:"))
        .unwrap_or(&text);
    let reply: Value = serde_json::from_str(json.trim()).unwrap();
    reply["result"].clone()
}

#[tokio::test]
async fn structured_content_validates_against_the_tool_output_schema() {
    let standin = standin::start().await.unwrap();
    let capability = capability(standin.base_url.clone());
    let server = naftiko::Server::bind(capability.runtime().clone())
        .await
        .unwrap();
    let url = format!("http://{}/mcp", server.mcp_addrs()[0]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();

    let list = mcp(
        &http,
        &url,
        json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
    )
    .await;
    let tools = list["tools"].as_array().unwrap();
    for (tool, arguments) in [
        ("run-status", json!({"runId": COMPLETED_RUN_ID})),
        ("job-count", json!({"runId": RUNNING_RUN_ID})),
    ] {
        let listed = tools.iter().find(|t| t["name"] == tool).unwrap();
        let schema = &listed["outputSchema"];
        assert_eq!(schema["type"], "object", "{tool}: {listed}");
        let validator = jsonschema::validator_for(schema).unwrap();
        let result = mcp(
            &http,
            &url,
            json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                   "params": {"name": tool, "arguments": arguments}}),
        )
        .await;
        assert_ne!(result["isError"], true, "{tool}: {result}");
        let content = &result["structuredContent"];
        let errors: Vec<String> = validator
            .iter_errors(content)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{tool}: {content} against {schema}: {errors:?}"
        );
        // The schema is not vacuous: a wrong type for a declared field fails it.
        let mut wrong = content.clone();
        match tool {
            "run-status" => wrong["status"] = json!(7),
            _ => wrong["result"] = json!("not a list"),
        }
        assert!(
            !validator.is_valid(&wrong),
            "{tool}: {wrong} should fail {schema}"
        );
    }
    let status = mcp(
        &http,
        &url,
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
               "params": {"name": "run-status", "arguments": {"runId": COMPLETED_RUN_ID}}}),
    )
    .await;
    assert_eq!(status["structuredContent"]["status"], "Completed");
    let _ = stop.send(());
    served.await.unwrap().unwrap();
    standin.shutdown().await;
}

#[test]
fn openapi_carries_the_response_schema() {
    let doc: Value = serde_json::from_str(&SPEC.rest[0].openapi).unwrap();
    let schema = &doc["paths"]["/runs/{runId}"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"];
    assert_eq!(schema["type"], "object", "{doc}");
    assert_eq!(schema["properties"]["status"]["type"], "string");
    assert_eq!(
        schema["properties"]["status"]["description"],
        "The run's status."
    );
    assert_eq!(
        schema["properties"]["endedAt"]["type"],
        json!(["string", "null"])
    );
    assert_eq!(schema["required"], json!(["status"]));
}
