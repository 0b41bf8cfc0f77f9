//! The text form of access lines, written without `core::fmt` for the common case.
//!
//! One access line is written per request, and formatting it with tracing-subscriber's `Full`
//! format (each field through `Debug`, each name through an ANSI style, even when styles are
//! off) cost about a sixth of the instructions the server spends on a proxied request. This
//! format writes the same bytes for the fields access lines carry: strings of plain printable
//! ASCII, integers and booleans. Any other event, an access event with any other kind of value
//! (a string to escape, a `Debug` value), an event inside a span, and every event when styles
//! are on, is formatted by tracing-subscriber's own format, so the text stays the library's.
//! Tests hold the two to the same output, the time included.

use std::cell::RefCell;
use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::{Format, Full, Writer};
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::ACCESS_TARGET;

/// The text event format: access lines written here, everything else by `Full`.
pub(super) struct TextFormat<T = SystemTime> {
    full: Format<Full, T>,
    /// Writes an access line's time as `full`'s timer would; `None` for lines without one.
    time: Option<fn(&mut String)>,
}

impl TextFormat {
    /// The format `tracing_subscriber::fmt()` uses by default, timestamps included.
    pub(super) fn new() -> Self {
        TextFormat {
            full: Format::default(),
            time: Some(system_time),
        }
    }
}

thread_local! {
    /// Where a line is put together before it is known to be plain (then it is copied to the
    /// writer) or not (then `Full` writes the event instead).
    static SCRATCH: RefCell<String> = const { RefCell::new(String::new()) };
    /// The current second as tracing-subscriber's `SystemTime` writes it, up to its `.`
    /// (`2026-12-07T21:30:00.`), and which second that is.
    static SECOND: RefCell<(u64, String)> = const { RefCell::new((0, String::new())) };
}

/// Writes the time now as tracing-subscriber's `SystemTime` does
/// (`2026-12-07T21:30:00.123456Z`). The library works out the date and time of day for every
/// line (about 2,100 instructions); here it does so once a second per thread, and the lines of
/// that second reuse its text up to the microseconds.
fn system_time(line: &mut String) {
    let since_epoch = |time: std::time::SystemTime| {
        time.duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
    };
    let now = since_epoch(std::time::SystemTime::now());
    let second = now.as_secs();
    let reused = SECOND.with(|cached| {
        let Ok(cached) = cached.try_borrow() else {
            return false;
        };
        if cached.0 != second || cached.1.is_empty() {
            return false;
        }
        line.push_str(&cached.1);
        let mut digits = itoa::Buffer::new();
        let micros = digits.format(now.subsec_micros());
        for _ in micros.len()..6 {
            line.push('0');
        }
        line.push_str(micros);
        line.push('Z');
        true
    });
    if reused {
        return;
    }
    let start = line.len();
    if SystemTime.format_time(&mut Writer::new(line)).is_err() {
        line.push_str("<unknown time>");
        return;
    }
    // The library read the clock between `now` and this: its text is that second's when the
    // clock still reads the same second (and before 1970 nothing is kept).
    let after = since_epoch(std::time::SystemTime::now()).as_secs();
    let written = &line[start..];
    if after == second
        && second > 0
        && let Some(dot) = written.rfind('.')
    {
        SECOND.with(|cached| {
            if let Ok(mut cached) = cached.try_borrow_mut() {
                cached.0 = second;
                cached.1.clear();
                cached.1.push_str(&written[..=dot]);
            }
        });
    }
}

impl<S, N, T> FormatEvent<S, N> for TextFormat<T>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    T: FormatTime,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        let plain_kind = meta.target() == ACCESS_TARGET
            && *meta.level() == Level::INFO
            && !writer.has_ansi_escapes()
            && ctx.event_scope().is_none();
        if plain_kind {
            let written = SCRATCH.with(|scratch| {
                let Ok(mut line) = scratch.try_borrow_mut() else {
                    return None;
                };
                line.clear();
                if let Some(time) = self.time {
                    time(&mut line);
                    line.push(' ');
                }
                // `Full`'s level (right-aligned in five columns) and target.
                line.push_str(" INFO ");
                line.push_str(ACCESS_TARGET);
                line.push_str(": ");
                let mut fields = PlainFields {
                    line: &mut line,
                    first: true,
                    plain: true,
                };
                event.record(&mut fields);
                if !fields.plain {
                    return None;
                }
                line.push('\n');
                Some(writer.write_str(&line))
            });
            if let Some(written) = written {
                return written;
            }
        }
        self.full.format_event(ctx, writer, event)
    }
}

/// Writes fields as tracing-subscriber's default field format does, as long as every value is
/// of a kind written here; notes when one is not.
struct PlainFields<'a> {
    line: &'a mut String,
    first: bool,
    plain: bool,
}

impl PlainFields<'_> {
    /// Starts a `name=` field (a space before all but the first); `false` for a name the
    /// default format treats specially (`r#` raw names, `log.` metadata).
    fn name(&mut self, field: &Field) -> bool {
        let name = field.name();
        if name.starts_with("r#") || name.starts_with("log.") {
            self.plain = false;
            return false;
        }
        self.space();
        if name != "message" {
            self.line.push_str(name);
            self.line.push('=');
        }
        true
    }

    fn space(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.line.push(' ');
        }
    }
}

/// Printable ASCII that `Debug` writes as is, so that quoting is all it adds.
fn is_plain(value: &str) -> bool {
    value
        .bytes()
        .all(|byte| (0x20..0x7f).contains(&byte) && byte != b'"' && byte != b'\\')
}

impl Visit for PlainFields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if !self.plain {
            return;
        }
        if !is_plain(value) {
            self.plain = false;
            return;
        }
        if self.name(field) {
            if field.name() == "message" {
                self.line.push_str(value);
            } else {
                self.line.push('"');
                self.line.push_str(value);
                self.line.push('"');
            }
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if self.plain && self.name(field) {
            self.line.push_str(itoa::Buffer::new().format(value));
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if self.plain && self.name(field) {
            self.line.push_str(itoa::Buffer::new().format(value));
        }
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        if self.plain && self.name(field) {
            self.line.push_str(if value { "true" } else { "false" });
        }
    }

    /// The message (`format_args!` values reach a visitor as `Debug`), written when its text
    /// is plain; any other `Debug` value is left to the library's format.
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if !self.plain {
            return;
        }
        if field.name() != "message" {
            self.plain = false;
            return;
        }
        self.space();
        let start = self.line.len();
        self.plain = write!(self.line, "{value:?}").is_ok() && is_plain(&self.line[start..]);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::fmt::MakeWriter;

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(|e| unreachable!("{e}"))
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(
                self.0
                    .lock()
                    .unwrap_or_else(|e| unreachable!("{e}"))
                    .clone(),
            )
            .unwrap_or_else(|e| unreachable!("{e}"))
        }
    }

    /// A fixed clock, so that both formats print the same time.
    struct Fixed;

    const FIXED: &str = "2026-12-07T21:30:00.123456Z";

    impl FormatTime for Fixed {
        fn format_time(&self, w: &mut Writer<'_>) -> fmt::Result {
            w.write_str(FIXED)
        }
    }

    /// What tracing-subscriber's `Full` format and ours write for the events `emit` makes.
    fn both(emit: impl Fn()) -> (String, String) {
        let library = Captured::default();
        let ours = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(library.clone())
            .event_format(Format::default().with_timer(Fixed))
            .finish();
        tracing::subscriber::with_default(subscriber, &emit);
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(ours.clone())
            .event_format(TextFormat {
                full: Format::default().with_timer(Fixed),
                time: Some(|line| line.push_str(FIXED)),
            })
            .finish();
        tracing::subscriber::with_default(subscriber, &emit);
        (library.text(), ours.text())
    }

    fn access_line(route: &str, tool: Option<&str>, upstream_ms: Option<u64>) {
        tracing::info!(
            target: ACCESS_TARGET,
            adapter = "inngest-runs",
            kind = "rest",
            method = "GET",
            route,
            tool,
            status = 200_u16,
            duration_ms = 3_u64,
            upstream_ms,
            upstream_attempts = upstream_ms.map(|_| 1_u32),
            "request"
        );
    }

    #[test]
    fn access_lines_are_written_as_the_library_writes_them() {
        let (library, ours) = both(|| {
            access_line("/v1/runs/{runid}", None, Some(12));
            access_line("/mcp", Some("get-run"), None);
            access_line("(unmatched)", None, None);
            // Strings `Debug` escapes: the library's format writes these lines.
            access_line("/a\"quoted\"/{x}", None, None);
            access_line("/back\\slash", Some("t\u{1b}[31m"), None);
            access_line("/caf\u{e9}/\n", None, None);
            tracing::info!(target: ACCESS_TARGET, negative = -4_i64, yes = true, "request");
            tracing::info!(target: ACCESS_TARGET, value = ?vec![1, 2], "debug value");
            tracing::info!(target: ACCESS_TARGET, r#type = "raw", "raw name");
            tracing::warn!(target: ACCESS_TARGET, status = 500_u16, "not info");
            tracing::info!(target: "naftiko::other", status = 200_u16, "other target");
            let span = tracing::info_span!("in", id = 7);
            let _entered = span.enter();
            access_line("/in/a/span", None, None);
        });
        assert_eq!(library.lines().count(), 12, "{library}");
        assert_eq!(ours, library);
        assert!(
            ours.starts_with(
                "2026-12-07T21:30:00.123456Z  INFO naftiko::access: request \
                 adapter=\"inngest-runs\" kind=\"rest\" method=\"GET\" \
                 route=\"/v1/runs/{runid}\" status=200 duration_ms=3 upstream_ms=12 \
                 upstream_attempts=1\n"
            ),
            "{ours}"
        );
    }

    #[test]
    fn lines_without_time_have_no_time() {
        let ours = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(ours.clone())
            .event_format(TextFormat::<Fixed> {
                full: Format::default().with_timer(Fixed),
                time: None,
            })
            .finish();
        tracing::subscriber::with_default(subscriber, || access_line("/x", None, None));
        assert_eq!(
            ours.text(),
            " INFO naftiko::access: request adapter=\"inngest-runs\" kind=\"rest\" \
             method=\"GET\" route=\"/x\" status=200 duration_ms=3\n"
        );
    }

    /// The time written from the second's cached text is the library's text of that second,
    /// with six digits of microseconds.
    #[test]
    fn the_time_of_a_cached_second_is_the_library_time() {
        let (mut compared, mut from_cache) = (0, 0);
        for _ in 0..2_000 {
            let mut library = String::new();
            SystemTime
                .format_time(&mut Writer::new(&mut library))
                .unwrap_or_else(|e| unreachable!("{e}"));
            let cached_before = SECOND.with(|cached| cached.borrow().1.clone());
            let mut ours = String::new();
            system_time(&mut ours);
            assert_eq!(ours.len(), library.len(), "{ours} against {library}");
            let dot = library.len() - 8;
            assert_eq!(&ours[dot..dot + 1], ".", "{ours}");
            assert!(
                ours[dot + 1..dot + 7].bytes().all(|b| b.is_ascii_digit()),
                "{ours}"
            );
            assert!(ours.ends_with('Z'), "{ours}");
            if !cached_before.is_empty() && ours.starts_with(&cached_before) {
                from_cache += 1;
            }
            // Read a moment apart, the two differ only when a second ended in between.
            if ours[..dot] == library[..dot] {
                compared += 1;
            }
        }
        assert!(compared >= 1_990, "{compared} of 2,000 in the same second");
        assert!(from_cache > 0, "no time was written from the cache");
    }
}
