//! Request and upstream metrics, kept in atomics and written out in the Prometheus text format.
//!
//! Every series is known when the runtime starts (routes, forwards and consumed operations
//! come from the static spec), so the registry is a set of fixed arrays: recording a request
//! is a few relaxed atomic adds with no lock, no map lookup and no allocation. Label text is
//! rendered once, up front. Status codes are the one open-ended label: each route keeps a few
//! slots that are claimed by the first codes seen, and codes beyond those are counted per class
//! (`status="5xx"`), so a misbehaving upstream cannot grow memory.
//!
//! Series (all counters but the histogram):
//! - `naftiko_http_requests_total{adapter, route, status}`
//! - `naftiko_http_request_duration_seconds{adapter, route}` (histogram)
//! - `naftiko_upstream_requests_total{namespace, operation}`
//! - `naftiko_upstream_errors_total{namespace, operation, kind}`: `kind="unanswered"` when no
//!   answer came (unreachable, timeout, body too large), `kind="status"` for a 5xx answer.
//! - `naftiko_upstream_retries_total{namespace, operation, reason}`: requests sent again
//!   (`<PREFIX>_RETRIES`), `reason="unanswered"` after a failed connection, `reason="status"`
//!   after a 429, 502, 503 or 504.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use http::StatusCode;

use crate::spec::{CapabilitySpec, ConsumesId, Handler, McpResourceContent, OperationId, Step};

/// The content type of `GET /metrics`: the Prometheus text exposition format.
pub const METRICS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Upper bounds of the latency buckets, in microseconds (1 ms to 10 s).
const BUCKET_BOUNDS_MICROS: [u64; 13] = [
    1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000,
    5_000_000, 10_000_000,
];
/// The same bounds as Prometheus writes them (`le` label values, in seconds).
const BUCKET_LABELS: [&str; 13] = [
    "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5",
    "10",
];
/// Distinct status codes counted exactly per route; enough for the usual 200/201/204/400/401/
/// 403/404/502 mix.
const STATUS_SLOTS: usize = 8;
/// The operation name counted for upstream calls the registry does not know.
const OTHER_OPERATION: &str = "(other)";

/// Every series of one capability.
pub(crate) struct Metrics {
    /// Per REST adapter: its routes in table order, then its forwards.
    rest: Vec<Vec<RouteStats>>,
    /// Per consumed namespace: its operations (and forwards), then one `(other)` entry.
    upstream: Vec<Vec<UpstreamStats>>,
    /// Per consumed namespace: operation name → position in `upstream`.
    upstream_index: Vec<HashMap<&'static str, usize>>,
}

pub(crate) struct RouteStats {
    /// `adapter="…",route="…"`
    labels: String,
    statuses: StatusCounts,
    latency: Histogram,
}

struct UpstreamStats {
    /// `namespace="…",operation="…"`
    labels: String,
    requests: AtomicU64,
    unanswered: AtomicU64,
    server_errors: AtomicU64,
    retried_unanswered: AtomicU64,
    retried_status: AtomicU64,
}

struct StatusCounts {
    /// `(code, count)`; a code of 0 marks a free slot.
    slots: [(AtomicU16, AtomicU64); STATUS_SLOTS],
    /// Codes that found no slot, by class (index 1 = 1xx … 5 = 5xx; 0 = anything else).
    overflow: [AtomicU64; 6],
}

struct Histogram {
    /// Not cumulative; the last entry is `+Inf`.
    buckets: [AtomicU64; BUCKET_BOUNDS_MICROS.len() + 1],
    sum_micros: AtomicU64,
}

impl Metrics {
    pub(crate) fn new(spec: &'static CapabilitySpec) -> Metrics {
        let rest = spec
            .rest
            .iter()
            .map(|adapter| {
                let mut names: Vec<String> = Vec::new();
                let routes = adapter
                    .routes
                    .iter()
                    .map(|route| (&*route.name, format!("{} {}", &*route.method, &route.path)));
                let forwards = adapter
                    .forwards
                    .iter()
                    .map(|forward| (&*forward.name, format!("* {}/", &*forward.prefix)));
                for (name, place) in routes.chain(forwards) {
                    // Two series with one label set would make the exposition invalid.
                    let unique = if names.iter().any(|known| known == name) {
                        format!("{name} ({place})")
                    } else {
                        name.to_owned()
                    };
                    names.push(unique);
                }
                names
                    .iter()
                    .map(|route| RouteStats {
                        labels: format!(
                            "adapter=\"{}\",route=\"{}\"",
                            escape(&adapter.namespace),
                            escape(route)
                        ),
                        statuses: StatusCounts::default(),
                        latency: Histogram::default(),
                    })
                    .collect()
            })
            .collect();
        let mut operations: Vec<Vec<&'static str>> = vec![Vec::new(); spec.consumes.len()];
        let mut add = |consumes: ConsumesId, name: &'static str| {
            if let Some(names) = operations.get_mut(consumes.index())
                && !names.contains(&name)
            {
                names.push(name);
            }
        };
        let mut add_handler = |handler: &'static Handler| {
            for id in handler_operations(handler) {
                if let Some(operation) = spec.operation(id) {
                    add(id.consumes, &operation.name);
                }
            }
        };
        for adapter in spec.rest.iter() {
            adapter.routes.iter().for_each(|r| add_handler(&r.handler));
        }
        for adapter in spec.mcp.iter() {
            adapter.tools.iter().for_each(|t| add_handler(&t.handler));
            for resource in adapter.resources.iter() {
                if let McpResourceContent::Dynamic(handler) = &resource.content {
                    add_handler(handler);
                }
            }
        }
        for adapter in spec.rest.iter() {
            for forward in adapter.forwards.iter() {
                add(forward.consumes, &forward.name);
            }
        }
        let upstream_index = operations
            .iter()
            .map(|names| {
                names
                    .iter()
                    .enumerate()
                    .map(|(index, name)| (*name, index))
                    .collect()
            })
            .collect();
        let upstream = spec
            .consumes
            .iter()
            .zip(operations)
            .map(|(consumes, names)| {
                names
                    .into_iter()
                    .chain([OTHER_OPERATION])
                    .map(|operation| UpstreamStats {
                        labels: format!(
                            "namespace=\"{}\",operation=\"{}\"",
                            escape(&consumes.namespace),
                            escape(operation)
                        ),
                        requests: AtomicU64::new(0),
                        unanswered: AtomicU64::new(0),
                        server_errors: AtomicU64::new(0),
                        retried_unanswered: AtomicU64::new(0),
                        retried_status: AtomicU64::new(0),
                    })
                    .collect()
            })
            .collect();
        Metrics {
            rest,
            upstream,
            upstream_index,
        }
    }

    /// The series of route (or, past the routes, forward) `index` of REST adapter `adapter`.
    pub(crate) fn route(&self, adapter: usize, index: usize) -> Option<&RouteStats> {
        self.rest.get(adapter)?.get(index)
    }

    fn upstream(&self, consumes: usize, operation: &str) -> Option<&UpstreamStats> {
        let stats = self.upstream.get(consumes)?;
        self.upstream_index
            .get(consumes)
            .and_then(|index| index.get(operation))
            .and_then(|position| stats.get(*position))
            .or_else(|| stats.last())
    }

    /// One upstream call of `operation` that was answered (a 5xx answer also counts as an error).
    pub(crate) fn upstream_answered(&self, consumes: usize, operation: &str, status: StatusCode) {
        if let Some(stats) = self.upstream(consumes, operation) {
            stats.requests.fetch_add(1, Relaxed);
            if status.is_server_error() {
                stats.server_errors.fetch_add(1, Relaxed);
            }
        }
    }

    /// One upstream call of `operation` that got no answer.
    pub(crate) fn upstream_unanswered(&self, consumes: usize, operation: &str) {
        if let Some(stats) = self.upstream(consumes, operation) {
            stats.requests.fetch_add(1, Relaxed);
            stats.unanswered.fetch_add(1, Relaxed);
        }
    }

    /// One retry of an upstream call of `operation`, for `reason` (`unanswered` or `status`).
    pub(crate) fn upstream_retried(&self, consumes: usize, operation: &str, reason: &str) {
        if let Some(stats) = self.upstream(consumes, operation) {
            let counter = if reason == "unanswered" {
                &stats.retried_unanswered
            } else {
                &stats.retried_status
            };
            counter.fetch_add(1, Relaxed);
        }
    }

    /// Everything, in the Prometheus text exposition format (version 0.0.4).
    pub(crate) fn render(&self, out: &mut String) {
        let routes = || self.rest.iter().flatten();
        let _ = writeln!(
            out,
            "# HELP naftiko_http_requests_total Requests answered by REST adapters.\n\
             # TYPE naftiko_http_requests_total counter"
        );
        for route in routes() {
            route.statuses.render(out, &route.labels);
        }
        let _ = writeln!(
            out,
            "# HELP naftiko_http_request_duration_seconds Time to answer a REST request (to the first byte of a forwarded answer).\n\
             # TYPE naftiko_http_request_duration_seconds histogram"
        );
        for route in routes() {
            route.latency.render(out, &route.labels);
        }
        let upstream = || self.upstream.iter().flatten();
        let _ = writeln!(
            out,
            "# HELP naftiko_upstream_requests_total Calls to consumed APIs.\n\
             # TYPE naftiko_upstream_requests_total counter"
        );
        for stats in upstream() {
            let _ = writeln!(
                out,
                "naftiko_upstream_requests_total{{{}}} {}",
                stats.labels,
                stats.requests.load(Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP naftiko_upstream_errors_total Calls to consumed APIs that got no answer (kind=\"unanswered\") or a 5xx (kind=\"status\").\n\
             # TYPE naftiko_upstream_errors_total counter"
        );
        for stats in upstream() {
            for (kind, count) in [
                ("unanswered", &stats.unanswered),
                ("status", &stats.server_errors),
            ] {
                let _ = writeln!(
                    out,
                    "naftiko_upstream_errors_total{{{},kind=\"{kind}\"}} {}",
                    stats.labels,
                    count.load(Relaxed)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP naftiko_upstream_retries_total Calls to consumed APIs sent again after a failed connection (reason=\"unanswered\") or a 429, 502, 503 or 504 (reason=\"status\").\n\
             # TYPE naftiko_upstream_retries_total counter"
        );
        for stats in upstream() {
            for (reason, count) in [
                ("unanswered", &stats.retried_unanswered),
                ("status", &stats.retried_status),
            ] {
                let _ = writeln!(
                    out,
                    "naftiko_upstream_retries_total{{{},reason=\"{reason}\"}} {}",
                    stats.labels,
                    count.load(Relaxed)
                );
            }
        }
    }
}

impl RouteStats {
    pub(crate) fn record(&self, status: StatusCode, elapsed: Duration) {
        self.statuses.add(status.as_u16());
        self.latency.observe(elapsed);
    }
}

impl Default for StatusCounts {
    fn default() -> Self {
        StatusCounts {
            slots: std::array::from_fn(|_| (AtomicU16::new(0), AtomicU64::new(0))),
            overflow: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }
}

impl StatusCounts {
    fn add(&self, status: u16) {
        for (code, count) in &self.slots {
            let claimed = match code.load(Relaxed) {
                known if known == status => true,
                0 => match code.compare_exchange(0, status, Relaxed, Relaxed) {
                    Ok(_) => true,
                    Err(winner) => winner == status,
                },
                _ => false,
            };
            if claimed {
                count.fetch_add(1, Relaxed);
                return;
            }
        }
        let class = usize::from(status / 100);
        let index = if (1..=5).contains(&class) { class } else { 0 };
        if let Some(count) = self.overflow.get(index) {
            count.fetch_add(1, Relaxed);
        }
    }

    fn render(&self, out: &mut String, labels: &str) {
        for (code, count) in &self.slots {
            let code = code.load(Relaxed);
            if code != 0 {
                let count = count.load(Relaxed);
                let _ = writeln!(
                    out,
                    "naftiko_http_requests_total{{{labels},status=\"{code}\"}} {count}"
                );
            }
        }
        for (class, count) in self.overflow.iter().enumerate() {
            let count = count.load(Relaxed);
            if count > 0 {
                let status = if class == 0 {
                    "other".to_owned()
                } else {
                    format!("{class}xx")
                };
                let _ = writeln!(
                    out,
                    "naftiko_http_requests_total{{{labels},status=\"{status}\"}} {count}"
                );
            }
        }
    }
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            sum_micros: AtomicU64::new(0),
        }
    }
}

impl Histogram {
    fn observe(&self, elapsed: Duration) {
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        let index = BUCKET_BOUNDS_MICROS.partition_point(|bound| *bound < micros);
        if let Some(bucket) = self.buckets.get(index) {
            bucket.fetch_add(1, Relaxed);
        }
        self.sum_micros.fetch_add(micros, Relaxed);
    }

    fn render(&self, out: &mut String, labels: &str) {
        let name = "naftiko_http_request_duration_seconds";
        let mut cumulative = 0u64;
        for (le, bucket) in BUCKET_LABELS.iter().zip(&self.buckets) {
            cumulative += bucket.load(Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{le}\"}} {cumulative}");
        }
        if let Some(infinite) = self.buckets.last() {
            cumulative += infinite.load(Relaxed);
        }
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {cumulative}");
        // Microseconds to seconds, exactly: integer and fractional parts apart.
        let sum = self.sum_micros.load(Relaxed);
        let _ = writeln!(
            out,
            "{name}_sum{{{labels}}} {}.{:06}",
            sum / 1_000_000,
            sum % 1_000_000
        );
        let _ = writeln!(out, "{name}_count{{{labels}}} {cumulative}");
    }
}

fn handler_operations(handler: &Handler) -> Vec<OperationId> {
    match handler {
        Handler::Call { operation, .. } => vec![*operation],
        Handler::Steps { steps, .. } => steps
            .iter()
            .filter_map(|step| match step {
                Step::Call { operation, .. } => Some(*operation),
                Step::Lookup { .. } => None,
            })
            .collect(),
        Handler::Static { .. } => Vec::new(),
    }
}

/// A Prometheus label value: backslash, double quote and newline escaped.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{list, text};
    use std::borrow::Cow;

    #[test]
    fn statuses_beyond_the_slots_are_counted_by_class() {
        let counts = StatusCounts::default();
        for status in [200, 200, 404, 201, 202, 203, 204, 205, 206, 207, 500, 503] {
            counts.add(status);
        }
        let mut out = String::new();
        counts.render(&mut out, "r=\"x\"");
        assert!(out.contains("{r=\"x\",status=\"200\"} 2\n"), "{out}");
        assert!(out.contains("{r=\"x\",status=\"206\"} 1\n"), "{out}");
        // Eight slots are taken (200, 404, 201 … 206): 207 counts as its class.
        assert!(out.contains("{r=\"x\",status=\"2xx\"} 1\n"), "{out}");
        assert!(out.contains("{r=\"x\",status=\"5xx\"} 2\n"), "{out}");
        assert!(!out.contains("status=\"500\""), "{out}");
    }

    #[test]
    fn histogram_buckets_are_cumulative() {
        let histogram = Histogram::default();
        histogram.observe(Duration::from_micros(500));
        histogram.observe(Duration::from_millis(1));
        histogram.observe(Duration::from_millis(30));
        histogram.observe(Duration::from_secs(60));
        let mut out = String::new();
        histogram.render(&mut out, "r=\"x\"");
        assert!(out.contains("_bucket{r=\"x\",le=\"0.001\"} 2\n"), "{out}");
        assert!(out.contains("_bucket{r=\"x\",le=\"0.025\"} 2\n"), "{out}");
        assert!(out.contains("_bucket{r=\"x\",le=\"0.05\"} 3\n"), "{out}");
        assert!(out.contains("_bucket{r=\"x\",le=\"10\"} 3\n"), "{out}");
        assert!(out.contains("_bucket{r=\"x\",le=\"+Inf\"} 4\n"), "{out}");
        assert!(out.contains("_sum{r=\"x\"} 60.031500\n"), "{out}");
        assert!(out.contains("_count{r=\"x\"} 4\n"), "{out}");
    }

    #[test]
    fn routes_sharing_a_name_get_distinct_series() {
        use crate::spec::{Auth, RestAdapterSpec, RestRoute};
        const fn route(method: &'static str, path: &'static str) -> RestRoute {
            RestRoute {
                method: text(method),
                path: text(path),
                name: text("get"),
                description: text(""),
                inputs: list(&[]),
                output_schema: None,
                handler: Handler::Static {
                    body: text("{}"),
                    content_type: text("application/json"),
                },
            }
        }
        static SPEC: CapabilitySpec = CapabilitySpec {
            name: text("t"),
            description: text(""),
            consumes: list(&[]),
            secrets: list(&[]),
            rest: Cow::Borrowed(&[RestAdapterSpec {
                namespace: text("api"),
                env_prefix: text("API"),
                default_addr: text("127.0.0.1:0"),
                description: text(""),
                routes: Cow::Borrowed(&[route("GET", "/a"), route("GET", "/b")]),
                openapi: text(""),
                auth: Auth::None,
                forwards: list(&[]),
            }]),
            mcp: list(&[]),
            control: list(&[]),
        };
        let metrics = Metrics::new(&SPEC);
        for index in 0..2 {
            if let Some(route) = metrics.route(0, index) {
                route.record(StatusCode::OK, Duration::from_millis(1));
            }
        }
        let mut out = String::new();
        metrics.render(&mut out);
        assert!(
            out.contains("{adapter=\"api\",route=\"get\",status=\"200\"} 1\n"),
            "{out}"
        );
        assert!(
            out.contains("{adapter=\"api\",route=\"get (GET /b)\",status=\"200\"} 1\n"),
            "{out}"
        );
    }

    #[test]
    fn retries_are_counted_by_reason() {
        use crate::spec::{ConsumesSpec, HttpOperation, RawFormat, RequestBody};
        static SPEC: CapabilitySpec = CapabilitySpec {
            name: text("t"),
            description: text(""),
            consumes: Cow::Borrowed(&[ConsumesSpec {
                namespace: text("up"),
                env_prefix: text("UP"),
                base_url: text("http://127.0.0.1:9"),
                description: text(""),
                timeout_ms: 1,
                auth: crate::spec::Auth::None,
                default_params: list(&[]),
                operations: Cow::Borrowed(&[HttpOperation {
                    name: text("get"),
                    method: text("GET"),
                    description: text(""),
                    path: list(&[]),
                    inputs: list(&[]),
                    body: RequestBody::Fields,
                    output_format: RawFormat::Json,
                    output: crate::spec::Output::Passthrough,
                    output_schema: None,
                }]),
            }]),
            secrets: list(&[]),
            rest: list(&[]),
            mcp: list(&[]),
            control: list(&[]),
        };
        let metrics = Metrics::new(&SPEC);
        metrics.upstream_retried(0, "get", "unanswered");
        metrics.upstream_retried(0, "get", "status");
        metrics.upstream_retried(0, "get", "status");
        let mut out = String::new();
        metrics.render(&mut out);
        let labels = "namespace=\"up\",operation=\"(other)\"";
        assert!(
            out.contains(&format!(
                "naftiko_upstream_retries_total{{{labels},reason=\"unanswered\"}} 1\n"
            )),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "naftiko_upstream_retries_total{{{labels},reason=\"status\"}} 2\n"
            )),
            "{out}"
        );
        assert!(out.contains("# TYPE naftiko_upstream_retries_total counter\n"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
