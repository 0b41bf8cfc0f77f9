//! The generated `Capability::builder()` and `Clients::builder()`: settings given in code,
//! and a user's own `reqwest::Client` under the typed clients, against the Inngest stand-in.

use generated_example::standin::{self, DEMO_API_KEY, RUNNING_RUN_ID};
use naftiko_tests::from_macro::inngest_runs::consumes::inngest_runs::GetrunInput;
use naftiko_tests::from_macro::inngest_runs::{Capability, Clients};

#[tokio::test]
async fn a_capability_built_in_code_calls_through_the_users_reqwest_client() {
    let standin = standin::start().await.unwrap();
    let mut headers = reqwest_client::header::HeaderMap::new();
    headers.insert(
        "x-made-by",
        reqwest_client::header::HeaderValue::from_static("the-user"),
    );
    let users_client = reqwest_client::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let capability = Capability::builder()
        .base_url("inngest-runs", standin.base_url.clone())
        .secret("INNGEST_API_KEY", DEMO_API_KEY)
        .reqwest_client(users_client)
        .build()
        .unwrap();
    let run = capability
        .clients()
        .inngest_runs
        .getrun(GetrunInput {
            run_id: RUNNING_RUN_ID.into(),
        })
        .await
        .unwrap();
    assert_eq!(run.status.as_u16(), 200);
    let requests = standin.requests();
    assert_eq!(requests.len(), 1);
    let header = |name: &str| {
        requests[0]
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(header("x-made-by").as_deref(), Some("the-user"));
    assert_eq!(
        header("authorization"),
        Some(format!("Bearer {DEMO_API_KEY}"))
    );
    standin.shutdown().await;
}

#[tokio::test]
async fn clients_alone_are_built_in_code_and_problems_are_named() {
    let standin = standin::start().await.unwrap();
    let clients = Clients::builder()
        .base_url("inngest-runs", standin.base_url.clone())
        .secret("INNGEST_API_KEY", DEMO_API_KEY)
        .build()
        .unwrap();
    let run = clients
        .inngest_runs
        .getrun(GetrunInput {
            run_id: RUNNING_RUN_ID.into(),
        })
        .await
        .unwrap();
    assert_eq!(run.status.as_u16(), 200);
    let user_agent = standin.requests()[0]
        .headers
        .get("user-agent")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    assert!(
        user_agent
            .as_deref()
            .is_some_and(|agent| agent.starts_with("naftiko-rs/")),
        "the built-in client: {user_agent:?}"
    );
    standin.shutdown().await;

    let Err(naftiko::Error::Config { missing, problems }) = Capability::builder()
        .base_url("inngest-runz", "http://127.0.0.1:1")
        .build()
    else {
        panic!("bad settings accepted")
    };
    assert_eq!(missing, ["INNGEST_API_KEY"]);
    assert!(
        problems
            .iter()
            .any(|problem| problem.contains("`inngest-runz` is not a consumed namespace")),
        "{problems:?}"
    );
}
