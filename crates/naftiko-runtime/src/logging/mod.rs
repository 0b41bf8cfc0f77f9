//! The process's log output, for programs that do not set up `tracing` themselves: one line
//! per event on stderr (stdout may carry MCP over stdio), as text or as JSON.
//!
//! [`serve`](crate::serve), [`serve_with_shutdown`](crate::serve_with_shutdown) and
//! [`serve_stdio`](crate::serve_stdio) call [`init_logging`]; a program that installed its
//! own global subscriber first keeps it, because a second one is never installed.
//!
//! Access lines (one per request) are most of what a busy server logs, and a `write` to
//! stderr for each cost a measurable share of a proxied request. On the server's worker
//! threads they are therefore gathered in a buffer of the thread's and written together when
//! the worker has nothing left to run (its runtime's park hook calls [`flush_access_lines`]),
//! when the buffer passes [`BATCH_LIMIT`], and when the worker ends. Every other line, and
//! access lines of other threads, are written at once. As text, access lines are formatted by
//! [`access_text`], which writes what tracing-subscriber's format would, in a fraction of the
//! time.

mod access_text;

use std::cell::RefCell;
use std::io::{IsTerminal as _, Write};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// The `tracing` target of the access lines.
pub(crate) const ACCESS_TARGET: &str = "naftiko::access";

/// Past this many bytes a worker's gathered access lines are written without waiting for it to
/// go idle.
const BATCH_LIMIT: usize = 16 * 1024;

thread_local! {
    /// The access lines this thread has gathered; `None` on threads that write at once.
    static BATCH: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

/// Makes this thread gather its access lines (a serving worker calls it as it starts).
pub(crate) fn batch_access_lines() {
    // Grown by the first lines, not reserved: an idle server keeps no buffer.
    BATCH.with(|batch| *batch.borrow_mut() = Some(Vec::new()));
}

/// Writes the access lines this thread has gathered.
pub(crate) fn flush_access_lines() {
    BATCH.with(|batch| {
        if let Ok(mut batch) = batch.try_borrow_mut()
            && let Some(lines) = batch.as_mut()
            && !lines.is_empty()
        {
            let _ = std::io::stderr().write_all(lines);
            lines.clear();
        }
    });
}

/// The subscriber's output: stderr, through this thread's batch for access lines.
struct Output;

enum Line {
    Now(std::io::Stderr),
    Gathered,
}

impl<'a> MakeWriter<'a> for Output {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line::Now(std::io::stderr())
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Line {
        let gathering = meta.target() == ACCESS_TARGET
            && BATCH.with(|batch| batch.try_borrow().is_ok_and(|batch| batch.is_some()));
        if gathering {
            Line::Gathered
        } else {
            Line::Now(std::io::stderr())
        }
    }
}

impl Write for Line {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            Line::Now(stderr) => stderr.write(bytes),
            Line::Gathered => BATCH.with(|batch| match batch.try_borrow_mut() {
                Ok(mut batch) => match batch.as_mut() {
                    Some(lines) => {
                        lines.extend_from_slice(bytes);
                        if lines.len() >= BATCH_LIMIT {
                            let written = std::io::stderr().write_all(lines);
                            lines.clear();
                            written?;
                        }
                        Ok(bytes.len())
                    }
                    None => std::io::stderr().write(bytes),
                },
                Err(_) => std::io::stderr().write(bytes),
            }),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Line::Now(stderr) => stderr.flush(),
            Line::Gathered => Ok(()),
        }
    }
}

/// Names the log format: `json` for one JSON object per line, `text` (the default) for
/// human-readable lines.
pub const LOG_FORMAT_VAR: &str = "NAFTIKO_LOG_FORMAT";

/// What is logged when `RUST_LOG` is unset or unreadable: `info` (one access line per
/// request), with rmcp's own per-request `info` lines left out.
pub const DEFAULT_LOG_FILTER: &str = "info,rmcp=warn";

/// Installs the process-wide subscriber: events filtered by `RUST_LOG` (default
/// [`DEFAULT_LOG_FILTER`]), written to stderr as JSON lines (an event's fields at the top
/// level) when `NAFTIKO_LOG_FORMAT=json`, else as text, colored only when stderr is a terminal. Returns `false`, changing nothing,
/// when a global subscriber is already installed (the program's own, or an earlier call's).
pub fn init_logging() -> bool {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    let format = std::env::var(LOG_FORMAT_VAR).unwrap_or_default();
    let json = format.trim().eq_ignore_ascii_case("json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Output);
    let installed = if json {
        builder.json().flatten_event(true).try_init().is_ok()
    } else {
        builder
            .with_ansi(std::io::stderr().is_terminal())
            .event_format(access_text::TextFormat::new())
            .try_init()
            .is_ok()
    };
    let known = ["", "text", "json"];
    if installed && !known.contains(&format.trim().to_ascii_lowercase().as_str()) {
        tracing::warn!("{LOG_FORMAT_VAR}=`{format}` is neither `text` nor `json`; logging text");
    }
    installed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gathered() -> Vec<u8> {
        BATCH.with(|batch| batch.borrow().clone().unwrap_or_default())
    }

    #[test]
    fn access_lines_are_gathered_on_a_batching_thread_only() {
        std::thread::spawn(|| {
            let mut line = Line::Gathered;
            // Not batching: the line is not kept.
            assert!(line.write_all(b"").is_ok());
            assert!(gathered().is_empty());
            batch_access_lines();
            line.write_all(b"GET /a 200\n")
                .unwrap_or_else(|e| unreachable!("{e}"));
            line.write_all(b"GET /b 200\n")
                .unwrap_or_else(|e| unreachable!("{e}"));
            assert_eq!(gathered(), b"GET /a 200\nGET /b 200\n");
            // Written out (to the test's stderr) and emptied.
            flush_access_lines();
            assert!(gathered().is_empty());
            // A batch past the limit is written at once.
            let long = vec![b'x'; BATCH_LIMIT];
            line.write_all(&long)
                .unwrap_or_else(|e| unreachable!("{e}"));
            assert!(gathered().is_empty());
        })
        .join()
        .unwrap_or_else(|_| unreachable!("the test thread panicked"));
    }
}
