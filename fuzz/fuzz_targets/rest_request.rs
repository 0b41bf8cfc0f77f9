//! Arbitrary requests (method, path, query, headers, body) through generated REST routers:
//! the seed's and a capability with string inputs in every location, in front of a loopback
//! upstream. Whatever the request, the router answers (no panic), and every request that
//! reaches the upstream goes to the configured host, on a path of the route's shape, with only
//! the headers the spec allows, the credentials unchanged, and no secret in the answer.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use axum::body::Body;
use libfuzzer_sys::fuzz_target;
use naftiko::{Hooks, RequestParts};
use tower::ServiceExt as _;

mod every_location {
    naftiko::capability!("../generated-example/tests/fixtures/every-location.yaml");
}
mod seed {
    naftiko::capability!(
        "../generated-example/inngest-runs.yaml",
        allow = ["case-folded-name", "inferred-input"]
    );
}

const TOKEN: &str = "fuzz-TOKEN-c4n4ry";
const QUERY_KEY: &str = "fuzz-QUERYKEY-c4n4ry";
const SEED_KEY: &str = "fuzz-SEEDKEY-c4n4ry";

/// The headers an upstream request may carry.
const ALLOWED_HEADERS: &[&str] = &[
    "authorization",
    "x-note",
    "cookie",
    "content-type",
    "accept",
];

struct Fixture {
    runtime: tokio::runtime::Runtime,
    routers: Vec<axum::Router>,
}

/// Checks every upstream request before it is sent; a violation panics, which libFuzzer
/// reports as a crash with the input that caused it.
struct Invariants {
    upstream: String,
}

impl Hooks for Invariants {
    fn before(&self, request: &mut RequestParts) {
        let url = &request.url;
        let rest = url
            .strip_prefix(&self.upstream)
            .unwrap_or_else(|| panic!("upstream URL changed host: {url}"));
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let segments: Vec<&str> = path.split('/').collect();
        let shape_ok = match segments.as_slice() {
            ["", "items", item] => !item.is_empty(),
            ["", "search"] => true,
            ["", "v1", "runs", run] => !run.is_empty(),
            ["", "v1", "runs", run, "jobs" | "cancel"] => !run.is_empty(),
            _ => false,
        };
        assert!(shape_ok, "upstream path out of shape: {path}");
        for segment in &segments {
            // A dot segment, plain or encoded, would be resolved away by the URL parser.
            let lower = segment.to_ascii_lowercase().replace("%2e", ".");
            assert!(lower != "." && lower != "..", "dot segment in {path}");
        }
        let api_keys = query
            .split('&')
            .filter(|pair| pair.starts_with("api_key="))
            .collect::<Vec<_>>();
        if segments.get(1) == Some(&"search") {
            assert_eq!(api_keys, [format!("api_key={QUERY_KEY}")], "query {query}");
        } else {
            assert!(api_keys.is_empty(), "api_key in {query}");
        }
        let mut authorizations = 0;
        for (name, value) in &request.headers {
            assert!(
                ALLOWED_HEADERS.contains(&name.as_str()),
                "unexpected upstream header {name}"
            );
            let bytes = value.as_bytes();
            assert!(
                !bytes.iter().any(|b| matches!(b, b'\r' | b'\n' | 0)),
                "control byte in header {name}"
            );
            if name == "authorization" {
                authorizations += 1;
                let expected_token = if segments.get(1) == Some(&"items") {
                    TOKEN
                } else {
                    SEED_KEY
                };
                assert_eq!(bytes, format!("Bearer {expected_token}").as_bytes());
            }
        }
        // Exactly one bearer where the namespace has one (`/items`, the seed's `/v1`), none
        // where it authenticates by query key (`/search`): a dropped token is a failure too.
        let expected = usize::from(segments.get(1) != Some(&"search"));
        assert_eq!(
            authorizations, expected,
            "{authorizations} authorization headers on {path}"
        );
    }
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let upstream = runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
            // A fixed answer: an upstream that echoed the request would echo the credentials.
            let app = axum::Router::new().fallback(|| async { "{\"ok\":true}" });
            tokio::spawn(async move { axum::serve(listener, app).await });
            format!("http://{addr}")
        });
        let base = upstream.clone();
        let lookup = move |name: &str| match name {
            "UPSTREAM_TOKEN" => Some(TOKEN.to_owned()),
            "UPSTREAM_QUERY_KEY" => Some(QUERY_KEY.to_owned()),
            "INNGEST_API_KEY" => Some(SEED_KEY.to_owned()),
            "ITEMS_API_TIMEOUT_MS" | "KEYED_API_TIMEOUT_MS" | "INNGEST_RUNS_TIMEOUT_MS" => {
                Some("2000".to_owned())
            }
            n if n.ends_with("_BASE_URL") => Some(base.clone()),
            _ => None,
        };
        let invariants = || Invariants {
            upstream: upstream.clone(),
        };
        let every = every_location::Capability::from_lookup(&lookup)
            .unwrap_or_else(|e| panic!("{e}"))
            .with_hooks(invariants());
        let seed = seed::Capability::from_lookup(&lookup)
            .unwrap_or_else(|e| panic!("{e}"))
            .with_hooks(invariants());
        let routers = [every.runtime(), seed.runtime()]
            .into_iter()
            .map(|rt| {
                naftiko::__private::rest_router(rt.clone(), 0).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        Fixture { runtime, routers }
    })
}

#[derive(Arbitrary, Debug)]
struct Request {
    router: bool,
    method: u8,
    /// 0: `/items/{path}`, 1: `/search`, 2: `/v1/v1/runs/{path}`, 3: `{path}/jobs`-style raw.
    shape: u8,
    path: String,
    query: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

const METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH"];

fuzz_target!(|input: Request| {
    let fixture = fixture();
    let target = match input.shape % 4 {
        0 => format!("/items/{}?{}", input.path, input.query),
        1 => format!("/search?{}", input.query),
        2 => format!("/v1/v1/runs/{}?{}", input.path, input.query),
        _ => format!("/{}", input.path),
    };
    let mut builder = http::Request::builder()
        .method(METHODS[usize::from(input.method) % METHODS.len()])
        .uri(target.as_str());
    for (name, value) in input.headers.iter().take(16) {
        builder = builder.header(name.as_str(), value.as_slice());
    }
    // Invalid URIs and header names are refused by the HTTP layer before any router runs.
    let Ok(request) = builder.body(Body::from(input.body)) else {
        return;
    };
    let router = fixture.routers[usize::from(input.router)].clone();
    let answer = fixture.runtime.block_on(async move {
        let response = router
            .oneshot(request)
            .await
            .unwrap_or_else(|never| match never {});
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 32 * 1024 * 1024)
            .await
            .unwrap_or_else(|e| panic!("unreadable answer: {e}"));
        (status, body)
    });
    let (status, body) = answer;
    assert!(
        status != http::StatusCode::INTERNAL_SERVER_ERROR,
        "500 for {target}: {}",
        String::from_utf8_lossy(&body)
    );
    for secret in [TOKEN, QUERY_KEY, SEED_KEY] {
        assert!(
            !body.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "secret in the answer to {target}"
        );
    }
});
