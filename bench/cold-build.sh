#!/usr/bin/env bash
# Cold build time of a small user crate: the typed client of one consumed API
# (generated-code-tests/fixtures/lean-client.yaml through `capability!`), built once with
# `naftiko`'s default features and once with `default-features = false` (the typed client
# only). Each build is a debug `cargo build`, offline, with the workspace's Cargo.lock, into a
# fresh target directory of its own, so every dependency is compiled; the registry's sources
# must already be downloaded (any workspace build does that).
#
# Usage: bench/cold-build.sh [ROUNDS]   (default 1)
source "$(dirname "$0")/lib.sh"

rounds="${1:-1}"
for variant in client default; do
  dir="$BENCH_TMP/$variant"
  mkdir -p "$dir/src"
  cp "$BENCH_ROOT/Cargo.lock" "$dir/"
  features=""
  [ "$variant" = client ] && features=", default-features = false"
  cat >"$dir/Cargo.toml" <<TOML
[package]
name = "bench-user"
version = "0.0.0"
edition = "2024"
publish = false
[dependencies]
naftiko = { path = "$BENCH_ROOT/crates/naftiko"$features }
[workspace]
TOML
  cat >"$dir/src/lib.rs" <<RUST
naftiko::capability!("$BENCH_ROOT/generated-code-tests/fixtures/lean-client.yaml");

pub async fn item(capability: &Capability) -> Result<naftiko::bytes::Bytes, naftiko::Error> {
    let input = consumes::catalog::GetItemInput { item_id: "7".into() };
    Ok(capability.clients().catalog.get_item(input).await?.body)
}
RUST
done

for round in $(seq "$rounds"); do
  for variant in client default; do
    dir="$BENCH_TMP/$variant"
    rm -rf "$dir/target"
    log "round $round, $variant, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    start=$(date +%s.%N)
    (cd "$dir" && CARGO_TARGET_DIR="$dir/target" timeout 3600 cargo build --offline -q)
    end=$(date +%s.%N)
    crates=$(cd "$dir" && cargo tree --offline -e normal,build --prefix none | sed 's/ (\*)$//; s/ (proc-macro)//' | sort -u | wc -l)
    printf '%s\tround %s\t%.1f s\t%s crates in the tree\n' "$variant" "$round" \
      "$(echo "$end - $start" | bc)" "$crates"
  done
done
