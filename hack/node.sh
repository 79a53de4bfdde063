#!/usr/bin/env bash
# A single real Kubernetes node next to the local control plane, without Docker: the control
# plane of hack/local-cp.sh (with ServiceAccount admission and kubelet client certs), plus
# kube-controller-manager, kube-scheduler, kubelet, kube-proxy (nftables mode) and a cluster DNS,
# built from the Go module proxy (hack/build-node-bins.sh); containerd + runc + the CNI plugins
# from Debian; images built by hack/node-images.sh and imported into containerd.
# Measured facts behind the settings: /work/shared/research/real-node.md.
#
# Network: one bridge of our own (cbxn0, 10.244.0.1/24, the node's address), pods on it, Services
# on 10.0.0.0/24 routed to it; nft table `ip cbx-node` keeps pod traffic on the bridge (nothing
# is forwarded to or from other interfaces) and sends the `kubernetes` Service to the API server
# on 127.0.0.1 (route_localnet on the bridge only). The cluster DNS answers on the bridge address.
# Every component listens on loopback or on the bridge address, on free ports.
#
# `down` leaves the host as `up` found it: pods stopped through the kubelet (CNI DEL), then every
# process we started stopped by PID, leftover shims and container processes killed, every mount
# under STATE_DIR and each network namespace made since `up` removed, the bridge and veths
# deleted, our nft tables and kube-proxy's deleted, net.ipv4.ip_forward restored, the cgroup tree
# /cbx-node removed. `host-state` prints what is compared (tests/node checks before == after).
#
# usage: hack/node.sh up|down|env|status|host-state|demo STATE_DIR
#   demo: `helm install` of the chart with the demo signer, routing server and epoch 1 (the node
#   must be up); prints KUBECONFIG=... .
# Only one node per host (fixed bridge, pod CIDR and cgroup root): `up` refuses when another
# STATE_DIR owns it. Needs root.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
NODE_NAME=cbx-node
BRIDGE=cbxn0
NODE_IP=10.244.0.1
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.0.0.0/24
KUBERNETES_SVC_IP=10.0.0.1
CGROUP_ROOT=cbx-node
NFT_TABLE=cbx-node
OWNER_FILE=/run/cipherbox-node.owner
TIMEOUT=${NODE_TIMEOUT:-180}
CACHE=${K8S_CACHE:-$HOME/.cache/cipherbox-k8s}
IMAGE_TAG=${IMAGE_TAG:-node}
PACKAGES=(containerd runc containernetworking-plugins podman buildah mmdebstrap catatonit nftables)
NODE_PROCS=(kube-proxy kube-scheduler kube-controller-manager cluster-dns kubelet containerd)

exec 4>&2
log() { echo "node: $*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { echo "usage: $0 up|down|env|status|host-state|demo STATE_DIR" >&2; exit 2; }

[ $# -ge 2 ] || usage
CMD=$1
mkdir -p "$2"
STATE=$(cd "$2" && pwd)
RUN=$STATE/run
LOGS=$STATE/logs
HOST=$STATE/host  # what the host looked like before `up`
CP=$STATE/cp
SOCK=$STATE/containerd/containerd.sock
KUBECONFIG_FILE=$CP/admin.kubeconfig

# --- processes (same conventions as hack/local-cp.sh) ------------------------------------------
pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }
is_running() {
  local pid
  pid=$(pid_of "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
    && [ "$(basename "$(readlink "/proc/$pid/exe" 2>/dev/null)")" = "$(cat "$RUN/$1.exe" 2>/dev/null)" ]
}
start_proc() { # name, command...: log in logs/<name>.log
  local name=$1
  shift
  "$@" </dev/null >>"$LOGS/$name.log" 2>&1 4>&- 8>&- 9>&- &
  echo $! >"$RUN/$name.pid"
  basename "$1" >"$RUN/$name.exe"
  await_exec "$name"
}
# Between `&` and exec the child is still bash, which is_running would call gone (a node once
# failed "kubelet exited" with an empty log that way). Wait out that window or the child's death.
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
      is_running "$name" || break
      sleep 0.2
    done
    is_running "$name" && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$name.pid" "$RUN/$name.exe"
}
wait_for() { # description, timeout, command...
  local what=$1 timeout=$2 deadline
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { log "timed out after ${timeout}s waiting for $what"; return 1; }
    sleep 0.5
  done
}
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
kubectl_() { "$BIN/kubectl" --kubeconfig="$KUBECONFIG_FILE" --cache-dir="$CP/kubecache" "$@"; }

# --- installing what is missing ----------------------------------------------------------------
install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "apt-get install ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
}

# --- host state: what `down` must restore -------------------------------------------------------
# Printed sorted, one fact a line; tests/node compares it before `up` and after `down`.
cmd_host_state() {
  echo "ip_forward $(cat /proc/sys/net/ipv4/ip_forward)"
  echo "route_localnet.all $(cat /proc/sys/net/ipv4/conf/all/route_localnet)"
  local f
  for f in nf_conntrack_max nf_conntrack_tcp_timeout_established nf_conntrack_tcp_timeout_close_wait; do
    [ -r "/proc/sys/net/netfilter/$f" ] && echo "$f $(cat "/proc/sys/net/netfilter/$f")"
  done
  ip -o link show | awk -F': ' '{sub(/@.*/, "", $2); print "link " $2}' | sort
  ip -o -4 route show | sed 's/^/route /' | sort
  ip netns list 2>/dev/null | awk '{print "netns " $1}' | sort
  # (podman's own storage mounts are left out, ours and any other containers-storage's: the node
  # makes none, and hack/node-images.sh, which may be building in the background, unmounts them
  # when it exits)
  findmnt -rn -o TARGET | grep -v "^$CACHE/containers/" | grep -vE '/containers/storage/overlay(/|$)' \
    | sed 's/^/mount /' | sort
  nft list tables 2>/dev/null | sed 's/^/nft /' | sort
  find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d -name "$CGROUP_ROOT" 2>/dev/null | sed 's/^/cgroup /' | sort
  # Processes started for this node (their command lines name its state dir).
  pgrep -af -- "$STATE/" | grep -v host-state | cut -d' ' -f2- | sed 's/^/process /' | sort || true
  for f in /run/containerd /var/log/pods /var/log/containers "$OWNER_FILE"; do
    [ -e "$f" ] && echo "path $f"
  done
  return 0
}

record_host() {
  [ -f "$HOST/recorded" ] && return
  mkdir -p "$HOST"
  cat /proc/sys/net/ipv4/ip_forward >"$HOST/ip_forward"
  ip netns list 2>/dev/null | awk '{print $1}' | sort >"$HOST/netns"
  local p
  for p in /run/containerd /var/log/pods /var/log/containers; do
    [ -e "$p" ] && echo "$p"
  done >"$HOST/paths"
  touch "$HOST/recorded"
}

claim_host() {
  if [ -f "$OWNER_FILE" ] && [ "$(cat "$OWNER_FILE")" != "$STATE" ]; then
    die "a node of $(cat "$OWNER_FILE") is up on this host (hack/node.sh down $(cat "$OWNER_FILE") first)"
  fi
  echo "$STATE" >"$OWNER_FILE"
}

# --- network ------------------------------------------------------------------------------------
setup_network() {
  local api_port=$1
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$NODE_IP/24" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up
  # Only this bridge accepts 127.0.0.1 as a DNAT target (the kubernetes Service below).
  echo 1 >"/proc/sys/net/ipv4/conf/$BRIDGE/route_localnet"
  ip route replace "$SERVICE_CIDR" dev "$BRIDGE" src "$NODE_IP"
  nft -f - <<EOF
table ip $NFT_TABLE
delete table ip $NFT_TABLE
table ip $NFT_TABLE {
  chain prerouting {
    type nat hook prerouting priority dstnat - 1; policy accept;
    iifname "$BRIDGE" ip daddr $KUBERNETES_SVC_IP tcp dport 443 dnat to 127.0.0.1:$api_port
  }
  chain forward {
    type filter hook forward priority filter - 1; policy accept;
    iifname "$BRIDGE" oifname != "$BRIDGE" drop
    oifname "$BRIDGE" iifname != "$BRIDGE" drop
  }
}
EOF
  mkdir -p "$STATE/cni/net.d" "$STATE/cni/ipam"
  cat >"$STATE/cni/net.d/10-cbx-node.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "cbx-node",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$NODE_IP"}]],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dataDir": "$STATE/cni/ipam"
      }
    }
  ]
}
EOF
}

# --- containerd ---------------------------------------------------------------------------------
start_containerd() {
  is_running containerd && return
  local d=$STATE/containerd
  mkdir -p "$d/root" "$d/state" "$d/opt" "$STATE/runc"
  cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
oom_score = 0
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/cbx-pause:1"
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$STATE/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
EOF
  start_proc containerd containerd --config "$d/config.toml"
  wait_for "containerd" 60 ctr_ version || { tail -20 "$LOGS/containerd.log" >&2; die "containerd did not start"; }
}
ctr_() { ctr --address "$SOCK" --namespace k8s.io "$@"; }

import_images() {
  local tar name
  # CBX_NODE_BUILD_IMAGES=0: import the images already built, build none.
  [ "${CBX_NODE_BUILD_IMAGES:-1}" = 0 ] || "$HERE/node-images.sh" all
  for tar in "$CACHE/images"/*.tar; do
    name=$(basename "$tar" .tar)
    # Skip an image containerd already holds with this ID (a warm `up` of a kept state dir).
    [ "$(cat "$STATE/containerd/$name.id" 2>/dev/null)" = "$(cat "$CACHE/images/$name.id")" ] && continue
    ctr_ images import "$tar" >/dev/null
    cp "$CACHE/images/$name.id" "$STATE/containerd/$name.id"
  done
}

# --- Kubernetes components ------------------------------------------------------------------------
make_cgroup_root() {
  local h
  for h in /sys/fs/cgroup/*/; do
    case "$h" in */unified/) continue ;; esac  # (hybrid: only hugetlb there)
    mkdir -p "$h$CGROUP_ROOT"
    if [ -f "$h/cpuset.cpus" ]; then
      cat "$h/cpuset.cpus" >"$h$CGROUP_ROOT/cpuset.cpus"
      cat "$h/cpuset.mems" >"$h$CGROUP_ROOT/cpuset.mems"
    fi
  done
}

start_kubelet() {
  is_running kubelet && return
  local d=$STATE/kubelet port healthz
  port=$(free_port) healthz=$(free_port)
  mkdir -p "$d" "$STATE/pod-logs"
  make_cgroup_root
  cat >"$d/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_ROOT
address: $NODE_IP
port: $port
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $healthz
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $CP/pki/ca.crt}
authorization: {mode: Webhook}
clusterDNS: [$NODE_IP]
clusterDomain: cluster.local
resolvConf: ""
containerRuntimeEndpoint: unix://$SOCK
failSwapOn: false
oomScoreAdj: 0
podLogsDir: $STATE/pod-logs
makeIPTablesUtilChains: false
serializeImagePulls: false
maxPods: 30
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
rotateCertificates: false
EOF
  echo "$healthz" >"$RUN/kubelet.healthz"
  start_proc kubelet "$BIN/kubelet" --config="$d/config.yaml" --kubeconfig="$KUBECONFIG_FILE" \
    --root-dir="$d/root" --cert-dir="$d/pki" --hostname-override="$NODE_NAME" --node-ip="$NODE_IP"
}

start_controllers() {
  is_running kube-controller-manager || start_proc kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig="$KUBECONFIG_FILE" --leader-elect=false --secure-port=0 \
    --root-ca-file="$CP/pki/ca.crt" --service-account-private-key-file="$CP/pki/sa.key" \
    --use-service-account-credentials=false
  is_running kube-scheduler || start_proc kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig="$KUBECONFIG_FILE" --authentication-kubeconfig="$KUBECONFIG_FILE" \
    --authorization-kubeconfig="$KUBECONFIG_FILE" --leader-elect=false \
    --bind-address=127.0.0.1 --secure-port="$(free_port)"
}

start_kube_proxy() {
  is_running kube-proxy && return
  cat >"$STATE/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clientConnection: {kubeconfig: $KUBECONFIG_FILE}
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
healthzBindAddress: 127.0.0.1:$(free_port)
metricsBindAddress: 127.0.0.1:$(free_port)
clusterCIDR: $POD_CIDR
nodePortAddresses: [$NODE_IP/32]
# 0: leave the host's conntrack sysctls alone.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s, udpTimeout: 0s, udpStreamTimeout: 0s}
EOF
  start_proc kube-proxy "$BIN/kube-proxy" --config="$STATE/kube-proxy.yaml"
}

start_dns() {
  is_running cluster-dns && return
  local ready
  ready=$(free_port)
  cat >"$STATE/Corefile" <<EOF
cluster.local:53 in-addr.arpa:53 {
  bind $NODE_IP
  ready 127.0.0.1:$ready
  errors
  kubernetes cluster.local in-addr.arpa {
    kubeconfig $KUBECONFIG_FILE local
    pods insecure
  }
}
EOF
  echo "$ready" >"$RUN/cluster-dns.ready"
  start_proc cluster-dns "$BIN/cluster-dns" -conf "$STATE/Corefile"
}

node_ready() {
  # (wait_for silences the predicate: report on fd 4, the script's stderr)
  is_running kubelet || { tail -5 "$LOGS/kubelet.log" >&4; die "kubelet exited (see $LOGS/kubelet.log)" 2>&4; }
  [ "$(kubectl_ get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}
dns_ready() { curl -fsS "http://127.0.0.1:$(cat "$RUN/cluster-dns.ready")/ready"; }
default_sa_exists() { kubectl_ -n default get serviceaccount default; }

write_env() {
  "$HERE/local-cp.sh" env "$CP" >"$STATE/env"
  cat >>"$STATE/env" <<EOF
export CBX_NODE_STATE_DIR=$STATE
export CBX_NODE_NAME=$NODE_NAME
EOF
}

cmd_up() {
  local start=$SECONDS api_port
  [ "$(id -u)" -eq 0 ] || die "needs root (containerd, kubelet, network setup)"
  claim_host
  install_packages
  BIN=$("$HERE/build-node-bins.sh")
  export CBX_K8S_BIN=$BIN
  mkdir -p "$RUN" "$LOGS"
  record_host
  # ServiceAccount admission on (it mounts the token volume); the API server may call kubelets.
  APISERVER_DISABLE_ADMISSION="" \
    APISERVER_EXTRA_ARGS="--kubelet-client-certificate=$CP/pki/admin.crt --kubelet-client-key=$CP/pki/admin.key --kubelet-preferred-address-types=InternalIP" \
    "$HERE/local-cp.sh" up "$CP" >&2 4>&- 9>&-
  api_port=$(sed -n 's/^API_PORT=//p' "$CP/run/ports")
  setup_network "$api_port"
  start_containerd
  import_images
  start_controllers
  start_dns
  start_kube_proxy
  start_kubelet
  wait_for "node $NODE_NAME Ready" "$TIMEOUT" node_ready || { tail -30 "$LOGS/kubelet.log" >&2; die "node not Ready"; }
  wait_for "cluster DNS" 60 dns_ready || { tail -20 "$LOGS/cluster-dns.log" >&2; die "cluster DNS not ready"; }
  wait_for "ServiceAccount default/default" 60 default_sa_exists || die "no default ServiceAccount"
  write_env
  log "up in $((SECONDS - start)) s"
  echo "KUBECONFIG=$KUBECONFIG_FILE"
}

# --- teardown -----------------------------------------------------------------------------------
drain_pods() {
  is_running kubelet && is_running containerd || return 0
  [ -f "$CP/run/ports" ] || return 0
  kubectl_ cordon "$NODE_NAME" >/dev/null 2>&1 || return 0
  kubectl_ delete pods --all-namespaces --all --grace-period=5 --wait=false >/dev/null 2>&1 || true
  # The kubelet stops each sandbox through the CRI (CNI DEL frees the IP and the netns).
  wait_for "pod sandboxes gone" 60 no_sandboxes || log "some sandboxes remain; removing them by force"
}
no_sandboxes() { [ -z "$(ctr_ tasks ls -q 2>/dev/null)" ]; }

kill_leftover_processes() {
  local pid
  # Shims of our containerd (their command line names its socket) and what runs in our cgroups.
  for pid in $(pgrep -f -- "-address $SOCK" || true); do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in $(cat /sys/fs/cgroup/*/"$CGROUP_ROOT"/{,*/,*/*/,*/*/*/,*/*/*/*/}cgroup.procs 2>/dev/null | sort -u); do
    kill -KILL "$pid" 2>/dev/null || true
  done
}

remove_tasks() {
  is_running containerd || return 0
  local id
  for id in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
  sleep 1
  for id in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks delete -f "$id" >/dev/null 2>&1 || true; done
  for id in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers delete "$id" >/dev/null 2>&1 || true; done
}

unmount_state() {
  local m
  for _ in 1 2 3; do
    for m in $(findmnt -rn -o TARGET | grep -E "^$STATE/" | sort -r); do
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
  done
}

remove_netns() {
  local ns
  [ -f "$HOST/netns" ] || return 0
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    grep -qx "$ns" "$HOST/netns" || ip netns delete "$ns" 2>/dev/null || true
  done
}

remove_network() {
  local l
  for l in $(ip -o link show master "$BRIDGE" 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print $2}'); do
    ip link delete "$l" 2>/dev/null || true
  done
  ip link delete "$BRIDGE" 2>/dev/null || true
  nft delete table ip "$NFT_TABLE" 2>/dev/null || true
  nft delete table ip kube-proxy 2>/dev/null || true
  nft delete table ip6 kube-proxy 2>/dev/null || true
  [ -f "$HOST/ip_forward" ] && cat "$HOST/ip_forward" >/proc/sys/net/ipv4/ip_forward
}

remove_cgroups() {
  local d
  for d in /sys/fs/cgroup/*/"$CGROUP_ROOT"; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

remove_created_paths() {
  local p
  # kubelet links /var/log/containers/*.log into our pod log dir.
  if [ -d /var/log/containers ]; then
    find /var/log/containers -maxdepth 1 -type l -lname "$STATE/*" -delete 2>/dev/null || true
  fi
  for p in /run/containerd /var/log/pods /var/log/containers; do
    grep -qx "$p" "$HOST/paths" 2>/dev/null || rm -rf "$p"
  done
}

cmd_down() {
  BIN=${CBX_K8S_BIN:-$("$HERE/build-k8s-bins.sh")}
  drain_pods
  local p
  for p in kube-proxy kube-scheduler kube-controller-manager cluster-dns kubelet; do stop_proc "$p"; done
  remove_tasks
  stop_proc containerd
  kill_leftover_processes
  unmount_state
  remove_netns
  remove_network
  remove_cgroups
  "$HERE/local-cp.sh" down "$CP" >/dev/null 2>&1 || true
  if [ -f "$HOST/recorded" ]; then remove_created_paths; fi
  rm -rf "$HOST" "$STATE/containerd" "$STATE/kubelet" "$STATE/runc" "$STATE/cni"
  [ "$(cat "$OWNER_FILE" 2>/dev/null)" = "$STATE" ] && rm -f "$OWNER_FILE"
  log "down"
}

cmd_status() {
  local n ok=0
  for n in "${NODE_PROCS[@]}"; do
    if is_running "$n"; then echo "$n: running (pid $(pid_of "$n"))"; else echo "$n: stopped"; ok=1; fi
  done
  "$HERE/local-cp.sh" status "$CP" || ok=1
  return $ok
}

# The chart with the demo signer, routing server and epoch 1, from the images built here.
cmd_demo() {
  BIN=${CBX_K8S_BIN:-$("$HERE/build-k8s-bins.sh")}
  # shellcheck disable=SC1091
  . "$STATE/env"
  "$BIN/helm" upgrade --install cipherbox-republish "$ROOT/charts/cipherbox-republish" \
    -n cipherbox-system --create-namespace \
    --set image.repository=localhost/cipherbox-republish,image.tag="$IMAGE_TAG",image.pullPolicy=Never \
    --set demo.signer.enabled=true,demo.signer.image.repository=localhost/cipherbox-signer \
    --set demo.signer.image.tag="$IMAGE_TAG",demo.signer.image.pullPolicy=Never \
    --set demo.routing.enabled=true,demo.routing.image.repository=localhost/cipherbox-routing-server \
    --set demo.routing.image.tag="$IMAGE_TAG",demo.routing.image.pullPolicy=Never \
    --set demo.epoch.enabled=true --set-json 'routing.endpoints=[]' "${@}" \
    --wait --timeout 5m >&2
  echo "KUBECONFIG=$KUBECONFIG_FILE"
}

shift 2
case $CMD in
  up | down | demo)
    exec 9>"$STATE/.lock"
    flock 9
    ;;
esac
case $CMD in
  up) cmd_up ;;
  down) cmd_down ;;
  env) cat "$STATE/env" ;;
  status) cmd_status ;;
  host-state) cmd_host_state ;;
  demo) cmd_demo "$@" ;;
  *) usage ;;
esac
