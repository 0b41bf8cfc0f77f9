//! Serving one listener's connections with read and write deadlines, a cap on how many are
//! open, a cap on the size of a request's head, and graceful shutdown.
//!
//! A client gets the read timeout to send a request's head: hyper closes the connection when
//! the head is not complete by then (the same clock closes a keep-alive connection left idle
//! that long). Once the head is in, the client gets the same time again to send the whole body;
//! a body still arriving then ends the request with a 408 problem and the connection is closed.
//! Without both, a client that sends a byte now and then (a slow loris) holds a connection and a
//! task for ever, and enough of them exhaust the server's sockets. Writing the answer has its
//! own deadline ([`write_deadline`]): a client that stops reading is cut off too.
//!
//! At most `max_connections` are served at once, counted across every worker thread serving
//! the adapter (one semaphore they share): past that, a worker that has accepted a connection
//! holds it unserved and accepts nothing more until one closes, so new connections wait in the
//! kernel's accept queue (back-pressure) rather than being accepted and dropped, or failing once
//! the process runs out of file descriptors. Each worker holds at most one such waiting
//! connection. (Taking a slot before accepting would keep even those out, but a worker then
//! sits on a slot while the kernel hands the next connection to another worker's socket, which
//! may wait for ever below the cap.)
//!
//! Every request gets one access line (see [`logged`]) when its answer's head is ready.
//!
//! Connections speak HTTP/1.1 only. hyper's read deadlines exist for HTTP/1 alone, and serving
//! cleartext HTTP/2 too (by sniffing the preface) would wait for the preface's bytes with no
//! deadline at all; the agents and clients these servers face speak HTTP/1.1, and HTTP/2 to
//! the outside world is a TLS-terminating proxy's job.
//!
//! Shutdown: once `stop` turns true the listener is closed, every connection finishes the
//! request it is serving and closes, and [`serve`] returns when the last one has.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, HttpBody as _};
use axum::extract::{MatchedPath, Request};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use http::{HeaderValue, StatusCode, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::ServiceExt as _;

use super::write_deadline::WriteDeadline;
use crate::access::{self, AccessRecord};
use crate::adapters::problem::Problem;
use crate::config::{DEFAULT_MAX_CONNECTIONS, ServingSettings};

/// After a failed `accept` (out of file descriptors, say), wait this long before the next one
/// rather than spinning.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// hyper's default `max_buf_size` for HTTP/1: 8 KiB plus 100 times 4 KiB.
const HYPER_DEFAULT_BUFFER: usize = 8192 + 4096 * 100;

/// File descriptors kept out of the default caps' share: the runtime's own, logs, secrets
/// files, the upstream pool's DNS and TLS set-up.
const RESERVED_FILES: u64 = 64;

/// The serving settings of the adapter whose variables start with `env_prefix`, one of
/// `listeners` in the process. An unset `<PREFIX>_MAX_CONNECTIONS` defaults to
/// [`DEFAULT_MAX_CONNECTIONS`] or, when the process may not open that many files, to the
/// listeners' share of half the soft file-descriptor limit: every proxied request may hold an
/// upstream connection as well, and a server whose `accept` fails for want of descriptors is
/// worse off than one that stops accepting (its upstream calls fail too). A cap that is set
/// and exceeds the limit is kept, with a warning.
pub(crate) fn settings_for_adapter(
    settings: ServingSettings,
    env_prefix: &str,
    listeners: usize,
) -> ServingSettings {
    let limit = open_files_limit();
    let mut settings = settings;
    if !settings.max_connections_set {
        settings.max_connections = limit.map_or(DEFAULT_MAX_CONNECTIONS, |limit| {
            let share = limit.saturating_sub(RESERVED_FILES) / 2 / (listeners.max(1) as u64);
            usize::try_from(share)
                .unwrap_or(usize::MAX)
                .clamp(1, DEFAULT_MAX_CONNECTIONS)
        });
    }
    if let Some(limit) = limit
        && settings.max_connections_set
        && settings.max_connections as u64 > limit
    {
        tracing::warn!(
            "{env_prefix}_MAX_CONNECTIONS is {} but the process may open only {limit} files; \
             connections past that wait until some close (raise `ulimit -n`)",
            settings.max_connections
        );
    }
    settings
}

/// The soft limit on open files (`RLIMIT_NOFILE`), where the OS says (Linux's /proc); `None`
/// when unknown or unlimited.
fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    limits.lines().find_map(|line| {
        // `Max open files            1024                 524288               files`
        let soft = line
            .strip_prefix("Max open files")?
            .split_whitespace()
            .next()?;
        soft.parse().ok()
    })
}

/// The connection cap of one adapter, shared by the workers serving it.
pub(crate) fn connection_slots(settings: &ServingSettings) -> Arc<Semaphore> {
    Arc::new(Semaphore::new(
        settings.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ))
}

/// Serves `router` on `listener` until `stop` turns true (or its sender is dropped), then
/// waits for the connections to finish their requests. A connection is served only with one
/// of `slots`, held until it closes.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    settings: ServingSettings,
    adapter: AdapterName,
    slots: Arc<Semaphore>,
    stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    // `with_state(())` turns every handler into a route once, here; a router served without it
    // does that again for every request (as `axum::serve` knows: it calls it too).
    let router = router.route_layer(NoteMatchedPath).with_state(());
    let mut connections = JoinSet::new();
    let mut stopping = stop.clone();
    'accepting: loop {
        let mut back_off = false;
        let mut waiting = None;
        tokio::select! {
            _ = stopping.wait_for(|stopping| *stopping) => break,
            accepted = listener.accept() => {
                match accepted {
                    Ok((stream, _peer)) => waiting = Some(stream),
                    Err(error) if is_per_connection(&error) => {}
                    Err(error) => {
                        tracing::warn!(%error, "accepting a connection failed; retrying");
                        back_off = true;
                    }
                }
            },
            // Reaps finished connections so the set holds only live ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
        if let Some(stream) = waiting {
            let permit = match Arc::clone(&slots).try_acquire_owned() {
                Ok(permit) => permit,
                // Full: only a connection closing, here or on another worker, frees a slot.
                Err(_) => loop {
                    tokio::select! {
                        _ = stopping.wait_for(|stopping| *stopping) => break 'accepting,
                        permit = Arc::clone(&slots).acquire_owned() => match permit {
                            Ok(permit) => break permit,
                            // Never closed; should it be, the connection is not served.
                            Err(_) => continue 'accepting,
                        },
                        Some(_) = connections.join_next(), if !connections.is_empty() => {}
                    }
                },
            };
            connections.spawn(serve_connection(
                stream,
                router.clone(),
                settings,
                adapter,
                stop.clone(),
                permit,
            ));
        }
        if back_off {
            tokio::select! {
                _ = stopping.wait_for(|stopping| *stopping) => break,
                () = tokio::time::sleep(ACCEPT_BACKOFF) => {}
            }
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// Errors that concern the one connection being accepted, not the listener.
fn is_per_connection(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

async fn serve_connection(
    stream: TcpStream,
    router: Router,
    settings: ServingSettings,
    adapter: AdapterName,
    mut stop: watch::Receiver<bool>,
    // Held until the connection closes: its slot under the cap.
    _slot: OwnedSemaphorePermit,
) {
    let read_timeout = settings.read_timeout;
    let service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
        let router = router.clone();
        async move {
            let answer = logged(adapter, request.map(Body::new), |request| {
                with_body_deadline(router, request, read_timeout)
            })
            .await;
            Ok::<_, Infallible>(answer)
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(read_timeout)
        // hyper answers a longer head with `431 Request Header Fields Too Large` and closes
        // the connection (the request never reaches a router, so it has no access line).
        .max_header_size(settings.max_header_bytes);
    // hyper's read buffer (about 400 KiB by default) also bounds a head; a larger cap needs
    // a larger buffer, or the buffer's limit would answer first.
    if settings.max_header_bytes > HYPER_DEFAULT_BUFFER {
        builder.max_buf_size(settings.max_header_bytes);
    }
    let stream = WriteDeadline::new(stream, settings.write_timeout);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
            return;
        }
        _ = stop.wait_for(|stopping| *stopping) => connection.as_mut().graceful_shutdown(),
    }
    if let Err(error) = connection.await {
        tracing::debug!(%error, "connection ended with an error while shutting down");
    }
}

/// Which adapter a listener serves, as its access lines name it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AdapterName {
    /// `rest`, `mcp` or `control`.
    pub kind: &'static str,
    pub namespace: &'static str,
}

/// Serves `request` with `serve` and writes its access line: one `info` event (target
/// `naftiko::access`) per request, once its answer's head is ready (a streamed body may still
/// be flowing). It names the route template, never the path as sent nor its query, either of
/// which may carry a secret.
async fn logged<F, Fut>(adapter: AdapterName, mut request: Request, serve: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    let started = Instant::now();
    let method = request.method().clone();
    let record = Arc::new(AccessRecord::default());
    request.extensions_mut().insert(Arc::clone(&record));
    let response = access::scope(Arc::clone(&record), serve(request)).await;
    let noted = record.take();
    let upstream_ms = (noted.upstream_attempts > 0)
        .then(|| u64::try_from(noted.upstream_elapsed.as_millis()).unwrap_or(u64::MAX));
    tracing::info!(
        target: crate::logging::ACCESS_TARGET,
        adapter = adapter.namespace,
        kind = adapter.kind,
        method = method.as_str(),
        route = noted.route.as_deref().unwrap_or(UNMATCHED),
        tool = noted.tool,
        status = response.status().as_u16(),
        duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        upstream_status = noted.upstream_status,
        upstream_ms,
        upstream_attempts = (noted.upstream_attempts > 0).then_some(noted.upstream_attempts),
        upstream_retries = (noted.upstream_retries > 0).then_some(noted.upstream_retries),
        "request"
    );
    response
}

/// The route an access line names when no route matched (the path itself may hold a secret).
const UNMATCHED: &str = "(unmatched)";

/// A route layer that notes the route template axum matched (`/runs/{id}`, `/mcp`,
/// `/health/ready`) for the access line, then calls the route. A `tower` layer rather than
/// `axum::middleware::from_fn`: it returns the route's own future, where `from_fn` boxes a
/// future and clones and boxes the route again for every request.
#[derive(Debug, Clone, Copy)]
struct NoteMatchedPath;

impl<S> tower::Layer<S> for NoteMatchedPath {
    type Service = NotingMatchedPath<S>;

    fn layer(&self, route: S) -> Self::Service {
        NotingMatchedPath(route)
    }
}

#[derive(Debug, Clone)]
struct NotingMatchedPath<S>(S);

impl<S: tower::Service<Request>> tower::Service<Request> for NotingMatchedPath<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if let (Some(record), Some(matched)) = (
            request.extensions().get::<Arc<AccessRecord>>(),
            request.extensions().get::<MatchedPath>(),
        ) {
            record.note_route(matched.as_str());
        }
        self.0.call(request)
    }
}

/// Routes `request`, giving its body until `read_timeout` from now to arrive in full; answers
/// 408 (and closes the connection) when it did not, whatever the handler made of the cut body.
async fn with_body_deadline(router: Router, request: Request, read_timeout: Duration) -> Response {
    // A request without a body (most GETs) costs no timer.
    if request.body().is_end_stream() {
        return router
            .oneshot(request)
            .await
            .unwrap_or_else(|never| match never {});
    }
    let expired = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + read_timeout;
    let request = request.map(|body| until_deadline(body, deadline, Arc::clone(&expired)));
    let response = router
        .oneshot(request)
        .await
        .unwrap_or_else(|never| match never {});
    if !expired.load(Ordering::Acquire) {
        return response;
    }
    let mut refusal = Problem::new(
        StatusCode::REQUEST_TIMEOUT,
        "body-timeout",
        "Request body too slow",
        format!(
            "the request body did not arrive within {} ms",
            read_timeout.as_millis()
        ),
    )
    .into_response();
    refusal
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    refusal
}

/// `body`, ending in an error (and setting `expired`) if it is not complete by `deadline`.
fn until_deadline(body: Body, deadline: Instant, expired: Arc<AtomicBool>) -> Body {
    let chunks = body.into_data_stream();
    let bounded = futures_util::stream::unfold(Some(chunks), move |state| {
        let expired = Arc::clone(&expired);
        async move {
            let mut chunks = state?;
            match tokio::time::timeout_at(deadline, chunks.next()).await {
                Ok(Some(chunk)) => Some((chunk, Some(chunks))),
                Ok(None) => None,
                Err(_) => {
                    expired.store(true, Ordering::Release);
                    Some((Err(axum::Error::new(BodyTimedOut)), None))
                }
            }
        }
    });
    Body::from_stream(bounded)
}

#[derive(Debug)]
struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}
