//! The serving layer's limits: a stop signal sent the instant the server says it is up is
//! honoured (graceful exit 0), a listener holds at most `<PREFIX>_MAX_CONNECTIONS` open
//! connections and makes the next wait rather than dropping it, and a client that never reads
//! its answer is cut off after `<PREFIX>_WRITE_TIMEOUT_MS` while others are served.

mod seed_server;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use seed_server::serve;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const RUN_PATH: &str = "/v1/v1/runs/01KKNTCGA0T4V6X9B2C5D8F1GH";

/// Starts the binary, sends `signal` the moment it prints its first URL, and returns how it
/// exited and how long that took (at most 30 s; past that it is killed and the test fails).
#[cfg(unix)]
fn signal_on_ready(signal: rustix::process::Signal) -> (std::process::ExitStatus, Duration) {
    let mut child = Command::new(seed_server::binary())
        .env("INNGEST_RUNS_REST_ADDR", "127.0.0.1:0")
        .env("INNGEST_RUNS_MCP_ADDR", "127.0.0.1:0")
        .env("INNGEST_API_KEY", "k")
        // Never called: the server only starts and stops.
        .env("INNGEST_RUNS_BASE_URL", "http://127.0.0.1:9")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start generated-example: {e}"));
    let pid = rustix::process::Pid::from_raw(child.id() as i32)
        .unwrap_or_else(|| panic!("no pid for the child"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    // Read on this thread: the signal goes out the moment the line is read, with no hop
    // through another thread. The child cannot block the read for ever: it either prints or
    // exits (closing the pipe); the 30 s bound below covers the rest.
    let mut lines = BufReader::new(stdout).lines();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .take(16)
        .any(|line| line.starts_with("REST:"));
    let sent = rustix::process::kill_process(pid, signal);
    let signalled = Instant::now();
    assert!(ready, "generated-example exited without printing its URLs");
    assert!(sent.is_ok(), "kill: {sent:?}");
    // Drains the rest of stdout so the child never blocks writing it.
    let drain = std::thread::spawn(move || lines.map_while(Result::ok).take(64).count());
    // Bounded: 3000 polls of 10 ms.
    for _ in 0..3000 {
        if let Ok(Some(status)) = child.try_wait() {
            let _ = drain.join();
            return (status, signalled.elapsed());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("generated-example was still running 30 s after the signal");
}

#[cfg(unix)]
#[test]
fn a_signal_sent_as_soon_as_the_server_is_up_stops_it_gracefully() {
    use rustix::process::Signal;
    let mut slowest = Duration::ZERO;
    let plan = [(Signal::TERM, "SIGTERM", 10), (Signal::INT, "SIGINT", 4)];
    for (signal, name, times) in plan {
        for attempt in 1..=times {
            let (status, took) = signal_on_ready(signal);
            // Exit 0: the signal was caught and the server shut down through `run`. Killed by
            // the signal (no code) or still running would mean it was missed.
            assert_eq!(
                status.code(),
                Some(0),
                "{name} #{attempt}: generated-example exited with {status}"
            );
            slowest = slowest.max(took);
        }
    }
    println!(
        "signal at start-up: 10 SIGTERM + 4 SIGINT sent on the first URL line, 14 of 14 exits 0, \
         the slowest {slowest:?} after the signal"
    );
}

/// Sends a GET and reads one answer (a `Content-Length` one) off a kept-alive connection.
async fn get_on(stream: &mut TcpStream, path: &str) -> std::io::Result<u16> {
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: a\r\n\r\n").as_bytes())
        .await?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 8192];
    // Bounded: 256 reads, and the caller's timeout.
    for _ in 0..256 {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&answer);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if body.len() >= length {
                let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok());
                return Ok(status.unwrap_or(0));
            }
        }
    }
    Err(std::io::Error::other("no complete answer"))
}

async fn connect(addr: SocketAddr) -> TcpStream {
    tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(addr))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("cannot connect to {addr}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn past_the_connection_cap_a_client_waits_until_one_closes() {
    connection_cap_holds(&[("INNGEST_RUNS_REST_MAX_CONNECTIONS", "2")]).await;
}

/// The cap counts every worker's connections: with four workers, each with its own socket on
/// the port, two connections still fill it, wherever the kernel sent them.
#[tokio::test(flavor = "multi_thread")]
async fn the_connection_cap_is_shared_by_the_workers() {
    connection_cap_holds(&[
        ("INNGEST_RUNS_REST_MAX_CONNECTIONS", "2"),
        ("NAFTIKO_WORKERS", "4"),
    ])
    .await;
}

async fn connection_cap_holds(settings: &[(&str, &str)]) {
    let upstream = seed_server::echo_upstream(false).await;
    let served = serve(upstream.base_url.clone(), settings).await;
    // Two kept-alive connections, each served once: both slots are taken.
    let mut first = connect(served.rest).await;
    let mut second = connect(served.rest).await;
    for stream in [&mut first, &mut second] {
        let status = tokio::time::timeout(Duration::from_secs(10), get_on(stream, RUN_PATH)).await;
        assert!(matches!(status, Ok(Ok(200))), "{status:?}");
    }
    // A third connects (the kernel queues it) but is not served while both stay open.
    let mut third = connect(served.rest).await;
    let waiting =
        tokio::time::timeout(Duration::from_millis(800), get_on(&mut third, RUN_PATH)).await;
    assert!(waiting.is_err(), "served past the cap: {waiting:?}");
    // The cap is per listener: the MCP adapter still answers.
    let mcp = seed_server::http()
        .get(format!("http://{}/mcp", served.mcp))
        .send()
        .await
        .map(|answer| answer.status().as_u16());
    assert!(mcp.is_ok(), "{mcp:?}");
    // One closes: the third is accepted and its request (already sent) answered.
    drop(first);
    let closed = Instant::now();
    let mut answer = [0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(10), third.read(&mut answer)).await;
    let n = match read {
        Ok(Ok(n)) => n,
        other => panic!("the third connection was not served after one closed: {other:?}"),
    };
    let head = String::from_utf8_lossy(&answer[..n]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    println!(
        "connection cap 2: a third connection was not served in 800 ms while 2 were open; \
         served {:?} after one closed; MCP listener answered meanwhile",
        closed.elapsed()
    );
    drop((second, third));
    let stopped = served.stop().await;
    assert!(stopped.is_ok(), "{stopped:?}");
}

/// An upstream whose run `big` is a JSON answer of `BIG_BYTES`; every other run is small.
async fn big_upstream() -> (String, tokio::task::JoinHandle<()>) {
    let app = axum::Router::new().fallback(|uri: http::Uri| async move {
        let body = if uri.path().ends_with("/big") {
            format!("{{\"blob\":\"{}\"}}", "x".repeat(BIG_BYTES))
        } else {
            "{\"ok\":true}".to_owned()
        };
        ([(http::header::CONTENT_TYPE, "application/json")], body)
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), task)
}

/// Far more than the socket buffers between a server and a client that does not read (the
/// server's send buffer grows to 4 MiB here; the client's receive buffer is set small).
const BIG_BYTES: usize = 24 * 1024 * 1024;
/// The write deadline the stalled-client case configures.
const WRITE_TIMEOUT: Duration = Duration::from_millis(500);

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_never_reads_is_cut_off_and_others_are_served() {
    let (base_url, upstream) = big_upstream().await;
    let served = serve(
        base_url,
        &[
            (
                "INNGEST_RUNS_REST_WRITE_TIMEOUT_MS",
                &WRITE_TIMEOUT.as_millis().to_string(),
            ),
            ("INNGEST_RUNS_MAX_BODY_BYTES", "67108864"),
        ],
    )
    .await;
    // A small receive buffer, so the server's writes stall once its own buffer is full.
    let socket = tokio::net::TcpSocket::new_v4().unwrap_or_else(|e| panic!("{e}"));
    let _ = socket.set_recv_buffer_size(4096);
    let mut stalled = tokio::time::timeout(Duration::from_secs(10), socket.connect(served.rest))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("cannot connect"));
    let asked = stalled
        .write_all(b"GET /v1/v1/runs/big HTTP/1.1\r\nHost: a\r\n\r\n")
        .await;
    assert!(asked.is_ok(), "{asked:?}");
    // While it does not read, others are served.
    let mut others = 0;
    for _ in 0..5 {
        let answer = seed_server::http()
            .get(served.rest_url(RUN_PATH))
            .send()
            .await;
        assert!(matches!(&answer, Ok(a) if a.status() == 200), "{answer:?}");
        others += 1;
    }
    // Timed from an event, not from the request: once the answer's first bytes are here the
    // server is writing (however long the upstream took on a busy machine), and its writes
    // stall within a few buffers. Then not reading for ten write deadlines, and reading all
    // there is: a connection the server cut ends early (EOF or reset) with the body short; one
    // it kept would deliver it whole.
    let mut buf = vec![0u8; 1 << 16];
    let first = tokio::time::timeout(Duration::from_secs(60), stalled.read(&mut buf)).await;
    let mut received = match first {
        Ok(Ok(n)) if n > 0 => n,
        other => panic!("the big answer never started: {other:?}"),
    };
    tokio::time::sleep(10 * WRITE_TIMEOUT).await;
    let mut ended = "EOF";
    // Bounded: at most 30 s, and 4096 reads of up to 64 KiB (256 MiB, far past the body).
    let drained = tokio::time::timeout(Duration::from_secs(30), async {
        for _ in 0..4096 {
            match stalled.read(&mut buf).await {
                Ok(0) => return true,
                Ok(n) => received += n,
                Err(_) => {
                    ended = "reset";
                    return true;
                }
            }
        }
        false
    })
    .await;
    assert!(
        matches!(drained, Ok(true)),
        "the stalled connection was not closed"
    );
    assert!(
        received < BIG_BYTES,
        "the whole answer ({received} bytes) arrived: the connection was not cut"
    );
    // Still serving after the cut.
    let after = seed_server::http()
        .get(served.rest_url(RUN_PATH))
        .send()
        .await;
    assert!(matches!(&after, Ok(a) if a.status() == 200), "{after:?}");
    println!(
        "write timeout {WRITE_TIMEOUT:?}: a client that never read a {} MiB answer got {:.1} MiB, \
         then {ended}; {others} other requests served meanwhile and 1 after",
        BIG_BYTES >> 20,
        received as f64 / (1024.0 * 1024.0)
    );
    upstream.abort();
    let stopped = served.stop().await;
    assert!(stopped.is_ok(), "{stopped:?}");
}
