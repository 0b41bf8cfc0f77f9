//! The connector under the TLS layer: straight to the upstream, or through the forward proxy
//! the environment names (see `config::proxy` for the rules).
//!
//! hyper-util does the protocol work: `Matcher` decides, `Tunnel` opens a CONNECT tunnel (for
//! an `https://` upstream, whose TLS then runs end to end inside it) and `SocksV5` a SOCKS5
//! one. A plain `http://` upstream is reached by connecting to the proxy and marking the
//! connection as proxied, which makes hyper's client send absolute-form requests
//! (`GET http://host/path`); the `Proxy-Authorization` those need is added by the transport.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::Uri;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::proxy::{SocksV5, Tunnel};
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::{Intercept, Matcher};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Connects to upstreams, through the proxy when `matcher` says so. Cheap to clone.
#[derive(Clone)]
pub(crate) struct ProxyConnector {
    direct: HttpConnector,
    /// `None` when no proxy is configured: every connection is direct.
    matcher: Option<Arc<Matcher>>,
}

impl ProxyConnector {
    pub(crate) fn new(direct: HttpConnector, matcher: Option<Arc<Matcher>>) -> Self {
        ProxyConnector { direct, matcher }
    }
}

/// How a request to `uri` reaches it, when that is through a proxy.
pub(crate) fn intercept(matcher: Option<&Matcher>, uri: &Uri) -> Option<Intercept> {
    matcher?.intercept(uri)
}

impl Service<Uri> for ProxyConnector {
    type Response = Stream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.direct.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let via = intercept(self.matcher.as_deref(), &dst);
        let mut direct = self.direct.clone();
        Box::pin(async move {
            let Some(via) = via else {
                let io = direct.call(dst).await?;
                return Ok(Stream { io, proxied: false });
            };
            let proxy = via.uri().clone();
            let io = match proxy.scheme_str() {
                Some(scheme @ ("socks5" | "socks5h")) => {
                    let mut socks =
                        SocksV5::new(proxy.clone(), direct).local_dns(scheme == "socks5");
                    if let Some((user, password)) = via.raw_auth() {
                        socks = socks.with_auth(user.to_owned(), password.to_owned());
                    }
                    socks.call(dst).await?
                }
                _ if dst.scheme() == Some(&http::uri::Scheme::HTTPS) => {
                    let mut tunnel = Tunnel::new(proxy, direct);
                    if let Some(auth) = via.basic_auth() {
                        tunnel = tunnel.with_auth(auth.clone());
                    }
                    tunnel.call(dst).await?
                }
                _ => {
                    let io = direct.call(proxy).await?;
                    return Ok(Stream { io, proxied: true });
                }
            };
            Ok(Stream { io, proxied: false })
        })
    }
}

/// A TCP connection, told apart by whether requests on it go to a proxy in absolute form.
pub(crate) struct Stream {
    io: TokioIo<TcpStream>,
    proxied: bool,
}

impl Connection for Stream {
    fn connected(&self) -> Connected {
        self.io.connected().proxy(self.proxied)
    }
}

impl Read for Stream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl Write for Stream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }
}
