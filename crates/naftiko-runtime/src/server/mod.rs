//! Serving every adapter of a capability: each REST, MCP and control adapter on its own
//! socket, and an MCP adapter declared with `transport: stdio` on the process's stdin and
//! stdout, until a shutdown signal.
//!
//! ```no_run
//! # async fn run(rt: naftiko_runtime::Runtime) -> Result<(), naftiko_runtime::Error> {
//! // Until SIGINT or SIGTERM:
//! naftiko_runtime::serve(rt).await
//! # }
//! ```
//!
//! Binding and serving are two steps on [`Server`], so a caller (a test, say) can bind port 0,
//! learn the addresses, then serve until a future of its own completes:
//!
//! ```no_run
//! # async fn run(rt: naftiko_runtime::Runtime) -> Result<(), naftiko_runtime::Error> {
//! let server = naftiko_runtime::Server::bind(rt).await?;
//! let rest_url = format!("http://{}", server.rest_addrs()[0]);
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let running = tokio::spawn(server.run(async { let _ = stopped.await; }));
//! // … call rest_url …
//! let _ = stop.send(());
//! # let _ = running.await;
//! # Ok(())
//! # }
//! ```
//!
//! Between the two, [`Server::layer`] adds a program's own tower middleware to every HTTP
//! listener's router; the connection handling below stays around it.
//!
//! A stdio adapter ends when its client closes stdin, and that stops the whole server, as any
//! adapter that stops does: the client started the process and is done with it. While it
//! serves, stdout carries only the protocol, so the program must log to stderr.
//!
//! Shutdown is graceful: listeners close at once, requests in flight finish, idle connections
//! are closed. A connection that stays busy (a long MCP stream) is cut after
//! [`SHUTDOWN_GRACE`], so stopping never hangs.
//!
//! # Threads
//!
//! The HTTP adapters are served by worker threads of the server's own, not by the runtime that
//! calls [`Server::run`]: `NAFTIKO_WORKERS` of them (unset: one per core, from
//! [`std::thread::available_parallelism`]), each a single-threaded tokio runtime with its own
//! socket on every adapter's port and its own pool of upstream connections, so that a request
//! is served, and its upstream called, on the thread that accepted its connection
//! (`workers.rs` says why). This holds whatever runtime the program runs `run` on, a
//! `#[tokio::main]` multi-threaded one included: that runtime only waits for the shutdown
//! future (and serves a stdio adapter), and the caller's log subscriber is the workers' too.
//! Handlers, hooks and MCP tool calls therefore run on the worker threads; a `tokio::spawn` in
//! them spawns on the worker's runtime.
//!
//! `NAFTIKO_WORKERS=0` serves on the caller's runtime instead, as tasks, with one socket per
//! adapter and one upstream pool per namespace shared by every thread: for a program that
//! needs its handlers on its own runtime (a runtime it configured, `tokio::time::pause` in a
//! test).
//!
//! On Linux the workers' sockets share their port with `SO_REUSEPORT`: another program run by
//! the same user may bind the same port that way too and take a share of its connections (a
//! program that binds it plainly is refused, as before).

mod connections;
mod signals;
mod workers;
mod write_deadline;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

use crate::config::ServingSettings;
use crate::error::Error;
use crate::runtime::Runtime;
use crate::runtime::control_state::ControlState;
use crate::server::connections::{AdapterName, connection_slots, settings_for_adapter};
use crate::server::workers::{Assignment, Workers};
use crate::spec::McpTransport;

/// How long in-flight requests may take to finish once shutdown has begun.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Every adapter's listener, bound and ready to serve.
pub struct Server {
    listeners: Vec<Listener>,
    /// The MCP adapter served over stdin/stdout, if the spec declares one (at most one: the
    /// code generator refuses two).
    stdio: Option<Stdio>,
    /// Told when each adapter starts and stops serving (for `GET /health/ready`).
    control: Option<Arc<ControlState>>,
    /// How many worker threads serve the listeners; 0: the caller's runtime does.
    workers: usize,
}

struct Stdio {
    rt: Runtime,
    /// Its index among the capability's MCP adapters.
    adapter: usize,
    label: String,
}

struct Listener {
    /// `REST adapter `x`` or `MCP adapter `x``, for logs and errors.
    label: String,
    /// The adapter's namespace, for access lines.
    namespace: &'static str,
    url: String,
    address: SocketAddr,
    kind: Kind,
    /// One per worker (one when the caller's runtime serves), all on `address`.
    sockets: Vec<std::net::TcpListener>,
    router: Router,
    settings: ServingSettings,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rest,
    Mcp,
    Control,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Rest => "rest",
            Kind::Mcp => "mcp",
            Kind::Control => "control",
        }
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let urls: Vec<&str> = self
            .listeners
            .iter()
            .map(|listener| listener.url.as_str())
            .collect();
        let stdio = self.stdio.as_ref().map(|stdio| stdio.label.as_str());
        f.debug_struct("Server")
            .field("urls", &urls)
            .field("stdio", &stdio)
            .finish()
    }
}

impl Server {
    /// Builds every adapter's router and binds its address (`<PREFIX>_ADDR` or the spec's); an
    /// MCP adapter with `transport: stdio` binds nothing and is served by [`Server::run`] on
    /// stdin/stdout. A router that cannot be built or an address that cannot be bound fails the
    /// whole call, naming the adapter and the address; so does a second stdio adapter.
    pub async fn bind(rt: Runtime) -> Result<Server, Error> {
        let spec = rt.spec();
        let count = spec.rest.len() + spec.mcp.len() + spec.control.len();
        let workers = rt.workers().unwrap_or_else(workers::default_count);
        let mut listeners = Vec::new();
        #[cfg_attr(not(feature = "mcp"), expect(unused_mut))]
        let mut stdio: Option<Stdio> = None;
        #[cfg(feature = "rest")]
        for (index, adapter) in spec.rest.iter().enumerate() {
            let router = crate::adapters::rest::router(rt.clone(), index)?;
            let label = format!("REST adapter `{}`", &*adapter.namespace);
            let serving = rt.rest_settings(index).map(|settings| settings.serving);
            let settings = serving_of(serving, &adapter.env_prefix, count);
            let address = rt.rest_addr(index);
            listeners.push(
                Listener::bind(
                    label,
                    &adapter.namespace,
                    Kind::Rest,
                    address,
                    router,
                    settings,
                    workers,
                )
                .await?,
            );
        }
        #[cfg(not(feature = "rest"))]
        left_out(
            "REST",
            &spec.rest.iter().map(|a| &*a.namespace).collect::<Vec<_>>(),
            "rest",
        )?;
        #[cfg(feature = "mcp")]
        for (index, adapter) in spec.mcp.iter().enumerate() {
            let label = format!("MCP adapter `{}`", &*adapter.namespace);
            if adapter.transport == McpTransport::Stdio {
                if let Some(Stdio { label: first, .. }) = &stdio {
                    return Err(Error::Serve(format!(
                        "{first} and {label} both use stdio; a process has one stdin and one stdout"
                    )));
                }
                stdio = Some(Stdio {
                    rt: rt.clone(),
                    adapter: index,
                    label,
                });
                continue;
            }
            let router = crate::adapters::mcp::router(rt.clone(), index);
            let serving = rt.mcp_settings(index).map(|settings| settings.serving);
            let settings = serving_of(serving, &adapter.env_prefix, count);
            let address = rt.mcp_addr(index);
            listeners.push(
                Listener::bind(
                    label,
                    &adapter.namespace,
                    Kind::Mcp,
                    address,
                    router,
                    settings,
                    workers,
                )
                .await?,
            );
        }
        #[cfg(not(feature = "mcp"))]
        left_out(
            "MCP",
            &spec.mcp.iter().map(|a| &*a.namespace).collect::<Vec<_>>(),
            "mcp",
        )?;
        #[cfg(feature = "control")]
        for (index, adapter) in spec.control.iter().enumerate() {
            let router = crate::adapters::control::router(rt.clone(), index)?;
            let label = format!("control adapter `{}`", &*adapter.namespace);
            let address = rt.control_addr(index);
            let serving = rt.control_settings(index).map(|settings| settings.serving);
            let settings = serving_of(serving, &adapter.env_prefix, count);
            listeners.push(
                Listener::bind(
                    label,
                    &adapter.namespace,
                    Kind::Control,
                    address,
                    router,
                    settings,
                    workers,
                )
                .await?,
            );
        }
        #[cfg(not(feature = "control"))]
        left_out(
            "control",
            &spec
                .control
                .iter()
                .map(|a| &*a.namespace)
                .collect::<Vec<_>>(),
            "control",
        )?;
        let control = rt.control_state().cloned();
        if let Some(state) = &control {
            state
                .readiness
                .expect(listeners.len() + usize::from(stdio.is_some()));
        }
        Ok(Server {
            listeners,
            stdio,
            control,
            workers,
        })
    }

    /// Wraps every HTTP listener's router (REST, MCP and control adapters alike) in `layer`,
    /// as [`Router::layer`] does: tower middleware of the program's own, served with this
    /// server's connection handling (deadlines, connection cap, request-head cap, access
    /// lines, graceful shutdown) still around it. Each call adds a layer outside the earlier
    /// ones. The access line records the status the outermost layer answered. An MCP adapter
    /// over stdio is not HTTP and is left as it is.
    ///
    /// ```no_run
    /// # async fn run(rt: naftiko_runtime::Runtime) -> Result<(), naftiko_runtime::Error> {
    /// use axum::http::{HeaderValue, header};
    ///
    /// naftiko_runtime::Server::bind(rt)
    ///     .await?
    ///     .layer(axum::middleware::map_response(|mut response: axum::response::Response| async {
    ///         response
    ///             .headers_mut()
    ///             .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    ///         response
    ///     }))
    ///     .run(naftiko_runtime::shutdown_signal())
    ///     .await
    /// # }
    /// ```
    #[must_use]
    pub fn layer<L>(mut self, layer: L) -> Server
    where
        L: tower::Layer<axum::routing::Route> + Clone + Send + Sync + 'static,
        L::Service: tower::Service<axum::extract::Request> + Clone + Send + Sync + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Response:
            axum::response::IntoResponse + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Error:
            Into<std::convert::Infallible> + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Future: Send + 'static,
    {
        for listener in &mut self.listeners {
            listener.router = std::mem::take(&mut listener.router).layer(layer.clone());
        }
        self
    }

    /// The bound address of every REST adapter, in spec order (the real port when the
    /// configured one was 0).
    pub fn rest_addrs(&self) -> Vec<SocketAddr> {
        self.addrs(Kind::Rest)
    }

    /// The bound address of every MCP adapter served over HTTP, in spec order (a stdio adapter
    /// has none).
    pub fn mcp_addrs(&self) -> Vec<SocketAddr> {
        self.addrs(Kind::Mcp)
    }

    /// The bound address of every control adapter, in spec order.
    pub fn control_addrs(&self) -> Vec<SocketAddr> {
        self.addrs(Kind::Control)
    }

    fn addrs(&self, kind: Kind) -> Vec<SocketAddr> {
        self.listeners
            .iter()
            .filter(|listener| listener.kind == kind)
            .map(|listener| listener.address)
            .collect()
    }

    /// Serves until `shutdown` completes, then stops gracefully. Should one adapter's server
    /// fail, the others are shut down too and the first error is returned. The HTTP adapters
    /// are served on worker threads of the server's own unless `NAFTIKO_WORKERS=0` (see the
    /// module's documentation); `run` returns once they have stopped.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), Error> {
        let (stop_sender, stop_receiver) = watch::channel(false);
        // Cuts the workers' connections once the grace period is over (or `run` is dropped).
        let (abort_sender, abort_receiver) = watch::channel(false);
        let mut servers = tokio::task::JoinSet::new();
        let mut assignments: Vec<Vec<Assignment>> = (0..self.workers).map(|_| Vec::new()).collect();
        for listener in self.listeners {
            tracing::info!("{} listening on {}", listener.label, listener.url);
            let label = listener.label;
            let adapter = AdapterName {
                kind: listener.kind.name(),
                namespace: listener.namespace,
            };
            let slots = connection_slots(&listener.settings);
            let control = self.control.clone();
            if let Some(state) = &control {
                state.readiness.started();
            }
            if self.workers == 0 {
                let mut sockets = listener.sockets.into_iter();
                let listener_socket = sockets.next().map(TcpListener::from_std);
                let stop = stop_receiver.clone();
                let (router, settings) = (listener.router, listener.settings);
                servers.spawn(async move {
                    let served = match listener_socket {
                        Some(Ok(socket)) => {
                            crate::server::connections::serve(
                                socket, router, settings, adapter, slots, stop,
                            )
                            .await
                        }
                        Some(Err(error)) => Err(error),
                        None => Err(std::io::Error::other("no socket was bound")),
                    }
                    .map_err(|error| Error::Serve(format!("{label} failed: {error}")));
                    if let Some(state) = &control {
                        state.readiness.stopped();
                    }
                    served
                });
                continue;
            }
            let mut results = Vec::with_capacity(self.workers);
            for (assigned, socket) in assignments.iter_mut().zip(listener.sockets) {
                let (done, result) = oneshot::channel();
                assigned.push(Assignment {
                    socket,
                    router: listener.router.clone(),
                    settings: listener.settings,
                    adapter,
                    slots: Arc::clone(&slots),
                    done,
                });
                results.push(result);
            }
            servers.spawn(async move {
                let served = workers::adapter_outcome(&label, results).await;
                if let Some(state) = &control {
                    state.readiness.stopped();
                }
                served
            });
        }
        let mut threads = if assignments.iter().any(|assigned| !assigned.is_empty()) {
            Some(Workers::start(
                assignments,
                &stop_receiver,
                &abort_receiver,
            )?)
        } else {
            None
        };

        #[cfg(feature = "mcp")]
        if let Some(stdio) = self.stdio {
            tracing::info!("{} serving on stdin/stdout", stdio.label);
            let control = self.control.clone();
            if let Some(state) = &control {
                state.readiness.started();
            }
            let mut stop = stop_receiver.clone();
            servers.spawn(async move {
                let serving = crate::adapters::mcp::serve_stdio(stdio.rt, stdio.adapter);
                // Shutdown drops the session, which closes it; its client sees stdout end.
                let served = tokio::select! {
                    served = serving => served,
                    _ = stop.wait_for(|stopping| *stopping) => Ok(()),
                };
                if let Some(state) = &control {
                    state.readiness.stopped();
                }
                served
            });
        }

        let mut first_error = None;
        tokio::pin!(shutdown);
        tokio::select! {
            () = &mut shutdown => tracing::info!("shutting down"),
            Some(finished) = servers.join_next() => {
                first_error = failure(finished);
                tracing::info!("an adapter stopped; shutting down the others");
            }
        }
        if let Some(state) = &self.control {
            state.readiness.stopping();
        }
        let _ = stop_sender.send(true);

        let drain = async {
            while let Some(finished) = servers.join_next().await {
                if first_error.is_none() {
                    first_error = failure(finished);
                }
            }
            if let Some(threads) = &mut threads {
                threads.exited().await;
            }
        };
        if tokio::time::timeout(SHUTDOWN_GRACE, drain).await.is_err() {
            tracing::warn!("requests still running after {SHUTDOWN_GRACE:?}; closing them");
            servers.abort_all();
            let _ = abort_sender.send(true);
            if let Some(threads) = &mut threads {
                // Each closes its runtime within a second of being told.
                let closing = Duration::from_secs(5);
                if tokio::time::timeout(closing, threads.exited())
                    .await
                    .is_err()
                {
                    tracing::warn!("a serving thread did not stop within {closing:?}");
                }
            }
        }
        drop(abort_sender);
        first_error.map_or(Ok(()), Err)
    }
}

/// Refuses to serve adapters whose feature was left out of the build. Generated code cannot
/// get here (it fails to compile instead); a hand-written spec table can.
#[cfg(not(all(feature = "rest", feature = "mcp", feature = "control")))]
fn left_out(kind: &str, namespaces: &[&str], feature: &str) -> Result<(), Error> {
    match namespaces.first() {
        None => Ok(()),
        Some(namespace) => Err(Error::Serve(format!(
            "{kind} adapter `{namespace}` cannot be served: this program was built without the \
             `{feature}` feature of naftiko"
        ))),
    }
}

fn failure(finished: Result<Result<(), Error>, tokio::task::JoinError>) -> Option<Error> {
    match finished {
        Ok(Ok(())) => None,
        Ok(Err(error)) => Some(error),
        Err(join_error) => Some(Error::Serve(format!(
            "a server task ended abnormally: {join_error}"
        ))),
    }
}

impl Listener {
    async fn bind(
        label: String,
        namespace: &'static str,
        kind: Kind,
        address: SocketAddr,
        router: Router,
        settings: ServingSettings,
        workers: usize,
    ) -> Result<Listener, Error> {
        let (sockets, address) = workers::bind(address, workers).map_err(|error| {
            Error::Serve(format!("{label} cannot listen on {address}: {error}"))
        })?;
        let url = match kind {
            Kind::Rest => format!("http://{address}"),
            Kind::Mcp => format!("http://{address}/mcp"),
            Kind::Control => format!("http://{address}/health/ready"),
        };
        Ok(Listener {
            label,
            namespace,
            url,
            address,
            kind,
            sockets,
            router,
            settings,
        })
    }
}

/// An adapter's serving settings, fitted to the process's file limit; the defaults for an
/// adapter the runtime has no settings of (it always has, for every adapter of its spec).
fn serving_of(
    serving: Option<ServingSettings>,
    env_prefix: &str,
    listeners: usize,
) -> ServingSettings {
    settings_for_adapter(
        serving.unwrap_or_else(ServingSettings::defaults),
        env_prefix,
        listeners,
    )
}

/// Serves every adapter until SIGINT (Ctrl-C) or SIGTERM. The signals are listened for before
/// any listener is bound, so none sent once the server accepts connections is missed.
///
/// Logging and OpenTelemetry are set up as [`serve_with_shutdown`] says.
pub async fn serve(rt: Runtime) -> Result<(), Error> {
    crate::logging::init_logging();
    let stop = shutdown_signal();
    serve_with_shutdown(rt, stop).await
}

/// Serves every adapter until `shutdown` completes. Logging is set up with
/// [`crate::init_logging`] unless the program installed a subscriber, and OpenTelemetry with
/// [`crate::init_telemetry`] (when an OTLP endpoint is configured); what it holds is flushed
/// once serving stops.
pub async fn serve_with_shutdown(
    rt: Runtime,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    crate::logging::init_logging();
    crate::runtime::init_telemetry(&rt);
    let served = Server::bind(rt).await?.run(shutdown).await;
    crate::telemetry::shutdown_telemetry().await;
    served
}

pub use signals::shutdown_signal;
