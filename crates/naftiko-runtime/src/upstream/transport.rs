//! The transport under every [`ClientCore`](super::ClientCore): hyper's pooled client with
//! rustls, and nothing else in between. HTTP/1.1, and HTTP/2 with a TLS upstream that offers
//! it (ALPN); rustls on aws-lc-rs, whose default key exchange is post-quantum
//! (X25519MLKEM768) first; the operating system's trusted roots with the webpki roots added
//! (see `tls_config`); through the forward proxy the environment names (see `proxy`).
//!
//! Why not a higher-level client: the upstream call is the hot path of every route and tool,
//! and profiling the seed's proxy route showed a general-purpose client's per-request work
//! (re-parsing the URL into a URI, boxing the request and response futures and bodies, one
//! timer per request for each of its timeouts, merging default headers) costing about as much
//! CPU as the rest of the request. What the runtime needs is small and lives here: a pool
//! with keep-alive, TCP_NODELAY, a connect timeout, the `User-Agent`/`Accept` defaults, and
//! errors that say what failed without the URL (its query may hold an API key). The overall
//! timeout and the body limit belong to the caller ([`ClientCore`](super::ClientCore)),
//! which knows what a call is.
//!
//! The TLS configuration and the proxy rules are built once per [`Runtime`](crate::Runtime)
//! (loading the system's roots reads files) and shared by every namespace's pool.
//!
//! Pools: a call made on one of the server's worker threads (see [`enter_worker`]) goes through
//! a pool of that thread's own, built the first time the thread calls the namespace, so its
//! upstream connections are driven by the runtime that serves the request and no lock or task
//! is shared with the other workers. Every other call (a typed client in the program's own
//! runtime, a server running on the caller's runtime) shares the namespace's one pool.

use std::cell::RefCell;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, PROXY_AUTHORIZATION, USER_AGENT};
use http::{HeaderValue, Request, Response};
use http_body::{Body as HttpBody, Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{Either, Full};
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tokio::time::{Instant, Sleep};

use super::proxy::{self, ProxyConnector};
use super::roots::Roots;
use crate::config::ProxySettings;

/// What a request body is made of: a fixed buffer (built from the spec's request body), or a
/// caller's body streamed through (a REST forward). Not a server framework's body type, so that
/// a build with the typed client only links no server framework.
pub(crate) type OutBody = Either<Full<Bytes>, UnsyncBoxBody<Bytes, BoxError>>;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A request body of `data`, or an empty one.
pub(crate) fn fixed_body(data: Option<Bytes>) -> OutBody {
    Either::Left(Full::new(data.unwrap_or_default()))
}

/// A request body streamed from `body` as it arrives.
#[cfg(feature = "rest")]
pub(crate) fn streamed_body<B>(body: B) -> OutBody
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    use http_body_util::BodyExt as _;
    Either::Right(body.map_err(Into::into).boxed_unsync())
}

const DEFAULT_USER_AGENT: HeaderValue =
    HeaderValue::from_static(concat!("naftiko-rs/", env!("CARGO_PKG_VERSION")));
const ANY_TYPE: HeaderValue = HeaderValue::from_static("*/*");

/// How long an unused pooled connection is kept.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// TCP keep-alive probes on upstream connections.
const TCP_KEEPALIVE: Duration = Duration::from_secs(60);
/// Connecting never takes longer than this, whatever the call's timeout.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client upstream calls go through, chosen when the runtime is built
/// (`Runtime::builder(..).http_client(..)`).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub enum HttpClient {
    /// hyper-util's connection pool with rustls, set up by the runtime: HTTP/1.1 and HTTP/2,
    /// the system's trusted roots and webpki's, the environment's forward proxy. One pool per
    /// consumed namespace, and one more per server worker thread that calls it, each
    /// connecting within that namespace's timeout.
    #[default]
    Builtin,
    /// A `reqwest::Client` of the program's own, with whatever it was built with (proxies,
    /// TLS roots, client certificates, default headers): every namespace shares it. The
    /// runtime still bounds each call by the namespace's timeout and its answer by its body
    /// limit; `User-Agent` and the proxy variables are left to the client.
    #[cfg(feature = "reqwest")]
    Reqwest(reqwest_client::Client),
}

/// What every namespace's transport shares: built once, when the runtime is.
#[derive(Clone)]
pub(crate) enum Shared {
    Hyper {
        tls: Arc<rustls::ClientConfig>,
        /// `None` when no proxy variable is set.
        proxy: Option<Arc<Matcher>>,
    },
    #[cfg(feature = "reqwest")]
    Reqwest(reqwest_client::Client),
}

impl Shared {
    pub(crate) fn new(client: HttpClient, proxy: ProxySettings) -> Result<Shared, String> {
        match client {
            HttpClient::Builtin => Ok(Shared::Hyper {
                tls: Arc::new(tls_config()?),
                proxy: proxy.matcher.map(Arc::new),
            }),
            #[cfg(feature = "reqwest")]
            HttpClient::Reqwest(client) => Ok(Shared::Reqwest(client)),
        }
    }
}

type Pool = Client<HttpsConnector<ProxyConnector>, OutBody>;

/// One namespace's way to the upstream. Cheap to clone (pools are shared).
// One per namespace, held by its `ClientCore`: its size costs nothing, and boxing the hyper
// client would add a pointer chase to every call.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub(crate) enum Transport {
    Hyper {
        /// The pool of calls made outside the server's worker threads.
        client: Pool,
        proxy: Option<Arc<Matcher>>,
        /// What a worker thread builds its own pool of this namespace from.
        recipe: Arc<Recipe>,
    },
    #[cfg(feature = "reqwest")]
    Reqwest(reqwest_client::Client),
}

/// How to build one namespace's pool, and which namespace it is (clones of a transport share
/// the id, and so a worker's pool).
pub(crate) struct Recipe {
    id: u64,
    timeout: Duration,
    tls: Arc<rustls::ClientConfig>,
    proxy: Option<Arc<Matcher>>,
}

/// Gives every [`Recipe`] its own id, for the lifetime of the process.
static NEXT_RECIPE: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// A worker thread's own pools, by recipe id; `None` on every other thread. A handful of
    /// namespaces at most, so a list.
    static WORKER_POOLS: RefCell<Option<Vec<(u64, Pool)>>> = const { RefCell::new(None) };
}

/// Marks this thread as one of the server's workers: from now on its upstream calls go through
/// pools of its own, dropped with the thread. Called by a worker before it serves, on a thread
/// whose tokio runtime is its own (a pool's connections are tasks of the runtime that opened
/// them).
#[cfg(any(feature = "rest", feature = "mcp", feature = "control"))]
pub(crate) fn enter_worker() {
    WORKER_POOLS.with(|pools| *pools.borrow_mut() = Some(Vec::new()));
}

/// An answer's body as it arrives, whichever client received it.
pub(crate) struct InBody(InBodyKind);

enum InBodyKind {
    Hyper(Incoming),
    #[cfg(feature = "reqwest")]
    Reqwest(reqwest_client::Body),
}

/// Why a body could not be read.
pub(crate) type BodyError = Box<dyn std::error::Error + Send + Sync>;

impl HttpBody for InBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        match &mut self.0 {
            InBodyKind::Hyper(body) => Pin::new(body).poll_frame(cx).map_err(Into::into),
            #[cfg(feature = "reqwest")]
            InBodyKind::Reqwest(body) => Pin::new(body).poll_frame(cx).map_err(Into::into),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.0 {
            InBodyKind::Hyper(body) => body.is_end_stream(),
            #[cfg(feature = "reqwest")]
            InBodyKind::Reqwest(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            InBodyKind::Hyper(body) => body.size_hint(),
            #[cfg(feature = "reqwest")]
            InBodyKind::Reqwest(body) => body.size_hint(),
        }
    }
}

/// Why no answer came.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Connecting took longer than the connect timeout.
    ConnectTimeout,
    /// The connection was refused, reset or closed before an answer began: the same request
    /// may be sent again (when it is idempotent). The text is as for `Other`.
    Unanswered(String),
    /// Anything else: TLS, a malformed answer. The text names the cause and its causes, never
    /// the URL.
    Other(String),
}

impl Transport {
    /// A pool whose connections are set up within `timeout` (at most 10 s), or the user's
    /// client.
    pub(crate) fn new(timeout: Duration, shared: &Shared) -> Transport {
        let (tls, proxy) = match shared {
            Shared::Hyper { tls, proxy } => (tls, proxy),
            #[cfg(feature = "reqwest")]
            Shared::Reqwest(client) => return Transport::Reqwest(client.clone()),
        };
        let recipe = Recipe {
            id: NEXT_RECIPE.fetch_add(1, Ordering::Relaxed),
            timeout,
            tls: Arc::clone(tls),
            proxy: proxy.clone(),
        };
        Transport::Hyper {
            client: recipe.pool(),
            proxy: proxy.clone(),
            recipe: Arc::new(recipe),
        }
    }

    /// Sends `request` and returns the answer with its body unread.
    pub(crate) async fn send(
        &self,
        request: Request<OutBody>,
    ) -> Result<Response<InBody>, Failure> {
        match self {
            Transport::Hyper {
                client,
                proxy,
                recipe,
            } => {
                let response = send_hyper(client, recipe, proxy.as_deref(), request).await?;
                Ok(response.map(|body| InBody(InBodyKind::Hyper(body))))
            }
            #[cfg(feature = "reqwest")]
            Transport::Reqwest(client) => {
                let response = send_reqwest(client, request).await?;
                Ok(response.map(|body| InBody(InBodyKind::Reqwest(body))))
            }
        }
    }
}

impl Recipe {
    /// A pool whose connections are set up within the namespace's timeout (at most 10 s).
    fn pool(&self) -> Pool {
        let mut http = HttpConnector::new();
        // The TLS layer decides which schemes are allowed.
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_keepalive(Some(TCP_KEEPALIVE));
        http.set_connect_timeout(Some(self.timeout.min(MAX_CONNECT_TIMEOUT)));
        let connector = ProxyConnector::new(http, self.proxy.clone());
        // ALPN offers h2 and http/1.1 to TLS upstreams; plain-HTTP ones get HTTP/1.1.
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(rustls::ClientConfig::clone(&self.tls))
            .https_or_http()
            .enable_all_versions()
            .wrap_connector(connector);
        Client::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .pool_timer(TokioTimer::new())
            .build(https)
    }
}

/// Starts `request` on this worker thread's pool of the namespace (built now if this is the
/// thread's first call to it), or on `shared` off the worker threads.
fn start(
    shared: &Pool,
    recipe: &Recipe,
    request: Request<OutBody>,
) -> hyper_util::client::legacy::ResponseFuture {
    WORKER_POOLS.with(|pools| match pools.borrow_mut().as_mut() {
        None => shared.request(request),
        Some(pools) => {
            if let Some((_, pool)) = pools.iter().find(|(id, _)| *id == recipe.id) {
                return pool.request(request);
            }
            let pool = recipe.pool();
            let started = pool.request(request);
            pools.push((recipe.id, pool));
            started
        }
    })
}

/// Through hyper's pool. `User-Agent` and `Accept: */*` are added when the request has none.
async fn send_hyper(
    client: &Pool,
    recipe: &Recipe,
    proxy: Option<&Matcher>,
    mut request: Request<OutBody>,
) -> Result<Response<Incoming>, Failure> {
    let headers = request.headers_mut();
    if !headers.contains_key(USER_AGENT) {
        headers.insert(USER_AGENT, DEFAULT_USER_AGENT);
    }
    if !headers.contains_key(ACCEPT) {
        headers.insert(ACCEPT, ANY_TYPE);
    }
    // An `http://` upstream behind an HTTP proxy is asked through the proxy itself, which
    // wants its credentials on every request (a CONNECT tunnel carries them once).
    if request.uri().scheme() == Some(&http::uri::Scheme::HTTP)
        && let Some(via) = proxy::intercept(proxy, request.uri())
        && via.uri().scheme() == Some(&http::uri::Scheme::HTTP)
        && let Some(auth) = via.basic_auth()
    {
        request
            .headers_mut()
            .insert(PROXY_AUTHORIZATION, auth.clone());
    }
    start(client, recipe, request).await.map_err(|error| {
        if is_timeout(&error) {
            Failure::ConnectTimeout
        } else if error.is_connect() || connection_lost(&error) {
            Failure::Unanswered(describe(&error))
        } else {
            Failure::Other(describe(&error))
        }
    })
}

/// Through the user's reqwest client. A body of known size (every one but a forwarded
/// caller's stream) is handed over whole, so it goes out with its `Content-Length` and an empty
/// one with none, as on the built-in transport.
#[cfg(feature = "reqwest")]
async fn send_reqwest(
    client: &reqwest_client::Client,
    request: Request<OutBody>,
) -> Result<Response<reqwest_client::Body>, Failure> {
    use http_body_util::BodyExt as _;
    let (parts, body) = request.into_parts();
    let body = match body {
        Either::Left(fixed) => match fixed.collect().await {
            Ok(collected) => reqwest_client::Body::from(collected.to_bytes()),
            Err(never) => match never {},
        },
        Either::Right(streamed) => reqwest_client::Body::wrap_stream(streamed.into_data_stream()),
    };
    let request = reqwest_client::Request::try_from(Request::from_parts(parts, body))
        .map_err(|error| Failure::Other(describe(&error.without_url())))?;
    let response = client.execute(request).await.map_err(|error| {
        if error.is_connect() && error.is_timeout() {
            Failure::ConnectTimeout
        } else if error.is_connect() {
            Failure::Unanswered(describe(&error.without_url()))
        } else {
            // reqwest's text names the URL, whose query may hold an API key.
            Failure::Other(describe(&error.without_url()))
        }
    })?;
    Ok(http::Response::from(response))
}

/// TLS 1.2 and 1.3 on aws-lc-rs, given explicitly: the process-wide default provider is
/// ambiguous when another crate in the program enables a second one.
///
/// Certificates are checked by rustls-platform-verifier: the operating system's verifier on
/// macOS and Windows (a corporate CA installed there is trusted), and on Linux webpki against
/// the system's CA files (`/etc/ssl/certs`…, or `SSL_CERT_FILE`/`SSL_CERT_DIR`). The webpki
/// roots are added to them, so that a container without a CA bundle still reaches public APIs.
/// They are loaded in the background ([`Roots`]), not before the server listens.
pub(crate) fn tls_config() -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let roots = Roots::new(Arc::clone(&provider));
    roots.preload();
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| format!("cannot set up TLS: {error}"))?
        .dangerous()
        .with_custom_certificate_verifier(roots)
        .with_no_client_auth())
}

fn is_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if current
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        cause = current.source();
    }
    false
}

/// Whether the connection failed under the request (reset, aborted, closed before the answer).
fn connection_lost(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if current
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_incomplete_message)
            || current.downcast_ref::<std::io::Error>().is_some_and(|io| {
                matches!(
                    io.kind(),
                    std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::ConnectionAborted
                        | std::io::ErrorKind::ConnectionRefused
                        | std::io::ErrorKind::BrokenPipe
                )
            })
        {
            return true;
        }
        cause = current.source();
    }
    false
}

/// The error and its causes, one after the other.
pub(crate) fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut message = error.to_string();
    let mut cause = error.source();
    while let Some(current) = cause {
        let text = current.to_string();
        // hyper-util repeats its cause in its own text at times; say it once.
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        cause = current.source();
    }
    message
}

/// A body that fails once `deadline` has passed: a streamed upstream answer stays bound by
/// the call's timeout, as a buffered one is.
pub(crate) struct UntilDeadline<B> {
    inner: B,
    deadline: Pin<Box<Sleep>>,
    timeout: Duration,
}

/// The error of a body cut by its deadline.
#[derive(Debug)]
pub(crate) struct DeadlinePassed(pub Duration);

impl std::fmt::Display for DeadlinePassed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the upstream answer did not arrive within {} ms",
            self.0.as_millis()
        )
    }
}

impl std::error::Error for DeadlinePassed {}

impl<B> UntilDeadline<B> {
    pub(crate) fn new(inner: B, deadline: Instant, timeout: Duration) -> Self {
        UntilDeadline {
            inner,
            deadline: Box::pin(tokio::time::sleep_until(deadline)),
            timeout,
        }
    }
}

impl<B> HttpBody for UntilDeadline<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if this.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(Box::new(DeadlinePassed(this.timeout)))));
        }
        Pin::new(&mut this.inner).poll_frame(cx).map_err(Into::into)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("client error (Connect)")
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn timeouts_are_found_among_the_causes() {
        let timed_out = Outer(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "connect timed out",
        ));
        assert!(is_timeout(&timed_out));
        let refused = Outer(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "connection refused",
        ));
        assert!(!is_timeout(&refused));
        assert_eq!(
            describe(&refused),
            "client error (Connect): connection refused"
        );
    }

    #[tokio::test]
    async fn a_body_past_its_deadline_fails() {
        use http_body_util::BodyExt as _;
        let never = http_body_util::StreamBody::new(futures_util::stream::pending::<
            Result<Frame<Bytes>, std::io::Error>,
        >());
        let timeout = Duration::from_millis(20);
        let body = UntilDeadline::new(never, Instant::now() + timeout, timeout);
        let bounded = tokio::time::timeout(Duration::from_secs(10), body.collect()).await;
        let cut_by_deadline = matches!(bounded, Ok(Err(ref error)) if error.is::<DeadlinePassed>());
        assert!(cut_by_deadline, "the deadline did not cut the body");
    }
}
