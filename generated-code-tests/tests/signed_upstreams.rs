//! Upstream credentials that are not a header, from YAML to sockets: the generated tables of
//! `fixtures/signed-upstreams.yaml` served by the runtime in front of a recording upstream.
//!
//! AWS signatures are checked by a verifier written here from AWS's description of Signature
//! Version 4 (canonical request, string to sign, signing key derived by an HMAC-SHA256 chain),
//! not by the signing crate; the verifier itself is checked against AWS's published test
//! vectors first, and must refuse a signature made with another secret.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::Request;
use hmac::{Hmac, Mac};
use naftiko_tests::goldens::signed_upstreams::Capability;
use sha2::{Digest, Sha256};

const ACCESS_KEY: &str = "AKIDNAFTIKOTEST";
const SECRET_KEY: &str = "naftiko/Secret+Access/Key-for-tests";
const WILDFIRE_KEY: &str = "wf-key-9f3a";

/// One request as the upstream received it.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    path: String,
    query: Option<String>,
    /// Lower-case names, in the order received.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, value)| value.as_str())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// RFC 3986 encoding as SigV4 asks: everything but `A-Z a-z 0-9 - _ . ~` as `%XX`.
fn uri_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// `%XX` decoded and `+` read as a space, as a server reads a query.
fn query_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'+' => out.push(b' '),
            b'%' if at + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[at + 1..at + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                at += 2;
            }
            other => out.push(other),
        }
        at += 1;
    }
    String::from_utf8(out).unwrap()
}

/// What AWS does with a signed request: rebuilds the canonical request from what arrived and
/// compares the signature it computes (with `secret`) with the one sent. `Err` says why not.
fn verify(request: &Received, secret: &str, region: &str, service: &str) -> Result<(), String> {
    let authorization = request.header("authorization").ok_or("no Authorization")?;
    let fields = authorization
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or("not an AWS4-HMAC-SHA256 authorization")?;
    let field = |name: &str| {
        fields
            .split(", ")
            .find_map(|part| part.strip_prefix(&format!("{name}=")))
            .ok_or(format!("no {name} in the authorization"))
    };
    let credential = field("Credential")?;
    let signed_headers = field("SignedHeaders")?;
    let signature = field("Signature")?;
    let amz_date = request.header("x-amz-date").ok_or("no x-amz-date")?;
    let date = amz_date.get(..8).ok_or("short x-amz-date")?;
    let scope = format!("{date}/{region}/{service}/aws4_request");
    if credential.split_once('/').map(|(_, rest)| rest) != Some(scope.as_str()) {
        return Err(format!("credential scope {credential}, expected …/{scope}"));
    }
    // Canonical URI: each segment as received, encoded once more (every service but S3).
    let canonical_uri = if request.path.is_empty() || request.path == "/" {
        "/".to_owned()
    } else {
        request
            .path
            .split('/')
            .map(uri_encode)
            .collect::<Vec<_>>()
            .join("/")
    };
    // Canonical query: decoded pairs, re-encoded, sorted by name then value.
    let mut pairs: Vec<(String, String)> = request
        .query
        .as_deref()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                uri_encode(&query_decode(name)),
                uri_encode(&query_decode(value)),
            )
        })
        .collect();
    pairs.sort();
    let canonical_query = pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&");
    // Canonical headers: exactly the signed ones, values trimmed with inner spaces collapsed.
    let names: Vec<&str> = signed_headers.split(';').collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    if sorted != names || !names.contains(&"host") || !names.contains(&"x-amz-date") {
        return Err(format!("signed headers {signed_headers}"));
    }
    let mut canonical_headers = String::new();
    for name in &names {
        let values: Vec<String> = request
            .headers
            .iter()
            .filter(|(known, _)| known == name)
            .map(|(_, value)| value.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        if values.is_empty() {
            return Err(format!("signed header {name} did not arrive"));
        }
        canonical_headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let payload_hash = hex(&Sha256::digest(&request.body));
    if let Some(sent) = request.header("x-amz-content-sha256")
        && sent != payload_hash
    {
        return Err(format!(
            "x-amz-content-sha256 {sent} is not the hash of the body received"
        ));
    }
    let canonical_request = format!(
        "{}\n{canonical_uri}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        request.method
    );
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date);
    let k_region = hmac(&k_date, region);
    let k_service = hmac(&k_region, service);
    let k_signing = hmac(&k_service, "aws4_request");
    let expected = hex(&hmac(&k_signing, &string_to_sign));
    if expected == signature {
        Ok(())
    } else {
        Err(format!(
            "signature {signature} is not {expected}; canonical request:\n{canonical_request}"
        ))
    }
}

/// A request of AWS's test suite (`aws-signing-test-suite/v4` in the signing crate's sources)
/// with the signature the suite publishes for it.
fn vector(method: &str, query: Option<&str>, signature: &str) -> Received {
    Received {
        method: method.to_owned(),
        path: "/".to_owned(),
        query: query.map(str::to_owned),
        headers: vec![
            ("host".to_owned(), "example.amazonaws.com".to_owned()),
            ("x-amz-date".to_owned(), "20150830T123600Z".to_owned()),
            (
                "authorization".to_owned(),
                format!(
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}"
                ),
            ),
        ],
        body: Vec::new(),
    }
}

const SUITE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

#[test]
fn the_verifier_accepts_aws_published_signatures_and_refuses_a_wrong_secret() {
    let cases = [
        // get-vanilla
        vector(
            "GET",
            None,
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        ),
        // get-vanilla-query-order-key-case: the query is sorted before signing.
        vector(
            "GET",
            Some("Param2=value2&Param1=value1"),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
        ),
        // post-vanilla
        vector(
            "POST",
            None,
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
        ),
    ];
    for case in &cases {
        assert_eq!(
            verify(case, SUITE_SECRET, "us-east-1", "service"),
            Ok(()),
            "{case:?}"
        );
        assert!(
            verify(
                case,
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ",
                "us-east-1",
                "service"
            )
            .is_err()
        );
        assert!(verify(case, SUITE_SECRET, "us-east-2", "service").is_err());
    }
    // A request changed after signing no longer verifies.
    let mut moved = cases[0].clone();
    moved.path = "/other".to_owned();
    assert!(verify(&moved, SUITE_SECRET, "us-east-1", "service").is_err());
}

/// A loopback upstream that answers `{}` and records every request whole.
async fn recording_upstream() -> (String, Arc<Mutex<Vec<Received>>>) {
    let seen: Arc<Mutex<Vec<Received>>> = Arc::default();
    let recorder = Arc::clone(&seen);
    let upstream = axum::Router::new().fallback(move |request: Request| {
        let recorder = Arc::clone(&recorder);
        async move {
            let (parts, body) = request.into_parts();
            let body: Bytes = axum::body::to_bytes(body, 1 << 20)
                .await
                .unwrap_or_default();
            recorder.lock().unwrap().push(Received {
                method: parts.method.to_string(),
                path: parts.uri.path().to_owned(),
                query: parts.uri.query().map(str::to_owned),
                headers: parts
                    .headers
                    .iter()
                    .map(|(name, value)| {
                        (
                            name.as_str().to_owned(),
                            value.to_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect(),
                body: body.to_vec(),
            });
            "{}"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, upstream).await;
    });
    (format!("http://{addr}"), seen)
}

/// The capability served in front of `upstream`, with `extra` variables; its REST address and
/// a sender that stops it.
async fn serve(
    upstream: &str,
    extra: &[(&str, &str)],
) -> (String, tokio::sync::oneshot::Sender<()>) {
    let upstream = upstream.to_owned();
    let extra: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let capability = Capability::from_lookup(&move |name: &str| match name {
        "APPS_BASE_URL" | "WILDFIRE_BASE_URL" => Some(upstream.clone()),
        "WILDFIRE_KEY" => Some(WILDFIRE_KEY.to_owned()),
        "AWS_ACCESS_KEY_ID" => Some(ACCESS_KEY.to_owned()),
        "AWS_SECRET_ACCESS_KEY" => Some(SECRET_KEY.to_owned()),
        "API_ADDR" => Some("127.0.0.1:0".to_owned()),
        other => extra
            .iter()
            .find(|(known, _)| known == other)
            .map(|(_, value)| value.clone()),
    })
    .unwrap();
    let server = naftiko::Server::bind(capability.runtime().clone())
        .await
        .unwrap();
    let api = format!("http://{}", server.rest_addrs()[0]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    (api, stop)
}

#[tokio::test]
async fn every_request_to_an_aws_namespace_carries_a_signature_aws_would_accept() {
    let (upstream, seen) = recording_upstream().await;
    let (api, stop) = serve(&upstream, &[("AWS_REGION", "eu-west-3")]).await;
    let http = reqwest::Client::new();
    let status = |request: reqwest::RequestBuilder| async move {
        request.send().await.unwrap().status().as_u16()
    };
    assert_eq!(
        status(http.get(format!("{api}/apps?status=ACTIVE&maxResults=5"))).await,
        200
    );
    assert_eq!(
        status(
            http.post(format!("{api}/apps"))
                .json(&serde_json::json!({"appName": "Büro tools"}))
        )
        .await,
        200
    );
    // A path segment that needs encoding: signed as encoded twice.
    assert_eq!(status(http.get(format!("{api}/apps/a%20b~c"))).await, 200);
    // Through the forward: the caller's method, sub-path, query and body, signed.
    assert_eq!(
        status(
            http.put(format!("{api}/aws/apps/x1/settings?b=2&a=1"))
                .header("content-type", "application/json")
                .body(r#"{"theme":"dark"}"#)
        )
        .await,
        200
    );
    let received = seen.lock().unwrap().clone();
    let _ = stop.send(());
    assert_eq!(received.len(), 4, "{received:?}");
    let targets: Vec<String> = received
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        targets,
        [
            "GET /apps",
            "POST /apps",
            "GET /apps/a%20b~c",
            "PUT /apps/x1/settings"
        ]
    );
    assert_eq!(
        received[1].body,
        r#"{"name":"Büro tools","tier":"basic"}"#.as_bytes()
    );
    for request in &received {
        assert_eq!(
            verify(request, SECRET_KEY, "eu-west-3", "appstudio"),
            Ok(()),
            "{request:?}"
        );
        // The credential names the access key; the secret key itself never travels.
        assert!(
            request
                .header("authorization")
                .is_some_and(|a| a.contains(&format!("Credential={ACCESS_KEY}/")))
        );
        assert!(!format!("{request:?}").contains(SECRET_KEY));
        // Verification can fail: another secret does not verify.
        assert!(verify(request, "another-secret", "eu-west-3", "appstudio").is_err());
        assert!(request.header("x-amz-security-token").is_none());
    }
    // The body is covered: its hash is the one sent and signed.
    let signed = received[1]
        .header("authorization")
        .unwrap_or_default()
        .to_owned();
    assert!(signed.contains("x-amz-content-sha256"), "{signed}");
    assert!(signed.contains("content-type"), "{signed}");
}

#[tokio::test]
async fn a_session_token_is_sent_and_signed() {
    let (upstream, seen) = recording_upstream().await;
    let (api, stop) = serve(
        &upstream,
        &[
            ("AWS_DEFAULT_REGION", "ap-south-1"),
            ("AWS_SESSION_TOKEN", "session/token=="),
        ],
    )
    .await;
    let answer = reqwest::get(format!("{api}/apps")).await.unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let received = seen.lock().unwrap().clone();
    let _ = stop.send(());
    let request = &received[0];
    assert_eq!(
        request.header("x-amz-security-token"),
        Some("session/token==")
    );
    assert_eq!(
        verify(request, SECRET_KEY, "ap-south-1", "appstudio"),
        Ok(())
    );
    assert!(
        request
            .header("authorization")
            .is_some_and(|a| a.contains("x-amz-security-token"))
    );
}

#[test]
fn missing_aws_credentials_and_region_are_reported_together_at_start_up() {
    let error = Capability::from_lookup(&|name: &str| match name {
        "WILDFIRE_KEY" => Some(WILDFIRE_KEY.to_owned()),
        "API_ADDR" => Some("127.0.0.1:0".to_owned()),
        _ => None,
    })
    .err()
    .map(|error| error.to_string())
    .unwrap_or_default();
    for expected in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"] {
        assert!(error.contains(expected), "{expected} not in: {error}");
    }
}

#[tokio::test]
async fn an_api_key_placed_in_the_body_is_a_field_of_every_kind_of_body() {
    let (upstream, seen) = recording_upstream().await;
    let (api, stop) = serve(&upstream, &[("AWS_REGION", "us-east-1")]).await;
    let http = reqwest::Client::new();
    let post =
        |path: &str, body: serde_json::Value| http.post(format!("{api}{path}")).json(&body).send();
    let link = post(
        "/wildfire/link",
        serde_json::json!({"link": "https://x.test/a"}),
    )
    .await
    .unwrap();
    assert_eq!(link.status().as_u16(), 200);
    let url = post(
        "/wildfire/url",
        serde_json::json!({"url": "https://x.test/b c"}),
    )
    .await
    .unwrap();
    assert_eq!(url.status().as_u16(), 200);
    let file = post("/wildfire/file", serde_json::json!({"content": "MZ..."}))
        .await
        .unwrap();
    assert_eq!(file.status().as_u16(), 200);
    // A missing input is refused before anything is sent; the answer never holds the key.
    let refused = post("/wildfire/link", serde_json::json!({})).await.unwrap();
    assert_eq!(refused.status().as_u16(), 400);
    let problem = refused.text().await.unwrap();
    assert!(problem.contains("link"), "{problem}");
    assert!(!problem.contains(WILDFIRE_KEY), "{problem}");

    let received = seen.lock().unwrap().clone();
    let _ = stop.send(());
    assert_eq!(received.len(), 3, "{received:?}");
    let text = |r: &Received| String::from_utf8(r.body.clone()).unwrap();
    assert_eq!(received[0].path, "/submit/link");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&received[0].body).unwrap(),
        serde_json::json!({"link": "https://x.test/a", "apikey": WILDFIRE_KEY})
    );
    assert_eq!(received[0].header("content-type"), Some("application/json"));
    assert_eq!(received[1].path, "/submit/url");
    assert_eq!(
        text(&received[1]),
        format!("apikey={WILDFIRE_KEY}&note=from+naftiko&url=https%3A%2F%2Fx.test%2Fb+c")
    );
    assert_eq!(received[2].path, "/submit/file");
    let multipart = text(&received[2]);
    assert!(
        multipart.contains(&format!(
            "Content-Disposition: form-data; name=\"apikey\"\r\n\r\n{WILDFIRE_KEY}\r\n"
        )),
        "{multipart}"
    );
    assert!(multipart.contains("filename=\"sample.txt\""), "{multipart}");
    // Nowhere else: not in the query, not in a header.
    for request in &received {
        assert!(request.query.is_none(), "{request:?}");
        assert!(
            request
                .headers
                .iter()
                .all(|(_, v)| !v.contains(WILDFIRE_KEY)),
            "{request:?}"
        );
    }
}
