//! What the access line of one served request says beyond its method and status: the route
//! template that matched, the MCP tool called, and the upstream calls made for it.
//!
//! The server (`server/connections.rs`) makes one [`AccessRecord`] per request, puts it in the
//! request's extensions and runs the request inside [`scope`]; the layers below note into it
//! without knowing who reads it. The MCP handler may run in a task of rmcp's own, where the
//! task-local is not set: it finds the record in the request's extensions and opens the scope
//! again around its upstream calls (for the stateless calls answered in front of rmcp, in the
//! server's task, that scope is the same record again). Nothing is noted for a request served
//! outside a server (a router called directly, stdio MCP), which then costs nothing.
//!
//! Only names from the spec, status codes, counts and durations are noted: never a header,
//! an argument or a query string, which may hold a secret.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

tokio::task_local! {
    static CURRENT: Arc<AccessRecord>;
}

/// What was noted about one request.
#[derive(Debug, Default)]
pub(crate) struct AccessRecord {
    noted: Mutex<Noted>,
}

/// What an [`AccessRecord`] holds.
#[derive(Debug, Default)]
pub(crate) struct Noted {
    /// The route template that matched (`/runs/{id}`), or the endpoint's fixed path.
    pub route: Option<String>,
    /// The MCP tool called.
    pub tool: Option<&'static str>,
    /// Upstream calls made (each retry of a call counts as one more).
    pub upstream_attempts: u32,
    /// The status of the last upstream answer, if any came.
    pub upstream_status: Option<u16>,
    /// Time spent in upstream calls, all of them.
    pub upstream_elapsed: Duration,
    /// Of `upstream_attempts`, how many were retries.
    pub upstream_retries: u32,
}

impl AccessRecord {
    /// What was noted, leaving the record empty (the access line reads it once, at the end).
    pub(crate) fn take(&self) -> Noted {
        self.noted
            .lock()
            .map(|mut noted| std::mem::take(&mut *noted))
            .unwrap_or_default()
    }

    fn note(&self, change: impl FnOnce(&mut Noted)) {
        if let Ok(mut noted) = self.noted.lock() {
            change(&mut noted);
        }
    }

    pub(crate) fn note_route(&self, route: &str) {
        self.note(|noted| noted.route = Some(route.to_owned()));
    }

    pub(crate) fn note_tool(&self, tool: &'static str) {
        self.note(|noted| noted.tool = Some(tool));
    }
}

/// Runs `future` with `record` as the current request's record.
// Not an `async fn`: its state would hold `future` twice (as the argument and as the awaited
// task-local future), and every wrapper of that kind doubles the size of what is moved.
pub(crate) fn scope<F: Future>(
    record: Arc<AccessRecord>,
    future: F,
) -> impl Future<Output = F::Output> {
    CURRENT.scope(record, future)
}

/// One upstream call made for the current request: its status (`None` when no answer came)
/// and the time it took, its retries included.
pub(crate) fn note_upstream(status: Option<u16>, elapsed: Duration) {
    let _ = CURRENT.try_with(|record| {
        record.note(|noted| {
            noted.upstream_attempts = noted.upstream_attempts.saturating_add(1);
            if status.is_some() {
                noted.upstream_status = status;
            }
            noted.upstream_elapsed = noted.upstream_elapsed.saturating_add(elapsed);
        });
    });
}

/// One more attempt of the current request's upstream call.
pub(crate) fn note_retry() {
    let _ = CURRENT.try_with(|record| {
        record.note(|noted| {
            noted.upstream_attempts = noted.upstream_attempts.saturating_add(1);
            noted.upstream_retries = noted.upstream_retries.saturating_add(1);
        });
    });
}
