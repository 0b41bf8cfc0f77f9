//! How an exposed adapter serves its connections: `<PREFIX>_READ_TIMEOUT_MS`,
//! `<PREFIX>_WRITE_TIMEOUT_MS`, `<PREFIX>_MAX_CONNECTIONS` and `<PREFIX>_MAX_HEADER_BYTES`, read with the rest of the
//! configuration so that a bad value is reported with every other problem, before anything binds.

use std::time::Duration;

use super::{Report, read_number};
#[cfg(test)]
use crate::error::Error;

/// How long a client may take to send a request's head, and then its body.
pub(crate) const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a write to a client may make no progress before the connection is closed.
pub(crate) const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// The most connections one listener keeps open unless `<PREFIX>_MAX_CONNECTIONS` says
/// otherwise (and the process's file-descriptor limit allows: the server lowers an unset cap to fit it).
pub(crate) const DEFAULT_MAX_CONNECTIONS: usize = 10_000;

/// The largest request head (request line and header fields) a client may send; past it the
/// answer is `431 Request Header Fields Too Large`. The same as Envoy's default of 60 KiB
/// give or take: room for big cookies and tokens, not for a client that floods headers.
pub(crate) const DEFAULT_MAX_HEADER_BYTES: usize = 64 * 1024;

/// How one exposed adapter serves its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ServingSettings {
    /// `<PREFIX>_READ_TIMEOUT_MS`: for a request's head, then again for its body.
    pub read_timeout: Duration,
    /// `<PREFIX>_WRITE_TIMEOUT_MS`: a write stalled this long closes the connection.
    pub write_timeout: Duration,
    /// `<PREFIX>_MAX_CONNECTIONS`: past it, `accept` waits for a connection to close.
    pub max_connections: usize,
    /// Whether `max_connections` was set rather than defaulted.
    pub max_connections_set: bool,
    /// `<PREFIX>_MAX_HEADER_BYTES`: the largest request head accepted.
    pub max_header_bytes: usize,
}

impl ServingSettings {
    /// Every default: what an adapter the spec does not have would get.
    pub(crate) fn defaults() -> ServingSettings {
        ServingSettings {
            read_timeout: DEFAULT_READ_TIMEOUT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_connections_set: false,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
        }
    }
}

/// The serving settings of the adapter whose variables start with `env_prefix`. Zero, or not
/// a number, is a configuration error naming the variable: a server without deadlines or a
/// cap is what these settings exist to prevent. Every problem is reported at once.
#[cfg(test)]
pub(crate) fn read_serving(
    env_prefix: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    default_max_connections: usize,
) -> Result<ServingSettings, Error> {
    let mut report = Report::default();
    let settings = read_serving_into(env_prefix, lookup, default_max_connections, &mut report);
    if report.problems.is_empty() {
        Ok(settings)
    } else {
        Err(Error::Config {
            missing: Vec::new(),
            problems: report.problems,
        })
    }
}

/// [`read_serving`] adding its problems to `report` (the defaults stand in for unusable values).
pub(super) fn read_serving_into(
    env_prefix: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    default_max_connections: usize,
    report: &mut Report,
) -> ServingSettings {
    let lookup = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
    let mut millis = |suffix: &str, default: Duration| {
        read_number(&format!("{env_prefix}_{suffix}"), &lookup, report)
            .map_or(default, Duration::from_millis)
    };
    let read_timeout = millis("READ_TIMEOUT_MS", DEFAULT_READ_TIMEOUT);
    let write_timeout = millis("WRITE_TIMEOUT_MS", DEFAULT_WRITE_TIMEOUT);
    let set_max = read_number(&format!("{env_prefix}_MAX_CONNECTIONS"), &lookup, report)
        .map(|number| usize::try_from(number).unwrap_or(usize::MAX));
    let max_header_bytes = read_number(&format!("{env_prefix}_MAX_HEADER_BYTES"), &lookup, report)
        .map_or(DEFAULT_MAX_HEADER_BYTES, |number| {
            usize::try_from(number).unwrap_or(usize::MAX)
        });
    ServingSettings {
        read_timeout,
        write_timeout,
        max_connections: set_max.unwrap_or(default_max_connections.max(1)),
        max_connections_set: set_max.is_some(),
        max_header_bytes,
    }
}
