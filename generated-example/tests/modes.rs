//! The seed compiled twice — by `build.rs` and by the `capability!` macro — is one capability,
//! and it serves: REST on loopback in front of the Inngest stand-in, end to end.

use std::time::Duration;

use generated_example::standin::{self, DEMO_API_KEY, RUNNING_RUN_ID};
use generated_example::{from_build_rs, from_macro};

#[test]
fn build_rs_and_the_macro_generate_the_same_capability() {
    assert_eq!(
        format!("{:#?}", from_build_rs::SPEC),
        format!("{:#?}", from_macro::SPEC)
    );
}

#[tokio::test]
async fn the_generated_rest_adapter_serves_the_seed_against_the_stand_in() {
    let upstream = standin::start().await.expect("stand-in");
    let base_url = upstream.base_url.clone();
    let lookup = move |name: &str| match name {
        "INNGEST_RUNS_BASE_URL" => Some(base_url.clone()),
        "INNGEST_API_KEY" => Some(DEMO_API_KEY.to_owned()),
        "INNGEST_RUNS_REST_ADDR" | "INNGEST_RUNS_MCP_ADDR" => Some("127.0.0.1:0".to_owned()),
        _ => None,
    };
    let capability = from_build_rs::Capability::from_lookup(&lookup).expect("capability");
    let server = naftiko::Server::bind(capability.runtime().clone())
        .await
        .expect("bind");
    let rest = server.rest_addrs()[0];
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));

    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let answer = http
        .get(format!("http://{rest}/v1/v1/runs/{RUNNING_RUN_ID}"))
        .send()
        .await
        .expect("GET");
    assert_eq!(answer.status().as_u16(), 200);
    let body: serde_json::Value = answer.json().await.expect("JSON");
    assert_eq!(body["data"]["run_id"], RUNNING_RUN_ID);
    assert_eq!(upstream.requests().len(), 1);

    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), running).await;
    upstream.shutdown().await;
}
