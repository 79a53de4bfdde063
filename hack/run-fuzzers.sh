#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR/bin (whatever fuzz/*_fuzz.cpp built) with the given
# libFuzzer flags, FUZZ_JOBS targets at a time (default 2: one per core of a CI machine), each with
# its own corpus directory seeded from fuzz/seeds/<target>/ when present. Every target runs to the
# end; the script fails when any target crashed (its log tail and artifacts are printed).
#   hack/run-fuzzers.sh BUILD_DIR -max_total_time=30
set -euo pipefail
build=$1; shift
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${FUZZ_JOBS:-2}
shopt -s nullglob
targets=("$build"/bin/*_fuzz)
[ ${#targets[@]} -gt 0 ] || { echo "run-fuzzers: no fuzz targets in $build/bin" >&2; exit 1; }
mkdir -p "$build/corpus"
echo "fuzz: ${#targets[@]} targets, $jobs at a time: $*"

run_target() {  # target binary, libFuzzer flags...; writes corpus/<name>.rc
  local t=$1 name; name=$(basename "$1")
  shift
  local corpus="$build/corpus/$name" seeds=()
  mkdir -p "$corpus"
  [ -d "$root/fuzz/seeds/$name" ] && seeds=("$root/fuzz/seeds/$name")
  local rc=0
  "$t" "$corpus" "${seeds[@]}" "$@" -print_final_stats=1 -artifact_prefix="$build/corpus/$name-" \
    >"$build/corpus/$name.log" 2>&1 || rc=$?
  echo "$rc" >"$build/corpus/$name.rc"
}

start=$SECONDS
for t in "${targets[@]}"; do
  rm -f "$build/corpus/$(basename "$t").rc"
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$t" "$@" &
done
wait

failed=0
for t in "${targets[@]}"; do
  name=$(basename "$t")
  rc=$(cat "$build/corpus/$name.rc" 2>/dev/null || echo missing)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/corpus/$name.log" | tail -1)
  if [ "$rc" == 0 ]; then
    echo "fuzz: $name ok, ${runs:-?} inputs"
  else
    failed=1
    tail -50 "$build/corpus/$name.log"
    artifacts=("$build/corpus/$name-"*)
    echo "fuzz: $name FAILED (exit $rc); artifacts: ${artifacts[*]:-none}" >&2
  fi
done
echo "fuzz: ${#targets[@]} targets in $((SECONDS - start)) s"
exit "$failed"
