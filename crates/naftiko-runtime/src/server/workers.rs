//! The serving threads: `NAFTIKO_WORKERS` of them (one per core unless it says otherwise), each
//! running a single-threaded tokio runtime of its own with one listening socket per adapter and
//! its own upstream pools. A connection, its requests, the handlers and the upstream
//! connections they use stay on the thread that accepted it: no task moves between threads and
//! no pool lock is shared, which is how nginx's workers, and the Rust servers that keep up with
//! it, spend less per request than one work-stealing runtime does (BENCHMARKS.md,
//! `bench/ceiling.sh`).
//!
//! Sockets: on Linux each worker has its own socket on the adapter's port (`SO_REUSEPORT`),
//! and the kernel spreads new connections across them. The first is bound to the configured
//! address and the others to the port it got, so port 0 gives every worker the same port, and
//! every socket is bound before [`Server::bind`](super::Server::bind) returns. Elsewhere the
//! workers share one socket, each accepting from it.
//!
//! What the workers share: each adapter's router (so MCP sessions, kept in its session
//! manager, are found whichever worker a request lands on), the connection cap, the stop
//! signal, and the program's log subscriber.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use futures_util::StreamExt as _;
use futures_util::stream::FuturesUnordered;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc, oneshot, watch};

use crate::config::ServingSettings;
use crate::error::Error;
use crate::server::connections::{self, AdapterName};

/// Pending connections the kernel queues per socket before `accept` (tokio's own figure).
const BACKLOG: i32 = 1024;

/// How long a worker's runtime may take to close once its serving is over or cut.
const RUNTIME_CLOSE: Duration = Duration::from_secs(1);

/// How many workers serve when `NAFTIKO_WORKERS` is unset: one per core the process may use.
pub(crate) fn default_count() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// `count` listening sockets (at least one) for `address`, all on the same port; the address
/// they got.
pub(crate) fn bind(
    address: SocketAddr,
    count: usize,
) -> std::io::Result<(Vec<std::net::TcpListener>, SocketAddr)> {
    let count = count.max(1);
    let first = socket(address, count > 1)?;
    let bound = first.local_addr()?;
    let mut sockets = Vec::with_capacity(count);
    sockets.push(first);
    for _ in 1..count {
        sockets.push(another(&sockets[0], bound)?);
    }
    Ok((sockets, bound))
}

/// A non-blocking socket listening on `address`; with `shared`, open to the other workers'
/// sockets on the same port.
fn socket(address: SocketAddr, shared: bool) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(
        Domain::for_address(address),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    // As tokio's `TcpListener::bind` does: a restarted server may bind a port whose previous
    // connections linger in TIME_WAIT.
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if shared {
        socket.set_reuse_port(true)?;
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = shared;
    socket.set_nonblocking(true)?;
    socket.bind(&address.into())?;
    socket.listen(BACKLOG)?;
    Ok(socket.into())
}

/// Another worker's socket on `bound`: its own on Linux, where the kernel balances connections
/// across the group; elsewhere (where `SO_REUSEPORT` does not balance, or does not exist) the
/// first socket again, shared.
fn another(
    first: &std::net::TcpListener,
    bound: SocketAddr,
) -> std::io::Result<std::net::TcpListener> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let _ = first;
        socket(bound, true)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = bound;
        first.try_clone()
    }
}

/// One adapter as one worker serves it.
pub(crate) struct Assignment {
    pub socket: std::net::TcpListener,
    pub router: Router,
    pub settings: ServingSettings,
    pub adapter: AdapterName,
    pub slots: Arc<Semaphore>,
    /// Told how the worker's serving of the adapter ended; dropped unsent if it panicked.
    pub done: oneshot::Sender<Result<(), String>>,
}

/// The worker threads, started.
pub(crate) struct Workers {
    /// Every thread holds a sender, dropped once it has closed its runtime: `recv` gives
    /// `None` when all have.
    exited: mpsc::Receiver<()>,
}

impl Workers {
    /// Starts one thread per entry of `assignments`, each serving its adapters until `stop`
    /// turns true and their connections have finished, or until `abort` does (or either's
    /// sender is dropped), which drops whatever is still running.
    pub(crate) fn start(
        assignments: Vec<Vec<Assignment>>,
        stop: &watch::Receiver<bool>,
        abort: &watch::Receiver<bool>,
    ) -> Result<Workers, Error> {
        // Requests log where the program's events go, whether its subscriber is the global
        // one or one scoped to the calling thread.
        let dispatch = tracing::dispatcher::get_default(Clone::clone);
        let (exiting, exited) = mpsc::channel::<()>(1);
        for (index, assigned) in assignments.into_iter().enumerate() {
            let exiting = exiting.clone();
            let (stop, abort, dispatch) = (stop.clone(), abort.clone(), dispatch.clone());
            std::thread::Builder::new()
                .name(format!("naftiko-worker-{index}"))
                .spawn(move || {
                    // Dropped last, once the runtime is closed.
                    let _exiting = exiting;
                    let _logging = tracing::dispatcher::set_default(&dispatch);
                    work(assigned, stop, abort);
                })
                .map_err(|error| {
                    Error::Serve(format!("cannot start serving thread {index}: {error}"))
                })?;
        }
        Ok(Workers { exited })
    }

    /// Completes once every thread has closed its runtime (cancel-safe: it may be awaited
    /// again).
    pub(crate) async fn exited(&mut self) {
        while self.exited.recv().await.is_some() {}
    }
}

/// One worker thread's life: a runtime of its own, pools of its own, its adapters served.
fn work(assigned: Vec<Assignment>, stop: watch::Receiver<bool>, mut abort: watch::Receiver<bool>) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        // Idle: the access lines gathered while busy go out in one write.
        .on_thread_park(crate::logging::flush_access_lines)
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            for assignment in assigned {
                let _ = assignment
                    .done
                    .send(Err(format!("cannot start a serving runtime: {error}")));
            }
            return;
        }
    };
    crate::upstream::enter_worker();
    crate::logging::batch_access_lines();
    runtime.block_on(async move {
        let mut serving = tokio::task::JoinSet::new();
        for assignment in assigned {
            let Assignment {
                socket,
                router,
                settings,
                adapter,
                slots,
                done,
            } = assignment;
            let listener = match TcpListener::from_std(socket) {
                Ok(listener) => listener,
                Err(error) => {
                    let _ = done.send(Err(format!("cannot serve its socket: {error}")));
                    continue;
                }
            };
            let stop = stop.clone();
            serving.spawn(async move {
                let served =
                    connections::serve(listener, router, settings, adapter, slots, stop).await;
                let _ = done.send(served.map_err(|error| error.to_string()));
            });
        }
        tokio::select! {
            () = async { while serving.join_next().await.is_some() {} } => {}
            _ = abort.wait_for(|abort| *abort) => {}
        }
    });
    // Drops any connection still open (after an abort), within a bound should a handler's
    // blocking task hold on.
    runtime.shutdown_timeout(RUNTIME_CLOSE);
    crate::logging::flush_access_lines();
}

/// How one adapter's serving ended across its workers: the first failure, as soon as it comes
/// (a worker that stops serving an adapter before the stop signal has failed), or `Ok` once
/// every worker has finished.
pub(crate) async fn adapter_outcome(
    label: &str,
    results: Vec<oneshot::Receiver<Result<(), String>>>,
) -> Result<(), Error> {
    let mut pending: FuturesUnordered<_> = results.into_iter().collect();
    while let Some(result) = pending.next().await {
        match result {
            Ok(Ok(())) => {}
            Ok(Err(error)) => return Err(Error::Serve(format!("{label} failed: {error}"))),
            Err(_) => {
                return Err(Error::Serve(format!(
                    "{label} failed: a serving thread ended abnormally"
                )));
            }
        }
    }
    Ok(())
}
