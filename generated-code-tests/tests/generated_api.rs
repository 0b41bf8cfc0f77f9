//! What generated code does when used: typed inputs serialize to the spec's names, the
//! documents in the tables are valid JSON, and a generated client calls a real (stand-in)
//! upstream end to end.

use generated_example::standin::{self, DEMO_API_KEY, MISSING_RUN_ID, RUNNING_RUN_ID};
use naftiko::serde_json::{self, Value, json};
use naftiko_tests::goldens;

#[test]
fn input_structs_serialize_to_the_spec_names() {
    use goldens::cursed_names::consumes::type_::FnInput;
    let input = FnInput {
        fn_: "f".into(),
        match_: Some("m".into()),
        _2fa: Some(123456),
        h_llo_w_rld: Some("h".into()),
        run_id: Some("a".into()),
        run_id_2: Some("b".into()),
        run_id_3: None,
        self_: Some("s".into()),
    };
    assert_eq!(
        serde_json::to_value(&input).unwrap(),
        json!({
            "fn": "f", "match": "m", "2fa": 123456, "héllo wörld": "h",
            "runId": "a", "run_id": "b", "Self": "s"
        }),
        "optional inputs left as `None` are left out"
    );
    let third = FnInput {
        fn_: "g".into(),
        match_: None,
        _2fa: None,
        h_llo_w_rld: None,
        run_id: None,
        run_id_2: None,
        run_id_3: Some("c".into()),
        self_: None,
    };
    assert_eq!(
        serde_json::to_value(&third).unwrap(),
        json!({"fn": "g", "run-id": "c"})
    );
}

#[test]
fn typed_fields_follow_the_declared_types() {
    use goldens::auth_locations::consumes::bearer_api::{GetOrderInput, UpdateOrderInput};
    let get = GetOrderInput {
        shop_id: 7,
        order_id: "o-1".into(),
        expand: Some(true),
        x_request_id: None,
        session: None,
    };
    assert_eq!(
        serde_json::to_value(&get).unwrap(),
        json!({"shopId": 7, "orderId": "o-1", "expand": true})
    );
    let update = UpdateOrderInput {
        shop_id: 7,
        order_id: "o-1".into(),
        quantity: 2.5,
        note: None,
        tags: Some(json!(["a"])),
        meta: Some(json!({"k": 1})),
    };
    let value = serde_json::to_value(&update).unwrap();
    assert_eq!(value["quantity"], json!(2.5));
    assert_eq!(value["tags"], json!(["a"]));
    assert_eq!(value["meta"], json!({"k": 1}));
}

#[test]
fn fixed_inputs_are_not_fields() {
    // `format` has `value: markdown` in the spec: the struct has only the template's inputs
    // (untyped, as the template does not say more).
    use goldens::bodies_outputs::consumes::notes::CreateNoteInput;
    let input = CreateNoteInput {
        title: Some(json!("t")),
        tag: None,
    };
    assert_eq!(serde_json::to_value(&input).unwrap(), json!({"title": "t"}));
}

#[test]
fn openapi_documents_and_input_schemas_are_json() {
    for spec in [
        &goldens::inngest_runs::SPEC,
        &goldens::auth_locations::SPEC,
        &goldens::bodies_outputs::SPEC,
    ] {
        for adapter in spec.rest.iter() {
            let doc: Value = serde_json::from_str(&adapter.openapi)
                .unwrap_or_else(|e| panic!("{}: {e}", adapter.namespace));
            assert_eq!(doc["openapi"], "3.1.0");
            for route in adapter.routes.iter() {
                let path = route.path.replace("{*", "{");
                let op = &doc["paths"][&path][route.method.to_ascii_lowercase()];
                assert!(
                    op.is_object(),
                    "{} {} missing from OpenAPI",
                    route.method,
                    path
                );
            }
        }
        for adapter in spec.mcp.iter() {
            for tool in adapter.tools.iter() {
                let schema: Value = serde_json::from_str(&tool.input_schema).unwrap();
                assert_eq!(schema["type"], "object", "{}", tool.name);
            }
        }
    }
    let orders: Value =
        serde_json::from_str(&goldens::auth_locations::SPEC.rest[0].openapi).unwrap();
    let get = &orders["paths"]["/shops/{shopId}/orders/{orderId}"]["get"];
    let locations: Vec<(String, String)> = get["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["in"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (name, location) in [
        ("shopId", "path"),
        ("orderId", "path"),
        ("expand", "query"),
        ("X-Request-Id", "header"),
        ("session", "cookie"),
    ] {
        assert!(
            locations.contains(&(name.to_owned(), location.to_owned())),
            "{name} in {location}: {locations:?}"
        );
    }
    let put = &orders["paths"]["/shops/{shopId}/orders/{orderId}"]["put"];
    assert_eq!(
        put["requestBody"]["content"]["application/json"]["schema"]["required"],
        json!(["quantity"])
    );
    let notes: Value =
        serde_json::from_str(&goldens::bodies_outputs::SPEC.rest[0].openapi).unwrap();
    assert_eq!(
        notes["components"]["securitySchemes"]["adapterAuth"]["scheme"],
        "bearer"
    );
    assert_eq!(notes["security"], json!([{"adapterAuth": []}]));
}

fn demo_capability(base_url: String) -> naftiko_tests::from_macro::inngest_runs::Capability {
    let lookup = move |name: &str| match name {
        "INNGEST_RUNS_BASE_URL" => Some(base_url.clone()),
        "INNGEST_API_KEY" => Some(DEMO_API_KEY.to_owned()),
        _ => None,
    };
    naftiko_tests::from_macro::inngest_runs::Capability::from_lookup(&lookup).unwrap()
}

#[tokio::test]
async fn the_generated_client_calls_the_upstream() {
    use naftiko_tests::from_macro::inngest_runs::consumes::inngest_runs::{
        CancelrunInput, GetrunInput,
    };
    let standin = standin::start().await.unwrap();
    let capability = demo_capability(standin.base_url.clone());
    let client = &capability.clients().inngest_runs;

    let run = client
        .getrun(GetrunInput {
            run_id: RUNNING_RUN_ID.into(),
        })
        .await
        .unwrap();
    assert_eq!(run.status.as_u16(), 200);
    assert_eq!(run.body["data"]["run_id"], RUNNING_RUN_ID);
    assert_eq!(run.body["data"]["status"], "Running");

    // The stand-in answers a cancel with 200 and an empty JSON body: `null`, not an error.
    let cancelled = client
        .cancelrun(CancelrunInput {
            run_id: RUNNING_RUN_ID.into(),
        })
        .await
        .unwrap();
    assert_eq!(cancelled.status.as_u16(), 200);
    assert_eq!(cancelled.body, Value::Null);

    let after = client
        .getrun(GetrunInput {
            run_id: RUNNING_RUN_ID.into(),
        })
        .await
        .unwrap();
    assert_eq!(after.body["data"]["status"], "Cancelled");

    let requests = standin.requests();
    assert!(
        requests.iter().all(
            |r| r.headers.get("authorization").and_then(|v| v.to_str().ok())
                == Some(&format!("Bearer {DEMO_API_KEY}"))
        ),
        "every call carries the bind key as a bearer token"
    );
    assert_eq!(requests[1].method, "POST");
    assert_eq!(
        requests[1].path,
        format!("/v1/runs/{RUNNING_RUN_ID}/cancel")
    );
    standin.shutdown().await;
}

#[tokio::test]
async fn upstream_errors_and_bad_input_are_errors() {
    use naftiko_tests::from_macro::inngest_runs::consumes::inngest_runs::GetrunInput;
    let standin = standin::start().await.unwrap();
    let capability = demo_capability(standin.base_url.clone());
    let client = &capability.clients().inngest_runs;

    match client
        .getrun(GetrunInput {
            run_id: MISSING_RUN_ID.into(),
        })
        .await
    {
        Err(naftiko::Error::Status { status, body, .. }) => {
            assert_eq!(status.as_u16(), 500);
            assert!(String::from_utf8_lossy(&body).contains("Unable to load function run"));
        }
        other => panic!("expected an upstream status error, got {other:?}"),
    }
    // A path value can never leave its segment.
    let _ = client
        .getrun(GetrunInput {
            run_id: "../../v2/admin".into(),
        })
        .await;
    let last = standin.requests().pop().unwrap();
    assert!(last.path.starts_with("/v1/runs/"), "{}", last.path);
    assert!(!last.path.contains("/v2/admin"), "{}", last.path);
    standin.shutdown().await;
}

#[test]
fn missing_secrets_stop_start_up_naming_them() {
    let error = naftiko_tests::goldens::auth_locations::Capability::from_lookup(&|_| None)
        .unwrap_err()
        .to_string();
    for key in [
        "BEARER_TOKEN",
        "HEADER_KEY",
        "QUERY_KEY",
        "COOKIE_KEY",
        "BASIC_USER",
        "DIGEST_PASSWORD",
    ] {
        assert!(error.contains(key), "{key} not named in: {error}");
    }
}
