#!/usr/bin/env bash
# Reliability checks run after the test suite (RELIABILITY.md):
#   - cargo deny: licences, bans and sources of every dependency (deny.toml). Advisories need
#     the advisory database, a git repository CI cannot fetch: checked where the network allows.
#   - a bounded cargo-fuzz run of every target in fuzz/ (NAFTIKO_FUZZ_SECONDS each, default 60),
#     seeded with the specs in the repo, ../shared/corpus when present, and fuzz/regressions
#     (inputs that once crashed, replayed on every run). A crash fails the run.
# Both tools are compiled from crates.io at pinned versions; `cargo install` skips a tool that is
# already installed at that version.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo install --locked cargo-deny@0.20.2
cargo deny check licenses bans sources

cargo install --locked cargo-fuzz@0.13.2
# cargo-fuzz passes -Z flags; the stable toolchain accepts them with RUSTC_BOOTSTRAP.
export RUSTC_BOOTSTRAP=1
seconds="${NAFTIKO_FUZZ_SECONDS:-60}"
work="$PWD/target/fuzz-ci"
mkdir -p "$work/spec" "$work/rest_request" "$work/spec-seeds"
cp generated-example/inngest-runs.yaml generated-code-tests/fixtures/*.yaml generated-example/tests/fixtures/*.yaml \
  "$work/spec-seeds/"
spec_seeds=("$work/spec-seeds" "$PWD/fuzz/regressions/spec")
# The corpus's specs only (bench/corpus-specs.sh), not the files they import from shared/
# folders, kept under their paths in the corpus so equal names in two dialects do not clash.
rm -rf "$work/corpus-seeds"
while IFS= read -r spec; do
  copy="$work/corpus-seeds/${spec#../shared/corpus/}"
  mkdir -p "$(dirname "$copy")"
  cp "$spec" "$copy"
done < <(bench/corpus-specs.sh ../shared/corpus)
if [ -d "$work/corpus-seeds" ]; then spec_seeds+=("$work/corpus-seeds"); fi

# -s none: the code is safe Rust (unsafe is forbidden), so a sanitizer adds cost and no checks;
# panics and overflow checks (debug assertions are on) are what the targets look for.
cargo fuzz run spec -s none "$work/spec" "${spec_seeds[@]}" -- \
  -max_total_time="$seconds" -max_len=65536 -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
cargo fuzz run rest_request -s none "$work/rest_request" "$PWD/fuzz/regressions/rest_request" -- \
  -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
mkdir -p "$work/upstream_formats" "$work/format-seeds"
# Seeds: one answer per format (the first byte picks the reader; see the target).
printf '\001<root><user id="1"><name>Ada &amp; co</name></user><user><name>B</name></user></root>' \
  > "$work/format-seeds/xml"
printf '\002id,name\n1,"a ""quoted"", name"\n2,b\n' > "$work/format-seeds/csv"
printf '\005<table><thead><tr><th>Name</th><th>Price</th></tr></thead><tr><td>a<td>1</table>' \
  > "$work/format-seeds/html"
printf '\007---\ntitle: x\n---\n# Features\n| Feature | Status |\n|---|---|\n| a | b |\n' \
  > "$work/format-seeds/markdown"
cargo fuzz run upstream_formats -s none "$work/upstream_formats" "$work/format-seeds" \
  "$PWD/fuzz/regressions/upstream_formats" -- \
  -max_total_time="$seconds" -max_len=65536 -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
echo "reliability: cargo deny and ${seconds} s of fuzzing per target passed"
