//! A forward proxy on 127.0.0.1 that records the head of every request it is asked to pass on:
//! absolute-form requests (`GET http://host/path`) are sent on to the host they name, CONNECT
//! opens a tunnel. Only what the tests need: one request per connection for absolute form, no
//! keep-alive towards the upstream, heads up to 16 KiB.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const MAX_HEAD: usize = 16 * 1024;
/// No test exchange takes this long; a stuck one ends instead of holding the test.
const LIFETIME: Duration = Duration::from_secs(20);

/// The head of one request the proxy received.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `GET http://127.0.0.1:1234/x HTTP/1.1` or `CONNECT 127.0.0.1:1234 HTTP/1.1`.
    pub request_line: String,
    /// The `Proxy-Authorization` header, when sent.
    pub proxy_authorization: Option<String>,
}

#[derive(Clone, Default)]
pub struct Proxy {
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Proxy {
    /// Starts the proxy; returns it and its address.
    pub async fn start() -> (Proxy, SocketAddr) {
        let proxy = Proxy::default();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let recorder = proxy.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let recorder = recorder.clone();
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(LIFETIME, recorder.serve(client)).await;
                });
            }
        });
        (proxy, addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    async fn serve(&self, mut client: TcpStream) -> std::io::Result<()> {
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        let end = loop {
            let read = client.read(&mut buf).await?;
            if read == 0 {
                return Ok(());
            }
            head.extend_from_slice(&buf[..read]);
            if let Some(end) = head.windows(4).position(|window| window == b"\r\n\r\n") {
                break end + 4;
            }
            if head.len() > MAX_HEAD {
                return Ok(());
            }
        };
        let text = String::from_utf8_lossy(&head[..end]).into_owned();
        let mut lines = text.split("\r\n");
        let request_line = lines.next().unwrap_or_default().to_owned();
        let proxy_authorization = lines
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.eq_ignore_ascii_case("proxy-authorization"))
            .map(|(_, value)| value.trim().to_owned());
        self.seen.lock().unwrap().push(Seen {
            request_line: request_line.clone(),
            proxy_authorization,
        });
        let mut parts = request_line.split(' ');
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        if method == "CONNECT" {
            let mut upstream = TcpStream::connect(target).await?;
            client
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .await?;
            // Bytes the client sent after the CONNECT head belong to the tunnel.
            upstream.write_all(&head[end..]).await?;
            tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
            return Ok(());
        }
        // Absolute form: `http://host:port/path`; passed on as received (servers accept it).
        let Some(authority) = target
            .strip_prefix("http://")
            .and_then(|rest| rest.split('/').next())
        else {
            client
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await?;
            return Ok(());
        };
        let mut upstream = TcpStream::connect(authority).await?;
        upstream.write_all(&head).await?;
        tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
        Ok(())
    }
}
