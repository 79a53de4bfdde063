# Shared harness of the e2e scenarios: each scenario gets its own control plane, routing server,
# simulator signer and operator, all real processes on loopback, and observes only through
# kubectl, the routing server (the boxo code) and the `ipns` npm package — never through the
# operator's own code. Source it; call e2e_setup first and e2e_finish last.
#
# Any cluster: with E2E_KUBECONFIG set, the scenario uses that cluster (the local node of
# hack/node.sh, kind, a cluster of your own) instead of starting a control plane; its signers,
# routing server and operator still run on this host, so the cluster must not run another
# operator (uninstall the chart first; the CRDs are applied). E2E_ROUTING_URL makes the scenario
# publish to that routing server (e.g. a port-forward of the chart's demo one) instead of its own.
# Teardown deletes what the scenario applied (its manifests, epochs, token Secret, Leases) and
# nothing else.
set -euo pipefail

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${BIN:-$E2E_ROOT/build/bin}
PEERS=$E2E_ROOT/tests/interop/peers
E2E_PASSED=0
E2E_FAILED=0
OPERATOR_NS=cipherbox-system

say() { echo "e2e: $*" >&2; }
pass() { E2E_PASSED=$((E2E_PASSED + 1)); echo "PASS $*"; }
fail() { E2E_FAILED=$((E2E_FAILED + 1)); echo "FAIL $*"; }
check() {  # description, then a command that must succeed
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
check_eq() {  # description, expected, actual
  if [ "$2" == "$3" ]; then pass "$1"; else fail "$1 (expected '$2', got '$3')"; fi
}

# Polls a command until it succeeds or the timeout (seconds) passes.
eventually() {
  local timeout=$1; shift
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}

start_bg() {  # name, command...: logs in $E2E_STATE/logs/<name>.log, pid in run/<name>.pid
  local name=$1; shift
  "$@" >>"$E2E_STATE/logs/$name.log" 2>&1 &
  echo $! >"$E2E_STATE/run/$name.pid"
  disown $!  # stop_bg polls the pid; no job-control noise when it is killed
}

stop_bg() {  # name [signal]
  local f=$E2E_STATE/run/$1.pid sig=${2:-TERM}
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  kill -"$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$f"
}

first_line_matching() {  # file, pattern
  local i
  for i in $(seq 1 300); do
    if grep -m1 "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  say "no '$2' in $1"; tail -20 "$1" >&2; return 1
}

e2e_setup() {  # scenario name
  E2E_STATE=${E2E_STATE_ROOT:-$E2E_ROOT/build/e2e}/$1
  rm -rf "$E2E_STATE"; mkdir -p "$E2E_STATE"/{logs,run,folders,manifests,applied}
  for b in cipherbox-republish cipherbox-signer; do
    [ -x "$BIN/$b" ] || { say "$BIN/$b missing (build first)"; exit 1; }
  done
  [ -d "$E2E_ROOT/tests/interop/node_modules" ] || { say "npm peers missing: run hack/install-deps.sh"; exit 1; }
  trap e2e_teardown EXIT
  if [ -n "${E2E_KUBECONFIG:-}" ]; then
    export KUBECONFIG=$E2E_KUBECONFIG KUBECACHEDIR=$E2E_STATE/kubecache
    command -v kubectl >/dev/null || PATH=$("$E2E_ROOT/hack/build-k8s-bins.sh"):$PATH
  else
    "$E2E_ROOT/hack/local-cp.sh" up "$E2E_STATE/cp" >/dev/null
    eval "$("$E2E_ROOT/hack/local-cp.sh" env "$E2E_STATE/cp")"
    export KUBECONFIG
  fi
  if [ -n "${E2E_ROUTING_URL:-}" ]; then
    ROUTING_URL=$E2E_ROUTING_URL
  else
    ROUTING_BIN=$("$E2E_ROOT/hack/build-routing-server.sh")
    start_bg routing "$ROUTING_BIN" --listen 127.0.0.1:0
    ROUTING_URL=$(first_line_matching "$E2E_STATE/logs/routing.log" listening | sed 's/.*"listening":"\([^"]*\)".*/\1/')
  fi
  kubectl apply --server-side -f "$E2E_ROOT/crds/" >/dev/null
  kubectl wait --for=condition=Established crd/ipnsrepublishes.republish.cipherbox.io \
    crd/teeepochs.republish.cipherbox.io --timeout=60s >/dev/null
  kubectl get namespace "$OPERATOR_NS" >/dev/null 2>&1 || kubectl create namespace "$OPERATOR_NS" >/dev/null
}

e2e_teardown() {
  local p
  for p in $(ls "$E2E_STATE/run" 2>/dev/null | sed -n 's/\.pid$//p'); do stop_bg "$p" KILL; done
  if [ -n "${E2E_KUBECONFIG:-}" ]; then
    # A cluster that outlives the scenario: remove exactly what the scenario applied.
    kubectl delete -f "$E2E_STATE/manifests" -f "$E2E_STATE/applied" --ignore-not-found --wait=false >/dev/null 2>&1 || true
    kubectl -n "$OPERATOR_NS" delete secret cipherbox-signer-token --ignore-not-found >/dev/null 2>&1 || true
    kubectl -n "$OPERATOR_NS" delete lease cipherbox-republish --ignore-not-found >/dev/null 2>&1 || true
    kubectl -n "$OPERATOR_NS" get lease -o name 2>/dev/null | grep '/cipherbox-republish-shard-' |
      xargs -r kubectl -n "$OPERATOR_NS" delete --ignore-not-found >/dev/null 2>&1 || true
  else
    "$E2E_ROOT/hack/local-cp.sh" down "$E2E_STATE/cp" >/dev/null 2>&1 || true
  fi
}

e2e_finish() {
  echo "$E2E_PASSED passed, $E2E_FAILED failed"
  [ "$E2E_FAILED" -eq 0 ]
}

# A simulator signer under `name` with its own seed (same seed = same epoch keys); further
# arguments go to the signer (e.g. --authority-public-key HEX).
start_signer() {  # name [seed-name [signer flags...]]
  local name=$1 seed=${2:-$1}
  shift; [ $# -gt 0 ] && shift
  [ -f "$E2E_STATE/$seed.seed" ] || head -c 32 /dev/urandom >"$E2E_STATE/$seed.seed"
  [ -f "$E2E_STATE/signer.token" ] || head -c 24 /dev/urandom | base64 >"$E2E_STATE/signer.token"
  local port_file=$E2E_STATE/run/$name.port
  local listen=127.0.0.1:0
  [ -f "$port_file" ] && listen=127.0.0.1:$(cat "$port_file")  # a restart keeps its URL
  : >"$E2E_STATE/logs/$name.log"
  start_bg "$name" "$BIN/cipherbox-signer" --listen "$listen" --token-file "$E2E_STATE/signer.token" \
    --insecure-simulator --simulator-seed-file "$E2E_STATE/$seed.seed" "$@"
  local address
  address=$(first_line_matching "$E2E_STATE/logs/$name.log" '"listening"' | sed 's/.*"address":"\([^"]*\)".*/\1/')
  echo "${address##*:}" >"$port_file"
  echo "http://$address"
}

apply_token_secret() {
  kubectl -n "$OPERATOR_NS" create secret generic cipherbox-signer-token \
    --from-file=token="$E2E_STATE/signer.token" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
}

apply_epoch() {  # epoch, signer url [grace]
  mkdir -p "$E2E_STATE/applied"
  cat <<YAML | tee "$E2E_STATE/applied/epoch-$1.yaml" | kubectl apply -f - >/dev/null
apiVersion: republish.cipherbox.io/v1alpha1
kind: TeeEpoch
metadata:
  name: epoch-$1
spec:
  epoch: $1
  signer:
    url: $2
    authSecretRef: {name: cipherbox-signer-token, key: token}
    insecureSimulator: true
  gracePeriod: ${3:-672h}
YAML
}

start_operator() {  # extra flags...
  start_bg operator "$BIN/cipherbox-republish" run --kubeconfig "$KUBECONFIG" --namespace "$OPERATOR_NS" \
    --routing "$ROUTING_URL" --probe-address "${PROBE_ADDRESS:-127.0.0.1:0}" --backoff-base 1s --backoff-max 10s \
    --key-recheck 10s --batch-linger 20ms "$@"
}

# Requests the signer answered on its /v1 routes (from its /metrics; 0 when it is down).
signer_v1_requests() {  # signer url
  curl -fsS "$1/metrics" 2>/dev/null |
    awk '/^cipherbox_signer_requests_total\{/ && /route="\/v1/ {n += $NF} END {print n + 0}'
}

epoch_public_key() { kubectl get teeepoch "epoch-$1" -o jsonpath='{.status.publicKey}'; }

# A CIDv1 (raw, sha2-256) of some text: distinct content per label.
cid_of() {
  python3 -c "import base64,hashlib,sys;d=b'\x01\x55\x12\x20'+hashlib.sha256(sys.argv[1].encode()).digest();print('b'+base64.b32encode(d).decode().lower().rstrip('='))" "$1"
}

folder_name() { cat "$E2E_STATE/folders/$1/name"; }
folder_seed() { echo "$E2E_STATE/folders/$1/seed"; }

# What the owner's client does: sign a record with the folder key (here: the CLI, whose records
# the interop tests prove identical to the `ipns` package's).
# Every owner record is also listed in $E2E_STATE/owner-records ("NAME BASE64" lines) for the
# value rule of check_history.
owner_record() {  # folder, cid, sequence
  local record
  record=$("$BIN/cipherbox-republish" record make --seed-file "$(folder_seed "$1")" --value "/ipfs/$2" \
    --sequence "$3" --lifetime 48h)
  echo "$(folder_name "$1") $record" >>"$E2E_STATE/owner-records"
  echo "$record"
}

owner_publish() {  # folder, cid, sequence: the owner's client publishes itself
  owner_record "$1" "$2" "$3" | base64 -d | curl -fsS -X PUT \
    -H 'Content-Type: application/vnd.ipfs.ipns-record' --data-binary @- \
    "$ROUTING_URL/routing/v1/ipns/$(folder_name "$1")" >/dev/null
}

new_folder() {  # folder, cid, epoch [namespace]: keygen, first owner record published, manifest applied
  write_folder "$1" "$2" "$3" "${4:-default}"
  owner_publish "$1" "$2" 1
  kubectl apply -f "$E2E_STATE/manifests/$1.yaml" >/dev/null
}

write_folder() {  # folder, cid, epoch [namespace]: keygen and manifest (not applied, nothing published)
  local f=$1 cid=$2 epoch=$3 ns=${4:-default} dir=$E2E_STATE/folders/$1
  mkdir -p "$dir"
  "$BIN/cipherbox-republish" keygen --out "$dir/seed" >"$dir/name"
  local key; key=$("$BIN/cipherbox-republish" seal --public-key "$(epoch_public_key "$epoch")" --seed-file "$dir/seed")
  cat >"$E2E_STATE/manifests/$f.yaml" <<YAML
apiVersion: republish.cipherbox.io/v1alpha1
kind: IpnsRepublish
metadata:
  name: $f
  namespace: $ns
spec:
  ipnsName: $(folder_name "$f")
  cid: $cid
  encryptedKey: $key
  keyEpoch: $epoch
YAML
}

# The GitOps write-back after a rotation (README): `keys export` prints one manifest per folder
# whose spec is behind its effective key; each replaces the folder's file in the manifests folder
# (as a user commits them), which is then applied. Prints how many manifests changed.
export_keys() {  # [namespace]
  local out=$E2E_STATE/exported.yaml
  "$BIN/cipherbox-republish" keys export -n "${1:-default}" >"$out" 2>"$E2E_STATE/export.err" || {
    cat "$E2E_STATE/export.err" >&2; return 1; }
  local written
  written=$(awk -v dir="$E2E_STATE/manifests" '
    /^---$/ { n++; next }
    { doc[n] = doc[n] $0 "\n" }
    /^  "name": "/ { split($0, a, "\""); name[n] = a[4] }
    END { for (i = 1; i <= n; i++) { f = dir "/" name[i] ".yaml"; printf "%s", doc[i] > f; print f } }' "$out")
  local f
  for f in $written; do kubectl apply -f "$f" >/dev/null || return 1; done
  grep -c . <<<"$written"
}

status_of() {  # folder, jsonpath under .status
  kubectl get ipnsrepublish "$1" -o jsonpath="{.status.$2}"
}

condition_of() {  # folder, type -> "Status/Reason"
  kubectl get ipnsrepublish "$1" -o jsonpath="{.status.conditions[?(@.type==\"$2\")].status}/{.status.conditions[?(@.type==\"$2\")].reason}"
}

# Predicates for `eventually` (evaluated on every poll).
status_is() { [ "$(status_of "$1" "$2" 2>/dev/null)" == "$3" ]; }
status_above() { [ "$(status_of "$1" "$2" 2>/dev/null || echo 0)" -gt "$3" ] 2>/dev/null; }
condition_is() { [ "$(condition_of "$1" "$2" 2>/dev/null)" == "$3" ]; }
condition_message_has() {  # folder, type, text
  kubectl get ipnsrepublish "$1" -o jsonpath="{.status.conditions[?(@.type==\"$2\")].message}" 2>/dev/null |
    grep -qF -- "$3"
}
epoch_phase_is() { [ "$(kubectl get teeepoch "epoch-$1" -o jsonpath='{.status.phase}' 2>/dev/null)" == "$2" ]; }
published_sequence_at_least() { [ "$(status_of "$1" publishedSequence 2>/dev/null || echo 0)" -ge "$2" ] 2>/dev/null; }

# The record routing holds for a folder, base64.
resolved_record() {
  curl -fsS -H 'Accept: application/vnd.ipfs.ipns-record' \
    "$ROUTING_URL/routing/v1/ipns/$(folder_name "$1")" | base64 -w0
}

# Validates the resolved record of each folder with the `ipns` npm package; prints its JSON.
verify_resolved() {  # folder
  node "$PEERS/verify-ipns.mjs" "$(folder_name "$1")" "$(resolved_record "$1")"
}

json_field() { node -e 'const o=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(o[process.argv[1]])' "$1"; }

request_republish() {  # folder
  kubectl annotate --overwrite ipnsrepublish "$1" \
    "republish.cipherbox.io/republish-requested-at=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" >/dev/null
}

# Invariants over every record routing ever accepted (tests/e2e/check-history.mjs); with
# `values`, also: the value only ever changes to an owner-signed newer one (owner_record's list).
check_history() {  # [values [routing url]]
  local owners=""
  [ "${1:-}" != values ] || owners=$E2E_STATE/owner-records
  (cd "$E2E_ROOT/tests/interop" && ROUTING_URL=${2:-$ROUTING_URL} OWNER_RECORDS=$owners \
    node --input-type=module <"$E2E_ROOT/tests/e2e/check-history.mjs")
}

# A loopback port nobody listens on now (for a probe address a scenario wants to scrape).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

routing_faults() {  # JSON of the routing server's fault knobs (hack/routing-server/README.md)
  curl -fsS -X POST "$ROUTING_URL/_test/faults" -d "$1" >/dev/null
}

# Every record routing accepted for a folder's name, in arrival order, decoded by the `ipns`
# package: one "sequence value" line each.
accepted_history() {  # folder
  curl -fsS "$ROUTING_URL/_test/history" |
    jq -c --arg n "$(folder_name "$1")" '.[] | select(.name == $n and .accepted) | {name, recordBase64}' |
    node "$PEERS/verify-ipns.mjs" --batch | jq -r '"\(.sequence) \(.value)"'
}
