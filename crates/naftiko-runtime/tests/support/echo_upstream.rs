//! A stand-in upstream on 127.0.0.1 for the client and invoke tests: it echoes what it received
//! as JSON, answers chosen statuses, sleeps, sends large bodies and checks Digest credentials.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Value as Json, json};
use sha2::{Digest as _, Sha256};

pub const DIGEST_USER: &str = "Mufasa";
pub const DIGEST_PASSWORD: &str = "Circle of Life";

/// Starts the upstream; it lives as long as the test's runtime.
pub async fn start() -> SocketAddr {
    let app = Router::new()
        .route("/status/{code}", any(status))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
        .route("/big", get(|| async { "x".repeat(100) }))
        .route(
            "/crew",
            get(|| async {
                axum::Json(json!([
                    {"crewId": "C1", "fullName": "Ada", "role": "captain"},
                    {"crewId": "C2", "fullName": "Bob", "role": "cook"}
                ]))
            }),
        )
        .route(
            "/ship/{imo}",
            get(|Path(imo): Path<String>| async move {
                axum::Json(
                    json!({"imo": imo, "name": "Evergreen", "year": "1999", "crew": ["C2", "C1"]}),
                )
            }),
        )
        .route(
            "/text",
            get(|| async { ([(header::CONTENT_TYPE, "text/csv")], "a,b\n1,2\n") }),
        )
        .route("/digest", any(digest))
        .fallback(echo);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// A port nothing listens on (bound, then released).
pub async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

async fn echo(request: Request) -> axum::Json<Json> {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, 1 << 20).await.unwrap_or_default();
    let headers: HashMap<String, String> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    axum::Json(json!({
        "method": parts.method.as_str(),
        "uri": parts.uri.to_string(),
        "headers": headers,
        "body": String::from_utf8_lossy(&body),
    }))
}

async fn status(Path(code): Path<u16>) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::IM_A_TEAPOT);
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::HeaderName::from_static("x-upstream"), "yes"),
        ],
        format!(r#"{{"code":{code}}}"#),
    )
        .into_response()
}

/// Digest with SHA-256 and qop=auth; the expected answer is recomputed from the request.
async fn digest(headers: HeaderMap, request: Request) -> Response {
    let challenge =
        r#"Digest realm="test", qop="auth", nonce="n0nce", opaque="op4que", algorithm=SHA-256"#;
    let unauthorized = || {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, challenge)],
            "",
        )
            .into_response()
    };
    let Some(authorization) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
    else {
        return unauthorized();
    };
    let Some(params) = authorization.strip_prefix("Digest ") else {
        return unauthorized();
    };
    let fields: HashMap<&str, &str> = params
        .split(", ")
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name, value.trim_matches('"')))
        .collect();
    let hash = |text: String| {
        Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let ha1 = hash(format!("{DIGEST_USER}:test:{DIGEST_PASSWORD}"));
    let uri = request.uri().to_string();
    let ha2 = hash(format!("{}:{uri}", request.method()));
    let expected = hash(format!(
        "{ha1}:n0nce:{}:{}:auth:{ha2}",
        fields.get("nc").copied().unwrap_or_default(),
        fields.get("cnonce").copied().unwrap_or_default()
    ));
    let valid = fields.get("response") == Some(&expected.as_str())
        && fields.get("uri") == Some(&uri.as_str())
        && fields.get("opaque") == Some(&"op4que")
        && fields.get("username") == Some(&DIGEST_USER);
    if valid {
        (StatusCode::OK, Body::from(r#"{"authenticated":true}"#)).into_response()
    } else {
        unauthorized()
    }
}
