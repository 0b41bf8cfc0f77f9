//! Reading requests off a raw TCP connection, for stand-in upstreams that write their answers
//! byte by byte.

use tokio::io::AsyncReadExt as _;
use tokio::net::TcpStream;

/// The next request's line (`GET /path HTTP/1.1`), once its head and its `Content-Length`
/// body have arrived; `None` when the connection ends first. `buffer` holds what was read past
/// the request (the next one on a kept-alive connection): pass the same one for each request.
pub async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<String> {
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
            let length = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if buffer.len() >= end + 4 + length {
                buffer.drain(..end + 4 + length);
                return head.lines().next().map(str::to_owned);
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    }
}
