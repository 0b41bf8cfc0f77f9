//! Fault injection against the generated seed server: upstreams that reset mid-body, hang,
//! answer garbage or an endless body; clients that send their request a byte at a time (slow
//! loris) or stall mid-body; a shutdown with requests in flight. Every case must end in a
//! clean answer (a problem with 502/504/408, or the connection closed), never a panic, a hang
//! or unbounded memory. (A refused connection and a silent upstream are in seed_rest.rs.)

mod seed_server;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use seed_server::{Fault, body_of, faulty_upstream, http, proc_status_kib, raw_exchange, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const RUN_PATH: &str = "/v1/v1/runs/01KKNTCGA0T4V6X9B2C5D8F1GH";

/// GETs the seed's run route; returns status, content type and body.
async fn get_run(served: &seed_server::Served) -> (u16, String, String) {
    let answer = http()
        .get(served.rest_url(RUN_PATH))
        .send()
        .await
        .unwrap_or_else(|e| panic!("the server did not answer: {e}"));
    let status = answer.status().as_u16();
    let content_type = answer
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        content_type,
        answer.text().await.unwrap_or_default(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upstream_that_resets_mid_body_is_a_502_problem() {
    let upstream = faulty_upstream(Fault::ResetMidBody).await;
    let served = serve(upstream.base_url.clone(), &[]).await;
    let (status, content_type, body) = get_run(&served).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(content_type, "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    assert_eq!(problem["status"], 502, "{body}");
    // The partial upstream body never reaches the caller.
    assert!(!body.contains("\"data\""), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upstream_that_hangs_mid_body_is_a_504_problem_within_the_timeout() {
    let upstream = faulty_upstream(Fault::HangMidBody).await;
    let served = serve(
        upstream.base_url.clone(),
        &[("INNGEST_RUNS_TIMEOUT_MS", "400")],
    )
    .await;
    let started = Instant::now();
    let (status, content_type, body) = get_run(&served).await;
    assert_eq!(status, 504, "{body}");
    assert_eq!(content_type, "application/problem+json");
    // Generous: only "it did not wait for the 30 s the upstream hangs".
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upstream_that_answers_garbage_is_a_502_problem() {
    let upstream = faulty_upstream(Fault::Garbage).await;
    let served = serve(upstream.base_url.clone(), &[]).await;
    let (status, content_type, body) = get_run(&served).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(content_type, "application/problem+json");
    assert!(!body.contains("garbage"), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_announced_huge_body_is_refused_before_it_is_read() {
    let upstream = faulty_upstream(Fault::HugeAnnounced).await;
    let served = serve(upstream.base_url.clone(), &[]).await;
    let (status, content_type, body) = get_run(&served).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(content_type, "application/problem+json");
    assert!(body.contains("larger than the limit"), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_upstream_body_is_cut_at_the_limit_with_memory_bounded() {
    let upstream = faulty_upstream(Fault::HugeStreamed).await;
    let served = serve(
        upstream.base_url.clone(),
        &[("INNGEST_RUNS_MAX_BODY_BYTES", "1048576")],
    )
    .await;
    let rss_before = proc_status_kib("VmRSS");
    let (status, content_type, body) = get_run(&served).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(content_type, "application/problem+json");
    // The upstream gives up once its writes block or fail: wait for it (bounded).
    for _ in 0..200 {
        if upstream.finished.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sent = upstream.body_bytes_written.load(Ordering::SeqCst);
    let rss_after = proc_status_kib("VmRSS");
    let grew_kib = rss_after.saturating_sub(rss_before);
    println!(
        "endless upstream body: upstream wrote {} KiB before the server hung up (limit 1024 KiB), RSS grew {grew_kib} KiB",
        sent / 1024
    );
    // What was written is the limit plus socket buffers, nowhere near the 512 MiB offered.
    assert!(sent < 64 * 1024 * 1024, "the server read {sent} bytes");
    if rss_before > 0 {
        assert!(grew_kib < 128 * 1024, "RSS grew {grew_kib} KiB");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_loris_clients_are_cut_off_and_others_still_served() {
    let upstream = seed_server::echo_upstream(false).await;
    let served = serve(
        upstream.base_url.clone(),
        &[("INNGEST_RUNS_REST_READ_TIMEOUT_MS", "600")],
    )
    .await;
    // 16 clients each send a request head a few bytes at a time, never finishing it.
    let mut lorises = Vec::new();
    for n in 0..16 {
        let addr = served.rest;
        lorises.push(tokio::spawn(async move {
            let started = Instant::now();
            let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
                return None;
            };
            let _ = stream
                .write_all(format!("GET {RUN_PATH} HTTP/1.1\r\nHost: a\r\n").as_bytes())
                .await;
            // Bounded: 100 drips of 100 ms (10 s), far past the 600 ms deadline.
            for drip in 0..100 {
                if stream
                    .write_all(format!("X-Drip-{n}-{drip}: y\r\n").as_bytes())
                    .await
                    .is_err()
                {
                    return Some(started.elapsed());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
                let mut probe = [0u8; 1024];
                if let Ok(Ok(0) | Err(_)) =
                    tokio::time::timeout(Duration::from_millis(1), stream.read(&mut probe)).await
                {
                    return Some(started.elapsed());
                }
            }
            None
        }));
    }
    // Meanwhile an ordinary client is served.
    let (status, _, body) = get_run(&served).await;
    assert_eq!(status, 200, "{body}");
    let mut cut_after = Vec::new();
    for loris in lorises {
        let closed = loris.await.unwrap_or(None);
        let Some(after) = closed else {
            panic!("a slow-loris connection was still open after 10 s");
        };
        cut_after.push(after);
    }
    let slowest = cut_after.iter().max().copied().unwrap_or_default();
    println!(
        "slow loris: 16 of 16 connections closed by the server, the last after {slowest:?} (deadline 600 ms)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_that_stalls_is_a_408_and_the_connection_closes() {
    let upstream = seed_server::echo_upstream(false).await;
    let served = serve(
        upstream.base_url.clone(),
        &[("INNGEST_RUNS_MCP_READ_TIMEOUT_MS", "500")],
    )
    .await;
    // The MCP endpoint reads its body: announce 1000 bytes, send 20, stall.
    let started = Instant::now();
    let request = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n{{\"jsonrpc\":\"2.0\",\"id\"",
        served.mcp.port()
    );
    let (status, answer) = raw_exchange(served.mcp, request.as_bytes()).await;
    assert_eq!(status, 408, "{answer}");
    let problem: serde_json::Value = serde_json::from_str(body_of(&answer)).unwrap_or_default();
    assert_eq!(problem["status"], 408, "{answer}");
    // raw_exchange read to the end: the server closed the connection, well before 10 s.
    assert!(started.elapsed() < Duration::from_secs(9));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_zero_read_timeout_is_a_configuration_error() {
    let lookup = |name: &str| match name {
        "INNGEST_API_KEY" => Some("k".to_owned()),
        "INNGEST_RUNS_REST_ADDR" | "INNGEST_RUNS_MCP_ADDR" => Some("127.0.0.1:0".to_owned()),
        "INNGEST_RUNS_REST_READ_TIMEOUT_MS" => Some("0".to_owned()),
        _ => None,
    };
    // Serving settings are read with everything else, so the capability refuses to start
    // before anything is bound, naming the variable alongside any other problem.
    let refused = generated_example::from_build_rs::Capability::from_lookup(&lookup);
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("INNGEST_RUNS_REST_READ_TIMEOUT_MS"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn shutdown_lets_requests_in_flight_finish() {
    // The upstream takes 1.5 s per answer; 8 requests are in flight when shutdown begins.
    let upstream = faulty_upstream(Fault::SlowOk(1500)).await;
    let mut served = serve(upstream.base_url.clone(), &[]).await;
    let url = served.rest_url(RUN_PATH);
    let mut in_flight = Vec::new();
    for _ in 0..8 {
        let url = url.clone();
        in_flight.push(tokio::spawn(async move {
            let answer = http().get(url).send().await.map_err(|e| e.to_string())?;
            let status = answer.status().as_u16();
            let body = answer.text().await.map_err(|e| e.to_string())?;
            Ok::<_, String>((status, body))
        }));
    }
    // Bounded wait until all 8 reached the upstream.
    for _ in 0..100 {
        if upstream.requests.load(Ordering::SeqCst) >= 8 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(upstream.requests.load(Ordering::SeqCst), 8);
    let rest = served.rest;
    let stopping = served.begin_stop();
    // New connections are refused once the listener is closed (bounded wait for that).
    let mut refused = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if tokio::net::TcpStream::connect(rest).await.is_err() {
            refused = true;
            break;
        }
    }
    assert!(refused, "the listener still accepts after shutdown began");
    let mut finished = 0;
    for request in in_flight {
        let (status, body) = request
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("a request in flight was cut: {e}"));
        assert_eq!((status, body.as_str()), (200, "{\"ok\":true}"));
        finished += 1;
    }
    let run = tokio::time::timeout(Duration::from_secs(40), stopping)
        .await
        .unwrap_or_else(|_| panic!("run did not return"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(run.is_ok(), "{run:?}");
    println!("graceful shutdown: {finished} of 8 in-flight requests finished with 200");
}
