//! Serves `fixtures/mcp-conformance.yaml` (the tools the MCP conformance suite calls by name)
//! for `tests/mcp_conformance.rs`. Address from `CONFORMANCE_ADDR` (default 127.0.0.1:9091).
//!
//! The fixture's resource template reads from a `template-source` upstream; this binary runs
//! that upstream itself on a loopback port, so the suite needs nothing else.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

// The suite's object argument lists its `properties`, which an input does not read (it is
// checked as an object): the `unknown-key` warning is known.
naftiko::capability!("fixtures/mcp-conformance.yaml", allow = ["unknown-key"]);

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let source = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: binding the template source: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let source_url = match source.local_addr() {
        Ok(addr) => format!("http://{addr}"),
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    tokio::spawn(serve_template_source(source));
    let lookup = |name: &str| match name {
        "TEMPLATE_SOURCE_BASE_URL" => Some(source_url.clone()),
        other => std::env::var(other).ok(),
    };
    match Capability::from_lookup(&lookup) {
        Ok(capability) => match capability.serve().await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Answers `GET /data/<id>` with the JSON the conformance scenario expects of the template
/// `test://template/{id}/data`, one request per connection.
async fn serve_template_source(listener: TcpListener) {
    while let Ok((mut socket, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let head = String::from_utf8_lossy(&head);
            let target = head.split(' ').nth(1).unwrap_or_default();
            let id = target.strip_prefix("/data/").unwrap_or_default();
            let body = serde_json::json!({
                "id": id,
                "templateTest": true,
                "data": format!("Data for ID: {id}"),
            })
            .to_string();
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(answer.as_bytes()).await;
        });
    }
}
