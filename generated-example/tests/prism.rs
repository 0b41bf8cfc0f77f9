//! The requests our generated client sends, checked against the Inngest runs contract by a tool
//! we did not write: Prism (npm `@stoplight/prism-cli`) serves
//! `tests/contract/inngest-runs-openapi.yaml` as the upstream and answers 422/401 to any request
//! that does not match it (path pattern, a Bearer scheme present). generated-example runs as a
//! user would run it, pointed at Prism.

mod seed_server;

use std::process::{Command, Stdio};
use std::time::Duration;

const RUN: &str = "01KKNTCGA0T4V6X9B2C5D8F1GH";

struct Prism(std::process::Child);
impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seed_client_satisfies_the_upstream_contract_under_prism() {
    let Some(tools) = seed_server::tools("prism contract test") else {
        return;
    };
    let contract = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/contract/inngest-runs-openapi.yaml");
    let port = seed_server::free_port();
    let prism_js = tools.join("npm/node_modules/@stoplight/prism-cli/dist/index.js");
    let prism = Command::new(seed_server::node(&tools))
        .arg(&prism_js)
        .args([
            "mock",
            "--errors",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .arg(&contract)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start prism: {e}"));
    let _prism = Prism(prism);
    assert!(
        seed_server::wait_for_port(port, Duration::from_secs(60)),
        "prism did not start"
    );

    let base = format!("http://127.0.0.1:{port}");
    let server = seed_server::start(
        &[],
        &[
            ("INNGEST_RUNS_BASE_URL", base.as_str()),
            ("INNGEST_API_KEY", "signkey-test-0123abcd"),
        ],
    );
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap_or_default();

    let get = http
        .get(format!("{}/v1/v1/runs/{RUN}", server.rest_url))
        .send()
        .await;
    let get = get.unwrap_or_else(|e| panic!("GET run: {e}"));
    assert_eq!(get.status(), 200, "prism refused our GET run");
    let body: serde_json::Value = get.json().await.unwrap_or_default();
    assert!(body["data"]["run_id"].is_string(), "{body}");

    let jobs = http
        .get(format!("{}/v1/v1/runs/{RUN}/jobs", server.rest_url))
        .send()
        .await;
    assert_eq!(
        jobs.map(|r| r.status().as_u16()).unwrap_or(0),
        200,
        "prism refused our GET jobs"
    );

    let cancel = http
        .post(format!("{}/v1/v1/runs/{RUN}/cancel", server.rest_url))
        .send()
        .await;
    assert_eq!(
        cancel.map(|r| r.status().as_u16()).unwrap_or(0),
        200,
        "prism refused our POST cancel"
    );

    // A run id outside the contract's pattern: Prism rejects it (422), and we pass that through.
    let bad = http
        .get(format!("{}/v1/v1/runs/not-a-ulid", server.rest_url))
        .send()
        .await;
    let bad = bad.map(|r| r.status().as_u16()).unwrap_or(0);
    assert!(
        (400..500).contains(&bad),
        "expected Prism's 4xx to pass through, got {bad}"
    );
}
