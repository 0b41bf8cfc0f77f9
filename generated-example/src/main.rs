//! The seed capability (Inngest REST API, "Runs") served over REST and MCP.
//!
//! ```text
//! generated-example            calls INNGEST_RUNS_BASE_URL (default the spec's baseUri) with INNGEST_API_KEY
//! generated-example --demo     calls an in-process stand-in of the Inngest API: no key, no network
//! generated-example --stdio    serves MCP over stdin/stdout instead of HTTP (combines with --demo)
//! ```
//!
//! Addresses come from the spec (REST on 127.0.0.1:8080, MCP on 127.0.0.1:9090) unless
//! `INNGEST_RUNS_REST_ADDR` / `INNGEST_RUNS_MCP_ADDR` say otherwise.

use std::process::ExitCode;

use generated_example::from_macro::Capability;
use generated_example::standin::{self, DEMO_API_KEY, RUNNING_RUN_ID};

const USAGE: &str = "usage: generated-example [--demo] [--stdio]";

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    // Text or JSON lines (`NAFTIKO_LOG_FORMAT=json`) on stderr, filtered by `RUST_LOG`: the
    // same set-up `serve()` makes; this program calls `Server::bind` itself, so it asks for it.
    naftiko::init_logging();
    let mut demo = false;
    let mut stdio = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--demo" => demo = true,
            "--stdio" => stdio = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("error: unknown argument `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match run(demo, stdio).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(demo: bool, stdio: bool) -> Result<(), Box<dyn std::error::Error>> {
    // Kept alive until the end of `run`: dropping it stops the stand-in.
    let mut standin = None;
    let capability = if demo {
        let running = standin::start().await?;
        let base_url = running.base_url.clone();
        standin = Some(running);
        // The stand-in's URL and key are handed to this capability only; the process
        // environment is left as it is (other settings are still read from it).
        let lookup = move |name: &str| match name {
            "INNGEST_RUNS_BASE_URL" => Some(base_url.clone()),
            "INNGEST_API_KEY" => Some(DEMO_API_KEY.to_string()),
            other => std::env::var(other).ok(),
        };
        Capability::from_lookup(&lookup)?
    } else {
        Capability::from_env()?
    };

    // OpenTelemetry when `OTEL_EXPORTER_OTLP_ENDPOINT` names a collector (nothing otherwise),
    // installed before the routers are built so that they get its spans, as `serve()` does.
    naftiko::init_telemetry(capability.runtime());

    if stdio {
        // Stdout carries the protocol: everything else goes to stderr.
        if let Some(standin) = &standin {
            eprintln!("demo: calling the Inngest stand-in at {}", standin.base_url);
        }
        naftiko::serve_stdio(capability.runtime().clone(), 0).await?;
        naftiko::shutdown_telemetry().await;
        return Ok(());
    }

    // Listening for SIGINT/SIGTERM starts before the listeners are bound and the URLs printed:
    // a supervisor may stop the server as soon as it sees them.
    let stop = naftiko::shutdown_signal();
    let server = naftiko::Server::bind(capability.runtime().clone()).await?;
    if let Some(standin) = &standin {
        println!("demo: calling the Inngest stand-in at {}", standin.base_url);
    }
    for addr in server.rest_addrs() {
        println!("REST: http://{addr}");
        println!("  try: curl -s http://{addr}/v1/v1/runs/{RUNNING_RUN_ID}");
    }
    for addr in server.mcp_addrs() {
        println!("MCP:  http://{addr}/mcp");
    }
    println!("Ctrl-C to stop.");
    server.run(stop).await?;
    naftiko::shutdown_telemetry().await;
    if let Some(standin) = standin {
        standin.shutdown().await;
    }
    Ok(())
}
