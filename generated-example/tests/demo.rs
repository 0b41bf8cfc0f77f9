//! The README's first command: `generated-example --demo` starts with no key and no network,
//! and the `curl` line it prints returns a run as JSON.

mod seed_server;

use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn the_printed_curl_line_returns_a_run() {
    let server = seed_server::start(&["--demo"], &[]);
    let curl = server
        .banner
        .iter()
        .find_map(|l| l.trim().strip_prefix("try: curl -s "))
        .map(str::to_owned);
    let url = curl.unwrap_or_else(|| panic!("no curl line in {:#?}", server.banner));
    let answer = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default()
        .get(&url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    assert_eq!(answer.status().as_u16(), 200);
    let run: serde_json::Value = answer.json().await.unwrap_or_default();
    assert_eq!(run["data"]["status"], "Running", "{run}");
    assert!(server.mcp_url.ends_with("/mcp"));
}
