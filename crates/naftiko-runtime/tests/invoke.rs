//! Handlers end to end against the loopback upstream: pass-through, mapping, steps with a
//! lookup, static bodies and upstream errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::echo_upstream;

use http::StatusCode;
use naftiko_runtime::__private::Inputs;
use naftiko_runtime::__private::{OutcomeBody, invoke};
use naftiko_runtime::Error;
use naftiko_runtime::Runtime;
use naftiko_runtime::spec::*;
use serde_json::{Value as Json, json};

static CONSUMES: &[ConsumesSpec] = &[ConsumesSpec {
    namespace: "registry",
    env_prefix: "REGISTRY",
    base_url: "",
    timeout_ms: 5_000,
    auth: Auth::None,
    default_params: &[],
}];
static SPEC: CapabilitySpec = CapabilitySpec {
    name: "invoke-test",
    description: "",
    consumes: CONSUMES,
    secrets: &[],
    rest: &[],
    mcp: &[],
    control: &[],
};

const fn get(
    name: &'static str,
    path: &'static [PathPart],
    inputs: &'static [OperationInput],
) -> HttpOperation {
    HttpOperation {
        consumes: 0,
        name,
        method: "GET",
        path,
        inputs,
        body: RequestBody::Fields,
        output_format: RawFormat::Json,
    }
}
const fn path_input(name: &'static str) -> OperationInput {
    OperationInput {
        name,
        location: Some(ParamLocation::Path),
        wire_name: name,
        ty: ValueType::String,
        required: true,
        fixed: None,
    }
}

static SHIP: HttpOperation = get(
    "get-ship",
    &[PathPart::Literal("/ship/"), PathPart::Param("imo")],
    &[path_input("imo")],
);
static CREW: HttpOperation = get("list-crew", &[PathPart::Literal("/crew")], &[]);
static TEXT: HttpOperation = get("text", &[PathPart::Literal("/text")], &[]);
static STATUS: HttpOperation = get(
    "status",
    &[PathPart::Literal("/status/"), PathPart::Param("code")],
    &[path_input("code")],
);

static PASSTHROUGH: Handler = Handler::Call {
    operation: &TEXT,
    args: &[],
    output: Output::Passthrough,
};
static MAPPED: Handler = Handler::Call {
    operation: &SHIP,
    args: &[("imo", Value::Input("id"))],
    output: Output::Mapped(Mapping::Object {
        path: &[],
        fields: &[
            (
                "imo",
                Mapping::Select {
                    path: &[PathSegment::Field("imo")],
                    ty: ValueType::String,
                },
            ),
            (
                "year",
                Mapping::Select {
                    path: &[PathSegment::Field("year")],
                    ty: ValueType::Integer,
                },
            ),
            (
                "firstCrew",
                Mapping::Select {
                    path: &[PathSegment::Field("crew"), PathSegment::Index(0)],
                    ty: ValueType::String,
                },
            ),
            ("asked", Mapping::Value(Value::Input("id"))),
        ],
    }),
};
static NOT_JSON: Handler = Handler::Call {
    operation: &TEXT,
    args: &[],
    output: Output::Mapped(Mapping::Select {
        path: &[],
        ty: ValueType::Any,
    }),
};
static FAILING: Handler = Handler::Call {
    operation: &STATUS,
    args: &[("code", Value::Literal("503"))],
    output: Output::Passthrough,
};
static STEPS: Handler = Handler::Steps {
    steps: &[
        Step::Call {
            name: "get-ship",
            operation: &SHIP,
            args: &[("imo", Value::Input("imo"))],
        },
        Step::Call {
            name: "list-crew",
            operation: &CREW,
            args: &[],
        },
        Step::Lookup {
            name: "resolve-crew",
            index: "list-crew",
            match_field: "crewId",
            lookup_value: Value::Step {
                step: "get-ship",
                path: &[PathSegment::Field("crew")],
            },
            fields: &["fullName", "role"],
        },
    ],
    output: Output::Mapped(Mapping::Object {
        path: &[],
        fields: &[
            (
                "imo",
                Mapping::Select {
                    path: &[PathSegment::Field("get-ship"), PathSegment::Field("imo")],
                    ty: ValueType::String,
                },
            ),
            (
                "name",
                Mapping::Value(Value::Step {
                    step: "get-ship",
                    path: &[PathSegment::Field("name")],
                }),
            ),
            (
                "crew",
                Mapping::Select {
                    path: &[PathSegment::Field("resolve-crew")],
                    ty: ValueType::Array,
                },
            ),
        ],
    }),
};
static STATIC: Handler = Handler::Static {
    body: r#"{"mock":true}"#,
    content_type: "application/json",
};

async fn runtime() -> Runtime {
    let addr = echo_upstream::start().await;
    let base = format!("http://{addr}");
    Runtime::from_lookup(&SPEC, &|name| {
        (name == "REGISTRY_BASE_URL").then(|| base.clone())
    })
    .unwrap()
}

fn inputs(value: Json) -> Inputs {
    match value {
        Json::Object(map) => map,
        _ => Inputs::new(),
    }
}

#[tokio::test]
async fn passthrough_keeps_status_type_and_bytes() {
    let rt = runtime().await;
    let outcome = invoke(&rt, &PASSTHROUGH, &Inputs::new()).await.unwrap();
    assert_eq!(outcome.status, StatusCode::OK);
    assert_eq!(
        outcome.content_type.as_ref().map(|v| v.as_bytes()),
        Some(&b"text/csv"[..])
    );
    assert!(matches!(outcome.body, OutcomeBody::Raw(ref bytes) if bytes.as_ref() == b"a,b\n1,2\n"));
}

#[tokio::test]
async fn mapped_output_is_shaped_json() {
    let rt = runtime().await;
    let outcome = invoke(&rt, &MAPPED, &inputs(json!({"id": "IMO 9"})))
        .await
        .unwrap();
    assert_eq!(outcome.status, StatusCode::OK);
    let OutcomeBody::Json(body) = outcome.body else {
        panic!("expected JSON")
    };
    assert_eq!(
        body,
        json!({"imo": "IMO 9", "year": 1999, "firstCrew": "C2", "asked": "IMO 9"})
    );
}

#[tokio::test]
async fn steps_feed_lookups_and_the_mapping() {
    let rt = runtime().await;
    let outcome = invoke(&rt, &STEPS, &inputs(json!({"imo": "9321483"})))
        .await
        .unwrap();
    let OutcomeBody::Json(body) = outcome.body else {
        panic!("expected JSON")
    };
    assert_eq!(
        body,
        json!({
            "imo": "9321483",
            "name": "Evergreen",
            "crew": [{"fullName": "Bob", "role": "cook"}, {"fullName": "Ada", "role": "captain"}]
        })
    );
}

#[tokio::test]
async fn failures_and_static_bodies() {
    let rt = runtime().await;
    match invoke(&rt, &FAILING, &Inputs::new()).await {
        Err(Error::Status { status, .. }) => assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE),
        other => panic!("expected the upstream status, got {other:?}"),
    }
    match invoke(&rt, &NOT_JSON, &Inputs::new()).await {
        Err(error @ Error::Decode { .. }) => {
            assert_eq!(error.http_status(), StatusCode::BAD_GATEWAY)
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    // The missing upstream parameter `imo` is named as the caller knows it: input `id`.
    assert!(
        matches!(invoke(&rt, &MAPPED, &Inputs::new()).await, Err(Error::InvalidInput { ref field, .. }) if field == "id")
    );
    let outcome = invoke(&rt, &STATIC, &Inputs::new()).await.unwrap();
    assert_eq!(
        outcome.content_type.as_ref().map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
    assert!(
        matches!(outcome.body, OutcomeBody::Raw(ref bytes) if bytes.as_ref() == br#"{"mock":true}"#)
    );
}
