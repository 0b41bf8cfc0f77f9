//! Partial generation from YAML to sockets: `fixtures/partial.yaml` has a route that calls an
//! operation that does not exist, a second `GET /items/{id}` that does something else and a
//! tool that calls a missing operation. With the opt-in, `build.rs` and the macro generate the
//! rest, which is served here in front of a recording upstream; without it, the spec is
//! refused (`crates/naftiko-codegen/tests/accept.rs` checks the CLI and the warnings).

use std::sync::{Arc, Mutex};

use axum::extract::Request;
use naftiko_tests::from_build_rs::partial::{Capability, SPEC};

const SPEC_PATH: &str = "fixtures/partial.yaml";

#[test]
fn the_macro_and_build_rs_leave_out_the_same_parts() {
    assert_eq!(
        format!("{SPEC:#?}"),
        format!("{:#?}", naftiko_tests::partial_from_macro::SPEC)
    );
    let routes: Vec<String> = SPEC.rest[0]
        .routes
        .iter()
        .map(|r| format!("{} {} {}", r.method, r.path, r.name))
        .collect();
    assert_eq!(routes, ["GET /items list", "GET /items/{id} get"]);
    let tools: Vec<&str> = SPEC.mcp[0].tools.iter().map(|t| &*t.name).collect();
    assert_eq!(tools, ["get-item"]);

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let strict = naftiko_codegen::Generator::new().generate(&dir.join(SPEC_PATH), SPEC_PATH);
    assert!(strict.is_err(), "the spec generated without the opt-in");
    let partial = naftiko_codegen::Generator::new()
        .allow_partial(true)
        .generate(&dir.join(SPEC_PATH), SPEC_PATH)
        .unwrap_or_else(|f| panic!("{}", f.rendered));
    let left_out = partial
        .diagnostics
        .iter()
        .filter(|d| d.code == naftiko_codegen::LEFT_OUT)
        .count();
    assert_eq!(left_out, 3, "{}", partial.rendered);
    let written = std::path::Path::new(env!("OUT_DIR")).join("partial.rs");
    assert!(std::fs::read_to_string(written).unwrap_or_default() == partial.code);
}

#[tokio::test]
async fn what_is_left_is_served_and_what_is_left_out_is_not_routed() {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let recorder = Arc::clone(&seen);
    let upstream = axum::Router::new().fallback(move |request: Request| {
        let recorder = Arc::clone(&recorder);
        async move {
            recorder.lock().unwrap().push(request.uri().to_string());
            ([("content-type", "application/json")], r#"{"ok":true}"#)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream_addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, upstream).await;
    });

    let base_url = format!("http://{upstream_addr}/api");
    let capability = Capability::from_lookup(&|name: &str| match name {
        "SHOP_BASE_URL" => Some(base_url.clone()),
        "STORE_ADDR" | "TOOLS_ADDR" => Some("127.0.0.1:0".to_owned()),
        _ => None,
    })
    .unwrap();
    let server = naftiko::Server::bind(capability.runtime().clone())
        .await
        .unwrap();
    let store = format!("http://{}", server.rest_addrs()[0]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));

    let http = reqwest::Client::new();
    for (path, status) in [("/items", 200), ("/items/7", 200), ("/broken", 404)] {
        let answer = http.get(format!("{store}{path}")).send().await.unwrap();
        assert_eq!(answer.status(), status, "GET {path}");
    }
    // The first `GET /items/{id}` is the one kept: it calls `get-item`, not `list-items`.
    assert_eq!(*seen.lock().unwrap(), ["/api/items", "/api/items/7"]);
    let _ = stop.send(());
}
