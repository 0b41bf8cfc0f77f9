//! A control adapter's `observability`: the defaults OpenTelemetry and `/metrics` take from
//! the spec (the runtime's `OTEL_*` variables override them).

use super::Ctx;
use super::fields::{bool_field, check_keys, required_string, span, string_field};
use crate::load::Node;
use crate::model::{Located, Observability};

/// `observability`: `enabled`, the OTLP endpoint, the trace sampling ratio and `/metrics` are
/// honoured; B3 propagation and the `/traces` endpoint are not, and say so.
pub fn read(ctx: &mut Ctx<'_>, o: &Node) -> Observability {
    const AT: &str = "exposes[]<control>.observability";
    check_keys(
        ctx,
        o,
        AT,
        &["enabled", "metrics", "traces", "exporters"],
        &[],
    );
    let enabled = bool_field(ctx, o, "enabled").unwrap_or(true);
    let mut metrics_local = true;
    if let Some(metrics) = o.get("metrics") {
        check_keys(ctx, metrics, &format!("{AT}.metrics"), &["local"], &[]);
        if let Some(local) = metrics.get("local") {
            check_keys(
                ctx,
                local,
                &format!("{AT}.metrics.local"),
                &["enabled"],
                &[],
            );
            metrics_local = bool_field(ctx, local, "enabled").unwrap_or(true);
        }
    }
    let mut sampling = None;
    if let Some(traces) = o.get("traces") {
        check_keys(
            ctx,
            traces,
            &format!("{AT}.traces"),
            &["sampling", "propagation", "local"],
            &[],
        );
        sampling = sampling_field(ctx, traces);
        if let Some(propagation) = string_field(ctx, traces, "propagation")
            && !propagation.value.eq_ignore_ascii_case("w3c")
        {
            ctx.warn(
                "control-setting-ignored",
                traces.get("propagation").unwrap_or(traces),
                format!(
                    "trace propagation `{}` is not supported; W3C trace context (`traceparent`, `tracestate`) is read and sent",
                    propagation.value
                ),
            )
            .help("use `propagation: w3c`, or put a collector that translates B3 between callers and this server");
        }
        if let Some(local) = traces.get("local") {
            check_keys(
                ctx,
                local,
                &format!("{AT}.traces.local"),
                &["enabled", "buffer-size"],
                &[],
            );
            if bool_field(ctx, local, "enabled").unwrap_or(true) {
                ctx.warn(
                    "control-setting-ignored",
                    local,
                    "`traces.local` asks for a `/traces` endpoint, which the control adapter does not serve",
                )
                .help("traces are exported over OTLP to the `exporters.otlp.endpoint` collector; set `traces.local.enabled: false` to silence this");
            }
        }
    }
    let mut otlp_endpoint = None;
    if let Some(exporters) = o.get("exporters") {
        check_keys(ctx, exporters, &format!("{AT}.exporters"), &["otlp"], &[]);
        if let Some(otlp) = exporters.get("otlp") {
            check_keys(
                ctx,
                otlp,
                &format!("{AT}.exporters.otlp"),
                &["endpoint"],
                &[],
            );
            otlp_endpoint = required_string(ctx, otlp, "endpoint", "`exporters.otlp`");
        }
    }
    Observability {
        enabled,
        metrics_local,
        otlp_endpoint,
        sampling,
        span: span(o),
    }
}

/// `traces.sampling`: a number from 0 to 1.
fn sampling_field(ctx: &mut Ctx<'_>, traces: &Node) -> Option<Located<f64>> {
    let value = traces.get("sampling").filter(|v| !v.is_null())?;
    match value.as_str().and_then(|t| t.trim().parse::<f64>().ok()) {
        Some(ratio) if (0.0..=1.0).contains(&ratio) => Some(Located::new(ratio, span(value))),
        _ => {
            ctx.error(
                "wrong-type",
                value,
                "`traces.sampling` must be a number from 0 to 1 (1 samples every trace)",
            );
            None
        }
    }
}
