//! A socket whose writes fail when they make no progress for a while.
//!
//! hyper has deadlines for reading a request but none for writing the answer: a client that
//! asks for a large answer and never reads it (or reads a byte a minute, which the kernel's
//! flow control turns into no progress at all) would hold its connection, its task and the
//! answer's buffers for ever. [`WriteDeadline`] starts a timer when a write cannot proceed
//! and stops it when one does; should it fire first, the write fails with `TimedOut`, hyper
//! ends the connection and the socket is closed.
//!
//! Only writes are timed: a connection with nothing to send (an idle keep-alive, a quiet MCP
//! stream) is the read deadline's business, not this one's.

use std::future::Future as _;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// `inner`, with writes that fail after stalling for `limit`.
pub(crate) struct WriteDeadline<S> {
    inner: S,
    limit: Duration,
    /// Made at the first stall and reused: most connections never stall, and pay nothing.
    timer: Option<Pin<Box<Sleep>>>,
    /// Whether the last write attempt could not proceed (the timer is running).
    stalled: bool,
}

impl<S> WriteDeadline<S> {
    pub(crate) fn new(inner: S, limit: Duration) -> WriteDeadline<S> {
        WriteDeadline {
            inner,
            limit,
            timer: None,
            stalled: false,
        }
    }

    /// Passes on a finished write (and stops the timer); for one that cannot proceed, starts
    /// the timer if it is not running and fails the write once it has run out.
    fn timed<T>(
        &mut self,
        cx: &mut Context<'_>,
        attempt: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if attempt.is_ready() {
            self.stalled = false;
            return attempt;
        }
        let limit = self.limit;
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        if !self.stalled {
            timer.as_mut().reset(Instant::now() + limit);
            self.stalled = true;
        }
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "the client read nothing of the answer for {} ms",
                    limit.as_millis()
                ),
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteDeadline<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteDeadline<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let attempt = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.timed(cx, attempt)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let attempt = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.timed(cx, attempt)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let attempt = Pin::new(&mut this.inner).poll_flush(cx);
        this.timed(cx, attempt)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let attempt = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.timed(cx, attempt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    #[tokio::test]
    async fn a_write_nobody_reads_fails_after_the_limit() {
        // A pipe with a 64-byte buffer stands in for a socket whose peer stopped reading; the
        // far side reads once (the write proceeds) and then never again.
        let (near, mut far) = tokio::io::duplex(64);
        let mut timed = WriteDeadline::new(near, Duration::from_millis(200));
        let reader = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let mut chunk = [0u8; 64];
            let _ = far.read_exact(&mut chunk).await;
            // Kept open, unread, until the writer has failed.
            tokio::time::sleep(Duration::from_secs(10)).await;
        });
        let started = Instant::now();
        let written =
            tokio::time::timeout(Duration::from_secs(5), timed.write_all(&[b'x'; 1024])).await;
        let elapsed = started.elapsed();
        reader.abort();
        assert!(
            matches!(&written, Ok(Err(error)) if error.kind() == io::ErrorKind::TimedOut),
            "the write did not time out within 5 s: {written:?}"
        );
        // A lower bound only (a timer never fires early); noise can only make it later.
        assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    }

    #[tokio::test]
    async fn writes_that_proceed_are_untouched() {
        let (near, mut far) = tokio::io::duplex(1 << 16);
        let mut timed = WriteDeadline::new(near, Duration::from_millis(50));
        let sent = timed.write_all(b"hello").await;
        assert!(sent.is_ok());
        let mut got = [0u8; 5];
        assert!(far.read_exact(&mut got).await.is_ok());
        assert_eq!(&got, b"hello");
    }
}
