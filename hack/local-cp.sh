#!/usr/bin/env bash
# A real local Kubernetes control plane without Docker: etcd + kube-apiserver built from the Go
# module proxy by hack/build-k8s-bins.sh, on free loopback ports, with a generated PKI.
# See /work/shared/research/local-control-plane.md (flags §3.2, PKI §3.3, kubeconfigs §3.4).
#
# Layout of STATE_DIR: pki/ (CA, serving cert, admin client cert, SA key pair), etcd-data/,
# logs/{etcd,kube-apiserver}.log, run/{etcd,kube-apiserver}.pid, run/ports, admin.kubeconfig,
# ca.crt, env (sourceable), kubecache/ (kubectl discovery cache), helm/ (Helm state).
#
# Environment: CBX_K8S_BIN (bin dir; default: output of hack/build-k8s-bins.sh),
# APISERVER_EXTRA_ARGS (extra kube-apiserver flags given to up, remembered; set it for
# start-/restart-apiserver to change them), KEEP_DATA=1 (down keeps etcd's data),
# CP_TIMEOUT (readiness timeout, default 90 s), APISERVER_DISABLE_ADMISSION (admission plugins
# turned off, given to up and remembered; default ServiceAccount, since no controller makes the
# default ServiceAccounts here; empty for a cluster that runs Pods, hack/node.sh).
#
# 410 Gone for watches: `compact` compacts etcd, but kube-apiserver serves watches from its watch
# cache, which still holds recent events. A watch from an old resourceVersion gets 410 after
# `compact` + `restart-apiserver` (the cache restarts at the current revision), or right after
# `compact` when the API server runs with APISERVER_EXTRA_ARGS=--watch-cache=false.
#
# Without kube-controller-manager: no garbage collection of ownerReferences, deleted namespaces
# stay Terminating, no default ServiceAccount per namespace (ServiceAccount admission is off).
set -euo pipefail

usage() {
  cat >&2 <<'EOF'
usage: local-cp.sh up|down|env|status|compact STATE_DIR
       local-cp.sh restart-apiserver|stop-apiserver|start-apiserver STATE_DIR
       local-cp.sh token STATE_DIR NAMESPACE SERVICEACCOUNT [OUT_KUBECONFIG]
EOF
  exit 2
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TIMEOUT=${CP_TIMEOUT:-90}
log() { echo "local-cp: $*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -ge 2 ] || usage
CMD=$1
STATE=$2
mkdir -p "$STATE"
STATE=$(cd "$STATE" && pwd)
PKI=$STATE/pki
RUN=$STATE/run
LOGS=$STATE/logs
KUBECONFIG_FILE=$STATE/admin.kubeconfig

bin_dir() {
  if [ -z "${CBX_K8S_BIN:-}" ]; then
    CBX_K8S_BIN=$("$HERE/build-k8s-bins.sh")
  fi
  for b in etcd kube-apiserver kubectl; do
    [ -x "$CBX_K8S_BIN/$b" ] || die "$CBX_K8S_BIN/$b missing (run hack/build-k8s-bins.sh)"
  done
  echo "$CBX_K8S_BIN"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- PKI --------------------------------------------------------------------------------------
make_pki() {
  [ -f "$PKI/sa.pub" ] && return
  log "generating PKI in $PKI"
  rm -rf "$PKI" && mkdir -p "$PKI"
  (
    cd "$PKI"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=cipherbox-local-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver"
    printf '%s\n' \
      "subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.0.0.1" \
      "extendedKeyUsage=serverAuth" "keyUsage=critical,digitalSignature,keyEncipherment" >server.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt \
      -days 3650 -extfile server.ext
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=admin"
    printf '%s\n' "extendedKeyUsage=clientAuth" "keyUsage=critical,digitalSignature,keyEncipherment" >client.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt \
      -days 3650 -extfile client.ext
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
    chmod 600 ./*.key
  ) >"$LOGS/pki.log" 2>&1 || die "PKI generation failed (see $LOGS/pki.log)"
  cp "$PKI/ca.crt" "$STATE/ca.crt"
}

# --- processes --------------------------------------------------------------------------------
pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }

# Alive and still the binary we started (guards against PID reuse).
is_running() {
  local pid
  pid=$(pid_of "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
    && [ "$(basename "$(readlink "/proc/$pid/exe" 2>/dev/null)")" = "$1" ]
}

# Between `&` and exec, the child is still bash: is_running would call it gone. Wait out that
# window (or the child's early death) before anyone asks.
await_exec() {
  local pid
  pid=$(pid_of "$1")
  for _ in $(seq 1 200); do
    is_running "$1" || ! kill -0 "$pid" 2>/dev/null && return 0
    sleep 0.05
  done
}

stop_proc() {
  local name=$1 pid
  pid=$(pid_of "$name")
  if is_running "$name"; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do
      is_running "$name" || break # (a zombie counts as stopped: its /proc/PID/exe is gone)
      sleep 0.2
    done
    if is_running "$name"; then
      log "$name ($pid) ignored SIGTERM for 20 s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$RUN/$name.pid"
}

load_ports() {
  [ -f "$RUN/ports" ] || die "$RUN/ports missing (not up?)"
  # shellcheck disable=SC1091 # written by start_once
  . "$RUN/ports"
}

start_etcd() {
  local bin=$1
  mkdir -p "$STATE/etcd-data"
  : >"$LOGS/etcd.log"
  "$bin/etcd" --name=local --data-dir="$STATE/etcd-data" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="local=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --log-level=warn \
    </dev/null >>"$LOGS/etcd.log" 2>&1 8>&- &
  echo $! >"$RUN/etcd.pid"
  await_exec etcd
}

etcd_healthy() { curl -fsS "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }

start_apiserver() {
  local bin=$1 extra disable
  extra=$(cat "$RUN/apiserver-extra-args" 2>/dev/null || true)
  disable=$(cat "$RUN/apiserver-disable-admission" 2>/dev/null || echo ServiceAccount)
  [ -z "$disable" ] || extra="--disable-admission-plugins=$disable $extra"
  : >"$LOGS/kube-apiserver.log"
  # shellcheck disable=SC2086 # extra args are word-split on purpose
  "$bin/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --secure-port="$API_PORT" --advertise-address=127.0.0.1 \
    --endpoint-reconciler-type=none \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-signing-key-file="$PKI/sa.key" --service-account-key-file="$PKI/sa.pub" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --authorization-mode=RBAC \
    --allow-privileged=true \
    --cert-dir="$STATE/apiserver-certs" \
    $extra \
    </dev/null >>"$LOGS/kube-apiserver.log" 2>&1 8>&- &
  echo $! >"$RUN/kube-apiserver.pid"
  await_exec kube-apiserver
}

apiserver_ready() {
  curl -fsS --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$API_PORT/readyz" | grep -qx ok
}

kubectl_admin() { "$BIN/kubectl" --kubeconfig="$KUBECONFIG_FILE" --cache-dir="$STATE/kubecache" "$@"; }

default_ns_exists() { kubectl_admin get namespace default -o name; }

bind_error() { grep -qiE 'address already in use|bind: ' "$LOGS/$1.log"; }

# Waits for a started process to become ready; fails early if it exits.
wait_ready() { # wait_ready NAME DESCRIPTION CHECK...
  local name=$1 what=$2 deadline=$((SECONDS + TIMEOUT))
  shift 2
  until "$@" >/dev/null 2>&1; do
    is_running "$name" || return 1
    [ $SECONDS -lt $deadline ] || { log "$name: not ready after ${TIMEOUT}s"; return 1; }
    sleep 0.25
  done
  log "$what after $((SECONDS - START))s"
}

write_kubeconfig() {
  local k=$KUBECONFIG_FILE.tmp
  rm -f "$k"
  "$BIN/kubectl" config set-cluster local --server="https://127.0.0.1:$API_PORT" \
    --certificate-authority="$PKI/ca.crt" --embed-certs=true --kubeconfig="$k" >/dev/null
  "$BIN/kubectl" config set-credentials admin --client-certificate="$PKI/admin.crt" \
    --client-key="$PKI/admin.key" --embed-certs=true --kubeconfig="$k" >/dev/null
  "$BIN/kubectl" config set-context local --cluster=local --user=admin --kubeconfig="$k" >/dev/null
  "$BIN/kubectl" config use-context local --kubeconfig="$k" >/dev/null
  chmod 600 "$k"
  mv "$k" "$KUBECONFIG_FILE"
}

write_env() {
  cat >"$STATE/env" <<EOF
export KUBECONFIG=$KUBECONFIG_FILE
export KUBECACHEDIR=$STATE/kubecache
export CBX_K8S_BIN=$BIN
export PATH=$BIN:\$PATH
export CBX_CP_STATE_DIR=$STATE
export CBX_CP_API_URL=https://127.0.0.1:$API_PORT
export CBX_CP_ETCD_URL=http://127.0.0.1:$ETCD_PORT
export HELM_CACHE_HOME=$STATE/helm/cache
export HELM_CONFIG_HOME=$STATE/helm/config
export HELM_DATA_HOME=$STATE/helm/data
EOF
}

# One attempt at starting both processes on fresh ports; returns 3 on a bind error.
start_once() {
  if ! is_running etcd; then
    ETCD_PORT=$(free_port) ETCD_PEER_PORT=$(free_port)
    start_etcd "$BIN"
    if ! wait_ready etcd "etcd healthy on :$ETCD_PORT" etcd_healthy; then
      stop_proc etcd
      bind_error etcd && return 3
      tail -20 "$LOGS/etcd.log" >&2
      die "etcd did not start (see $LOGS/etcd.log)"
    fi
  fi
  API_PORT=$(free_port)
  printf 'ETCD_PORT=%s\nETCD_PEER_PORT=%s\nAPI_PORT=%s\n' "$ETCD_PORT" "$ETCD_PEER_PORT" "$API_PORT" >"$RUN/ports"
  start_apiserver "$BIN"
  if ! wait_ready kube-apiserver "kube-apiserver /readyz ok on :$API_PORT" apiserver_ready; then
    stop_proc kube-apiserver
    bind_error kube-apiserver && return 3
    tail -20 "$LOGS/kube-apiserver.log" >&2
    die "kube-apiserver did not become ready (see $LOGS/kube-apiserver.log)"
  fi
}

cmd_up() {
  START=$SECONDS
  BIN=$(bin_dir)
  mkdir -p "$RUN" "$LOGS" "$STATE/kubecache"
  if is_running etcd && is_running kube-apiserver; then
    load_ports
    log "already running (kube-apiserver on :$API_PORT)"
    write_env
    return
  fi
  make_pki
  printf '%s\n' "${APISERVER_EXTRA_ARGS:-}" >"$RUN/apiserver-extra-args"
  printf '%s\n' "${APISERVER_DISABLE_ADMISSION-ServiceAccount}" >"$RUN/apiserver-disable-admission"
  is_running etcd && load_ports
  local rc=0
  start_once || rc=$?
  if [ $rc -eq 3 ]; then
    log "port was taken meanwhile (bind error), retrying once on new ports"
    rc=0
    start_once || rc=$?
  fi
  [ $rc -eq 0 ] || die "start failed"
  write_kubeconfig
  wait_ready kube-apiserver "namespace default exists" default_ns_exists \
    || die "namespace default did not appear"
  write_env
  log "up in $((SECONDS - START))s: KUBECONFIG=$KUBECONFIG_FILE"
}

cmd_down() {
  stop_proc kube-apiserver
  stop_proc etcd
  rm -f "$RUN/ports"
  if [ "${KEEP_DATA:-0}" != 1 ]; then rm -rf "$STATE/etcd-data" "$STATE/kubecache"; fi
  log "down"
}

cmd_stop_apiserver() {
  stop_proc kube-apiserver
  log "kube-apiserver stopped"
}

# Starts kube-apiserver again on its previous port (the kubeconfigs stay valid).
cmd_start_apiserver() {
  START=$SECONDS
  BIN=$(bin_dir)
  is_running etcd || die "etcd is not running (use up)"
  load_ports
  if [ -n "${APISERVER_EXTRA_ARGS+set}" ]; then
    printf '%s\n' "$APISERVER_EXTRA_ARGS" >"$RUN/apiserver-extra-args"
  fi
  is_running kube-apiserver && { log "kube-apiserver already running"; return; }
  start_apiserver "$BIN"
  wait_ready kube-apiserver "kube-apiserver /readyz ok on :$API_PORT" apiserver_ready \
    || die "kube-apiserver did not come back (see $LOGS/kube-apiserver.log)"
}

# Compacts etcd at its current revision (physically), so watches from older resource versions
# that reach etcd get 410 Gone. Uses etcd's gRPC-gateway (JSON over HTTP); prints the revision.
cmd_compact() {
  is_running etcd || die "etcd is not running"
  load_ports
  local url="http://127.0.0.1:$ETCD_PORT/v3/kv" rev
  rev=$(curl -fsS -X POST "$url/range" -d '{"key":"Lw=="}' | jq -r '.header.revision')
  [[ $rev =~ ^[0-9]+$ ]] || die "no revision from etcd"
  curl -fsS -X POST "$url/compaction" -d "{\"revision\":\"$rev\",\"physical\":true}" >/dev/null
  echo "$rev"
}

cmd_env() {
  [ -f "$STATE/env" ] || die "$STATE/env missing (run up first)"
  cat "$STATE/env"
}

cmd_status() {
  local n
  for n in etcd kube-apiserver; do
    if is_running "$n"; then echo "$n: running (pid $(pid_of "$n"))"; else echo "$n: stopped"; fi
  done
  is_running etcd && is_running kube-apiserver
}

# Writes a kubeconfig that authenticates as NAMESPACE/SERVICEACCOUNT with a 24 h bound token
# (TokenRequest), creating the namespace and the ServiceAccount if missing.
cmd_token() {
  [ $# -ge 2 ] || usage
  local ns=$1 sa=$2 out=${3:-$STATE/$1-$2.kubeconfig} token
  BIN=$(bin_dir)
  load_ports
  [ -f "$KUBECONFIG_FILE" ] || die "not up"
  kubectl_admin get namespace "$ns" >/dev/null 2>&1 || kubectl_admin create namespace "$ns" >/dev/null
  kubectl_admin -n "$ns" get serviceaccount "$sa" >/dev/null 2>&1 \
    || kubectl_admin -n "$ns" create serviceaccount "$sa" >/dev/null
  token=$(kubectl_admin -n "$ns" create token "$sa" --duration=24h)
  rm -f "$out.tmp"
  "$BIN/kubectl" config set-cluster local --server="https://127.0.0.1:$API_PORT" \
    --certificate-authority="$PKI/ca.crt" --embed-certs=true --kubeconfig="$out.tmp" >/dev/null
  "$BIN/kubectl" config set-credentials "$sa" --token="$token" --kubeconfig="$out.tmp" >/dev/null
  "$BIN/kubectl" config set-context local --cluster=local --user="$sa" --namespace="$ns" \
    --kubeconfig="$out.tmp" >/dev/null
  "$BIN/kubectl" config use-context local --kubeconfig="$out.tmp" >/dev/null
  chmod 600 "$out.tmp"
  mv "$out.tmp" "$out"
  echo "$out"
}

shift 2
# One state-changing command at a time per STATE_DIR (fd 8 is closed for the started servers).
case $CMD in
  up | down | restart-apiserver | stop-apiserver | start-apiserver | token)
    exec 8>"$STATE/.lock"
    flock 8
    ;;
esac
case $CMD in
  up) cmd_up ;;
  down) cmd_down ;;
  restart-apiserver) cmd_stop_apiserver && cmd_start_apiserver ;;
  stop-apiserver) cmd_stop_apiserver ;;
  start-apiserver) cmd_start_apiserver ;;
  compact) cmd_compact ;;
  env) cmd_env ;;
  status) cmd_status ;;
  token) cmd_token "$@" ;;
  *) usage ;;
esac
