#!/usr/bin/env bash
# Operator benchmark (issue 5): N IpnsRepublish objects due at once on the local control plane;
# prints the time until routing holds a record for every folder, the operator's peak RSS, the
# Kubernetes API requests it made, the sign batches, and its CPU use once idle.
# usage: hack/bench-operator.sh [BUILD_DIR] [COUNT]   (defaults: build 10000)
# BENCH_OPERATOR_ARGS: extra flags for the measured operator (e.g. "--qps 200 --burst 400").
# BENCH_SHARDS=n (n > 1): n operator processes (--shard i/n, leader election on) share the
# folders; prints the time until all are published and each process's peak RSS and requests.
# BENCH_READBACK_RATE: the operator's --readback-rate (default COUNT/100, at least 20: every
# folder is read back within ~100 s, so the idle window starts after its cycle at any COUNT).
# BENCH_WRAP: a command the measured operator runs under (e.g. "heaptrack -o FILE").
# Last, with the operator stopped, the same API server is measured for plain status patches
# (cbx_load_folders --patch-status): the rate the operator's writes compare with.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
COUNT=${2:-10000}
BIN=$BUILD/bin
STATE=${BENCH_STATE:-$BUILD/bench-operator}
rm -rf "$STATE"; mkdir -p "$STATE/logs"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  "$ROOT/hack/local-cp.sh" down "$STATE/cp" >/dev/null 2>&1 || true
}
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_line() { for _ in $(seq 1 300); do grep -m1 "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

"$ROOT/hack/local-cp.sh" up "$STATE/cp" >/dev/null
eval "$("$ROOT/hack/local-cp.sh" env "$STATE/cp")"
routing_bin=$("$ROOT/hack/build-routing-server.sh")
"$routing_bin" --listen 127.0.0.1:0 >"$STATE/logs/routing.log" 2>&1 & PIDS+=($!)
ROUTING=$(wait_line "$STATE/logs/routing.log" listening | sed 's/.*"listening":"\([^"]*\)".*/\1/')
head -c 24 /dev/urandom | base64 >"$STATE/token"; head -c 32 /dev/urandom >"$STATE/seed"
"$BIN/cipherbox-signer" --listen 127.0.0.1:0 --token-file "$STATE/token" --insecure-simulator \
  --simulator-seed-file "$STATE/seed" >"$STATE/logs/signer.log" 2>&1 & PIDS+=($!)
SIGNER=http://$(wait_line "$STATE/logs/signer.log" '"listening"' | sed 's/.*"address":"\([^"]*\)".*/\1/')
kubectl apply --server-side -f "$ROOT/crds/" >/dev/null
kubectl wait --for=condition=Established crd/ipnsrepublishes.republish.cipherbox.io crd/teeepochs.republish.cipherbox.io --timeout=60s >/dev/null
kubectl create namespace cipherbox-system >/dev/null
kubectl create namespace bench >/dev/null
kubectl -n cipherbox-system create secret generic cipherbox-signer-token --from-file=token="$STATE/token" >/dev/null
sed "s|url: http://127.0.0.1:8787|url: $SIGNER|" "$ROOT/config/samples/republish.cipherbox.io_v1alpha1_teeepoch.yaml" | kubectl apply -f - >/dev/null

# Epoch 1 activated by a first operator run, which then stops: the folders are all created
# before the measured operator starts, so every one of them is due at once.
PROBE=$(free_port)
"$BIN/cipherbox-republish" run --kubeconfig "$KUBECONFIG" --namespace cipherbox-system --routing "$ROUTING" \
  --probe-address "127.0.0.1:$PROBE" >"$STATE/logs/operator-epoch.log" 2>&1 & EPOCH_OP=$!
kubectl wait --for=jsonpath='{.status.phase}'=Active teeepoch/epoch-1 --timeout=60s >/dev/null
kill "$EPOCH_OP"; wait "$EPOCH_OP" 2>/dev/null || true
PUBKEY=$(kubectl get teeepoch epoch-1 -o jsonpath='{.status.publicKey}')
"$BIN/cbx_load_folders" --kubeconfig "$KUBECONFIG" --epoch-public-key "$PUBKEY" --count "$COUNT" --namespace bench

SHARDS=${BENCH_SHARDS:-1}
RB_RATE=${BENCH_READBACK_RATE:-$((COUNT / 100 > 20 ? COUNT / 100 : 20))}
api_counts() {  # verb=count of the operator's API requests, one per line
  curl -fsS "127.0.0.1:$1/metrics" | awk -F'[{},="]+' '/^cipherbox_kube_api_requests_total/ {
    for (i = 2; i < NF; i += 2) if ($i == "verb") v = $(i + 1); n[v] += $NF } END { for (v in n) print v "=" n[v] }'
}
writes_of() { awk -F= '$1 ~ /^(CREATE|PATCH|UPDATE|DELETE)$/ {s += $2} END {print s + 0}'; }
server_patch_rate() {  # plain status merge patches/s this API server takes (operators stopped)
  "$BIN/cbx_load_folders" --kubeconfig "$KUBECONFIG" --patch-status --count "$((COUNT < 10000 ? COUNT : 10000))" \
    --namespace bench --threads 32 | sed 's/.*(\([0-9]*\)\/s.*/\1/'
}
if [ "$SHARDS" -gt 1 ]; then
  OPS=() SHARD_PROBES=()
  start=$(date +%s.%N)
  for i in $(seq 0 $((SHARDS - 1))); do
    p=$(free_port)
    "$BIN/cipherbox-republish" run --kubeconfig "$KUBECONFIG" --namespace cipherbox-system --routing "$ROUTING" \
      --probe-address "127.0.0.1:$p" --shard "$i/$SHARDS" --log-level warn --readback-rate "$RB_RATE" ${BENCH_OPERATOR_ARGS:-} \
      >"$STATE/logs/operator-$i.log" 2>&1 &
    OPS+=($!) SHARD_PROBES+=("$p")
    PIDS+=($!)
  done
  while :; do
    n=$(curl -fsS "$ROUTING/_test/stats" | python3 -c 'import json,sys;print(json.load(sys.stdin)["records"])')
    [ "$n" -ge "$COUNT" ] && break
    for op in "${OPS[@]}"; do kill -0 "$op" || { echo "operator $op died"; exit 1; }; done
    sleep 0.5
  done
  end=$(date +%s.%N)
  elapsed=$(python3 -c "print(f'{$end - $start:.1f}')")
  sleep 5
  echo "operator bench: $COUNT folders due at once, $SHARDS shards (one process each, on this host); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "  all published (routing holds every name) after: ${elapsed} s  ($(python3 -c "print(f'{$COUNT / $elapsed:.0f}')") folders/s)"
  all_writes=0
  for i in $(seq 0 $((SHARDS - 1))); do
    counts=$(api_counts "${SHARD_PROBES[$i]}")
    req=$(echo "$counts" | awk -F= '{s += $2} END {print s + 0}')
    w=$(echo "$counts" | writes_of); all_writes=$((all_writes + w))
    echo "  shard $i/$SHARDS: peak RSS $(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/${OPS[$i]}/status") MiB, RSS now $(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/${OPS[$i]}/status") MiB, API requests $req (writes $w: $(echo "$counts" | sort | tr '\n' ' '))"
  done
  echo "  API writes/s of all shards while publishing:   $(python3 -c "print(f'{$all_writes / $elapsed:.0f}')")"
  for op in "${OPS[@]}"; do kill "$op" 2>/dev/null || true; done
  echo "  the API server alone, plain status patches:   $(server_patch_rate)/s"
  exit 0
fi
PROBE=$(free_port)
start=$(date +%s.%N)
# shellcheck disable=SC2086
${BENCH_WRAP:-} "$BIN/cipherbox-republish" run --kubeconfig "$KUBECONFIG" --namespace cipherbox-system --routing "$ROUTING" \
  --probe-address "127.0.0.1:$PROBE" --leader-elect=false --log-level warn --readback-rate "$RB_RATE" ${BENCH_OPERATOR_ARGS:-} \
  >"$STATE/logs/operator.log" 2>&1 & OP=$!
PIDS+=($OP)
while :; do
  n=$(curl -fsS "$ROUTING/_test/stats" | python3 -c 'import json,sys;print(json.load(sys.stdin)["records"])')
  [ "$n" -ge "$COUNT" ] && break
  kill -0 "$OP" || { echo "operator died"; tail "$STATE/logs/operator.log"; exit 1; }
  sleep 0.5
done
end=$(date +%s.%N)
elapsed=$(python3 -c "print(f'{$end - $start:.1f}')")
sleep 5  # the last status writes
metrics=$(curl -fsS "127.0.0.1:$PROBE/metrics")
publish_counts=$(api_counts "$PROBE")
publish_writes=$(echo "$publish_counts" | writes_of)
api_requests=$(echo "$publish_counts" | awk -F= '{s += $2} END {print s + 0}')
batches=$(echo "$metrics" | awk '/^cipherbox_sign_batch_size_count/ {print $NF}')
rss_mb=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$OP/status")
# Read-back (every published record looked up again, paced by --readback-rate) is part of the
# cycle, not idle time: wait until every folder was read back once before measuring idle CPU.
readbacks() { curl -fsS "127.0.0.1:$PROBE/metrics" | awk '/^cipherbox_readback_checks_total/ {s += $NF} END {print s + 0}'; }
rb_start=$(date +%s.%N); rb_deadline=$((SECONDS + COUNT / 5 + 120))
while [ "$(readbacks)" -lt "$COUNT" ] && [ $SECONDS -lt $rb_deadline ]; do sleep 1; done
readback_s=$(python3 -c "print(f'{$(date +%s.%N) - $rb_start:.0f}')")
sleep 5
counters() {  # "name{labels} value" of the request and reconcile counters
  curl -fsS "127.0.0.1:$PROBE/metrics" | grep -E '^cipherbox_(kube_api_requests|reconcile)_total' || true
}
counters >"$STATE/idle-before.txt"
t0=$(cpu_ticks "$OP")
if [ -n "${BENCH_PERF:-}" ]; then  # where the idle CPU goes: perf report -i $STATE/idle.perf
  perf record -q -F 199 --call-graph dwarf,16384 -p "$OP" -o "$STATE/idle.perf" -- sleep 30 >/dev/null 2>&1
else
  sleep 30
fi
t1=$(cpu_ticks "$OP")
counters >"$STATE/idle-after.txt"
idle_metrics_delta=$(python3 - "$STATE/idle-before.txt" "$STATE/idle-after.txt" <<'PY'
import sys
def read(p):
    out = {}
    for line in open(p):
        k, _, v = line.rpartition(' ')
        out[k] = float(v)
    return out
a, b = read(sys.argv[1]), read(sys.argv[2])
for k in sorted(b):
    d = b[k] - a.get(k, 0)
    if d: print(f"{k.replace('cipherbox_', '')}={d:.0f}")
PY
)
idle_cpu=$(python3 -c "print(f'{($t1 - $t0) / $(getconf CLK_TCK) / 30 * 100:.2f}')")
rss_now_mb=$(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$OP/status")
published=$(kubectl get ipnsrepublishes -n bench -o jsonpath='{range .items[*]}{.status.publishedSequence}{"\n"}{end}' | grep -c '^2$' || true)
echo "operator bench: $COUNT folders due at once${BENCH_OPERATOR_ARGS:+ (operator flags: $BENCH_OPERATOR_ARGS)}; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  all published (routing holds every name) after: ${elapsed} s  ($(python3 -c "print(f'{$COUNT / $elapsed:.0f}')") folders/s)"
echo "  folders with status.publishedSequence = 2:    $published"
echo "  operator peak RSS:                             ${rss_mb} MiB (after the cycle: ${rss_now_mb} MiB)"
echo "  Kubernetes API requests by the operator:       $api_requests ($(python3 -c "print(f'{$api_requests / $COUNT:.2f}')") per folder: $(echo "$publish_counts" | sort | tr '\n' ' '))"
echo "  API writes/s while publishing:                 $(python3 -c "print(f'{$publish_writes / $elapsed:.0f}')") ($publish_writes writes)"
cycle_counts=$(api_counts "$PROBE")
echo "  status writes per folder, whole cycle:         $(echo "$cycle_counts" | awk -F= -v n="$COUNT" '$1 == "PATCH" {printf "%.2f", $2 / n}') (with the read-back's; all requests: $(echo "$cycle_counts" | sort | tr '\n' ' '))"
echo "  sign batches:                                  $batches (avg $(python3 -c "print(f'{$COUNT / max($batches,1):.1f}')") entries)"
echo "  read-back of every folder done after:         ${readback_s} s more ($(readbacks) checks)"
echo "  operator CPU when idle (30 s):                 ${idle_cpu} %"
# The API requests and reconciles of the idle window, by kind: what still runs between cycles.
echo "  during the idle window:                        $(echo "$idle_metrics_delta" | tr '\n' ' ')"
if [ -n "${BENCH_WRAP:-}" ]; then  # the wrapper's child is the operator: stop it cleanly
  pkill -TERM -f "cipherbox-republish run --kubeconfig $KUBECONFIG .*--leader-elect=false" || true
  sleep 10
elif [ -z "${BENCH_HOLD:-}" ]; then
  kill "$OP"; wait "$OP" 2>/dev/null || true
  echo "  the API server alone, plain status patches:   $(server_patch_rate)/s"
fi
if [ -n "${BENCH_HOLD:-}" ]; then  # keep everything running for a look: KUBECONFIG, probe
  echo "  holding ${BENCH_HOLD} s: KUBECONFIG=$KUBECONFIG probe 127.0.0.1:$PROBE"
  sleep "$BENCH_HOLD"
fi
