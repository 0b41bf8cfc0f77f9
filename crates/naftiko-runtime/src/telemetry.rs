//! OpenTelemetry: traces and metrics sent over OTLP/HTTP to a collector, when one is named.
//!
//! [`crate::init_telemetry`] (which [`serve`](crate::serve) calls) installs the SDK only when an
//! OTLP endpoint is configured: `OTEL_EXPORTER_OTLP_ENDPOINT` (or the per-signal
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`), or else the
//! spec's `observability.exporters.otlp.endpoint` ([`Defaults`] carries it, with the sampling
//! ratio and `enabled`; the variables win). Without an endpoint nothing is installed: every hook
//! below starts by reading one `OnceLock` and returns at once, and no header is read or
//! written.
//!
//! Once installed:
//! - a server span per REST request (`GET /items/{id}`, made by a layer on the REST router, so
//!   its route template is known) and per MCP `tools/call` (`tools/call get-item`), whose parent
//!   is the caller's W3C trace context: the `traceparent`/`tracestate` headers, or for MCP the
//!   request's `params._meta.traceparent`/`tracestate` (SEP-414), which win over the headers;
//! - a client span per upstream call (`GET`), a child of the server span, whose context is sent
//!   upstream in `traceparent`/`tracestate`, written after the hooks and before an AWS
//!   signature (so the signature covers it); each retry is an event on it and the count of
//!   retries its `http.request.resend_count`;
//! - histograms in the HTTP semantic conventions' names: `http.server.request.duration`,
//!   `mcp.server.operation.duration`, `http.client.request.duration` (seconds).
//!
//! The spans are made with the OpenTelemetry API directly, not through `tracing`: they exist
//! whatever subscriber the program installed, and the request's context travels with the
//! request into rmcp's task (in the HTTP request's extensions), where a `tracing` span would
//! not follow.
//!
//! Exports run on the SDK's own threads (the batch span processor and the periodic metric
//! reader); their HTTP requests are run on the server's tokio runtime by hyper-util's client,
//! the one the upstream calls use.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use futures_util::future::Either;
use http::{HeaderMap, Method};
use opentelemetry::metrics::{Histogram, Meter, MeterProvider as _};
use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::{
    FutureExt as _, SpanKind, Status, TraceContextExt as _, Tracer as _, TracerProvider as _,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_http::{HeaderExtractor, HeaderInjector, HttpClient, HttpError};
use opentelemetry_otlp::{WithExportConfig as _, WithHttpConfig as _};
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{BatchSpanProcessor, Sampler, SdkTracer, SdkTracerProvider};

use crate::spec::{CapabilitySpec, ObservabilitySpec, Value};

/// The instrumentation scope the spans and metrics are reported under.
const SCOPE: &str = "naftiko";

/// Histogram bounds the HTTP semantic conventions advise for request durations, in seconds.
const DURATION_BOUNDS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// How long one export may take.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(10);

/// The OpenTelemetry settings read with the rest of the configuration (`OTEL_*` variables,
/// then [`Defaults`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    /// Where spans go (the full URL, `/v1/traces` included); `None`: no traces.
    traces_endpoint: Option<String>,
    /// Where metrics go (`/v1/metrics` included); `None`: no metrics.
    metrics_endpoint: Option<String>,
    service_name: String,
    sampler: SamplerChoice,
    /// Problems found reading the variables, logged when telemetry is set up.
    warnings: Vec<String>,
}

/// The sampler `OTEL_TRACES_SAMPLER` names (the SDK's names for them).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
enum SamplerChoice {
    AlwaysOn,
    AlwaysOff,
    Ratio(f64),
    #[default]
    ParentAlwaysOn,
    ParentAlwaysOff,
    ParentRatio(f64),
}

impl SamplerChoice {
    fn sampler(self) -> Sampler {
        match self {
            SamplerChoice::AlwaysOn => Sampler::AlwaysOn,
            SamplerChoice::AlwaysOff => Sampler::AlwaysOff,
            SamplerChoice::Ratio(ratio) => Sampler::TraceIdRatioBased(ratio),
            SamplerChoice::ParentAlwaysOn => Sampler::ParentBased(Box::new(Sampler::AlwaysOn)),
            SamplerChoice::ParentAlwaysOff => Sampler::ParentBased(Box::new(Sampler::AlwaysOff)),
            SamplerChoice::ParentRatio(ratio) => {
                Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(ratio)))
            }
        }
    }
}

/// What the spec says, which the environment overrides: the capability's name, and the
/// `observability` of its control adapter (the first whose settings are not the default).
#[derive(Debug, Clone)]
pub(crate) struct Defaults<'a> {
    /// The capability's name.
    pub service_name: &'a str,
    /// Where to export when no `OTEL_EXPORTER_OTLP_*ENDPOINT` says: `exporters.otlp.endpoint`,
    /// its bind keys filled in.
    pub endpoint: Option<String>,
    /// The ratio of traces sampled when `OTEL_TRACES_SAMPLER` is unset: `traces.sampling`.
    pub sampling: Option<f64>,
    /// `false` (`observability.enabled: false`): nothing is exported, whatever the environment
    /// says.
    pub enabled: bool,
}

impl<'a> Defaults<'a> {
    /// The spec's defaults; `fill` renders an endpoint template (the caller fills in its bind
    /// keys from the secrets, which this layer does not see).
    pub(crate) fn of(
        spec: &'a CapabilitySpec,
        fill: &dyn Fn(&Value) -> Option<String>,
    ) -> Defaults<'a> {
        let observability = spec
            .control
            .iter()
            .map(|adapter| &adapter.observability)
            .find(|o| **o != ObservabilitySpec::DEFAULT)
            .unwrap_or(&ObservabilitySpec::DEFAULT);
        Defaults {
            service_name: &spec.name,
            endpoint: observability
                .otlp_endpoint
                .as_ref()
                .and_then(fill)
                .map(|endpoint| endpoint.trim().to_owned())
                .filter(|endpoint| !endpoint.is_empty()),
            sampling: observability.trace_sampling,
            enabled: observability.enabled,
        }
    }
}

impl Settings {
    /// Reads the standard variables through `lookup`; `defaults` give the endpoint and the
    /// sampling ratio when no variable does, and the service name when `OTEL_SERVICE_NAME` is
    /// unset.
    pub(crate) fn read(
        defaults: Defaults<'_>,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Settings {
        let var = |name: &str| lookup(name).map(|value| value.trim().to_owned());
        let set = |name: &str| var(name).filter(|value| !value.is_empty());
        let mut warnings = Vec::new();
        if set("OTEL_SDK_DISABLED").is_some_and(|value| value.eq_ignore_ascii_case("true"))
            || !defaults.enabled
        {
            return Settings::default();
        }
        if let Some(protocol) = set("OTEL_EXPORTER_OTLP_PROTOCOL")
            && protocol != "http/protobuf"
        {
            warnings.push(format!(
                "OTEL_EXPORTER_OTLP_PROTOCOL=`{protocol}` is not supported; exporting http/protobuf"
            ));
        }
        let base = set("OTEL_EXPORTER_OTLP_ENDPOINT").or(defaults.endpoint);
        let endpoint = |signal: &str, path: &str| {
            let exporter = set(&format!("OTEL_{signal}_EXPORTER"));
            if exporter.as_deref() == Some("none") {
                return None;
            }
            set(&format!("OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"))
                .or_else(|| base.as_ref().map(|base| signal_url(base, path)))
        };
        let traces_endpoint = endpoint("TRACES", "v1/traces");
        let metrics_endpoint = endpoint("METRICS", "v1/metrics");
        let service_name =
            set("OTEL_SERVICE_NAME").unwrap_or_else(|| defaults.service_name.to_owned());
        let spec_ratio = defaults.sampling;
        let sampler = match set("OTEL_TRACES_SAMPLER") {
            Some(name) => parse_sampler(&name, set("OTEL_TRACES_SAMPLER_ARG"), &mut warnings),
            None => spec_ratio.map_or(SamplerChoice::ParentAlwaysOn, |ratio| {
                SamplerChoice::ParentRatio(ratio.clamp(0.0, 1.0))
            }),
        };
        Settings {
            traces_endpoint,
            metrics_endpoint,
            service_name,
            sampler,
            warnings,
        }
    }

    fn enabled(&self) -> bool {
        self.traces_endpoint.is_some() || self.metrics_endpoint.is_some()
    }

    /// Where spans would go, for the runtime's tests.
    #[cfg(test)]
    pub(crate) fn traces_endpoint(&self) -> Option<&str> {
        self.traces_endpoint.as_deref()
    }
}

/// `base` with the signal's path appended, as the OTLP exporter specification says.
fn signal_url(base: &str, path: &str) -> String {
    format!("{}/{path}", base.trim_end_matches('/'))
}

fn parse_sampler(name: &str, arg: Option<String>, warnings: &mut Vec<String>) -> SamplerChoice {
    let mut ratio = || match arg.as_deref().map(str::parse::<f64>) {
        Some(Ok(ratio)) if (0.0..=1.0).contains(&ratio) => ratio,
        None => 1.0,
        Some(_) => {
            warnings.push(format!(
                "OTEL_TRACES_SAMPLER_ARG=`{}` is not a ratio between 0 and 1; sampling everything",
                arg.as_deref().unwrap_or_default()
            ));
            1.0
        }
    };
    match name {
        "always_on" => SamplerChoice::AlwaysOn,
        "always_off" => SamplerChoice::AlwaysOff,
        "traceidratio" => SamplerChoice::Ratio(ratio()),
        "parentbased_always_on" => SamplerChoice::ParentAlwaysOn,
        "parentbased_always_off" => SamplerChoice::ParentAlwaysOff,
        "parentbased_traceidratio" => SamplerChoice::ParentRatio(ratio()),
        other => {
            warnings.push(format!(
                "OTEL_TRACES_SAMPLER=`{other}` is not supported; using parentbased_always_on"
            ));
            SamplerChoice::ParentAlwaysOn
        }
    }
}

/// What is installed.
struct Active {
    /// Present when traces are exported.
    traces: Option<Traces>,
    /// Present when metrics are exported.
    metrics: Option<Instruments>,
    meter_provider: Option<SdkMeterProvider>,
}

struct Traces {
    tracer: SdkTracer,
    provider: SdkTracerProvider,
    propagator: TraceContextPropagator,
}

struct Instruments {
    server: Histogram<f64>,
    mcp: Histogram<f64>,
    client: Histogram<f64>,
}

static ACTIVE: OnceLock<Active> = OnceLock::new();

fn active() -> Option<&'static Active> {
    ACTIVE.get()
}

fn traces() -> Option<&'static Traces> {
    active().and_then(|active| active.traces.as_ref())
}

/// Whether OpenTelemetry is installed in this process (by [`crate::init_telemetry`]).
pub fn telemetry_active() -> bool {
    active().is_some()
}

/// Installs OpenTelemetry as `settings` say (see [`crate::init_telemetry`]); `tls` gives the
/// exporter's TLS configuration.
pub(crate) fn install(
    settings: &Settings,
    tls: fn() -> Result<rustls::ClientConfig, String>,
) -> bool {
    if let Some(active) = active() {
        return active.traces.is_some() || active.metrics.is_some();
    }
    for warning in &settings.warnings {
        tracing::warn!("{warning}");
    }
    if !settings.enabled() {
        return false;
    }
    let handle = match tokio::runtime::Handle::try_current() {
        Ok(handle) => handle,
        Err(_) => {
            tracing::warn!("OpenTelemetry not installed: it must be set up inside a tokio runtime");
            return false;
        }
    };
    let client = match OnRuntime::new(handle, tls) {
        Ok(client) => client,
        Err(problem) => {
            tracing::warn!("OpenTelemetry not installed: {problem}");
            return false;
        }
    };
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name(settings.service_name.clone())
        .build();
    let traces = settings.traces_endpoint.as_deref().and_then(|endpoint| {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_http_client(client.clone())
            .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
            .with_endpoint(endpoint)
            .with_timeout(EXPORT_TIMEOUT)
            .build();
        let exporter = match exporter {
            Ok(exporter) => exporter,
            Err(error) => {
                tracing::warn!(endpoint, %error, "cannot export traces");
                return None;
            }
        };
        let provider = SdkTracerProvider::builder()
            .with_span_processor(BatchSpanProcessor::builder(exporter).build())
            .with_sampler(settings.sampler.sampler())
            .with_resource(resource.clone())
            .build();
        let tracer = provider.tracer(SCOPE);
        opentelemetry::global::set_tracer_provider(provider.clone());
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        Some(Traces {
            tracer,
            provider,
            propagator: TraceContextPropagator::new(),
        })
    });
    let meter_provider = settings.metrics_endpoint.as_deref().and_then(|endpoint| {
        let exporter = opentelemetry_otlp::MetricExporter::builder()
            .with_http()
            .with_http_client(client.clone())
            .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
            .with_endpoint(endpoint)
            .with_timeout(EXPORT_TIMEOUT)
            .build();
        match exporter {
            Ok(exporter) => Some(
                SdkMeterProvider::builder()
                    .with_reader(PeriodicReader::builder(exporter).build())
                    .with_resource(resource.clone())
                    .build(),
            ),
            Err(error) => {
                tracing::warn!(endpoint, %error, "cannot export metrics");
                None
            }
        }
    });
    let metrics = meter_provider
        .as_ref()
        .map(|provider| Instruments::new(&provider.meter(SCOPE)));
    if traces.is_none() && metrics.is_none() {
        return false;
    }
    tracing::info!(
        traces = settings.traces_endpoint.as_deref(),
        metrics = settings.metrics_endpoint.as_deref(),
        service = &*settings.service_name,
        "exporting OpenTelemetry over OTLP/HTTP"
    );
    ACTIVE
        .set(Active {
            traces,
            metrics,
            meter_provider,
        })
        .is_ok()
}

/// Sends what is buffered and stops the exporters (the server calls this once it has stopped
/// serving). Spans and metrics recorded afterwards are dropped.
pub async fn shutdown_telemetry() {
    let Some(active) = active() else {
        return;
    };
    // The SDK's shutdown blocks until the last export is done, and that export runs on this
    // runtime: wait for it from a blocking thread, not from one of the runtime's.
    let finished = tokio::task::spawn_blocking(move || {
        if let Some(traces) = &active.traces
            && let Err(error) = traces.provider.shutdown()
        {
            tracing::warn!(%error, "flushing spans failed");
        }
        if let Some(provider) = &active.meter_provider
            && let Err(error) = provider.shutdown()
        {
            tracing::warn!(%error, "flushing metrics failed");
        }
    })
    .await;
    if let Err(error) = finished {
        tracing::warn!(%error, "stopping OpenTelemetry failed");
    }
}

impl Instruments {
    fn new(meter: &Meter) -> Instruments {
        let histogram = |name: &'static str, description: &'static str| {
            meter
                .f64_histogram(name)
                .with_unit("s")
                .with_description(description)
                .with_boundaries(DURATION_BOUNDS.to_vec())
                .build()
        };
        Instruments {
            server: histogram(
                "http.server.request.duration",
                "Duration of REST requests served",
            ),
            mcp: histogram(
                "mcp.server.operation.duration",
                "Duration of MCP tool calls served",
            ),
            client: histogram(
                "http.client.request.duration",
                "Duration of upstream requests, retries included",
            ),
        }
    }
}

/// The OTLP exporter's HTTP client: hyper-util's, with TLS by rustls. The SDK exports from
/// threads of its own, outside any tokio runtime, so each request is run on the runtime that
/// installed telemetry.
#[derive(Debug, Clone)]
struct OnRuntime {
    client: opentelemetry_http::hyper::HyperClient<
        hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    >,
    handle: tokio::runtime::Handle,
}

impl OnRuntime {
    fn new(
        handle: tokio::runtime::Handle,
        tls: fn() -> Result<rustls::ClientConfig, String>,
    ) -> Result<OnRuntime, String> {
        let tls = tls()?;
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .build();
        Ok(OnRuntime {
            client: opentelemetry_http::hyper::HyperClient::new(https, EXPORT_TIMEOUT, None),
            handle,
        })
    }
}

impl HttpClient for OnRuntime {
    fn send_bytes<'life, 'call>(
        &'life self,
        request: http::Request<bytes::Bytes>,
    ) -> Pin<Box<dyn Future<Output = Result<http::Response<bytes::Bytes>, HttpError>> + Send + 'call>>
    where
        'life: 'call,
        Self: 'call,
    {
        let client = self.client.clone();
        let sending = self
            .handle
            .spawn(async move { client.send_bytes(request).await });
        Box::pin(async move {
            sending
                .await
                .map_err(|error| Box::new(error) as HttpError)?
        })
    }
}

/// A request being served: its span (when traces are on) and when it began (for the
/// duration metric).
pub(crate) struct ServerCall {
    cx: Option<Context>,
    started: Instant,
}

impl ServerCall {
    /// `None` when telemetry is off.
    fn start(
        name: impl FnOnce() -> String,
        parent: impl FnOnce() -> Context,
        attributes: &[KeyValue],
    ) -> Option<ServerCall> {
        let active = active()?;
        let cx = active.traces.as_ref().map(|traces| {
            let parent = parent();
            let span = traces
                .tracer
                .span_builder(name())
                .with_kind(SpanKind::Server)
                .with_attributes(attributes.to_vec())
                .start_with_context(&traces.tracer, &parent);
            parent.with_span(span)
        });
        Some(ServerCall {
            cx,
            started: Instant::now(),
        })
    }

    /// Runs `future` with this call's span as the current context (the parent of the client
    /// spans made inside). Not an `async fn`, which would hold `future` twice in its state.
    pub(crate) fn within<F: Future>(&self, future: F) -> impl Future<Output = F::Output> + use<F> {
        match &self.cx {
            Some(cx) => Either::Left(future.with_context(cx.clone())),
            None => Either::Right(future),
        }
    }

    /// Ends the span with `ended` added to it, and records the duration with `attributes`
    /// and `ended`. `error` marks the span failed.
    fn finish(
        self,
        histogram: impl FnOnce(&Instruments) -> &Histogram<f64>,
        mut attributes: Vec<KeyValue>,
        ended: Vec<KeyValue>,
        error: bool,
    ) {
        if let Some(cx) = &self.cx {
            let span = cx.span();
            span.set_attributes(ended.iter().cloned());
            if error {
                span.set_status(Status::error(""));
            }
            span.end();
        }
        if let Some(instruments) = active().and_then(|active| active.metrics.as_ref()) {
            attributes.extend(ended);
            histogram(instruments).record(self.started.elapsed().as_secs_f64(), &attributes);
        }
    }
}

/// The attributes of an MCP tool call's span and metric.
fn tool_attributes(tool: &str) -> Vec<KeyValue> {
    vec![
        KeyValue::new("mcp.method.name", "tools/call"),
        KeyValue::new("gen_ai.operation.name", "execute_tool"),
        KeyValue::new("gen_ai.tool.name", tool.to_owned()),
    ]
}

/// Starts the span of an MCP `tools/call` of `tool`. Its parent is the caller's context from
/// `params._meta` (`traceparent`, `tracestate`) when it has a `traceparent`, else from the
/// HTTP request's headers (none over stdio). `None` when telemetry is off.
pub(crate) fn tool_call(
    tool: &str,
    headers: Option<&HeaderMap>,
    meta_traceparent: Option<&str>,
    meta_tracestate: Option<&str>,
) -> Option<ServerCall> {
    // Off, a tool call pays this one check: no attributes are built.
    active()?;
    let parent = || {
        let Some(traces) = traces() else {
            return Context::new();
        };
        match meta_traceparent {
            Some(traceparent) => {
                let mut carrier = std::collections::HashMap::new();
                carrier.insert("traceparent".to_owned(), traceparent.to_owned());
                if let Some(tracestate) = meta_tracestate {
                    carrier.insert("tracestate".to_owned(), tracestate.to_owned());
                }
                traces.propagator.extract(&carrier)
            }
            None => headers.map_or_else(Context::new, |headers| {
                traces.propagator.extract(&HeaderExtractor(headers))
            }),
        }
    };
    ServerCall::start(
        || format!("tools/call {tool}"),
        parent,
        &tool_attributes(tool),
    )
}

/// Ends an MCP tool call's span and records its duration: `error` is the kind of failure
/// (`tool_error` when the tool answered an error, `cancelled`), `None` when it succeeded.
pub(crate) fn tool_call_done(call: Option<ServerCall>, tool: &str, error: Option<&'static str>) {
    let Some(call) = call else {
        return;
    };
    let ended = error
        .map(|error| KeyValue::new("error.type", error))
        .into_iter()
        .collect();
    call.finish(
        |instruments| &instruments.mcp,
        tool_attributes(tool),
        ended,
        error.is_some(),
    );
}

/// The REST router with a server span per matched request, when telemetry is installed (the
/// router is unchanged otherwise: no layer, no cost).
#[cfg(feature = "rest")]
pub(crate) fn rest_layer(router: axum::Router) -> axum::Router {
    if active().is_none() {
        return router;
    }
    router.route_layer(axum::middleware::from_fn(rest_request))
}

#[cfg(feature = "rest")]
async fn rest_request(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|matched| matched.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let mut attributes = vec![
        KeyValue::new("http.request.method", method.clone()),
        KeyValue::new("url.scheme", "http"),
    ];
    if let Some(route) = &route {
        attributes.push(KeyValue::new("http.route", route.clone()));
    }
    let name = || match &route {
        Some(route) => format!("{method} {route}"),
        None => method.clone(),
    };
    let parent = || {
        traces().map_or_else(Context::new, |traces| {
            traces
                .propagator
                .extract(&HeaderExtractor(request.headers()))
        })
    };
    let call = ServerCall::start(name, parent, &attributes);
    let response = match &call {
        Some(call) => call.within(next.run(request)).await,
        None => next.run(request).await,
    };
    if let Some(call) = call {
        let status = response.status();
        let mut ended = vec![KeyValue::new(
            "http.response.status_code",
            i64::from(status.as_u16()),
        )];
        // A 4xx is the caller's error, not the server's (the conventions for server spans).
        if status.is_server_error() {
            ended.push(KeyValue::new("error.type", status.as_u16().to_string()));
        }
        call.finish(
            |instruments| &instruments.server,
            attributes,
            ended,
            status.is_server_error(),
        );
    }
    response
}

/// The span of one upstream call, retries included.
pub(crate) struct ClientCall {
    cx: Option<Context>,
    started: Instant,
    attributes: Vec<KeyValue>,
    retries: Arc<std::sync::atomic::AtomicU32>,
}

/// What the retry loop finds in the current context to count retries into.
struct RetryCount(Arc<std::sync::atomic::AtomicU32>);

impl ClientCall {
    /// Starts the span of a call of `method` to `url`, a child of the current context (the
    /// server span). `url` is named in `url.full` without its query, fragment and user info,
    /// unless `url_may_hold_secret`, when only its scheme, host and port are. `None` when
    /// telemetry is off.
    pub(crate) fn start(
        method: &Method,
        url: &url::Url,
        url_may_hold_secret: bool,
        namespace: &str,
        operation: &str,
    ) -> Option<ClientCall> {
        let active = active()?;
        let mut attributes = vec![
            KeyValue::new("http.request.method", method.as_str().to_owned()),
            KeyValue::new(
                "server.address",
                url.host_str().unwrap_or_default().to_owned(),
            ),
            KeyValue::new(
                "server.port",
                i64::from(url.port_or_known_default().unwrap_or_default()),
            ),
        ];
        let metric_attributes = attributes.clone();
        attributes.push(KeyValue::new("url.scheme", url.scheme().to_owned()));
        if !url_may_hold_secret {
            let mut shown = url.clone();
            shown.set_query(None);
            shown.set_fragment(None);
            let _ = shown.set_username("");
            let _ = shown.set_password(None);
            attributes.push(KeyValue::new("url.full", shown.to_string()));
        }
        attributes.push(KeyValue::new("naftiko.namespace", namespace.to_owned()));
        attributes.push(KeyValue::new("naftiko.operation", operation.to_owned()));
        let retries = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let cx = active.traces.as_ref().map(|traces| {
            let parent = Context::current();
            let span = traces
                .tracer
                .span_builder(method.as_str().to_owned())
                .with_kind(SpanKind::Client)
                .with_attributes(attributes)
                .start_with_context(&traces.tracer, &parent);
            parent
                .with_span(span)
                .with_value(RetryCount(Arc::clone(&retries)))
        });
        Some(ClientCall {
            cx,
            started: Instant::now(),
            attributes: metric_attributes,
            retries,
        })
    }

    /// Writes this call's trace context into the upstream request's headers.
    pub(crate) fn inject(&self, headers: &mut HeaderMap) {
        if let (Some(cx), Some(traces)) = (&self.cx, traces()) {
            traces
                .propagator
                .inject_context(cx, &mut HeaderInjector(headers));
        }
    }

    /// Runs `future` (the exchange, with its retries) with this call's span current.
    pub(crate) fn within<F: Future>(&self, future: F) -> impl Future<Output = F::Output> + use<F> {
        match &self.cx {
            Some(cx) => Either::Left(future.with_context(cx.clone())),
            None => Either::Right(future),
        }
    }

    /// Ends the span with the answer's `status`, or `error` when none came.
    pub(crate) fn finish(mut self, status: Option<u16>, error: Option<&'static str>) {
        let retries = self.retries.load(std::sync::atomic::Ordering::Relaxed);
        let mut ended = Vec::new();
        if let Some(status) = status {
            ended.push(KeyValue::new(
                "http.response.status_code",
                i64::from(status),
            ));
        }
        let error_type = match (status, error) {
            (_, Some(error)) => Some(error.to_owned()),
            (Some(status), None) if status >= 400 => Some(status.to_string()),
            _ => None,
        };
        if let Some(error_type) = &error_type {
            ended.push(KeyValue::new("error.type", error_type.clone()));
        }
        if let Some(cx) = &self.cx {
            let span = cx.span();
            span.set_attributes(ended.iter().cloned());
            if retries > 0 {
                span.set_attribute(KeyValue::new(
                    "http.request.resend_count",
                    i64::from(retries),
                ));
            }
            if error_type.is_some() {
                span.set_status(Status::error(""));
            }
            span.end();
        }
        if let Some(instruments) = active().and_then(|active| active.metrics.as_ref()) {
            self.attributes.extend(ended);
            instruments
                .client
                .record(self.started.elapsed().as_secs_f64(), &self.attributes);
        }
    }
}

/// One more attempt of the current upstream call: an event on its span, counted into its
/// `http.request.resend_count`.
pub(crate) fn note_retry(retry: u32, reason: &'static str, status: Option<u16>, wait: Duration) {
    if active().is_none() {
        return;
    }
    Context::map_current(|cx| {
        if let Some(count) = cx.get::<RetryCount>() {
            count.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        let mut attributes = vec![
            KeyValue::new("retry", i64::from(retry)),
            KeyValue::new("reason", reason),
            KeyValue::new(
                "wait_ms",
                i64::try_from(wait.as_millis()).unwrap_or(i64::MAX),
            ),
        ];
        if let Some(status) = status {
            attributes.push(KeyValue::new(
                "http.response.status_code",
                i64::from(status),
            ));
        }
        cx.span().add_event("retry", attributes);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Settings {
        let defaults = Defaults {
            service_name: "orders",
            endpoint: None,
            sampling: None,
            enabled: true,
        };
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        Settings::read(defaults, &move |name| {
            vars.iter()
                .find(|(known, _)| known == name)
                .map(|(_, value)| value.clone())
        })
    }

    #[test]
    fn nothing_is_enabled_without_an_endpoint() {
        let settings = read(&[("OTEL_SERVICE_NAME", "svc")]);
        assert!(!settings.enabled());
        let settings = read(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            ("OTEL_SDK_DISABLED", "true"),
        ]);
        assert!(!settings.enabled());
    }

    /// A capability whose control adapter names a collector through a bind key and samples a
    /// quarter of new traces.
    static OBSERVED: CapabilitySpec = {
        use crate::spec::{Auth, ControlAdapterSpec, TemplatePart, list, text};
        CapabilitySpec {
            name: text("orders"),
            description: text(""),
            consumes: list(&[]),
            secrets: list(&[]),
            rest: list(&[]),
            mcp: list(&[]),
            control: std::borrow::Cow::Borrowed(&[
                ControlAdapterSpec {
                    namespace: text("health"),
                    env_prefix: text("HEALTH"),
                    default_addr: text("127.0.0.1:0"),
                    auth: Auth::None,
                    metrics: true,
                    observability: ObservabilitySpec::DEFAULT,
                },
                ControlAdapterSpec {
                    namespace: text("ops"),
                    env_prefix: text("OPS"),
                    default_addr: text("127.0.0.1:0"),
                    auth: Auth::None,
                    metrics: true,
                    observability: ObservabilitySpec {
                        enabled: true,
                        otlp_endpoint: Some(Value::Template(std::borrow::Cow::Borrowed(&[
                            TemplatePart::Text(text("http://")),
                            TemplatePart::Value(Value::Secret(text("COLLECTOR"))),
                            TemplatePart::Text(text(":4318/")),
                        ]))),
                        trace_sampling: Some(0.25),
                    },
                },
            ]),
        }
    };

    /// The runtime renders the endpoint template from the secrets (tested in `runtime`).
    fn fill(_template: &Value) -> Option<String> {
        Some("http://otel.internal:4318/".to_owned())
    }

    #[test]
    fn the_specs_observability_is_the_default_the_environment_overrides() {
        let from_spec = Settings::read(Defaults::of(&OBSERVED, &fill), &|_| None);
        assert_eq!(
            from_spec.traces_endpoint.as_deref(),
            Some("http://otel.internal:4318/v1/traces")
        );
        assert_eq!(
            from_spec.metrics_endpoint.as_deref(),
            Some("http://otel.internal:4318/v1/metrics")
        );
        assert_eq!(from_spec.sampler, SamplerChoice::ParentRatio(0.25));
        assert_eq!(from_spec.service_name, "orders");

        let overridden = Settings::read(Defaults::of(&OBSERVED, &fill), &|name| match name {
            "OTEL_EXPORTER_OTLP_ENDPOINT" => Some("http://collector:4318".to_owned()),
            "OTEL_TRACES_SAMPLER" => Some("always_on".to_owned()),
            _ => None,
        });
        assert_eq!(
            overridden.traces_endpoint.as_deref(),
            Some("http://collector:4318/v1/traces")
        );
        assert_eq!(overridden.sampler, SamplerChoice::AlwaysOn);

        let disabled = Defaults {
            enabled: false,
            ..Defaults::of(&OBSERVED, &fill)
        };
        let disabled = Settings::read(disabled, &|name| {
            (name == "OTEL_EXPORTER_OTLP_ENDPOINT").then(|| "http://collector:4318".to_owned())
        });
        assert!(
            !disabled.enabled(),
            "`enabled: false` wins over the environment"
        );
    }

    #[test]
    fn endpoints_follow_the_exporter_specification() {
        let settings = read(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")]);
        assert_eq!(
            settings.traces_endpoint.as_deref(),
            Some("http://collector:4318/v1/traces")
        );
        assert_eq!(
            settings.metrics_endpoint.as_deref(),
            Some("http://collector:4318/v1/metrics")
        );
        assert_eq!(settings.service_name, "orders");
        let settings = read(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            (
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "http://traces:9/custom",
            ),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_SERVICE_NAME", "svc"),
        ]);
        assert_eq!(
            settings.traces_endpoint.as_deref(),
            Some("http://traces:9/custom")
        );
        assert_eq!(settings.metrics_endpoint, None);
        assert_eq!(settings.service_name, "svc");
    }

    #[test]
    fn samplers_are_read_by_their_standard_names() {
        let endpoint = ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318");
        let settings = read(&[endpoint]);
        assert_eq!(settings.sampler, SamplerChoice::ParentAlwaysOn);
        let settings = read(&[
            endpoint,
            ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0.25"),
        ]);
        assert_eq!(settings.sampler, SamplerChoice::ParentRatio(0.25));
        let settings = read(&[endpoint, ("OTEL_TRACES_SAMPLER", "always_off")]);
        assert_eq!(settings.sampler, SamplerChoice::AlwaysOff);
        let settings = read(&[
            endpoint,
            ("OTEL_TRACES_SAMPLER", "traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "7"),
        ]);
        assert_eq!(settings.sampler, SamplerChoice::Ratio(1.0));
        assert_eq!(settings.warnings.len(), 1, "{:?}", settings.warnings);
        let settings = read(&[endpoint, ("OTEL_TRACES_SAMPLER", "xray")]);
        assert_eq!(settings.sampler, SamplerChoice::ParentAlwaysOn);
        assert_eq!(settings.warnings.len(), 1);
    }
}
