//! Serves `fixtures/mcp-conformance.yaml` (the tools the MCP conformance suite calls by name)
//! for `tests/mcp_conformance.rs`. Address from `CONFORMANCE_ADDR` (default 127.0.0.1:9091).

naftiko::capability!("fixtures/mcp-conformance.yaml");

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match Capability::from_env() {
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
