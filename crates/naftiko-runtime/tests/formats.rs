//! Output mappings over non-JSON upstream answers, end to end: a REST adapter in front of a
//! stand-in upstream on loopback that answers XML, CSV and broken XML, plus the steps path
//! (shared with MCP tools) over an XML answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::borrow::Cow;
use std::time::Duration;

use axum::routing::get;
use http::{StatusCode, header};
use naftiko_runtime::__private::{OutcomeBody, invoke};
use naftiko_runtime::spec::*;
use naftiko_runtime::{Runtime, Server};
use serde_json::{Value as Json, json};

const VESSELS_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<vessels>
  <vessel flag="PA"><vesselCode>V001</vesselCode><vesselName>Sea Eagle</vesselName><tonnage>5000</tonnage></vessel>
  <vessel flag="MT"><vesselCode>V002</vesselCode><vesselName>Harbor &amp; Star</vesselName><tonnage>1200</tonnage></vessel>
</vessels>"#;

const USERS_CSV: &str =
    "id,name,email\n1,Alice Smith,alice@example.com\n2,\"Johnson, Bob\",bob@example.com\n";

const VESSELS: HttpOperation = HttpOperation {
    name: text("vessels"),
    method: text("GET"),
    description: text(""),
    path: Cow::Borrowed(&[PathPart::Literal(text("/vessels"))]),
    inputs: list(&[]),
    body: RequestBody::Fields,
    output_format: RawFormat::Xml,
    output: naftiko_runtime::spec::Output::Passthrough,
    output_schema: None,
};
const USERS: HttpOperation = HttpOperation {
    name: text("users"),
    method: text("GET"),
    description: text(""),
    path: Cow::Borrowed(&[PathPart::Literal(text("/users.csv"))]),
    inputs: list(&[]),
    body: RequestBody::Fields,
    output_format: RawFormat::Csv,
    output: naftiko_runtime::spec::Output::Passthrough,
    output_schema: None,
};
const BROKEN: HttpOperation = HttpOperation {
    name: text("broken"),
    method: text("GET"),
    description: text(""),
    path: Cow::Borrowed(&[PathPart::Literal(text("/broken"))]),
    inputs: list(&[]),
    body: RequestBody::Fields,
    output_format: RawFormat::Xml,
    output: naftiko_runtime::spec::Output::Passthrough,
    output_schema: None,
};

/// The one consumed namespace, `legacy`, and its operations in the order `SPEC` lists them.
const LEGACY: ConsumesId = ConsumesId(0);
/// `VESSELS`, operation 0 of `legacy`.
const VESSELS_ID: OperationId = OperationId {
    consumes: LEGACY,
    index: 0,
};
/// `USERS`, operation 1 of `legacy`.
const USERS_ID: OperationId = OperationId {
    consumes: LEGACY,
    index: 1,
};
/// `BROKEN`, operation 2 of `legacy`.
const BROKEN_ID: OperationId = OperationId {
    consumes: LEGACY,
    index: 2,
};

/// `$.vessel` → `[{code: $.vesselCode, flag: $.flag, tons: $.tonnage as integer}]`.
const VESSEL_LIST: Mapping = Mapping::Array {
    path: Cow::Borrowed(&[PathSegment::Field(text("vessel"))]),
    items: Nested::Borrowed(&Mapping::Object {
        path: list(&[]),
        fields: Cow::Borrowed(&[
            (
                text("code"),
                Mapping::Select {
                    path: Cow::Borrowed(&[PathSegment::Field(text("vesselCode"))]),
                    ty: ValueType::String,
                },
            ),
            (
                text("name"),
                Mapping::Select {
                    path: Cow::Borrowed(&[PathSegment::Field(text("vesselName"))]),
                    ty: ValueType::String,
                },
            ),
            (
                text("flag"),
                Mapping::Select {
                    path: Cow::Borrowed(&[PathSegment::Field(text("flag"))]),
                    ty: ValueType::String,
                },
            ),
            (
                text("tons"),
                Mapping::Select {
                    path: Cow::Borrowed(&[PathSegment::Field(text("tonnage"))]),
                    ty: ValueType::Integer,
                },
            ),
        ]),
    }),
};

const ROUTES: List<RestRoute> = Cow::Borrowed(&[
    RestRoute {
        method: text("GET"),
        path: text("/vessels"),
        name: text("vessels"),
        description: text(""),
        inputs: list(&[]),
        output_schema: None,
        handler: Handler::Call {
            operation: VESSELS_ID,
            args: list(&[]),
            output: Output::Mapped(VESSEL_LIST),
        },
    },
    RestRoute {
        method: text("GET"),
        path: text("/vessels/raw"),
        name: text("vessels-raw"),
        description: text(""),
        inputs: list(&[]),
        output_schema: None,
        handler: Handler::Call {
            operation: VESSELS_ID,
            args: list(&[]),
            output: Output::Passthrough,
        },
    },
    RestRoute {
        method: text("GET"),
        path: text("/users"),
        name: text("users"),
        description: text(""),
        inputs: list(&[]),
        output_schema: None,
        handler: Handler::Call {
            operation: USERS_ID,
            args: list(&[]),
            output: Output::Mapped(Mapping::Array {
                path: list(&[]),
                items: Nested::Borrowed(&Mapping::Object {
                    path: list(&[]),
                    fields: Cow::Borrowed(&[
                        (
                            text("id"),
                            Mapping::Select {
                                path: Cow::Borrowed(&[PathSegment::Field(text("id"))]),
                                ty: ValueType::Integer,
                            },
                        ),
                        (
                            text("name"),
                            Mapping::Select {
                                path: Cow::Borrowed(&[PathSegment::Field(text("name"))]),
                                ty: ValueType::String,
                            },
                        ),
                    ]),
                }),
            }),
        },
    },
    RestRoute {
        method: text("GET"),
        path: text("/broken"),
        name: text("broken"),
        description: text(""),
        inputs: list(&[]),
        output_schema: None,
        handler: Handler::Call {
            operation: BROKEN_ID,
            args: list(&[]),
            output: Output::Mapped(VESSEL_LIST),
        },
    },
]);

/// Steps read each call's answer in its own format (the path MCP tools with steps take too).
static FLEET: Handler = Handler::Steps {
    steps: Cow::Borrowed(&[Step::Call {
        name: text("fleet"),
        operation: VESSELS_ID,
        args: list(&[]),
    }]),
    output: Output::Mapped(Mapping::Object {
        path: list(&[]),
        fields: Cow::Borrowed(&[(
            text("codes"),
            Mapping::Select {
                path: Cow::Borrowed(&[
                    PathSegment::Field(text("fleet")),
                    PathSegment::Field(text("vessel")),
                    PathSegment::Wildcard,
                    PathSegment::Field(text("vesselCode")),
                ]),
                ty: ValueType::String,
            },
        )]),
    }),
};

static SPEC: CapabilitySpec = CapabilitySpec {
    name: text("formats"),
    description: text(""),
    consumes: Cow::Borrowed(&[ConsumesSpec {
        namespace: text("legacy"),
        env_prefix: text("LEGACY"),
        base_url: text("http://127.0.0.1:9"),
        timeout_ms: 10_000,
        auth: Auth::None,
        description: text(""),
        default_params: list(&[]),
        // In the order of the ids above.
        operations: Cow::Borrowed(&[VESSELS, USERS, BROKEN]),
    }]),
    secrets: list(&[]),
    rest: Cow::Borrowed(&[RestAdapterSpec {
        namespace: text("formats-rest"),
        env_prefix: text("FORMATS_REST"),
        default_addr: text("127.0.0.1:0"),
        description: text(""),
        routes: ROUTES,
        openapi: text(""),
        auth: Auth::None,
        forwards: list(&[]),
    }]),
    mcp: list(&[]),
    control: list(&[]),
};

async fn upstream() -> String {
    let app = axum::Router::new()
        .route(
            "/vessels",
            get(|| async { ([(header::CONTENT_TYPE, "application/xml")], VESSELS_XML) }),
        )
        .route(
            "/users.csv",
            get(|| async { ([(header::CONTENT_TYPE, "text/csv")], USERS_CSV) }),
        )
        .route(
            "/broken",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/xml")],
                    "<vessels><vessel>",
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn runtime(base: String) -> Runtime {
    Runtime::from_lookup(&SPEC, &move |name| match name {
        "LEGACY_BASE_URL" => Some(base.clone()),
        "FORMATS_REST_ADDR" => Some("127.0.0.1:0".to_owned()),
        _ => None,
    })
    .expect("runtime")
}

async fn get_from(app: &str, path: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
        .get(format!("{app}{path}"))
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn rest_maps_xml_and_csv_answers_and_passes_raw_xml_through() {
    let server = Server::bind(runtime(upstream().await)).await.unwrap();
    let app = format!("http://{}", server.rest_addrs()[0]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));

    let vessels = get_from(&app, "/vessels").await;
    assert_eq!(vessels.status(), StatusCode::OK);
    assert_eq!(vessels.headers()[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        vessels.json::<Json>().await.unwrap(),
        json!([
            {"code": "V001", "name": "Sea Eagle", "flag": "PA", "tons": 5000},
            {"code": "V002", "name": "Harbor & Star", "flag": "MT", "tons": 1200}
        ])
    );

    let users = get_from(&app, "/users").await;
    assert_eq!(users.status(), StatusCode::OK);
    assert_eq!(
        users.json::<Json>().await.unwrap(),
        json!([{"id": 1, "name": "Alice Smith"}, {"id": 2, "name": "Johnson, Bob"}])
    );

    let raw = get_from(&app, "/vessels/raw").await;
    assert_eq!(raw.headers()[header::CONTENT_TYPE], "application/xml");
    assert_eq!(raw.text().await.unwrap(), VESSELS_XML);

    let broken = get_from(&app, "/broken").await;
    assert_eq!(broken.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(
        broken.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let problem: Json = broken.json().await.unwrap();
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("Xml"), "{problem}");

    let _ = stop.send(());
    serving.await.unwrap().unwrap();
}

#[tokio::test]
async fn steps_read_xml_answers_too() {
    let rt = runtime(upstream().await);
    let outcome = invoke(&rt, &FLEET, &Default::default()).await.unwrap();
    assert_eq!(outcome.status, StatusCode::OK);
    let OutcomeBody::Json(body) = outcome.body else {
        unreachable!("a mapped outcome is JSON")
    };
    assert_eq!(body, json!({"codes": ["V001", "V002"]}));
}
