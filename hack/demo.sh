#!/usr/bin/env bash
# The main job on this machine: a local control plane, a simulator signer, the boxo routing
# server, the CRDs, epoch 1, a few folders sealed on the fly (each with a first record published
# as the owner's client would), and the operator publishing them.
# usage: hack/demo.sh up|down|status   (state in $DEMO_STATE, default .state/demo)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${DEMO_STATE:-$ROOT/.state/demo}
BIN=${BIN:-$ROOT/build/bin}
NS=cipherbox-system
FOLDERS=${DEMO_FOLDERS:-photos documents music}
log() { echo "demo: $*" >&2; }

start_bg() {  # name, then the command; stdout+stderr to logs/<name>.log, pid to run/<name>.pid
  local name=$1; shift
  "$@" >"$STATE/logs/$name.log" 2>&1 &
  echo $! >"$STATE/run/$name.pid"
}

wait_for_line() {  # file, pattern; prints the first matching line
  local i
  for i in $(seq 1 200); do
    if grep -m1 "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  log "timed out waiting for '$2' in $1"; tail -20 "$1" >&2; return 1
}

stop_pid() {
  local f=$STATE/run/$1.pid
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  kill "$pid" 2>/dev/null && for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$f"
}

seal_folder() {  # name, epoch public key hex, routing url
  local name=$1 pubkey=$2 routing=$3 dir=$STATE/folders/$1
  mkdir -p "$dir"
  [ -f "$dir/seed" ] || "$BIN/cipherbox-republish" keygen --out "$dir/seed" >"$dir/name"
  local ipns_name cid record key
  ipns_name=$(cat "$dir/name")
  cid=$(python3 -c "import base64,hashlib,sys;d=b'\x01\x55\x12\x20'+hashlib.sha256(sys.argv[1].encode()).digest();print('b'+base64.b32encode(d).decode().lower().rstrip('='))" "$name")
  record=$("$BIN/cipherbox-republish" record make --seed-file "$dir/seed" --value "/ipfs/$cid" --sequence 1 --lifetime 48h)
  key=$("$BIN/cipherbox-republish" seal --public-key "$pubkey" --seed-file "$dir/seed")
  # The owner's client publishes its first record itself (it holds the key at that moment).
  echo "$record" | base64 -d | curl -fsS -X PUT -H 'Content-Type: application/vnd.ipfs.ipns-record' \
    --data-binary @- "$routing/routing/v1/ipns/$ipns_name" >/dev/null
  cat >"$STATE/manifests/folder-$name.yaml" <<YAML
apiVersion: republish.cipherbox.io/v1alpha1
kind: IpnsRepublish
metadata:
  name: $name
  namespace: default
spec:
  ipnsName: $ipns_name
  cid: $cid
  ownerRecord: $record
  encryptedKey: $key
  keyEpoch: 1
  interval: ${DEMO_INTERVAL:-6h}
YAML
}

up() {
  mkdir -p "$STATE"/{logs,run,manifests,folders}
  for b in cipherbox-republish cipherbox-signer; do
    [ -x "$BIN/$b" ] || { log "$BIN/$b missing: run make build"; exit 1; }
  done
  "$ROOT/hack/local-cp.sh" up "$STATE/cp" >/dev/null
  eval "$("$ROOT/hack/local-cp.sh" env "$STATE/cp")"
  local routing_bin; routing_bin=$("$ROOT/hack/build-routing-server.sh")

  if [ ! -f "$STATE/run/routing.pid" ]; then
    start_bg routing "$routing_bin" --listen 127.0.0.1:0
  fi
  local routing_url
  routing_url=$(wait_for_line "$STATE/logs/routing.log" listening | sed 's/.*"listening":"\([^"]*\)".*/\1/')

  [ -f "$STATE/signer.token" ] || head -c 24 /dev/urandom | base64 >"$STATE/signer.token"
  [ -f "$STATE/simulator.seed" ] || head -c 32 /dev/urandom >"$STATE/simulator.seed"
  chmod 600 "$STATE/signer.token" "$STATE/simulator.seed"
  if [ ! -f "$STATE/run/signer.pid" ]; then
    start_bg signer "$BIN/cipherbox-signer" --listen 127.0.0.1:0 --token-file "$STATE/signer.token" \
      --insecure-simulator --simulator-seed-file "$STATE/simulator.seed"
  fi
  local signer_url
  signer_url=http://$(wait_for_line "$STATE/logs/signer.log" '"listening"' | sed 's/.*"address":"\([^"]*\)".*/\1/')

  kubectl apply --server-side -f "$ROOT/crds/" >/dev/null
  kubectl wait --for=condition=Established crd/ipnsrepublishes.republish.cipherbox.io crd/teeepochs.republish.cipherbox.io --timeout=60s >/dev/null
  kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  kubectl -n "$NS" create secret generic cipherbox-signer-token --from-file=token="$STATE/signer.token" \
    --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  sed "s|url: http://127.0.0.1:8787|url: $signer_url|" \
    "$ROOT/config/samples/republish.cipherbox.io_v1alpha1_teeepoch.yaml" >"$STATE/manifests/epoch-1.yaml"
  kubectl apply -f "$STATE/manifests/epoch-1.yaml" >/dev/null

  if [ ! -f "$STATE/run/operator.pid" ]; then
    start_bg operator "$BIN/cipherbox-republish" run --kubeconfig "$KUBECONFIG" --namespace "$NS" \
      --routing "$routing_url" --probe-address 127.0.0.1:0
  fi
  kubectl wait --for=jsonpath='{.status.phase}'=Active teeepoch/epoch-1 --timeout=60s >/dev/null
  local pubkey; pubkey=$(kubectl get teeepoch epoch-1 -o jsonpath='{.status.publicKey}')
  for f in $FOLDERS; do seal_folder "$f" "$pubkey" "$routing_url"; done
  kubectl apply -f "$STATE/manifests/" >/dev/null
  for f in $FOLDERS; do
    kubectl wait --for=condition=Published "ipnsrepublish/$f" --timeout=60s >/dev/null
  done
  echo "$routing_url" >"$STATE/routing.url"
  kubectl get teeepochs
  echo
  kubectl get ipnsrepublishes -o wide
  echo
  "$BIN/cipherbox-republish" status --kubeconfig "$KUBECONFIG" 2>/dev/null || true
  echo
  echo "KUBECONFIG=$KUBECONFIG"
  echo "ROUTING_URL=$routing_url"
}

down() {
  for p in operator signer routing; do stop_pid "$p"; done
  [ -d "$STATE/cp" ] && "$ROOT/hack/local-cp.sh" down "$STATE/cp" >/dev/null
  log "stopped (state kept in $STATE; remove it for a fresh start)"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
