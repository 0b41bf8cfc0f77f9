#!/usr/bin/env bash
# Prints the specs of the public corpus, one path a line, sorted.
# Usage: bench/corpus-specs.sh CORPUS_DIR
#
# The rule is the corpus README's, and the same as the Rust tests'
# (crates/naftiko-codegen/tests/corpus_specs/mod.rs): a spec is <dialect>/*.yaml or *.yml,
# plus the same in the sub-folder alpha2/naftiko-framework/; the files under shared/ folders are
# import targets of the specs, never specs themselves.
set -euo pipefail
corpus="${1:?usage: $0 CORPUS_DIR}"
corpus="${corpus%/}"
# No corpus, no specs: the callers say SKIPPED.
[ -d "$corpus" ] || exit 0
{
  find "$corpus" -mindepth 2 -maxdepth 2 -type f \( -name '*.yaml' -o -name '*.yml' \) \
    -not -path "$corpus/shared/*"
  if [ -d "$corpus/alpha2/naftiko-framework" ]; then
    find "$corpus/alpha2/naftiko-framework" -mindepth 1 -maxdepth 1 -type f \
      \( -name '*.yaml' -o -name '*.yml' \)
  fi
} | LC_ALL=C sort
