#!/usr/bin/env bash
# A user's crate as a user builds it: against the newest semver-compatible releases of every
# dependency, without this repository's Cargo.lock. Deprecations and breaks in a new release
# (a deprecated rustls provider, a renamed rmcp item) show up here before users see them.
#
# The crate depends on `naftiko` by path and expands the seed spec with `capability!`, so the
# runtime, the macro and the code it generates are all checked. `cargo check` only (no code
# generation for the runtime), in the repository's target dir so that build scripts and proc
# macros at unchanged versions are reused. Any warning fails: registry crates' own lints are
# capped by cargo, so what is left is ours or in code we generate.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/src"
cp "$repo/generated-example/inngest-runs.yaml" "$work/"
cat >"$work/Cargo.toml" <<TOML
[package]
name = "naftiko-fresh-user"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
naftiko = { path = "$repo/crates/naftiko" }
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }

# Not a member of the repository's workspace.
[workspace]
TOML
# The seed's own repairs are accepted: this check is about dependencies, not the spec.
cat >"$work/src/main.rs" <<'RUST'
naftiko::capability!("inngest-runs.yaml", allow = ["case-folded-name", "inferred-input"]);

#[tokio::main]
async fn main() -> Result<(), naftiko::Error> {
    let capability = Capability::from_env()?;
    let _ = capability.clients();
    capability.serve().await
}
RUST

cd "$work"
cargo generate-lockfile
log="$work/check.log"
CARGO_TARGET_DIR="$target" cargo check --message-format short 2>&1 | tee "$log"
if grep -q '^warning' "$log" || grep -q ': warning' "$log"; then
  echo "*** .ci/fresh-deps.sh: warnings when built against the newest compatible releases (above) ***" >&2
  exit 1
fi
echo "fresh-deps: the user crate builds without warnings against the newest compatible releases"
