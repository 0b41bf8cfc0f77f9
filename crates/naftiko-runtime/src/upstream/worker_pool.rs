//! A server worker thread's own HTTP/1.1 connections to plain `http://` upstreams, driven by
//! the request that uses them.
//!
//! hyper-util's pool runs every connection as a task of its own: an answer is read by that
//! task and handed to the request's task through a channel, and the pool sits behind a lock.
//! On a worker thread none of that is needed (the thread owns its connections and nothing
//! else touches them), so here a connection is a `hyper::client::conn::http1` pair kept in a
//! plain list: the request that checks one out polls its `Connection` itself while it waits
//! for the answer, and the answer's body goes on polling it while it is read. Once the body
//! has been read to its end, the connection goes back to the list.
//!
//! What it keeps of hyper-util's pool: a `Host` header and an origin-form target; keep-alive
//! with the most recently used connection first; a request that a reused connection closed
//! before sending it is sent again on a new one (the upstream may close an idle connection at
//! any time); idle connections are closed after 90 s. No task watches an idle connection, so
//! one the upstream has closed is noticed when it is next checked out, or by the sweep every
//! 30 s, whichever comes first.
//!
//! `https://` upstreams (whose TLS may choose HTTP/2, one connection shared by many requests)
//! and upstreams reached through a proxy keep going through hyper-util's pool (see
//! `transport`).

use std::cell::RefCell;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::Bytes;
use http::header::HOST;
use http::uri::{Authority, Scheme};
use http::{HeaderValue, Request, Response, Uri};
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::client::conn::http1;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tower_service::Service as _;

use super::transport::{Failure, OutBody, connection_lost, describe, is_timeout};

/// How long an unused connection is kept.
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// How often idle connections are looked at for expiry and closing.
const SWEEP_EVERY: Duration = Duration::from_secs(30);

/// One upstream connection: what sends requests on it, and what drives it. Always boxed
/// ([`Held`]): the driver is large, and a request's future would otherwise carry it inline, to be
/// copied whenever the future is moved or boxed.
struct Conn {
    sender: http1::SendRequest<OutBody>,
    /// `None` once the connection has ended.
    driver: Option<http1::Connection<TokioIo<TcpStream>, OutBody>>,
}

impl Conn {
    /// Drives the connection as far as it goes without waiting; drops the driver when the
    /// connection has ended (which answers any request still queued on it).
    fn drive(&mut self, cx: &mut Context<'_>) {
        if let Some(driver) = &mut self.driver
            && Pin::new(driver).poll(cx).is_ready()
        {
            self.driver = None;
        }
    }

    /// Whether the connection can carry another request: it has not ended, as far as can be
    /// seen without waiting.
    fn usable(&mut self) -> bool {
        self.drive(&mut Context::from_waker(Waker::noop()));
        self.driver.is_some() && !self.sender.is_closed()
    }
}

/// A connection, where it lives.
type Held = Box<Conn>;

/// An unused connection and since when.
struct Idle {
    key: Authority,
    conn: Held,
    since: Instant,
}

/// One namespace's connections on this thread.
struct Pool {
    recipe: u64,
    connector: HttpConnector,
    /// Oldest first: checked out from the end.
    idle: Vec<Idle>,
}

thread_local! {
    /// This worker thread's pools, by recipe id; `None` on every other thread.
    static POOLS: RefCell<Option<Vec<Pool>>> = const { RefCell::new(None) };
}

/// Marks this thread as a server worker: its plain-HTTP upstream calls go through
/// connections of its own from now on.
pub(super) fn enter() {
    POOLS.with(|pools| *pools.borrow_mut() = Some(Vec::new()));
}

/// Whether this thread is a server worker.
pub(super) fn on_worker() -> bool {
    POOLS.with(|pools| pools.borrow().is_some())
}

/// Sends `request` (to an `http://` URI with an authority, not CONNECT) on one of this
/// thread's connections to its authority, opened with `connector` (the namespace's `recipe`)
/// when none is idle. The answer's body drives the connection and gives it back once read.
pub(super) async fn send(
    recipe: u64,
    connector: impl FnOnce() -> HttpConnector,
    mut request: Request<OutBody>,
) -> Result<Response<WorkerBody>, Failure> {
    let Some(key) = to_origin_form(&mut request) else {
        return Err(Failure::Other(
            "the upstream URI has no host to connect to".to_owned(),
        ));
    };
    let (mut conn, mut reused) = match checkout(recipe, &key, connector) {
        Checkout::Idle(conn) => (conn, true),
        Checkout::Connect(connector) => (connect(connector, &key).await?, false),
    };
    loop {
        if reused {
            // An idle connection takes a request once its driver has asked for one.
            let ready = poll_fn(|cx| {
                conn.drive(cx);
                if conn.driver.is_none() {
                    return Poll::Ready(false);
                }
                conn.sender.poll_ready(cx).map(|ready| ready.is_ok())
            })
            .await;
            if !ready {
                conn = connect(new_connector(recipe), &key).await?;
                reused = false;
            }
        }
        let sending = conn.sender.try_send_request(request);
        let mut sending = std::pin::pin!(sending);
        // The driver first: it writes the request and reads the answer, which `sending` then
        // finds without another wake-up.
        let answer = poll_fn(|cx| {
            conn.drive(cx);
            sending.as_mut().poll(cx)
        })
        .await;
        match answer {
            Ok(response) => {
                return Ok(response.map(|body| WorkerBody {
                    body,
                    held: Some((conn, key)),
                    recipe,
                    finished: false,
                }));
            }
            Err(mut error) => {
                let unsent = error.take_message();
                let error = error.into_error();
                match unsent {
                    // The upstream closed a connection it had kept idle before the request
                    // went out: the request goes out again on a new one.
                    Some(unsent) if reused => {
                        request = unsent;
                        conn = connect(new_connector(recipe), &key).await?;
                        reused = false;
                    }
                    Some(_) => {
                        return Err(Failure::Unanswered(format!(
                            "client error (Canceled): {}",
                            describe(&error)
                        )));
                    }
                    None => {
                        let message = format!("client error (SendRequest): {}", describe(&error));
                        return Err(if connection_lost(&error) {
                            Failure::Unanswered(message)
                        } else {
                            Failure::Other(message)
                        });
                    }
                }
            }
        }
    }
}

/// Takes the authority out of `request`'s URI, leaving its path and query (origin form, as an
/// HTTP/1.1 request to an origin server has it), and gives it a `Host` header when it has
/// none.
fn to_origin_form(request: &mut Request<OutBody>) -> Option<Authority> {
    let mut parts = std::mem::take(request.uri_mut()).into_parts();
    let authority = parts.authority.take()?;
    if !request.headers().contains_key(HOST) {
        let host = match authority.port_u16() {
            Some(80) | None => HeaderValue::from_str(authority.host()),
            Some(port) => HeaderValue::from_str(&format!("{}:{port}", authority.host())),
        };
        if let Ok(host) = host {
            request.headers_mut().insert(HOST, host);
        }
    }
    *request.uri_mut() = match parts.path_and_query {
        Some(path) if path.as_str() != "/" => {
            let mut origin = http::uri::Parts::default();
            origin.path_and_query = Some(path);
            Uri::from_parts(origin).unwrap_or_default()
        }
        _ => Uri::default(),
    };
    Some(authority)
}

/// What a checkout found.
enum Checkout {
    Idle(Held),
    /// No usable idle connection: open one with this.
    Connect(HttpConnector),
}

/// The most recently used idle connection to `key` that is still open; the others found
/// expired or closed on the way are dropped. On this thread's first call for the namespace,
/// its pool is made (and its sweep started).
fn checkout(recipe: u64, key: &Authority, connector: impl FnOnce() -> HttpConnector) -> Checkout {
    POOLS.with(|pools| {
        let mut pools = pools.borrow_mut();
        let Some(pools) = pools.as_mut() else {
            return Checkout::Connect(connector());
        };
        let Some(pool) = pools.iter_mut().find(|pool| pool.recipe == recipe) else {
            let connector = connector();
            pools.push(Pool {
                recipe,
                connector: connector.clone(),
                idle: Vec::new(),
            });
            tokio::spawn(sweep(recipe));
            return Checkout::Connect(connector);
        };
        let now = Instant::now();
        while let Some(at) = pool.idle.iter().rposition(|idle| idle.key == *key) {
            let mut idle = pool.idle.remove(at);
            if now.duration_since(idle.since) < IDLE_TIMEOUT && idle.conn.usable() {
                return Checkout::Idle(idle.conn);
            }
        }
        Checkout::Connect(pool.connector.clone())
    })
}

/// The namespace's connector on this thread (its pool exists once `checkout` has run).
fn new_connector(recipe: u64) -> HttpConnector {
    POOLS
        .with(|pools| {
            pools
                .borrow()
                .iter()
                .flatten()
                .find(|pool| pool.recipe == recipe)
                .map(|pool| pool.connector.clone())
        })
        .unwrap_or_else(HttpConnector::new)
}

/// Gives `conn` back to this thread's pool of `recipe`; dropped (closed) when this is not
/// the thread that opened it.
fn release(recipe: u64, key: Authority, conn: Held) {
    let _ = POOLS.try_with(|pools| {
        if let Some(pool) = pools
            .borrow_mut()
            .iter_mut()
            .flatten()
            .find(|pool| pool.recipe == recipe)
        {
            pool.idle.push(Idle {
                key,
                conn,
                since: Instant::now(),
            });
        }
    });
}

/// Every `SWEEP_EVERY`, closes this thread's idle connections of `recipe` that have expired or
/// that the upstream has closed. Ends with the thread's runtime.
async fn sweep(recipe: u64) {
    let mut every = tokio::time::interval_at(Instant::now() + SWEEP_EVERY, SWEEP_EVERY);
    loop {
        every.tick().await;
        let now = Instant::now();
        POOLS.with(|pools| {
            if let Some(pool) = pools
                .borrow_mut()
                .iter_mut()
                .flatten()
                .find(|pool| pool.recipe == recipe)
            {
                pool.idle.retain_mut(|idle| {
                    now.duration_since(idle.since) < IDLE_TIMEOUT && idle.conn.usable()
                });
            }
        });
    }
}

/// A new connection to `key` (within the connector's connect timeout).
async fn connect(mut connector: HttpConnector, key: &Authority) -> Result<Held, Failure> {
    let target = Uri::builder()
        .scheme(Scheme::HTTP)
        .authority(key.clone())
        .path_and_query("/")
        .build()
        .map_err(|error| Failure::Other(format!("client error (Connect): {error}")))?;
    let io = connector.call(target).await.map_err(|error| {
        if is_timeout(&error) {
            Failure::ConnectTimeout
        } else {
            Failure::Unanswered(format!("client error (Connect): {}", describe(&error)))
        }
    })?;
    let (sender, driver) = http1::Builder::new()
        .handshake(io)
        .await
        .map_err(|error| Failure::Other(format!("client error (Connect): {}", describe(&error))))?;
    Ok(Box::new(Conn {
        sender,
        driver: Some(driver),
    }))
}

/// An answer's body on a worker connection: reading it drives the connection, and once it
/// has been read to its end the connection goes back to the pool (when the upstream kept it
/// open). Dropped before its end, it closes the connection.
pub(crate) struct WorkerBody {
    body: Incoming,
    /// The connection and where it goes, until it is given back or has ended.
    held: Option<(Held, Authority)>,
    recipe: u64,
    finished: bool,
}

impl WorkerBody {
    fn give_back(&mut self) {
        if let Some((conn, key)) = self.held.take()
            && conn.driver.is_some()
        {
            release(self.recipe, key, conn);
        }
    }
}

impl HttpBody for WorkerBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = &mut *self;
        if let Some((conn, _)) = &mut this.held {
            conn.drive(cx);
        }
        let frame = Pin::new(&mut this.body).poll_frame(cx);
        match &frame {
            Poll::Ready(None) => this.finished = true,
            Poll::Ready(Some(Ok(_))) => this.finished = this.body.is_end_stream(),
            Poll::Ready(Some(Err(_))) => this.held = None,
            Poll::Pending => {}
        }
        if this.finished {
            this.give_back();
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.finished || self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl Drop for WorkerBody {
    fn drop(&mut self) {
        // A reader that stops at `is_end_stream` never polls the end.
        if self.finished || self.body.is_end_stream() {
            self.give_back();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin_form(uri: &str, host: Option<&str>) -> (String, String, String) {
        let mut request = Request::get(uri)
            .body(super::super::transport::fixed_body(None))
            .unwrap_or_else(|error| unreachable!("{error}"));
        if let Some(host) = host {
            request.headers_mut().insert(
                HOST,
                HeaderValue::from_str(host).unwrap_or_else(|e| unreachable!("{e}")),
            );
        }
        let key = to_origin_form(&mut request).unwrap_or_else(|| unreachable!("no authority"));
        let host = request.headers()[HOST]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        (key.to_string(), request.uri().to_string(), host)
    }

    #[test]
    fn requests_go_out_in_origin_form_with_a_host() {
        let cases = [
            (
                "http://api.test/v1/runs?limit=2",
                None,
                ("api.test", "/v1/runs?limit=2", "api.test"),
            ),
            (
                "http://api.test:80/",
                None,
                ("api.test:80", "/", "api.test"),
            ),
            ("http://api.test", None, ("api.test", "/", "api.test")),
            (
                "http://127.0.0.1:8080/x",
                None,
                ("127.0.0.1:8080", "/x", "127.0.0.1:8080"),
            ),
            (
                "http://[::1]:9000/x",
                None,
                ("[::1]:9000", "/x", "[::1]:9000"),
            ),
            (
                "http://user:pw@api.test/x",
                None,
                ("user:pw@api.test", "/x", "api.test"),
            ),
            (
                "http://api.test/x",
                Some("other.test"),
                ("api.test", "/x", "other.test"),
            ),
        ];
        for (uri, host, (key, target, sent_host)) in cases {
            assert_eq!(
                origin_form(uri, host),
                (key.to_owned(), target.to_owned(), sent_host.to_owned()),
                "{uri}"
            );
        }
    }

    #[test]
    fn a_uri_without_an_authority_has_no_key() {
        let mut request = Request::get("/v1/runs")
            .body(super::super::transport::fixed_body(None))
            .unwrap_or_else(|error| unreachable!("{error}"));
        assert!(to_origin_form(&mut request).is_none());
    }
}
