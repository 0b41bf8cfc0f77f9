//! Output mappings over non-JSON upstream answers, end to end: a REST adapter in front of a
//! stand-in upstream on loopback that answers XML, CSV and broken XML, plus the steps path
//! (shared with MCP tools) over an XML answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

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

static VESSELS: HttpOperation = HttpOperation {
    consumes: 0,
    name: "vessels",
    method: "GET",
    path: &[PathPart::Literal("/vessels")],
    inputs: &[],
    body: RequestBody::Fields,
    output_format: RawFormat::Xml,
};
static USERS: HttpOperation = HttpOperation {
    consumes: 0,
    name: "users",
    method: "GET",
    path: &[PathPart::Literal("/users.csv")],
    inputs: &[],
    body: RequestBody::Fields,
    output_format: RawFormat::Csv,
};
static BROKEN: HttpOperation = HttpOperation {
    consumes: 0,
    name: "broken",
    method: "GET",
    path: &[PathPart::Literal("/broken")],
    inputs: &[],
    body: RequestBody::Fields,
    output_format: RawFormat::Xml,
};

/// `$.vessel` → `[{code: $.vesselCode, flag: $.flag, tons: $.tonnage as integer}]`.
const VESSEL_LIST: Mapping = Mapping::Array {
    path: &[PathSegment::Field("vessel")],
    items: &Mapping::Object {
        path: &[],
        fields: &[
            (
                "code",
                Mapping::Select {
                    path: &[PathSegment::Field("vesselCode")],
                    ty: ValueType::String,
                },
            ),
            (
                "name",
                Mapping::Select {
                    path: &[PathSegment::Field("vesselName")],
                    ty: ValueType::String,
                },
            ),
            (
                "flag",
                Mapping::Select {
                    path: &[PathSegment::Field("flag")],
                    ty: ValueType::String,
                },
            ),
            (
                "tons",
                Mapping::Select {
                    path: &[PathSegment::Field("tonnage")],
                    ty: ValueType::Integer,
                },
            ),
        ],
    },
};

const fn route(path: &'static str, name: &'static str, handler: Handler) -> RestRoute {
    RestRoute {
        method: "GET",
        path,
        name,
        inputs: &[],
        handler,
    }
}

static ROUTES: &[RestRoute] = &[
    route(
        "/vessels",
        "vessels",
        Handler::Call {
            operation: &VESSELS,
            args: &[],
            output: Output::Mapped(VESSEL_LIST),
        },
    ),
    route(
        "/vessels/raw",
        "vessels-raw",
        Handler::Call {
            operation: &VESSELS,
            args: &[],
            output: Output::Passthrough,
        },
    ),
    route(
        "/users",
        "users",
        Handler::Call {
            operation: &USERS,
            args: &[],
            output: Output::Mapped(Mapping::Array {
                path: &[],
                items: &Mapping::Object {
                    path: &[],
                    fields: &[
                        (
                            "id",
                            Mapping::Select {
                                path: &[PathSegment::Field("id")],
                                ty: ValueType::Integer,
                            },
                        ),
                        (
                            "name",
                            Mapping::Select {
                                path: &[PathSegment::Field("name")],
                                ty: ValueType::String,
                            },
                        ),
                    ],
                },
            }),
        },
    ),
    route(
        "/broken",
        "broken",
        Handler::Call {
            operation: &BROKEN,
            args: &[],
            output: Output::Mapped(VESSEL_LIST),
        },
    ),
];

/// Steps read each call's answer in its own format (the path MCP tools with steps take too).
static FLEET: Handler = Handler::Steps {
    steps: &[Step::Call {
        name: "fleet",
        operation: &VESSELS,
        args: &[],
    }],
    output: Output::Mapped(Mapping::Object {
        path: &[],
        fields: &[(
            "codes",
            Mapping::Select {
                path: &[
                    PathSegment::Field("fleet"),
                    PathSegment::Field("vessel"),
                    PathSegment::Wildcard,
                    PathSegment::Field("vesselCode"),
                ],
                ty: ValueType::String,
            },
        )],
    }),
};

static SPEC: CapabilitySpec = CapabilitySpec {
    name: "formats",
    description: "",
    consumes: &[ConsumesSpec {
        namespace: "legacy",
        env_prefix: "LEGACY",
        base_url: "http://127.0.0.1:9",
        timeout_ms: 10_000,
        auth: Auth::None,
        default_params: &[],
    }],
    secrets: &[],
    rest: &[RestAdapterSpec {
        namespace: "formats-rest",
        env_prefix: "FORMATS_REST",
        default_addr: "127.0.0.1:0",
        routes: ROUTES,
        openapi: "",
        auth: ExposedAuth::None,
        forwards: &[],
    }],
    mcp: &[],
    control: &[],
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
