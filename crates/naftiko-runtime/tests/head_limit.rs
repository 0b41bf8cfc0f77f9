//! The cap on a request's head (`<PREFIX>_MAX_HEADER_BYTES`, default 64 KiB): a longer head is
//! answered `431 Request Header Fields Too Large` before any route runs; a shorter one is
//! served; the cap is the adapter's to raise.

mod support;

use std::time::Duration;

use support::recording_upstream::Upstream;
use support::rest_capability::start;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Sends `GET /runs/r-1` with one header of `header_bytes` bytes of value and returns the status
/// of the answer (reading while writing, so an early answer is not missed).
async fn status_with_header(base: &str, header_bytes: usize) -> u16 {
    let addr = base.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&addr)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let (mut read, mut write) = stream.into_split();
    let request = format!(
        "GET /runs/r-1 HTTP/1.1\r\nHost: {addr}\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(header_bytes)
    );
    let writer = tokio::spawn(async move {
        let _ = write.write_all(request.as_bytes()).await;
        write
    });
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    // Until the status line is in, the connection closes, or 10 s pass.
    let read_status = async {
        while !answer.windows(2).any(|pair| pair == b"\r\n") {
            match read.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&chunk[..n]),
            }
        }
    };
    if tokio::time::timeout(Duration::from_secs(10), read_status)
        .await
        .is_err()
    {
        panic!("no answer in 10 s");
    }
    let _ = writer.await;
    let text = String::from_utf8_lossy(&answer);
    text.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"))
}

#[tokio::test]
async fn a_head_past_the_cap_is_431_and_one_under_it_is_served() {
    let (upstream, base) = Upstream::start().await;
    let app = start(&base, &[]).await;
    assert_eq!(status_with_header(&app.open, 70 * 1000).await, 431);
    assert!(
        upstream.received().is_empty(),
        "a refused head went upstream"
    );
    assert_eq!(status_with_header(&app.open, 60 * 1000).await, 200);
    assert_eq!(upstream.received().len(), 1);
}

#[tokio::test]
async fn the_cap_is_configurable_per_adapter() {
    let (_upstream, base) = Upstream::start().await;
    let app = start(&base, &[("RUNS_REST_MAX_HEADER_BYTES", "500000")]).await;
    assert_eq!(status_with_header(&app.open, 70 * 1000).await, 200);
    assert_eq!(status_with_header(&app.open, 450 * 1000).await, 200);
    assert_eq!(status_with_header(&app.open, 510 * 1000).await, 431);
    // The other adapter keeps the default.
    assert_eq!(status_with_header(&app.secure, 70 * 1000).await, 431);
}
