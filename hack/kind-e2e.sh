#!/usr/bin/env bash
# The whole system in a kind cluster, for developers with Docker (CI runs the same scenarios on
# the local control plane instead: hack/local-cp.sh, no Docker needed):
#   1. kind v0.33.0 (go install, cached next to the other Go tools), a cluster `cipherbox-e2e`;
#   2. images built with docker from operator/Dockerfile, signer/Dockerfile and
#      hack/routing-server/Dockerfile, loaded with `kind load docker-image`;
#   3. the chart installed with the demo signer (simulator), routing server and epoch 1;
#   4. a smoke scenario against the in-cluster operator: epoch 1 Active, a folder sealed to it
#      and published, read back from the in-cluster routing server;
#   5. the tests/e2e scenarios with KUBECONFIG pointing at kind, when tests/e2e/lib.sh supports
#      an existing cluster (E2E_KUBECONFIG); the in-cluster operator is uninstalled first so the
#      scenarios' own operator is the only one.
# usage: hack/kind-e2e.sh [all|up|smoke|suite|down]   (default: all = up, smoke, suite, then down
#        unless KEEP_CLUSTER=1)
# env: BIN (host binaries, default build/bin: the CLI seals folders on the host), KIND_CLUSTER,
#      KIND_NODE_IMAGE (default: kind's own for v0.33.0), IMAGE_TAG (default e2e), K8S_CACHE.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BIN:-$ROOT/build/bin}
CLUSTER=${KIND_CLUSTER:-cipherbox-e2e}
KIND_VERSION=v0.33.0
TAG=${IMAGE_TAG:-e2e}
NS=cipherbox-system
RELEASE=cipherbox-republish
CACHE=${K8S_CACHE:-$HOME/.cache/cipherbox-k8s}
STATE=$ROOT/.state/kind-e2e
KIND=$CACHE/bin/kind-$KIND_VERSION/kind
OPERATOR_IMAGE=cipherbox-republish:$TAG
SIGNER_IMAGE=cipherbox-signer:$TAG
ROUTING_IMAGE=cipherbox-routing-server:$TAG

log() { echo "kind-e2e: $*" >&2; }
die() { log "error: $*"; exit 1; }

require_tools() {
  command -v docker >/dev/null || die "docker not found: kind needs Docker (or Podman as docker)"
  docker info >/dev/null 2>&1 || die "the Docker daemon is not reachable (docker info failed)"
  command -v go >/dev/null || die "go not found (hack/install-deps.sh installs it)"
  [ -x "$BIN/cipherbox-republish" ] || die "$BIN/cipherbox-republish missing: run make build (the CLI seals the smoke folder)"
}

install_kind() {
  [ -x "$KIND" ] && return
  log "installing kind $KIND_VERSION into $(dirname "$KIND")"
  mkdir -p "$(dirname "$KIND")"
  GOBIN=$(dirname "$KIND") GOTOOLCHAIN=local CGO_ENABLED=0 go install "sigs.k8s.io/kind@$KIND_VERSION"
}

# kubectl and helm: the same builds the local control plane uses (hack/build-k8s-bins.sh).
k8s_tools() {
  local dir
  dir=$("$ROOT/hack/build-k8s-bins.sh")
  export PATH="$dir:$PATH"
  export HELM_CACHE_HOME=$STATE/helm/cache HELM_CONFIG_HOME=$STATE/helm/config HELM_DATA_HOME=$STATE/helm/data
  export KUBECONFIG=$STATE/kubeconfig
}

cluster_exists() { "$KIND" get clusters 2>/dev/null | grep -qx "$CLUSTER"; }

create_cluster() {
  if cluster_exists; then
    log "cluster $CLUSTER exists, reusing it"
  else
    log "creating kind cluster $CLUSTER"
    "$KIND" create cluster --name "$CLUSTER" --wait 180s ${KIND_NODE_IMAGE:+--image "$KIND_NODE_IMAGE"}
  fi
  "$KIND" get kubeconfig --name "$CLUSTER" >"$KUBECONFIG"
  chmod 600 "$KUBECONFIG"
}

build_images() {
  log "building images (first build: several minutes)"
  DOCKER_BUILDKIT=1 docker build -f "$ROOT/operator/Dockerfile" -t "$OPERATOR_IMAGE" "$ROOT"
  DOCKER_BUILDKIT=1 docker build -f "$ROOT/signer/Dockerfile" -t "$SIGNER_IMAGE" "$ROOT"
  DOCKER_BUILDKIT=1 docker build -f "$ROOT/hack/routing-server/Dockerfile" -t "$ROUTING_IMAGE" "$ROOT"
  local image
  for image in "$OPERATOR_IMAGE" "$SIGNER_IMAGE" "$ROUTING_IMAGE"; do
    "$KIND" load docker-image "$image" --name "$CLUSTER"
  done
}

install_chart() {
  log "installing the chart with the demo signer, routing server and epoch 1"
  helm upgrade --install "$RELEASE" "$ROOT/charts/cipherbox-republish" -n "$NS" --create-namespace \
    --set image.repository=cipherbox-republish,image.tag="$TAG",image.pullPolicy=Never \
    --set demo.signer.enabled=true,demo.signer.image.repository=cipherbox-signer \
    --set demo.signer.image.tag="$TAG",demo.signer.image.pullPolicy=Never \
    --set demo.routing.enabled=true,demo.routing.image.repository=cipherbox-routing-server \
    --set demo.routing.image.tag="$TAG",demo.routing.image.pullPolicy=Never \
    --set demo.epoch.enabled=true --set-json 'routing.endpoints=[]' \
    --set logLevel=debug,backoff.base=1s,backoff.max=10s,keyRecheck=10s \
    --wait --timeout 5m
}

up() {
  require_tools
  mkdir -p "$STATE"
  install_kind
  k8s_tools
  create_cluster
  build_images
  install_chart
}

PF_PID=
stop_port_forward() { [ -z "$PF_PID" ] || kill "$PF_PID" 2>/dev/null || true; }

# The in-cluster routing server on a local port (sets ROUTING_LOCAL), for the owner's first
# record and the check. Not called in $(...): the port-forward must outlive the function.
ROUTING_LOCAL=
port_forward_routing() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  kubectl -n "$NS" port-forward "svc/$RELEASE-routing" "$port:8080" >"$STATE/port-forward.log" 2>&1 &
  PF_PID=$!
  trap stop_port_forward EXIT
  local i
  for i in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/routing/v1/ipns/x" && break
    [ "$i" -lt 100 ] || die "port-forward to the routing server did not come up ($STATE/port-forward.log)"
    sleep 0.2
  done
  ROUTING_LOCAL=http://127.0.0.1:$port
}

smoke() {
  k8s_tools
  log "smoke: epoch 1 Active, one folder published by the in-cluster operator"
  kubectl wait --for=jsonpath='{.status.phase}'=Active teeepoch/epoch-1 --timeout=120s
  local routing dir=$STATE/smoke name cid record key pubkey
  port_forward_routing
  routing=$ROUTING_LOCAL
  rm -rf "$dir" && mkdir -p "$dir"
  name=$("$BIN/cipherbox-republish" keygen --out "$dir/seed")
  cid=$(python3 -c "import base64,hashlib;d=b'\x01\x55\x12\x20'+hashlib.sha256(b'kind-e2e').digest();print('b'+base64.b32encode(d).decode().lower().rstrip('='))")
  record=$("$BIN/cipherbox-republish" record make --seed-file "$dir/seed" --value "/ipfs/$cid" --sequence 1 --lifetime 48h)
  echo "$record" | base64 -d | curl -fsS -X PUT -H 'Content-Type: application/vnd.ipfs.ipns-record' \
    --data-binary @- "$routing/routing/v1/ipns/$name" >/dev/null
  pubkey=$(kubectl get teeepoch epoch-1 -o jsonpath='{.status.publicKey}')
  key=$("$BIN/cipherbox-republish" seal --public-key "$pubkey" --seed-file "$dir/seed")
  kubectl apply -f - <<YAML
apiVersion: republish.cipherbox.io/v1alpha1
kind: IpnsRepublish
metadata:
  name: kind-smoke
  namespace: default
spec:
  ipnsName: $name
  cid: $cid
  encryptedKey: $key
  keyEpoch: 1
YAML
  kubectl wait --for=condition=Published ipnsrepublish/kind-smoke --timeout=120s
  local seq
  seq=$(kubectl get ipnsrepublish kind-smoke -o jsonpath='{.status.publishedSequence}')
  [ "$seq" -ge 2 ] || die "published sequence is '$seq', expected at least 2"
  curl -fsS -H 'Accept: application/vnd.ipfs.ipns-record' "$routing/routing/v1/ipns/$name" \
    | "$BIN/cipherbox-republish" record inspect --name "$name" >"$dir/resolved.txt" \
    || die "the routing server has no valid record for $name"
  grep -q "/ipfs/$cid" "$dir/resolved.txt" || die "resolved record does not point at /ipfs/$cid"
  kubectl get teeepochs
  kubectl get ipnsrepublishes -A -o wide
  kubectl delete ipnsrepublish kind-smoke >/dev/null
  stop_port_forward
  log "smoke: passed"
}

suite() {
  k8s_tools
  if ! grep -q E2E_KUBECONFIG "$ROOT/tests/e2e/lib.sh"; then
    log "tests/e2e/lib.sh starts its own local control plane and has no E2E_KUBECONFIG mode yet:"
    log "the scenarios run there (ctest -L e2e); against kind only the smoke scenario ran"
    return 0
  fi
  log "running tests/e2e against kind (the chart's operator is uninstalled, CRDs stay)"
  helm uninstall "$RELEASE" -n "$NS" --wait || true
  kubectl delete teeepochs --all >/dev/null
  local s failed=0
  for s in "$ROOT"/tests/e2e/*_test.sh; do
    log "scenario $(basename "$s")"
    E2E_KUBECONFIG=$KUBECONFIG BIN=$BIN bash "$s" || failed=$((failed + 1))
  done
  [ "$failed" -eq 0 ] || die "$failed e2e scenario(s) failed"
}

down() {
  install_kind
  if cluster_exists; then "$KIND" delete cluster --name "$CLUSTER"; fi
}

case "${1:-all}" in
  all)
    up
    smoke
    suite
    [ "${KEEP_CLUSTER:-0}" = 1 ] || down
    ;;
  up) up ;;
  smoke) smoke ;;
  suite) suite ;;
  down) down ;;
  *) echo "usage: $0 [all|up|smoke|suite|down]" >&2; exit 2 ;;
esac
