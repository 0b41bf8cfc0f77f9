//! The corpus through the harness: compile rate, then every route and tool of every spec that
//! generated, called against the echo upstream (see the crate docs).

use std::time::Duration;

use corpus_harness::drive::run_spec;
use corpus_harness::report::{Floors, SpecReport, Summary, compile_rate};
use futures_util::StreamExt as _;

mod corpus {
    // The generated code of every corpus spec, one module each, and the registry of them.
    include!(concat!(env!("OUT_DIR"), "/registry.rs"));
}

/// Specs run at once: each has its own echo upstream and servers, all on loopback.
const PARALLEL_SPECS: usize = 4;
/// No spec may take longer than this (it then fails, naming the time-out).
const SPEC_LIMIT: Duration = Duration::from_secs(180);

fn skipped() -> bool {
    if corpus::CORPUS_DIR.is_none() {
        test_skip::skip(
            "corpus harness",
            "../shared/corpus was absent when the harness was built",
        );
        return true;
    }
    false
}

#[test]
fn every_refused_spec_has_a_located_error() {
    if skipped() {
        return;
    }
    eprintln!("{}", compile_rate(corpus::GENERATED, corpus::REFUSED));
    let unexplained: Vec<&str> = corpus::REFUSED
        .iter()
        .filter(|spec| !spec.errors.iter().any(|error| error.is_located()))
        .map(|spec| spec.file)
        .collect();
    assert!(
        unexplained.is_empty(),
        "refused without a located error diagnostic: {unexplained:#?}"
    );
}

#[test]
fn every_route_and_tool_reaches_upstream_as_the_spec_says() {
    if skipped() {
        return;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => panic!("cannot start tokio: {error}"),
    };
    // `CORPUS_HARNESS_ONLY=<part of a file name>` runs the matching specs only (for debugging):
    // the floors then do not apply, but matching nothing is still a failure.
    let only = std::env::var("CORPUS_HARNESS_ONLY").ok();
    let Some(corpus_dir) = corpus::CORPUS_DIR else {
        return;
    };
    let summary = runtime.block_on(async {
        let entries = corpus::GENERATED
            .iter()
            .filter(|entry| only.as_deref().is_none_or(|only| entry.file.contains(only)));
        let specs: Vec<SpecReport> = futures_util::stream::iter(entries)
            .map(|entry| async move {
                let run = tokio::spawn(tokio::time::timeout(
                    SPEC_LIMIT,
                    run_spec(entry, std::path::Path::new(corpus_dir)),
                ));
                match run.await {
                    Ok(Ok(report)) => report,
                    Ok(Err(_)) => {
                        SpecReport::new(entry).broken(format!("took longer than {SPEC_LIMIT:?}"))
                    }
                    Err(error) => SpecReport::new(entry).broken(format!("panicked: {error}")),
                }
            })
            .buffered(PARALLEL_SPECS)
            .collect()
            .await;
        Summary { specs }
    });
    let rendered = summary.render();
    eprintln!("{rendered}");
    // Test output is hidden when tests pass; the table is also kept next to the build.
    let kept = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus-harness.txt");
    let _ = std::fs::write(
        &kept,
        format!(
            "{}{rendered}",
            compile_rate(corpus::GENERATED, corpus::REFUSED)
        ),
    );
    assert_eq!(summary.failed(), 0, "{rendered}");
    match only {
        Some(only) => assert!(
            !summary.specs.is_empty(),
            "CORPUS_HARNESS_ONLY={only} matches no generated spec"
        ),
        None => {
            let floors = Floors::parse(include_str!("../floors.txt"))
                .unwrap_or_else(|e| panic!("corpus-harness/floors.txt: {e}"));
            let shortfalls = floors.shortfalls(corpus::GENERATED.len(), &summary);
            assert!(
                shortfalls.is_empty(),
                "the harness reached less than corpus-harness/floors.txt asks: {shortfalls:#?}\n{rendered}"
            );
        }
    }
}
