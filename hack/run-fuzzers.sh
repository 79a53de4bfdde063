#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR/bin with the given libFuzzer flags, each with its own
# corpus directory seeded from fuzz/seeds/<target>/ when present. Fails on the first crash.
set -euo pipefail
build=$1; shift
root=$(cd "$(dirname "$0")/.." && pwd)
shopt -s nullglob
targets=("$build"/bin/*_fuzz)
[ ${#targets[@]} -gt 0 ] || { echo "run-fuzzers: no fuzz targets in $build/bin" >&2; exit 1; }
for t in "${targets[@]}"; do
  name=$(basename "$t")
  corpus="$build/corpus/$name"
  mkdir -p "$corpus"
  seeds=()
  [ -d "$root/fuzz/seeds/$name" ] && seeds=("$root/fuzz/seeds/$name")
  echo "fuzz: $name $*"
  "$t" "$corpus" "${seeds[@]}" "$@" -print_final_stats=1 2>"$build/corpus/$name.log" \
    || { tail -50 "$build/corpus/$name.log"; echo "fuzz: $name FAILED" >&2; exit 1; }
  grep -E "stat::number_of_executed_units|Done" "$build/corpus/$name.log" | tail -2
done
