//! Load: 10,000 requests at concurrency 256 through the seed's REST adapter to a loopback
//! upstream, each with its own run id, so a lost, failed or swapped answer shows. Passes with 0
//! errors, 0 mismatched bodies and resident memory bounded. Speed is printed, not asserted
//! (bench/soak.sh measures it on a release build).

mod seed_server;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use seed_server::{echo_upstream, proc_status_kib, serve};

const REQUESTS: usize = 10_000;
const CONCURRENCY: usize = 256;
/// Far above what the run needs (about 50 MiB on a debug build); a leak per request or an
/// unbounded buffer would pass it.
const RSS_CEILING_KIB: u64 = 256 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_requests_at_256_concurrent_lose_nothing() {
    let upstream = echo_upstream(false).await;
    let served = serve(upstream.base_url.clone(), &[]).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let mismatched = Arc::new(AtomicUsize::new(0));
    let ok = Arc::new(AtomicUsize::new(0));
    let rss_before = proc_status_kib("VmRSS");
    let started = Instant::now();
    // Bounded twice: by the shared count and by a deadline.
    let deadline = started + Duration::from_secs(240);
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, next, errors, mismatched, ok) = (
            client.clone(),
            next.clone(),
            errors.clone(),
            mismatched.clone(),
            ok.clone(),
        );
        let base = format!("http://{}", served.rest);
        workers.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= REQUESTS || Instant::now() > deadline {
                    break;
                }
                let run_id = format!("load-{n:05}");
                let expected =
                    serde_json::json!({"method": "GET", "target": format!("/v1/runs/{run_id}")});
                let answer = client
                    .get(format!("{base}/v1/v1/runs/{run_id}"))
                    .send()
                    .await;
                let Ok(answer) = answer else {
                    errors.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                if answer.status() != 200 {
                    errors.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                match answer.json::<serde_json::Value>().await {
                    Ok(body) if body == expected => ok.fetch_add(1, Ordering::Relaxed),
                    Ok(_) => mismatched.fetch_add(1, Ordering::Relaxed),
                    Err(_) => errors.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    for worker in workers {
        let _ = worker.await;
    }
    let elapsed = started.elapsed();
    let (ok, errors, mismatched) = (
        ok.load(Ordering::Relaxed),
        errors.load(Ordering::Relaxed),
        mismatched.load(Ordering::Relaxed),
    );
    let rss_after = proc_status_kib("VmRSS");
    let rss_peak = proc_status_kib("VmHWM");
    println!(
        "load: {ok} ok, {errors} errors, {mismatched} mismatched of {REQUESTS} at concurrency {CONCURRENCY} in {:.1} s ({:.0} req/s, debug build); RSS {} MiB before, {} MiB after, peak {} MiB (client, server and upstream in one process)",
        elapsed.as_secs_f64(),
        ok as f64 / elapsed.as_secs_f64(),
        rss_before / 1024,
        rss_after / 1024,
        rss_peak / 1024,
    );
    assert_eq!((ok, errors, mismatched), (REQUESTS, 0, 0));
    if rss_peak > 0 {
        assert!(rss_peak < RSS_CEILING_KIB, "peak RSS {rss_peak} KiB");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_stand_in_keeps_a_bounded_request_log() {
    // `--demo` runs the stand-in for as long as the server runs: its log must not grow forever.
    let upstream = generated_example::standin::start()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let client = seed_server::http();
    for n in 0..1100 {
        let _ = client
            .get(format!("{}/v1/runs/log-{n}", upstream.base_url))
            .send()
            .await;
    }
    let kept = upstream.requests();
    assert_eq!(kept.len(), 1024);
    assert_eq!(
        kept.last().map(|r| r.path.as_str()),
        Some("/v1/runs/log-1099")
    );
    assert_eq!(
        kept.first().map(|r| r.path.as_str()),
        Some("/v1/runs/log-76")
    );
}
