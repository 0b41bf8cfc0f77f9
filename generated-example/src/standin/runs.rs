//! The runs the stand-in knows, and how v1 renders them.
//!
//! Every seeded run belongs to the same function and environment as the contract's examples, so
//! a body from the stand-in reads like one from `inngest-runs-openapi.yaml`.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::clock::rfc3339_millis;
use super::{COMPLETED_RUN_ID, FAILED_RUN_ID, RUNNING_RUN_ID};

const FUNCTION_ID: &str = "3f1c9a6e-2b7d-4e58-9a0c-7d41e6b2f915";
const FUNCTION_VERSION: u64 = 7;
const ENVIRONMENT_ID: &str = "b84e2d10-5c3a-4f9e-8e21-0a6c93d4e7b2";
const EVENT_ID: &str = "01KKNTCG9HN1P8R5T7W0A3C6EJ";
const RUN_STARTED_AT: &str = "2026-03-14T09:21:07.412Z";

/// The step.sleep the running run waits on (the contract's `V1JobsSleeping` example).
const SLEEPING_JOB_ID: &str = "b7f3c1d2e4a5968712aa3c4d5e6f7081";
const SLEEPING_JOB_WAKES_AT_UNIX_MILLIS: u64 = 1_773_483_667_412;

/// The four v1 statuses a run of the stand-in can be in (v1 spells them in TitleCase).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RunStatus {
    Running,
    Completed,
    Failed,
    Cancelled,
}

impl RunStatus {
    fn as_v1_str(self) -> &'static str {
        match self {
            RunStatus::Running => "Running",
            RunStatus::Completed => "Completed",
            RunStatus::Failed => "Failed",
            RunStatus::Cancelled => "Cancelled",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Run {
    /// Canonical (upper-case) ULID, which is also the key in [`RunTable`].
    run_id: String,
    status: RunStatus,
    /// RFC 3339; `None` while the run is still going.
    ended_at: Option<String>,
    /// What the function returned; v1 omits the key when there is nothing.
    output: Option<Value>,
}

impl Run {
    /// The `data` member of `GET /v1/runs/{runId}`.
    pub(crate) fn to_v1_json(&self) -> Value {
        let mut run = json!({
            "run_id": self.run_id,
            "run_started_at": RUN_STARTED_AT,
            "function_id": FUNCTION_ID,
            "function_version": FUNCTION_VERSION,
            "environment_id": ENVIRONMENT_ID,
            "event_id": EVENT_ID,
            "status": self.status.as_v1_str(),
            "ended_at": self.ended_at,
        });
        if let (Some(output), Value::Object(fields)) = (&self.output, &mut run) {
            fields.insert("output".to_owned(), output.clone());
        }
        run
    }

    /// The `data` member of `GET /v1/runs/{runId}/jobs`: queue items still pending, so an ended
    /// run has none.
    pub(crate) fn pending_jobs_v1_json(&self) -> Value {
        if self.status != RunStatus::Running {
            return json!([]);
        }
        json!([{
            "JobID": SLEEPING_JOB_ID,
            "at": rfc3339_millis(SLEEPING_JOB_WAKES_AT_UNIX_MILLIS),
            "position": 0,
            "kind": "sleep",
            "attempt": 0,
            "Raw": {
                "id": SLEEPING_JOB_ID,
                "at": SLEEPING_JOB_WAKES_AT_UNIX_MILLIS,
                "wt": SLEEPING_JOB_WAKES_AT_UNIX_MILLIS,
                "wfID": FUNCTION_ID,
                "wsID": ENVIRONMENT_ID,
                "data": { "kind": "sleep", "atts": 0 },
            },
        }])
    }

    /// Real v1 answers 200 to cancelling a run that has already ended and leaves it as it was.
    pub(crate) fn cancel(&mut self, now_unix_millis: u64) {
        if self.status == RunStatus::Running {
            self.status = RunStatus::Cancelled;
            self.ended_at = Some(rfc3339_millis(now_unix_millis));
        }
    }
}

/// Runs by canonical (upper-case) ULID.
pub(crate) type RunTable = HashMap<String, Run>;

/// One run per interesting state: still running (cancellable, one queued job), completed with
/// output, failed with the serialized error as output.
pub(crate) fn seeded_runs() -> RunTable {
    let seeds = [
        Run {
            run_id: RUNNING_RUN_ID.to_owned(),
            status: RunStatus::Running,
            ended_at: None,
            output: None,
        },
        Run {
            run_id: COMPLETED_RUN_ID.to_owned(),
            status: RunStatus::Completed,
            ended_at: Some("2026-03-14T09:21:09.087Z".to_owned()),
            output: Some(json!({ "invoiceId": "inv_4471", "emailed": true })),
        },
        Run {
            run_id: FAILED_RUN_ID.to_owned(),
            status: RunStatus::Failed,
            ended_at: Some("2026-03-14T09:48:51.903Z".to_owned()),
            output: Some(json!({ "name": "Error", "message": "payment gateway answered 503" })),
        },
    ];
    seeds
        .into_iter()
        .map(|run| (run.run_id.clone(), run))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeded(run_id: &str) -> Run {
        seeded_runs().remove(run_id).expect("a seeded run")
    }

    #[test]
    fn running_run_has_null_ended_at_and_no_output_key() {
        let run = seeded(RUNNING_RUN_ID).to_v1_json();
        assert_eq!(run["status"], "Running");
        assert_eq!(run["ended_at"], Value::Null);
        assert!(run.get("output").is_none(), "{run}");
    }

    #[test]
    fn cancel_ends_a_running_run_once() {
        let mut run = seeded(RUNNING_RUN_ID);
        run.cancel(0);
        assert_eq!(run.status, RunStatus::Cancelled);
        assert_eq!(run.to_v1_json()["ended_at"], "1970-01-01T00:00:00.000Z");
        run.cancel(1_000);
        assert_eq!(run.to_v1_json()["ended_at"], "1970-01-01T00:00:00.000Z");
        assert_eq!(run.pending_jobs_v1_json(), json!([]));
    }

    #[test]
    fn cancel_leaves_an_ended_run_alone() {
        let mut run = seeded(FAILED_RUN_ID);
        run.cancel(0);
        assert_eq!(run.status, RunStatus::Failed);
        assert_eq!(run.to_v1_json()["ended_at"], "2026-03-14T09:48:51.903Z");
    }
}
