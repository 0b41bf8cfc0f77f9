#!/usr/bin/env bash
# Code generation:
#   - in one process (what the macro and build.rs pay): the seed, the corpus spec that
#     generates the most code, and every corpus spec (crates/naftiko-codegen/examples/codegen_timing.rs);
#   - the CLI, process start included (hyperfine): the seed, that largest spec, all corpus specs;
#   - macro expansion: `cargo check` of a crate holding `capability!(spec)` minus the same
#     crate holding the CLI's output for that spec through `include!`, for the seed and the
#     largest spec (hyperfine, the crate's file touched before each run);
#   - `cargo check` time of the largest spec's generated code (the `include!` crate above);
#   - generated lines per consumed operation.
#
# Usage: bench/codegen.sh [CORPUS_DIR]   (default ../shared/corpus)
source "$(dirname "$0")/lib.sh"

need_commands hyperfine
corpus="${1:-$BENCH_ROOT/../shared/corpus}"
seed="$BENCH_ROOT/generated-example/inngest-runs.yaml"
mapfile -t specs < <("$BENCH_ROOT/bench/corpus-specs.sh" "$corpus")
if [ "${#specs[@]}" -eq 0 ]; then
  echo "SKIPPED corpus rows: no specs under $corpus" >&2
fi

build_release -p naftiko-codegen --bin naftiko-codegen --example codegen_timing
cli="$BENCH_ROOT/target/release/naftiko-codegen"
echo "machine: $(machine_line)"

echo "-- in process"
"$BENCH_ROOT/target/release/examples/codegen_timing" "$seed" "${specs[@]}" \
  --write-largest "$BENCH_TMP/largest.rs" | tee "$BENCH_TMP/in-process.txt"
largest_spec="$(sed -n 's/^largest output: \(.*\) — .*/\1/p' "$BENCH_TMP/in-process.txt")"

echo "-- CLI (process start-up included)"
hyperfine -N --warmup 3 --runs 30 --style basic --export-markdown "$BENCH_TMP/cli-seed.md" \
  "$cli generate $seed -o $BENCH_TMP/seed.rs" 2>/dev/null | grep -E 'Time|Range'
if [ -n "$largest_spec" ]; then
  hyperfine -N --warmup 2 --runs 10 --style basic \
    "$cli generate $largest_spec -o $BENCH_TMP/largest-cli.rs" 2>/dev/null | grep -E 'Time|Range'
  printf '%s\n' "${specs[@]}" >"$BENCH_TMP/specs.txt"
  # Each spec in its own process, as a Makefile or a shell loop would run it.
  hyperfine --warmup 1 --runs 3 --style basic \
    "while read -r spec; do $cli generate \"\$spec\" -o /dev/null 2>/dev/null || true; done < $BENCH_TMP/specs.txt" \
    2>/dev/null | grep -E 'Time|Range' | sed 's/^/all corpus specs, one process each: /'
fi

echo "-- macro expansion and cargo check (scratch crates under target/bench-scratch)"
scratch="$BENCH_ROOT/target/bench-scratch"
mkdir -p "$scratch"
"$cli" generate "$seed" -o "$BENCH_TMP/seed.rs" 2>/dev/null
scratch_crate() {
  local name="$1" body="$2" dir="$scratch/$1"
  mkdir -p "$dir/src"
  cat >"$dir/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
naftiko = { path = "$BENCH_ROOT/crates/naftiko" }

[workspace]
TOML
  cp "$BENCH_ROOT/Cargo.lock" "$dir/Cargo.lock"
  printf '%s\n' "$body" >"$dir/src/lib.rs"
}
scratch_crate seed-macro "naftiko::capability!(\"$seed\");"
cp "$BENCH_TMP/seed.rs" "$scratch/seed.rs"
scratch_crate seed-include "include!(\"$scratch/seed.rs\");"
crates=(seed-macro seed-include)
if [ -n "$largest_spec" ]; then
  cp "$BENCH_TMP/largest.rs" "$scratch/largest.rs"
  scratch_crate largest-macro "naftiko::capability!(\"$largest_spec\");"
  scratch_crate largest-include "include!(\"$scratch/largest.rs\");"
  crates+=(largest-macro largest-include)
fi
export CARGO_TARGET_DIR="$scratch/target"
for crate in "${crates[@]}"; do
  # Dependencies first (not timed).
  (cd "$scratch/$crate" && cargo check -q 2>/dev/null)
done
for crate in "${crates[@]}"; do
  hyperfine -N --warmup 1 --runs 5 --style basic \
    --prepare "touch $scratch/$crate/src/lib.rs" \
    "cargo check -q --manifest-path $scratch/$crate/Cargo.toml" 2>/dev/null |
    grep -E 'Time' | sed "s/^/cargo check $crate: /"
done
