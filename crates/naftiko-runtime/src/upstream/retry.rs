//! Sending an upstream request again after a failure another attempt may fix, when the
//! consumed namespace allows it (`<PREFIX>_RETRIES`, off by default).
//!
//! A request is sent again only when doing so cannot do twice what the caller asked once: its
//! method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS), or the MCP tool that makes the call
//! says so in its hints ([`idempotent_scope`]). Its body is always in memory by then (a
//! forwarded caller's body, which is streamed, never comes here), so each attempt sends the
//! same bytes. What is retried: a connection refused, reset or closed before an answer
//! began, and a `502`, `503` or `504` answer, or a `429` that says when to come back
//! (`Retry-After`).
//!
//! The wait before retry `n` is `Retry-After` when the answer gives one (seconds or an
//! HTTP-date), else an exponential backoff (100 ms, 200 ms, 400 ms… at most 5 s) of which a
//! random half is kept ("equal jitter", so that clients failed together do not come back
//! together). Every wait stays inside the call's timeout: a retry that could not be made in
//! time is not made, and the last answer (or failure) is the call's.
//!
//! Each retry is a `warn` line, a count on the access line, through the client's hooks a
//! `naftiko_upstream_retries_total` count, and with OpenTelemetry an event on the call's span.

use std::future::Future;
use std::hash::BuildHasher as _;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::RETRY_AFTER;
use http::{HeaderMap, Method, StatusCode};

use tokio::time::Instant;

use super::ClientCore;
use super::transport::{Failure, InBody, Transport, fixed_body};
use crate::error::Error;

/// The first backoff; each next one doubles it.
const BASE_BACKOFF: Duration = Duration::from_millis(100);
/// The longest backoff (`Retry-After` may ask for longer, within the call's timeout).
const MAX_BACKOFF: Duration = Duration::from_secs(5);

tokio::task_local! {
    /// Set while an MCP tool whose hints say idempotent runs its upstream calls.
    static IDEMPOTENT_CALLER: bool;
}

/// Runs `future` with the caller's word on whether its upstream calls may be repeated
/// whatever their method (an MCP tool's `idempotentHint`). Not an `async fn`, which would
/// hold `future` twice in its state.
pub(crate) fn idempotent_scope<F: Future>(
    idempotent: bool,
    future: F,
) -> impl Future<Output = F::Output> {
    IDEMPOTENT_CALLER.scope(idempotent, future)
}

/// Whether a request with `method` may be sent twice.
fn may_repeat(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    ) || IDEMPOTENT_CALLER
        .try_with(|idempotent| *idempotent)
        .unwrap_or(false)
}

/// What one call may spend on retries.
pub(super) struct Budget {
    pub operation: &'static str,
    /// When the call's timeout runs out.
    pub deadline: Instant,
}

/// Why a request is sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    /// No answer came: the connection was refused, reset or closed.
    Unanswered,
    /// A 429, 502, 503 or 504 answer.
    Status(StatusCode),
}

impl Reason {
    /// The `reason` label of the metric and the log line.
    fn label(self) -> &'static str {
        match self {
            Reason::Unanswered => "unanswered",
            Reason::Status(_) => "status",
        }
    }
}

impl ClientCore {
    /// Sends the request, and sends it again (at most `<PREFIX>_RETRIES` times) while the
    /// failure is one a retry may fix, the request may be repeated and the call's timeout
    /// leaves room for the wait.
    pub(super) async fn send_retrying(
        &self,
        http: &Transport,
        budget: &Budget,
        method: &Method,
        url: &url::Url,
        headers: HeaderMap,
        data: &Option<Bytes>,
    ) -> Result<http::Response<InBody>, Error> {
        let allowed = if self.retries > 0 && may_repeat(method) {
            self.retries
        } else {
            0
        };
        let body = || fixed_body(data.clone());
        if allowed == 0 {
            let request = self.request(method.clone(), url, headers, body())?;
            return http
                .send(request)
                .await
                .map_err(|failure| self.transport_error(failure));
        }
        let mut retries = 0;
        loop {
            let request = self.request(method.clone(), url, headers.clone(), body())?;
            let outcome = http.send(request).await;
            let next = (retries < allowed)
                .then(|| retry_reason(&outcome))
                .flatten()
                .and_then(|(reason, retry_after)| {
                    wait_before(retries + 1, retry_after, budget.deadline)
                        .map(|wait| (reason, wait))
                });
            let Some((reason, wait)) = next else {
                return outcome.map_err(|failure| self.transport_error(failure));
            };
            drop(outcome);
            retries += 1;
            tracing::warn!(
                namespace = &*self.consumes.namespace,
                operation = budget.operation,
                retry = retries,
                of = allowed,
                reason = reason.label(),
                status = match reason {
                    Reason::Status(status) => Some(status.as_u16()),
                    Reason::Unanswered => None,
                },
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "retrying an upstream call"
            );
            if let Some(hooks) = &self.hooks {
                hooks.retried(budget.operation, reason.label(), retries);
            }
            crate::access::note_retry();
            crate::telemetry::note_retry(
                retries,
                reason.label(),
                match reason {
                    Reason::Status(status) => Some(status.as_u16()),
                    Reason::Unanswered => None,
                },
                wait,
            );
            tokio::time::sleep(wait).await;
        }
    }
}

/// Why `outcome` is worth another attempt, with the wait its answer asks for; `None` when it
/// is not.
fn retry_reason(
    outcome: &Result<http::Response<InBody>, Failure>,
) -> Option<(Reason, Option<Duration>)> {
    match outcome {
        Err(Failure::Unanswered(_)) => Some((Reason::Unanswered, None)),
        Err(_) => None,
        Ok(response) => {
            let status = response.status();
            let retry_after = retry_after(response.headers(), SystemTime::now());
            let retriable = matches!(
                status,
                StatusCode::BAD_GATEWAY
                    | StatusCode::SERVICE_UNAVAILABLE
                    | StatusCode::GATEWAY_TIMEOUT
            ) || (status == StatusCode::TOO_MANY_REQUESTS && retry_after.is_some());
            retriable.then_some((Reason::Status(status), retry_after))
        }
    }
}

/// The wait before retry number `retry` (1 for the first): `retry_after` when the answer gave
/// one, else the backoff; `None` when the call's `deadline` would pass first.
fn wait_before(retry: u32, retry_after: Option<Duration>, deadline: Instant) -> Option<Duration> {
    let wait = retry_after.unwrap_or_else(|| backoff(retry));
    (Instant::now() + wait < deadline).then_some(wait)
}

/// `BASE_BACKOFF` doubled `retry - 1` times, at most `MAX_BACKOFF`; a random half of it
/// kept.
fn backoff(retry: u32) -> Duration {
    let doubling = 2u32.saturating_pow(retry.saturating_sub(1));
    let full = BASE_BACKOFF.saturating_mul(doubling).min(MAX_BACKOFF);
    let half = full / 2;
    half + half.mul_f64(random_fraction())
}

/// A number in `[0, 1)`, different on every call: enough to spread retries, with no
/// dependency (std's `RandomState` is seeded from the OS and changes keys per instance).
fn random_fraction() -> f64 {
    let noise = std::collections::hash_map::RandomState::new().hash_one(std::time::Instant::now());
    (noise >> 11) as f64 / (1u64 << 53) as f64
}

/// `Retry-After`, as delay-seconds or as an HTTP-date (a date in the past is no wait).
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers, now), None);
        headers.insert(RETRY_AFTER, http::HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert(
            RETRY_AFTER,
            later.parse().unwrap_or_else(|_| unreachable!()),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        headers.insert(
            RETRY_AFTER,
            earlier.parse().unwrap_or_else(|_| unreachable!()),
        );
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, http::HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn backoff_doubles_within_bounds_with_jitter() {
        for retry in 1..=12 {
            let full = BASE_BACKOFF
                .saturating_mul(2u32.pow(retry - 1))
                .min(MAX_BACKOFF);
            for _ in 0..20 {
                let wait = backoff(retry);
                assert!(wait >= full / 2 && wait <= full, "retry {retry}: {wait:?}");
            }
        }
        let spread: std::collections::HashSet<Duration> = (0..20).map(|_| backoff(3)).collect();
        assert!(spread.len() > 1, "no jitter: {spread:?}");
    }

    #[tokio::test]
    async fn no_wait_runs_past_the_deadline() {
        let deadline = Instant::now() + Duration::from_millis(500);
        assert_eq!(wait_before(1, Some(Duration::from_secs(1)), deadline), None);
        assert_eq!(
            wait_before(1, Some(Duration::from_millis(10)), deadline),
            Some(Duration::from_millis(10))
        );
        assert!(wait_before(1, None, deadline).is_some());
    }

    #[tokio::test]
    async fn only_idempotent_methods_or_callers_repeat() {
        assert!(may_repeat(&Method::GET) && may_repeat(&Method::PUT));
        assert!(!may_repeat(&Method::POST) && !may_repeat(&Method::PATCH));
        let post = idempotent_scope(true, async { may_repeat(&Method::POST) }).await;
        assert!(post, "an idempotent tool's POST repeats");
        let post = idempotent_scope(false, async { may_repeat(&Method::POST) }).await;
        assert!(!post);
    }
}
