//! Handlers end to end against the loopback upstream: pass-through, mapping, steps with a
//! lookup, static bodies and upstream errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::echo_upstream;

use std::borrow::Cow;

use http::StatusCode;
use naftiko_runtime::__private::Inputs;
use naftiko_runtime::__private::{OutcomeBody, invoke};
use naftiko_runtime::Error;
use naftiko_runtime::Runtime;
use naftiko_runtime::spec::*;
use serde_json::{Value as Json, json};

const fn path_input(name: &'static str) -> OperationInput {
    OperationInput {
        name: text(name),
        location: Some(ParamLocation::Path),
        wire_name: text(name),
        ty: ValueType::String,
        required: true,
        fixed: None,
        description: text(""),
    }
}

const SHIP: HttpOperation = HttpOperation {
    name: text("get-ship"),
    method: text("GET"),
    description: text(""),
    path: Cow::Borrowed(&[
        PathPart::Literal(text("/ship/")),
        PathPart::Param(text("imo")),
    ]),
    inputs: Cow::Borrowed(&[path_input("imo")]),
    body: RequestBody::Fields,
    output_format: RawFormat::Json,
    output: naftiko_runtime::spec::Output::Passthrough,
    output_schema: None,
};
const CREW: HttpOperation = HttpOperation {
    name: text("list-crew"),
    method: text("GET"),
    description: text(""),
    path: Cow::Borrowed(&[PathPart::Literal(text("/crew"))]),
    inputs: list(&[]),
    body: RequestBody::Fields,
    output_format: RawFormat::Json,
    output: naftiko_runtime::spec::Output::Passthrough,
    output_schema: None,
};
const TEXT: HttpOperation = HttpOperation {
    name: text("text"),
    method: text("GET"),
    description: text(""),
    path: Cow::Borrowed(&[PathPart::Literal(text("/text"))]),
    inputs: list(&[]),
    body: RequestBody::Fields,
    output_format: RawFormat::Json,
    output: naftiko_runtime::spec::Output::Passthrough,
    output_schema: None,
};
const STATUS: HttpOperation = HttpOperation {
    name: text("status"),
    method: text("GET"),
    description: text(""),
    path: Cow::Borrowed(&[
        PathPart::Literal(text("/status/")),
        PathPart::Param(text("code")),
    ]),
    inputs: Cow::Borrowed(&[path_input("code")]),
    body: RequestBody::Fields,
    output_format: RawFormat::Json,
    output: naftiko_runtime::spec::Output::Passthrough,
    output_schema: None,
};

/// The one consumed namespace, `registry`, and its operations in the order `SPEC` lists them.
const REGISTRY: ConsumesId = ConsumesId(0);
/// `SHIP`, operation 0 of `registry`.
const SHIP_ID: OperationId = OperationId {
    consumes: REGISTRY,
    index: 0,
};
/// `CREW`, operation 1 of `registry`.
const CREW_ID: OperationId = OperationId {
    consumes: REGISTRY,
    index: 1,
};
/// `TEXT`, operation 2 of `registry`.
const TEXT_ID: OperationId = OperationId {
    consumes: REGISTRY,
    index: 2,
};
/// `STATUS`, operation 3 of `registry`.
const STATUS_ID: OperationId = OperationId {
    consumes: REGISTRY,
    index: 3,
};

static SPEC: CapabilitySpec = CapabilitySpec {
    name: text("invoke-test"),
    description: text(""),
    consumes: Cow::Borrowed(&[ConsumesSpec {
        namespace: text("registry"),
        env_prefix: text("REGISTRY"),
        base_url: text(""),
        description: text(""),
        timeout_ms: 5_000,
        auth: Auth::None,
        default_params: list(&[]),
        // In the order of the ids above.
        operations: Cow::Borrowed(&[SHIP, CREW, TEXT, STATUS]),
    }]),
    secrets: list(&[]),
    rest: list(&[]),
    mcp: list(&[]),
    control: list(&[]),
};

static PASSTHROUGH: Handler = Handler::Call {
    operation: TEXT_ID,
    args: list(&[]),
    output: Output::Passthrough,
};
static MAPPED: Handler = Handler::Call {
    operation: SHIP_ID,
    args: Cow::Borrowed(&[Arg {
        input: text("imo"),
        value: Value::Input(text("id")),
    }]),
    output: Output::Mapped(Mapping::Object {
        path: list(&[]),
        fields: Cow::Borrowed(&[
            (
                text("imo"),
                Mapping::Select {
                    path: Cow::Borrowed(&[PathSegment::Field(text("imo"))]),
                    ty: ValueType::String,
                },
            ),
            (
                text("year"),
                Mapping::Select {
                    path: Cow::Borrowed(&[PathSegment::Field(text("year"))]),
                    ty: ValueType::Integer,
                },
            ),
            (
                text("firstCrew"),
                Mapping::Select {
                    path: Cow::Borrowed(&[PathSegment::Field(text("crew")), PathSegment::Index(0)]),
                    ty: ValueType::String,
                },
            ),
            (text("asked"), Mapping::Value(Value::Input(text("id")))),
        ]),
    }),
};
static NOT_JSON: Handler = Handler::Call {
    operation: TEXT_ID,
    args: list(&[]),
    output: Output::Mapped(Mapping::Select {
        path: list(&[]),
        ty: ValueType::Any,
    }),
};
static FAILING: Handler = Handler::Call {
    operation: STATUS_ID,
    args: Cow::Borrowed(&[Arg {
        input: text("code"),
        value: Value::Literal(text("503")),
    }]),
    output: Output::Passthrough,
};
static STEPS: Handler = Handler::Steps {
    steps: Cow::Borrowed(&[
        Step::Call {
            name: text("get-ship"),
            operation: SHIP_ID,
            args: Cow::Borrowed(&[Arg {
                input: text("imo"),
                value: Value::Input(text("imo")),
            }]),
        },
        Step::Call {
            name: text("list-crew"),
            operation: CREW_ID,
            args: list(&[]),
        },
        Step::Lookup {
            name: text("resolve-crew"),
            index: text("list-crew"),
            match_field: text("crewId"),
            lookup_value: Value::Step {
                step: text("get-ship"),
                path: Cow::Borrowed(&[PathSegment::Field(text("crew"))]),
            },
            fields: Cow::Borrowed(&[text("fullName"), text("role")]),
        },
    ]),
    output: Output::Mapped(Mapping::Object {
        path: list(&[]),
        fields: Cow::Borrowed(&[
            (
                text("imo"),
                Mapping::Select {
                    path: Cow::Borrowed(&[
                        PathSegment::Field(text("get-ship")),
                        PathSegment::Field(text("imo")),
                    ]),
                    ty: ValueType::String,
                },
            ),
            (
                text("name"),
                Mapping::Value(Value::Step {
                    step: text("get-ship"),
                    path: Cow::Borrowed(&[PathSegment::Field(text("name"))]),
                }),
            ),
            (
                text("crew"),
                Mapping::Select {
                    path: Cow::Borrowed(&[PathSegment::Field(text("resolve-crew"))]),
                    ty: ValueType::Array,
                },
            ),
        ]),
    }),
};
static STATIC: Handler = Handler::Static {
    body: text(r#"{"mock":true}"#),
    content_type: text("application/json"),
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
