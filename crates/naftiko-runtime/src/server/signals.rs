//! The shutdown signals a server stops on: SIGINT and SIGTERM (Ctrl-C elsewhere), listened
//! for from the moment [`shutdown_signal`] is called.

use std::future::Future;

/// Listens for SIGINT and (on Unix) SIGTERM from the moment it is called, and returns a future
/// that completes on the first of them. Call it before [`Server::bind`](crate::Server::bind), or at least before
/// telling anyone the server is up:
///
/// ```no_run
/// # async fn run(rt: naftiko_runtime::Runtime) -> Result<(), naftiko_runtime::Error> {
/// let stop = naftiko_runtime::shutdown_signal();
/// let server = naftiko_runtime::Server::bind(rt).await?;
/// println!("listening on {:?}", server.rest_addrs());
/// server.run(stop).await
/// # }
/// ```
///
/// Why it matters: until a handler is installed a signal has its default effect (SIGTERM kills
/// the process on the spot, nothing drained), and Tokio installs the OS handler a moment before
/// it subscribes the listener, so a signal landing in between is taken and then dropped (the
/// process ignores it and keeps running). Listening lazily, when the future was first polled,
/// put both windows after the server had printed its URLs and was accepting connections: a
/// supervisor stopping it then lost the signal. Here both happen in this call.
///
/// A signal that cannot be listened for is logged and never fires, rather than stopping the
/// server at once. Outside a Tokio runtime listening starts when the future is first polled.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    let listening = tokio::runtime::Handle::try_current()
        .is_ok()
        .then(Signals::listen);
    async move {
        let signals = match listening {
            Some(signals) => signals,
            None => Signals::listen(),
        };
        signals.recv().await;
    }
}

/// The shutdown signals, subscribed to.
struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    #[cfg(unix)]
    fn listen() -> Signals {
        use tokio::signal::unix::{SignalKind, signal};
        let subscribe = |kind: SignalKind, name: &str| match signal(kind) {
            Ok(listening) => Some(listening),
            Err(error) => {
                tracing::warn!("cannot listen for {name}: {error}");
                None
            }
        };
        Signals {
            interrupt: subscribe(SignalKind::interrupt(), "SIGINT"),
            terminate: subscribe(SignalKind::terminate(), "SIGTERM"),
        }
    }

    #[cfg(unix)]
    async fn recv(mut self) {
        async fn next(signal: Option<&mut tokio::signal::unix::Signal>) {
            match signal {
                Some(signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        tokio::select! {
            () = next(self.interrupt.as_mut()) => {}
            () = next(self.terminate.as_mut()) => {}
        }
    }

    // Elsewhere Ctrl-C alone, listened for when first polled (Tokio offers no earlier way that
    // works on every platform).
    #[cfg(not(unix))]
    fn listen() -> Signals {
        Signals {}
    }

    #[cfg(not(unix))]
    async fn recv(self) {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {error}");
            std::future::pending::<()>().await;
        }
    }
}
