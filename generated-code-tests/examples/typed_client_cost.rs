//! The typed client's own CPU cost per call, against a hand-written reqwest call of the same
//! request, twice: over the default transport (`typed`) and over a `reqwest::Client` handed in
//! (`typed-reqwest`, the same transport as the hand-written call, so the difference is the
//! typed client's own work) (`GET /v1/runs/{id}` with the bearer token, the body decoded as a
//! `serde_json::Value`), on a current-thread runtime, towards the upstream at `UPSTREAM`
//! (bench/lib.sh's nginx). Run by `bench/typed-client.sh`; prints one line per client with the
//! whole process's user and system CPU (from `/proc/self/stat`, in clock ticks) over `CALLS`
//! sequential calls.

use std::time::Instant;

use naftiko_tests::from_macro::inngest_runs::Capability;
use naftiko_tests::from_macro::inngest_runs::consumes::inngest_runs::GetrunInput;

const RUN_ID: &str = "01KKNTCGA0T4V6X9B2C5D8F1GH";
const TOKEN: &str = "signkey-bench-00";

/// User plus system CPU of this process so far, in clock ticks.
fn cpu_ticks() -> Result<u64, String> {
    let stat = std::fs::read_to_string("/proc/self/stat").map_err(|e| e.to_string())?;
    // After the command name (which may hold spaces): utime is the 12th field, stime the 13th.
    let after = stat.rsplit_once(") ").map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let field = |i: usize| -> Result<u64, String> {
        fields
            .get(i)
            .and_then(|text| text.parse().ok())
            .ok_or_else(|| format!("/proc/self/stat has no field {}", i + 3))
    };
    Ok(field(11)? + field(12)?)
}

fn report(name: &str, calls: u32, ticks: u64, started: Instant) {
    println!(
        "client={name} calls={calls} cpu_ticks={ticks} wall_ms={}",
        started.elapsed().as_millis()
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let upstream = std::env::var("UPSTREAM")?;
    let calls: u32 = std::env::var("CALLS")
        .unwrap_or_else(|_| "2000".into())
        .parse()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let capability = Capability::builder()
            .base_url("inngest-runs", upstream.clone())
            .secret("INNGEST_API_KEY", TOKEN)
            .build()?;
        let typed = &capability.clients().inngest_runs;
        let over_reqwest = Capability::builder()
            .base_url("inngest-runs", upstream.clone())
            .secret("INNGEST_API_KEY", TOKEN)
            .reqwest_client(reqwest_client::Client::new())
            .build()?;
        let typed_reqwest = &over_reqwest.clients().inngest_runs;
        let reqwest = reqwest_client::Client::new();
        let url = format!("{upstream}/v1/runs/{RUN_ID}");

        // Warm both pools and check both see the same answer.
        let by_typed = typed
            .getrun(GetrunInput {
                run_id: RUN_ID.into(),
            })
            .await?
            .body;
        let by_hand: naftiko::serde_json::Value = naftiko::serde_json::from_slice(
            &reqwest
                .get(&url)
                .bearer_auth(TOKEN)
                .send()
                .await?
                .error_for_status()?
                .bytes()
                .await?,
        )?;
        let by_typed_reqwest = typed_reqwest
            .getrun(GetrunInput {
                run_id: RUN_ID.into(),
            })
            .await?
            .body;
        if by_typed != by_hand || by_typed_reqwest != by_hand {
            return Err("the two clients read different answers".into());
        }

        let (started, before) = (Instant::now(), cpu_ticks()?);
        for _ in 0..calls {
            let run = typed
                .getrun(GetrunInput {
                    run_id: RUN_ID.into(),
                })
                .await?;
            std::hint::black_box(run);
        }
        report("typed", calls, cpu_ticks()? - before, started);

        let (started, before) = (Instant::now(), cpu_ticks()?);
        for _ in 0..calls {
            let run = typed_reqwest
                .getrun(GetrunInput {
                    run_id: RUN_ID.into(),
                })
                .await?;
            std::hint::black_box(run);
        }
        report("typed-reqwest", calls, cpu_ticks()? - before, started);

        let (started, before) = (Instant::now(), cpu_ticks()?);
        for _ in 0..calls {
            let response = reqwest
                .get(&url)
                .bearer_auth(TOKEN)
                .send()
                .await?
                .error_for_status()?;
            let run: naftiko::serde_json::Value =
                naftiko::serde_json::from_slice(&response.bytes().await?)?;
            std::hint::black_box(run);
        }
        report("reqwest", calls, cpu_ticks()? - before, started);
        Ok(())
    })
}
