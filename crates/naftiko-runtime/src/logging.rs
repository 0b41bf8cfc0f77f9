//! The process's log output, for programs that do not set up `tracing` themselves: one line
//! per event on stderr (stdout may carry MCP over stdio), as text or as JSON.
//!
//! [`serve`](crate::serve), [`serve_with_shutdown`](crate::serve_with_shutdown) and
//! [`serve_stdio`](crate::serve_stdio) call [`init_logging`]; a program that installed its
//! own global subscriber first keeps it, because a second one is never installed.

use std::io::IsTerminal as _;

use tracing_subscriber::EnvFilter;

/// Names the log format: `json` for one JSON object per line, `text` (the default) for
/// human-readable lines.
pub const LOG_FORMAT_VAR: &str = "NAFTIKO_LOG_FORMAT";

/// What is logged when `RUST_LOG` is unset or unreadable: `info` (one access line per
/// request), with rmcp's own per-request `info` lines left out.
pub const DEFAULT_LOG_FILTER: &str = "info,rmcp=warn";

/// Installs the process-wide subscriber: events filtered by `RUST_LOG` (default
/// [`DEFAULT_LOG_FILTER`]), written to stderr as JSON lines (an event's fields at the top level) when `NAFTIKO_LOG_FORMAT=json`,
/// else as text, colored only when stderr is a terminal. Returns `false`, changing nothing,
/// when a global subscriber is already installed (the program's own, or an earlier call's).
pub fn init_logging() -> bool {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    let format = std::env::var(LOG_FORMAT_VAR).unwrap_or_default();
    let json = format.trim().eq_ignore_ascii_case("json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = if json {
        builder.json().flatten_event(true).try_init().is_ok()
    } else {
        builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init()
            .is_ok()
    };
    let known = ["", "text", "json"];
    if installed && !known.contains(&format.trim().to_ascii_lowercase().as_str()) {
        tracing::warn!("{LOG_FORMAT_VAR}=`{format}` is neither `text` nor `json`; logging text");
    }
    installed
}
