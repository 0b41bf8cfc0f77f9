//! Times code generation in one process, the way `capability!` and build.rs run it (no
//! process start-up counted): used by `bench/codegen.sh`.
//!
//! ```text
//! cargo run --release -p naftiko-codegen --example codegen_timing -- SEED [CORPUS_SPEC…] [--write-largest FILE]
//! ```
//!
//! Prints, for the seed (median of 21 runs), the corpus spec that generates the most code
//! (median of 5) and one pass over every corpus spec (median of 3 passes): wall time, generated
//! lines and lines per consumed operation. `--write-largest` saves the largest output, for
//! timing `cargo check` of it. The corpus specs are passed in, as `bench/corpus-specs.sh` lists
//! them (never the import targets under the corpus's `shared/` folders).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct Sample {
    lines: usize,
    operations: usize,
    code: String,
}

/// One generation of `path`, or `None` when the spec has errors.
fn generate(path: &Path) -> Option<Sample> {
    let name = path.display().to_string();
    let generated = naftiko_codegen::Generator::new()
        .generate(path, &name)
        .ok()?;
    let operations = naftiko_codegen::check(path, &name)
        .capability
        .map_or(0, |capability| {
            capability
                .consumes
                .iter()
                .map(|namespace| namespace.operations.len())
                .sum()
        });
    Some(Sample {
        lines: generated.code.lines().count(),
        operations,
        code: generated.code,
    })
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn timed(runs: usize, path: &Path) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let started = Instant::now();
                let generated =
                    naftiko_codegen::Generator::new().generate(path, &path.display().to_string());
                let elapsed = started.elapsed();
                drop(generated);
                elapsed
            })
            .collect(),
    )
}

fn per_op(lines: usize, operations: usize) -> String {
    if operations == 0 {
        "n/a".to_owned()
    } else {
        format!("{:.0}", lines as f64 / operations as f64)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut specs: Vec<PathBuf> = Vec::new();
    let mut write_largest = None;
    while let Some(arg) = args.next() {
        if arg == "--write-largest" {
            write_largest = args.next().map(PathBuf::from);
        } else {
            specs.push(PathBuf::from(arg));
        }
    }
    let Some((seed, corpus)) = specs.split_first() else {
        return Err("usage: codegen_timing SEED [CORPUS_SPEC…] [--write-largest FILE]".into());
    };

    let seed_sample = generate(seed).ok_or("the seed does not generate")?;
    println!(
        "seed: {:.2} ms, {} lines, {} operations, {} lines per operation",
        timed(21, seed).as_secs_f64() * 1e3,
        seed_sample.lines,
        seed_sample.operations,
        per_op(seed_sample.lines, seed_sample.operations)
    );
    if corpus.is_empty() {
        return Ok(());
    }

    // Counting (untimed): what each spec generates and how many operations it has.
    let mut generated = 0;
    let mut lines = 0;
    let mut operations = 0;
    let mut largest: Option<(PathBuf, Sample)> = None;
    for spec in corpus {
        let Some(sample) = generate(spec) else {
            continue;
        };
        generated += 1;
        lines += sample.lines;
        operations += sample.operations;
        if largest
            .as_ref()
            .is_none_or(|(_, best)| sample.lines > best.lines)
        {
            largest = Some((spec.clone(), sample));
        }
    }
    // Timed: generation alone, every spec, three passes.
    let passes = (0..3)
        .map(|_| {
            let started = Instant::now();
            for spec in corpus {
                let _ =
                    naftiko_codegen::Generator::new().generate(spec, &spec.display().to_string());
            }
            started.elapsed()
        })
        .collect();
    println!(
        "all corpus specs: {:.3} s for {} specs ({} generated, {} refused with errors), \
         {} lines for {} operations, {} lines per operation",
        median(passes).as_secs_f64(),
        corpus.len(),
        generated,
        corpus.len() - generated,
        lines,
        operations,
        per_op(lines, operations)
    );
    if let Some((path, sample)) = largest {
        println!(
            "largest output: {} — {:.1} ms, {} lines, {} operations, {} lines per operation",
            path.display(),
            timed(5, &path).as_secs_f64() * 1e3,
            sample.lines,
            sample.operations,
            per_op(sample.lines, sample.operations)
        );
        if let Some(out) = write_largest {
            std::fs::write(&out, &sample.code)?;
            println!("largest output written to {}", out.display());
        }
    }
    Ok(())
}
