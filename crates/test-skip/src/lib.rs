//! How a test of this workspace says it did not run.
//!
//! Some tests need things a fresh clone may not have: the public corpus in `../shared`, or the
//! outside tools `.ci/install-tools.sh` installs. Such a test calls [`skip`] and returns. Under
//! CI (the `CI` variable set, as `.ci/run` does) a skip is a failure: the thing was promised
//! there, so its absence must not pass as green. Elsewhere the notice is written straight to the
//! process's standard error; the test runner captures only `print!`/`eprint!` output, which it
//! hides for passing tests, so a notice sent that way would vanish behind a plain `ok`.

use std::io::Write as _;

/// Reports that `test` did not run, and why. Panics when `CI` is set.
pub fn skip(test: &str, reason: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{test} cannot run: {reason} (CI is set, where a skipped test is a failure)");
    }
    let notice = format!("\n*** SKIPPED {test}: {reason} ***\n");
    // Straight to the file descriptor, past the runner's capture (see the module docs).
    let _ = std::io::stderr().lock().write_all(notice.as_bytes());
}
