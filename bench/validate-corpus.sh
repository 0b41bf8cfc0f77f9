#!/usr/bin/env bash
# Load + validate of every corpus spec in one release process (target: under 2 s for 300 specs).
# Usage: bench/validate-corpus.sh [CORPUS_DIR]   (default ../shared/corpus)
# Prints the wall time of each of 5 runs and the median; the machines are shared and noisy, so
# read the median.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus}"
if [ ! -d "$corpus" ]; then
  echo "SKIPPED: corpus directory $corpus not found" >&2
  exit 0
fi
cargo build --release -q -p naftiko-codegen
bin=target/release/naftiko-codegen
mapfile -t files < <(bench/corpus-specs.sh "$corpus")
echo "specs: ${#files[@]}"
times=()
for run in 1 2 3 4 5; do
  start=$(date +%s.%N)
  "$bin" validate --format json "${files[@]}" > /dev/null 2>&1 || true
  end=$(date +%s.%N)
  t=$(echo "$end - $start" | bc -l)
  times+=("$t")
  printf 'run %d: %.3f s\n' "$run" "$t"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
printf 'median: %.3f s for %d specs (%.2f ms per spec); target < 2 s\n' "$median" "${#files[@]}" "$(echo "$median * 1000 / ${#files[@]}" | bc -l)"
