//! OpenTelemetry left out of the build (the `otel` feature is off): the hooks the other layers
//! call do nothing, and [`crate::init_telemetry`] never installs anything.

use std::future::Future;
use std::time::Duration;

use http::{HeaderMap, Method};

use crate::spec::CapabilitySpec;

/// Nothing to read without the feature.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Defaults;

impl Defaults {
    pub(crate) fn of(
        _spec: &CapabilitySpec,
        _fill: &dyn Fn(&crate::spec::Value) -> Option<String>,
    ) -> Defaults {
        Defaults
    }
}

impl Settings {
    pub(crate) fn read(_defaults: Defaults, _lookup: &dyn Fn(&str) -> Option<String>) -> Settings {
        Settings
    }
}

/// Always `false`: this build has no OpenTelemetry (the `otel` feature of naftiko is off).
pub fn telemetry_active() -> bool {
    false
}

/// Installs nothing: this build has no OpenTelemetry (the `otel` feature of naftiko is off).
pub(crate) fn install(
    _settings: &Settings,
    _tls: fn() -> Result<rustls::ClientConfig, String>,
) -> bool {
    false
}

/// Nothing to flush.
pub async fn shutdown_telemetry() {}

/// Never made.
pub(crate) enum ServerCall {}

impl ServerCall {
    pub(crate) fn within<F: Future>(&self, _future: F) -> F {
        match *self {}
    }
}

pub(crate) fn tool_call(
    _tool: &str,
    _headers: Option<&HeaderMap>,
    _meta_traceparent: Option<&str>,
    _meta_tracestate: Option<&str>,
) -> Option<ServerCall> {
    None
}

pub(crate) fn tool_call_done(_call: Option<ServerCall>, _tool: &str, _error: Option<&'static str>) {
}

#[cfg(feature = "rest")]
pub(crate) fn rest_layer(router: axum::Router) -> axum::Router {
    router
}

/// Never made.
pub(crate) enum ClientCall {}

impl ClientCall {
    pub(crate) fn start(
        _method: &Method,
        _url: &url::Url,
        _url_may_hold_secret: bool,
        _namespace: &str,
        _operation: &str,
    ) -> Option<ClientCall> {
        None
    }

    pub(crate) fn inject(&self, _headers: &mut HeaderMap) {
        match *self {}
    }

    pub(crate) fn within<F: Future>(&self, _future: F) -> F {
        match *self {}
    }

    pub(crate) fn finish(self, _status: Option<u16>, _error: Option<&'static str>) {
        match self {}
    }
}

pub(crate) fn note_retry(
    _retry: u32,
    _reason: &'static str,
    _status: Option<u16>,
    _wait: Duration,
) {
}
