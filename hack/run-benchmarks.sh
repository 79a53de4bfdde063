#!/usr/bin/env bash
# Runs every benchmark binary in BUILD_DIR/bin (*_bench) and prints their figures, then the
# reference peer's quote verification time (@phala/dcap-qvl over the same sample quote and
# collateral as attest_bench) beside them, with the machine's load.
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
shopt -s nullglob
benches=("$build"/bin/*_bench)
[ ${#benches[@]} -gt 0 ] || { echo "run-benchmarks: no benchmarks in $build/bin" >&2; exit 1; }
for b in "${benches[@]}"; do
  echo "== $(basename "$b")  (load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
  "$b" --benchmark_min_time=0.5
done

if [ -x "$build/bin/cbx_cache_cost" ]; then
  echo "== cbx_cache_cost: the operator's cache per folder"
  "$build/bin/cbx_cache_cost" --count 100000
fi

peers=$root/tests/interop/peers
vectors=$root/tests/vectors/attestation
if [ -d "$root/tests/interop/node_modules/@phala/dcap-qvl" ] && command -v node >/dev/null; then
  echo "== reference: @phala/dcap-qvl verify, same sample quote + collateral, 200 iterations"
  echo "   (load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
  # 2025-06-25T00:00:00Z, the sample's reference time (UpToDate).
  node "$peers/dcap-verify.mjs" --bench 200 "$vectors/tdx_quote" \
    "$vectors/tdx_quote_collateral.json" 1750809600
else
  echo "== reference: skipped (run hack/install-deps.sh for tests/interop/node_modules)"
fi
