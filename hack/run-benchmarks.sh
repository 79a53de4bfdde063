#!/usr/bin/env bash
# Runs every benchmark binary in BUILD_DIR/bin (*_bench) and prints their figures.
set -euo pipefail
build=$1
shopt -s nullglob
benches=("$build"/bin/*_bench)
[ ${#benches[@]} -gt 0 ] || { echo "run-benchmarks: no benchmarks in $build/bin" >&2; exit 1; }
for b in "${benches[@]}"; do
  echo "== $(basename "$b")"
  "$b" --benchmark_min_time=0.5
done
