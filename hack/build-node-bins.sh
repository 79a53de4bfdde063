#!/usr/bin/env bash
# Builds what a real node needs on top of the local control plane (hack/build-k8s-bins.sh), once
# per machine, from the Go module proxy: kubelet, kube-proxy, kube-scheduler and
# kube-controller-manager (same Kubernetes version and wrapper-module trick as kube-apiserver)
# and the cluster DNS (hack/cluster-dns: CoreDNS with the kubernetes plugin only). Binaries go to
# the same cached bin dir; present ones are skipped, so a warm run takes a second.
# usage: hack/build-node-bins.sh   (prints the bin dir on stdout; env as build-k8s-bins.sh)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN=$("$HERE/build-k8s-bins.sh")
K8S_VERSION=${K8S_VERSION:-1.35.4}
CACHE=${K8S_CACHE:-$HOME/.cache/cipherbox-k8s}
NODE_CMDS=(kubelet kube-proxy kube-scheduler kube-controller-manager)
exec 9>"$CACHE/.build-node-bins.lock"  # not the control plane's lock: check runs meanwhile
flock 9
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
log() { echo "build-node-bins: $*" >&2; }

missing_cmds() {
  local c
  for c in "${NODE_CMDS[@]}"; do [ -x "$BIN/$c" ] || echo "$c"; done
}

# A wrapper module of its own (tools.go names the node commands), next to the control plane's.
prepare_wrapper() {
  local dir=$1 minor=$2 gomod staging m
  [ -f "$dir/.prepared" ] && return
  log "preparing wrapper module for the node commands of k8s.io/kubernetes v$K8S_VERSION"
  mkdir -p "$dir"
  (cd "$dir" && rm -f go.mod go.sum && go mod init local.invalid/k8s-node-bins >/dev/null 2>&1)
  gomod=$(cd "$dir" && go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  staging=$(sed -n 's|^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*|\1|p' "$gomod")
  for m in $staging; do (cd "$dir" && go mod edit -replace="$m=$m@v0.$minor.${K8S_VERSION##*.}"); done
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for m in "${NODE_CMDS[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$m"; done
    printf ')\n'
  } >"$dir/tools.go"
  (cd "$dir" && go mod edit -require="k8s.io/kubernetes@v$K8S_VERSION" && go mod tidy >/dev/null)
  sed -i "s/^go .*/go 1.25.0\n\ngodebug default=go1.25/" "$dir/go.mod"
  touch "$dir/.prepared"
}

build_kubernetes_node() {
  local todo minor dir ldf pkgs=() c
  todo=$(missing_cmds)
  [ -n "$todo" ] || return 0
  minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  dir="$CACHE/src/k8s-node-$K8S_VERSION"
  prepare_wrapper "$dir" "$minor"
  ldf="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf="$ldf -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  for c in $todo; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
  log "building $(echo $todo) v$K8S_VERSION (first time: several minutes)"
  rm -rf "$BIN/.node-tmp" && mkdir -p "$BIN/.node-tmp"
  # One go build for all of them: shared packages compile once and the links run in parallel.
  (cd "$dir" && go build -trimpath -tags=selinux,notest,grpcnotrace -ldflags "$ldf" -o "$BIN/.node-tmp/" "${pkgs[@]}")
  for c in $todo; do mv "$BIN/.node-tmp/$c" "$BIN/$c"; done
  rmdir "$BIN/.node-tmp"
}

build_cluster_dns() {
  local src=$HERE/cluster-dns out=$BIN/cluster-dns
  if [ -x "$out" ] && [ -z "$(find "$src" -type f -newer "$out")" ]; then return; fi
  log "building the cluster DNS (CoreDNS, kubernetes plugin only)"
  (cd "$src" && GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w" -o "$out.tmp" .)
  mv "$out.tmp" "$out"
}

build_kubernetes_node
build_cluster_dns
echo "$BIN"
