//! A typed client's method sends exactly the request the spec-driven table path sends for the
//! same input serialized to a JSON map (what the adapters hand the runtime): path, query,
//! headers, cookies and body byte for byte, numbers, booleans, arrays and objects formatted
//! alike, and the same errors for inputs the runtime refuses.

use std::sync::{Arc, Mutex};

use naftiko::serde_json::{self, Value, json};
use naftiko::spec::ConsumesId;

/// A loopback upstream that records each request as text and answers `{}`.
struct Recorder {
    base_url: String,
    seen: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Recorder {
    async fn start() -> Recorder {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
            let record = record.clone();
            async move {
                let (parts, body) = request.into_parts();
                let body = axum::body::to_bytes(body, 1 << 20)
                    .await
                    .unwrap_or_default();
                let mut headers: Vec<String> = parts
                    .headers
                    .iter()
                    .map(|(name, value)| {
                        format!("{name}: {}", String::from_utf8_lossy(value.as_bytes()))
                    })
                    .collect();
                headers.sort();
                record.lock().unwrap().push(format!(
                    "{} {}\n{}\n\n{}",
                    parts.method,
                    parts.uri,
                    headers.join("\n"),
                    String::from_utf8_lossy(&body)
                ));
                ([("content-type", "application/json")], "{}")
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Recorder {
            base_url,
            seen,
            task,
        }
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.seen.lock().unwrap())
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The input as the table path takes it (what generated clients used to build with serde).
fn as_map(input: Value) -> serde_json::Map<String, Value> {
    match input {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// The outcome of a call as text: the request recorded, or the error.
fn outcome<T>(result: Result<naftiko::Response<T>, naftiko::Error>, recorder: &Recorder) -> String {
    match result {
        Ok(response) => {
            let requests = recorder.take();
            assert_eq!(requests.len(), 1, "{requests:?}");
            format!("{} {}", response.status, requests[0])
        }
        Err(error) => format!("error: {error}"),
    }
}

#[tokio::test]
async fn typed_methods_send_what_the_table_path_sends() {
    use naftiko_tests::goldens::auth_locations::consumes::bearer_api::{
        GetOrderInput, UpdateOrderInput,
    };
    use naftiko_tests::goldens::auth_locations::{Capability, SPEC};
    let recorder = Recorder::start().await;
    let mut builder = Capability::builder().base_url("bearer-api", recorder.base_url.clone());
    for secret in SPEC.secrets.iter() {
        builder = builder.secret(secret.key.to_string(), "k");
    }
    let capability = builder.build().unwrap();
    let client = &capability.clients().bearer_api;
    let core = capability.runtime().client(ConsumesId(0));
    let operations = &SPEC.consumes[0].operations;

    let gets = [
        GetOrderInput {
            shop_id: -7,
            order_id: "o/1 ü?#".into(),
            expand: Some(true),
            x_request_id: Some("r 1".into()),
            session: Some("a b;c".into()),
        },
        GetOrderInput {
            shop_id: 0,
            order_id: "o".into(),
            expand: None,
            x_request_id: None,
            session: None,
        },
        // Refused before anything is sent, alike.
        GetOrderInput {
            shop_id: 1,
            order_id: "..".into(),
            expand: Some(false),
            x_request_id: Some("bad\r\nheader".into()),
            session: None,
        },
    ];
    let mut sent = Vec::new();
    for input in gets {
        let table = outcome(
            core.call(
                &operations[0],
                &as_map(serde_json::to_value(&input).unwrap()),
            )
            .await,
            &recorder,
        );
        let typed = outcome(client.get_order(input).await, &recorder);
        assert_eq!(typed, table);
        sent.push(typed);
    }
    let updates = [
        UpdateOrderInput {
            shop_id: 1,
            order_id: "o".into(),
            quantity: 2.5,
            note: Some("n & m".into()),
            tags: Some(json!(["a", 1, true, null])),
            meta: Some(json!({"k": {"n": 1.0}, "z": [null]})),
        },
        UpdateOrderInput {
            shop_id: 1,
            order_id: "o".into(),
            quantity: 1e21,
            note: None,
            tags: None,
            meta: Some(Value::Null),
        },
        // Not a JSON number: `null`, so a required input left out, alike.
        UpdateOrderInput {
            shop_id: 1,
            order_id: "o".into(),
            quantity: f64::NAN,
            note: None,
            tags: None,
            meta: None,
        },
    ];
    for input in updates {
        let table = outcome(
            core.call(
                &operations[1],
                &as_map(serde_json::to_value(&input).unwrap()),
            )
            .await,
            &recorder,
        );
        let typed = outcome(client.update_order(input).await, &recorder);
        assert_eq!(typed, table);
        sent.push(typed);
    }
    // What was compared is what the spec asks for.
    assert!(
        sent[0].starts_with("200 OK GET /shops/-7/orders/o%2F1%20%C3%BC%3F%23?expand=true\n"),
        "{}",
        sent[0]
    );
    assert!(sent[0].contains("\nx-request-id: r 1\n"), "{}", sent[0]);
    assert!(sent[0].contains("\ncookie: session=a"), "{}", sent[0]);
    assert!(
        sent[1].starts_with("200 OK GET /shops/0/orders/o\n"),
        "{}",
        sent[1]
    );
    assert!(sent[2].starts_with("error: "), "{}", sent[2]);
    assert!(
        sent[3].starts_with("200 OK PUT /shops/1/orders/o\n"),
        "{}",
        sent[3]
    );
    assert!(
        sent[3].ends_with(r#""quantity":2.5,"tags":["a",1,true,null]}"#),
        "{}",
        sent[3]
    );
    assert!(
        sent[5].contains("quantity") && sent[5].starts_with("error: "),
        "{}",
        sent[5]
    );
}

#[tokio::test]
async fn arrays_and_objects_in_the_query_and_headers_are_formatted_as_by_the_table_path() {
    use naftiko_tests::goldens::cursed_names::consumes::value::{ResultInput, ValueInput};
    use naftiko_tests::goldens::cursed_names::{Capability, SPEC};
    let recorder = Recorder::start().await;
    let mut builder = Capability::builder().base_url("value", recorder.base_url.clone());
    for secret in SPEC.secrets.iter() {
        builder = builder.secret(secret.key.to_string(), "k");
    }
    let capability = builder.build().unwrap();
    let client = &capability.clients().value;
    let index = SPEC
        .consumes
        .iter()
        .position(|ns| ns.namespace == "value")
        .unwrap();
    let core = capability
        .runtime()
        .client(ConsumesId(u32::try_from(index).unwrap()));
    let operations = &SPEC.consumes[index].operations;

    let input = ResultInput {
        string: "s".into(),
        option: Some(json!({"a": [1, 2.5], "b": "c d"})),
        vec: Some(json!(["x", 2, false])),
    };
    let table = outcome(
        core.call(
            &operations[0],
            &as_map(serde_json::to_value(&input).unwrap()),
        )
        .await,
        &recorder,
    );
    let typed = outcome(client.result(input).await, &recorder);
    assert_eq!(typed, table);
    assert!(typed.starts_with("200 OK GET /result/s?"), "{typed}");

    let input = ValueInput {
        string: "s".into(),
        response: "r".into(),
    };
    let table = core
        .call(
            &operations[1],
            &as_map(serde_json::to_value(&input).unwrap()),
        )
        .await;
    assert!(table.is_ok(), "{table:?}");
    let sent = recorder.take();
    // The recorder's `{}` lacks the required `error`: a decoding error, after the same request.
    let typed = client.value(input).await;
    assert!(
        matches!(&typed, Err(naftiko::Error::Decode { .. })),
        "{typed:?}"
    );
    assert_eq!(sent.len(), 1);
    assert_eq!(recorder.take(), sent);
    assert!(sent[0].ends_with(r#"{"Response":"r"}"#), "{sent:?}");
}
