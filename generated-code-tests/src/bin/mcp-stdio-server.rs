//! Serves `fixtures/mcp-stdio.yaml` the way a user's binary would (`Capability::serve`): its MCP
//! adapter on stdin/stdout, its REST adapter on `LOCAL_REST_ADDR`. Logs go to stderr at `info`
//! (`RUST_LOG` to change), so `tests/mcp_stdio.rs` can check that they never reach stdout.

naftiko::capability!("fixtures/mcp-stdio.yaml");

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let served = match Capability::from_env() {
        Ok(capability) => capability.serve().await,
        Err(e) => Err(e),
    };
    match served {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
