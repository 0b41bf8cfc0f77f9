//! What the control adapters report, shared by every adapter of one runtime: the metrics
//! registry, readiness, and the meters that feed them (around each REST route, and as hooks on
//! every upstream client). It lives with the runtime rather than with the control adapter
//! because the runtime installs the upstream meters when it builds its clients, and the REST
//! adapter records its routes here too.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use http::StatusCode;

use super::metrics::Metrics;
use crate::error::Error;
use crate::spec::CapabilitySpec;
use crate::upstream::{Hooks, RequestParts};

/// What the control adapters report: shared by every adapter of one runtime.
pub(crate) struct ControlState {
    pub metrics: Metrics,
    pub readiness: Readiness,
    /// Some control adapter serves `/metrics`; without one nothing is recorded.
    recording: bool,
}

impl ControlState {
    /// `None` when the capability has no control adapter.
    pub(crate) fn for_spec(spec: &'static CapabilitySpec) -> Option<Arc<ControlState>> {
        (!spec.control.is_empty()).then(|| {
            Arc::new(ControlState {
                metrics: Metrics::new(spec),
                readiness: Readiness::default(),
                recording: spec.control.iter().any(|adapter| adapter.metrics),
            })
        })
    }

    /// The state requests and upstream calls are recorded into: `None` unless some control
    /// adapter serves `/metrics`, so that no request pays for series nobody reads.
    pub(crate) fn recording(state: Option<&Arc<ControlState>>) -> Option<&Arc<ControlState>> {
        state.filter(|state| state.recording)
    }
}

/// Records the requests of one REST route (or forward) into its series.
#[derive(Clone)]
pub(crate) struct RouteMeter {
    state: Arc<ControlState>,
    adapter: usize,
    /// The route's index in the adapter's table; forwards count on after the routes.
    index: usize,
}

impl RouteMeter {
    /// `None` when nothing is recorded (no control adapter serves `/metrics`).
    pub(crate) fn new(
        state: Option<&Arc<ControlState>>,
        adapter: usize,
        index: usize,
    ) -> Option<RouteMeter> {
        ControlState::recording(state).map(|state| RouteMeter {
            state: Arc::clone(state),
            adapter,
            index,
        })
    }

    pub(crate) fn record(&self, status: StatusCode, elapsed: Duration) {
        if let Some(stats) = self.state.metrics.route(self.adapter, self.index) {
            stats.record(status, elapsed);
        }
    }
}

/// How many adapter sockets should be served and how many are.
#[derive(Default)]
pub(crate) struct Readiness {
    expected: AtomicUsize,
    serving: AtomicUsize,
    stopping: AtomicBool,
}

impl Readiness {
    pub(crate) fn expect(&self, listeners: usize) {
        self.expected.store(listeners, Ordering::Relaxed);
        self.stopping.store(false, Ordering::Relaxed);
    }

    pub(crate) fn started(&self) {
        self.serving.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn stopped(&self) {
        let _ = self
            .serving
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
    }

    pub(crate) fn stopping(&self) {
        self.stopping.store(true, Ordering::Relaxed);
    }

    /// `(serving, expected)` when ready, `Err` with the same when not.
    pub(crate) fn check(&self) -> Result<(usize, usize), (usize, usize)> {
        let expected = self.expected.load(Ordering::Relaxed);
        let serving = self.serving.load(Ordering::Relaxed);
        let stopping = self.stopping.load(Ordering::Relaxed);
        if !stopping && expected > 0 && serving >= expected {
            Ok((serving, expected))
        } else {
            Err((serving, expected))
        }
    }
}

/// The upstream series of one consumed namespace, fed by the client's [`Hooks`].
pub(crate) struct UpstreamMeter {
    pub state: Arc<ControlState>,
    pub consumes: usize,
}

impl Hooks for UpstreamMeter {
    fn after(&self, operation: &str, status: StatusCode, _elapsed: Duration) {
        self.state
            .metrics
            .upstream_answered(self.consumes, operation, status);
    }

    fn failed(&self, operation: &str, _error: &Error, _elapsed: Duration) {
        self.state
            .metrics
            .upstream_unanswered(self.consumes, operation);
    }

    fn retried(&self, operation: &str, reason: &str, _retry: u32) {
        self.state
            .metrics
            .upstream_retried(self.consumes, operation, reason);
    }
}

/// Two sets of hooks, `first` called before `second` (the runtime's meter, then the user's).
pub(crate) struct BothHooks {
    pub first: Arc<dyn Hooks>,
    pub second: Arc<dyn Hooks>,
}

impl Hooks for BothHooks {
    fn before(&self, request: &mut RequestParts) {
        self.first.before(request);
        self.second.before(request);
    }

    fn after(&self, operation: &str, status: StatusCode, elapsed: Duration) {
        self.first.after(operation, status, elapsed);
        self.second.after(operation, status, elapsed);
    }

    fn failed(&self, operation: &str, error: &Error, elapsed: Duration) {
        self.first.failed(operation, error, elapsed);
        self.second.failed(operation, error, elapsed);
    }

    fn retried(&self, operation: &str, reason: &str, retry: u32) {
        self.first.retried(operation, reason, retry);
        self.second.retried(operation, reason, retry);
    }
}
