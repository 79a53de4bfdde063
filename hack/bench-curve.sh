#!/usr/bin/env bash
# The operator's cost curve (issue 13): hack/bench-operator.sh at each folder count, one fresh
# local control plane each, then one table (markdown, for the README) of what each run printed.
# usage: hack/bench-curve.sh [BUILD_DIR] [COUNTS...]   (defaults: build 1000 10000 50000 100000)
# BENCH_CURVE_SHARDS="2:100000": also run n shards on m folders in all (one row per run).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
shift || true
COUNTS=("${@:-1000 10000 50000 100000}")
read -r -a COUNTS <<<"${COUNTS[*]}"
LOGS=${BENCH_CURVE_LOGS:-$BUILD/bench-curve}
mkdir -p "$LOGS"
row() {  # the table row of one single-process run's output
  local f=$1 n=$2
  python3 - "$f" "$n" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def grab(pattern, default="?"):
    m = re.search(pattern, text)
    return m.group(1) if m else default
print("| {n} | {t} | {fps} | {req} | {sw} | {wps} | {srv} | {batch} | {rss} | {rss_after} | {idle} | {load} |".format(
    n=sys.argv[2],
    t=grab(r"after: ([\d.]+) s"), fps=grab(r"\((\d+) folders/s\)"),
    req=grab(r"\(([\d.]+) per folder"), sw=grab(r"status writes per folder, whole cycle: +([\d.]+)"),
    wps=grab(r"API writes/s while publishing: +(\d+)"), srv=grab(r"plain status patches: +(\d+)/s"),
    batch=grab(r"avg ([\d.]+) entries"), rss=grab(r"peak RSS: +([\d.]+) MiB"),
    rss_after=grab(r"after the cycle: ([\d.]+) MiB"), idle=grab(r"idle \(30 s\): +([\d.]+) %"),
    load=grab(r"load average at the end: ([\d.]+)")))
PY
}
table=("| folders | all published (s) | folders/s | API requests/folder | status writes/folder (cycle) | API writes/s | server plain patches/s | sign batch fill | peak RSS (MiB) | RSS after cycle (MiB) | idle CPU (%) | load avg (1 min) |"
       "|---|---|---|---|---|---|---|---|---|---|---|---|")
for n in "${COUNTS[@]}"; do
  echo "bench-curve: $n folders ($(date -u +%H:%M:%S))" >&2
  "$ROOT/hack/bench-operator.sh" "$BUILD" "$n" >"$LOGS/$n.txt" 2>&1 || { echo "bench-curve: the $n-folder run failed, see $LOGS/$n.txt" >&2; exit 1; }
  table+=("$(row "$LOGS/$n.txt" "$n")")
done
for spec in ${BENCH_CURVE_SHARDS:-}; do
  shards=${spec%%:*} n=${spec##*:}
  echo "bench-curve: $shards shards, $n folders ($(date -u +%H:%M:%S))" >&2
  BENCH_SHARDS=$shards "$ROOT/hack/bench-operator.sh" "$BUILD" "$n" >"$LOGS/$n-shards$shards.txt" 2>&1 ||
    { echo "bench-curve: the sharded run failed, see $LOGS/$n-shards$shards.txt" >&2; exit 1; }
done
echo "operator cost curve on $(nproc) cores, API server and etcd on the same host:"
printf '%s\n' "${table[@]}"
for spec in ${BENCH_CURVE_SHARDS:-}; do
  shards=${spec%%:*} n=${spec##*:}
  echo
  cat "$LOGS/$n-shards$shards.txt" | grep -v '^local-cp\|Killed'
done
