//! An in-process stand-in for the Inngest REST API, "Runs" (v1), on loopback.
//!
//! The seed spec calls `https://api.inngest.com`, which neither tests nor a fresh machine can
//! reach. [`start`] serves the same wire contract (`shared/upstreams/`: the OpenAPI file and the
//! WireMock mappings) on `127.0.0.1` at a free port, so `generated-example --demo` and the
//! round-trip tests can exercise the generated client end to end:
//!
//! ```no_run
//! use generated_example::standin::{self, DEMO_API_KEY, RUNNING_RUN_ID};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let standin = standin::start().await?;
//! // Point the generated client at it: INNGEST_RUNS_BASE_URL=<base_url>, INNGEST_API_KEY=<key>.
//! println!("{} {DEMO_API_KEY} {RUNNING_RUN_ID}", standin.base_url);
//! // ... call it; then look at what actually arrived on the wire:
//! for request in standin.requests() {
//!     println!("{} {}", request.method, request.path);
//! }
//! standin.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! What it answers (each as the real v1 API does, per the contract):
//!
//! | request | answer |
//! |---|---|
//! | `GET /v1/runs/{runId}` | 200 `{"data": Run, "metadata": {"fetched_at", "cached_until"}}` |
//! | `GET /v1/runs/{runId}/jobs` | 200 `{"data": [Job…], "metadata": …}`: one queued job while running, `[]` once ended |
//! | `POST /v1/runs/{runId}/cancel`, `DELETE /v1/runs/{runId}` | 200, empty body, `Content-Type: application/json`; a running run becomes `Cancelled` |
//! | no `Authorization: Bearer signkey-<env>-<hex>` | 401 `{"error": "Unauthorized", "data": null, "status": 401}` |
//! | a run id that is not a ULID | 400 `Invalid run ID: …` |
//! | a ULID it does not know (e.g. [`MISSING_RUN_ID`]) | 500 on the GETs, 404 on cancel: `Unable to load function run: …` |
//! | any other path | 404, any other method on a runs path 405, both in the v1 error envelope |
//!
//! It knows three runs, [`RUNNING_RUN_ID`], [`COMPLETED_RUN_ID`] and [`FAILED_RUN_ID`]; state lives
//! in the [`StandIn`], so a cancel is seen by later reads of the same instance and by no other.
//! Unlike the hosted API it does not cache reads, so a GET right after a cancel already shows
//! `Cancelled`.

mod checks;
mod clock;
mod runs;

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::{ALLOW, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, PROXY_AUTHORIZATION};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use self::checks::{has_signing_key, is_ulid};
use self::clock::{now_unix_millis, rfc3339_millis};
use self::runs::{RunTable, seeded_runs};

/// A signing key the stand-in accepts (any `signkey-<env>-<hex>` does); `--demo` uses it.
pub const DEMO_API_KEY: &str = "signkey-demo-0123456789abcdef";
/// A run that is still going: one queued job, and cancelling it works.
pub const RUNNING_RUN_ID: &str = "01KKNTCGA0T4V6X9B2C5D8F1GH";
/// A run that finished with output.
pub const COMPLETED_RUN_ID: &str = "01KKNV2D8R3M5Q7S9V1X3Z5B7C";
/// A run that failed; its output is the serialized error.
pub const FAILED_RUN_ID: &str = "01KKNZ4F0E2G4J6M8P0R2T4W6Y";
/// A well-formed run id the stand-in does not know (the contract's example of a missing run).
pub const MISSING_RUN_ID: &str = "01KKQCNS00R7X2M4Q9W3E5T8YZ";

/// How long [`StandIn::shutdown`] lets open connections finish before it stops the server hard.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// Request bodies are recorded for tests, not used; this keeps a stray upload from filling memory.
const MAX_RECORDED_BODY_BYTES: usize = 64 * 1024;
/// Only the latest requests are kept, so a long `--demo` run (or a soak) does not grow without
/// bound; tests look at a handful.
const MAX_RECORDED_REQUESTS: usize = 1024;
/// Seconds the hosted API lets clients cache a run and a job list (its `Cache-Control`).
const RUN_CACHE_SECONDS: u64 = 3;
const JOBS_CACHE_SECONDS: u64 = 5;

/// One request as it arrived at the stand-in.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: Method,
    /// The path of the request target exactly as sent: percent-encoding kept, dot segments
    /// unresolved, so a test can tell `/v1/runs/a%2F..%2Fb` from `/v1/runs/a/../b`.
    pub path: String,
    /// The raw query string, without the `?`.
    pub query: Option<String>,
    /// Every header as received. `Authorization` values are marked sensitive, so `Debug` output
    /// of a recorded request never shows a key; read them with `HeaderValue::to_str`.
    pub headers: HeaderMap,
    /// The body, up to 64 KiB (empty if it was longer).
    pub body: Bytes,
}

/// A running stand-in. Dropping it stops the server; [`StandIn::shutdown`] also waits for that.
pub struct StandIn {
    /// Where it listens: `127.0.0.1` and a port the OS picked.
    pub addr: SocketAddr,
    /// `http://127.0.0.1:<port>`, no trailing slash: a drop-in for the spec's `baseUri`.
    pub base_url: String,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

/// Binds `127.0.0.1:0` and serves the stand-in on the current tokio runtime.
pub async fn start() -> io::Result<StandIn> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared {
        runs: Mutex::new(seeded_runs()),
        requests: Mutex::new(Vec::new()),
    });
    // A fallback and no routes: axum's router would percent-decode path parameters, and the raw
    // path is what the request log and the run-id check need.
    let app = Router::new()
        .fallback(answer)
        .with_state(Arc::clone(&shared));
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        // Either side of the channel going away means stop, hence no look at the result.
        let serving = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        // axum's accept loop retries accept errors itself; nothing is left to report here.
        let _ = serving.await;
    });
    Ok(StandIn {
        addr,
        base_url: format!("http://{addr}"),
        shared,
        stop: Some(stop),
        server: Some(server),
    })
}

impl StandIn {
    /// The requests received so far (the latest 1024), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests().clone()
    }

    /// Forgets the requests received so far (the runs keep their state).
    pub fn clear_requests(&self) {
        self.shared.requests().clear();
    }

    /// Stops accepting, lets open requests finish (for at most 5 s) and waits for the server.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut server) = self.server.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut server)
                .await
                .is_err()
        {
            server.abort();
        }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl fmt::Debug for StandIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandIn")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

struct Shared {
    runs: Mutex<RunTable>,
    requests: Mutex<Vec<RecordedRequest>>,
}

impl Shared {
    // A panic while a lock is held cannot leave either table half-updated (every update is a
    // single assignment or push), so a poisoned lock is still good to use.
    fn runs(&self) -> MutexGuard<'_, RunTable> {
        self.runs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn requests(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        self.requests.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, parts: &Parts, body: Bytes) {
        let mut headers = parts.headers.clone();
        for (name, value) in headers.iter_mut() {
            if name == AUTHORIZATION || name == PROXY_AUTHORIZATION {
                value.set_sensitive(true);
            }
        }
        let mut requests = self.requests();
        if requests.len() >= MAX_RECORDED_REQUESTS {
            let excess = requests.len() + 1 - MAX_RECORDED_REQUESTS;
            requests.drain(..excess);
        }
        requests.push(RecordedRequest {
            method: parts.method.clone(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers,
            body,
        });
    }
}

async fn answer(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_RECORDED_BODY_BYTES)
        .await
        .unwrap_or_default();
    shared.record(&parts, body);
    route(&shared, &parts.method, parts.uri.path(), &parts.headers)
}

#[derive(Clone, Copy)]
enum Endpoint {
    /// `/v1/runs/{runId}`
    Run,
    /// `/v1/runs/{runId}/jobs`
    Jobs,
    /// `/v1/runs/{runId}/cancel`
    Cancel,
}

/// Checks in the order the real API (and the WireMock priorities) apply them: key, run id, method,
/// then whether the run exists.
fn route(shared: &Shared, method: &Method, raw_path: &str, headers: &HeaderMap) -> Response {
    let Some(after_runs) = raw_path.strip_prefix("/v1/runs/") else {
        return no_route(method, raw_path);
    };
    if !has_signing_key(headers) {
        return v1_error(StatusCode::UNAUTHORIZED, "Unauthorized".to_owned());
    }
    let (raw_run_id, endpoint) = match after_runs.split('/').collect::<Vec<_>>().as_slice() {
        [run_id] => (*run_id, Endpoint::Run),
        [run_id, "jobs"] => (*run_id, Endpoint::Jobs),
        [run_id, "cancel"] => (*run_id, Endpoint::Cancel),
        _ => return no_route(method, raw_path),
    };
    if raw_run_id.is_empty() {
        return no_route(method, raw_path);
    }
    // Checked on the wire form: a ULID never needs escaping, so an escaped one is no ULID.
    if !is_ulid(raw_run_id) {
        let shown = percent_encoding::percent_decode_str(raw_run_id).decode_utf8_lossy();
        return v1_error(StatusCode::BAD_REQUEST, format!("Invalid run ID: {shown}"));
    }
    // ULIDs are case-insensitive; the server answers with the canonical upper-case form.
    let run_id = raw_run_id.to_ascii_uppercase();
    match (endpoint, method) {
        (Endpoint::Run, &Method::GET) => get_run(shared, &run_id),
        (Endpoint::Jobs, &Method::GET) => list_jobs(shared, &run_id),
        (Endpoint::Run, &Method::DELETE) | (Endpoint::Cancel, &Method::POST) => {
            cancel_run(shared, &run_id)
        }
        (Endpoint::Run, _) => method_not_allowed("GET, DELETE"),
        (Endpoint::Jobs, _) => method_not_allowed("GET"),
        (Endpoint::Cancel, _) => method_not_allowed("POST"),
    }
}

fn get_run(shared: &Shared, run_id: &str) -> Response {
    match shared.runs().get(run_id) {
        Some(run) => v1_data(run.to_v1_json(), RUN_CACHE_SECONDS),
        None => unable_to_load(StatusCode::INTERNAL_SERVER_ERROR, run_id),
    }
}

fn list_jobs(shared: &Shared, run_id: &str) -> Response {
    match shared.runs().get(run_id) {
        Some(run) => v1_data(run.pending_jobs_v1_json(), JOBS_CACHE_SECONDS),
        None => unable_to_load(StatusCode::INTERNAL_SERVER_ERROR, run_id),
    }
}

fn cancel_run(shared: &Shared, run_id: &str) -> Response {
    match shared.runs().get_mut(run_id) {
        Some(run) => {
            run.cancel(now_unix_millis());
            // v1 answers a cancel with no body at all, yet still labels it JSON.
            (
                StatusCode::OK,
                [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            )
                .into_response()
        }
        None => unable_to_load(StatusCode::NOT_FOUND, run_id),
    }
}

/// v1's success envelope, with the `Cache-Control` the hosted API sends.
fn v1_data(data: Value, cache_seconds: u64) -> Response {
    let fetched_at = now_unix_millis();
    let envelope = json!({
        "data": data,
        "metadata": {
            "fetched_at": rfc3339_millis(fetched_at),
            "cached_until": rfc3339_millis(fetched_at + cache_seconds * 1000),
        },
    });
    let cache_control = format!("private, max-age={cache_seconds}");
    (
        StatusCode::OK,
        [(CACHE_CONTROL, cache_control)],
        axum::Json(envelope),
    )
        .into_response()
}

/// v1's error envelope: `{"error": message, "data": null, "status": code}`.
fn v1_error(status: StatusCode, message: String) -> Response {
    let envelope = json!({ "error": message, "data": null, "status": status.as_u16() });
    (status, axum::Json(envelope)).into_response()
}

/// The real handlers wrap a failed run lookup the same way whatever the cause; only the status
/// differs between reads (500) and cancel (404).
fn unable_to_load(status: StatusCode, run_id: &str) -> Response {
    v1_error(status, format!("Unable to load function run: {run_id}"))
}

fn no_route(method: &Method, raw_path: &str) -> Response {
    v1_error(
        StatusCode::NOT_FOUND,
        format!("No route for {method} {raw_path}"),
    )
}

fn method_not_allowed(allowed: &'static str) -> Response {
    let mut response = v1_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "Method Not Allowed".to_owned(),
    );
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allowed));
    response
}
