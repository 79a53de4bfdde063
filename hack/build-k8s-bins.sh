#!/usr/bin/env bash
# Builds the local control plane's binaries from the Go module proxy, once per machine:
# kube-apiserver, kubectl (Kubernetes), etcd, helm. Cached under $K8S_CACHE (default
# ~/.cache/cipherbox-k8s); binaries already present are skipped, so a second run takes a second.
set -euo pipefail
# usage: hack/build-k8s-bins.sh   (prints the bin dir on stdout; env K8S_VERSION, ETCD_VERSION,
#        HELM_VERSION, K8S_CACHE override the defaults)

K8S_VERSION=${K8S_VERSION:-1.35.4}
ETCD_VERSION=${ETCD_VERSION:-3.6.16}
HELM_VERSION=${HELM_VERSION:-3.21.4}
CACHE=${K8S_CACHE:-$HOME/.cache/cipherbox-k8s}
BIN="$CACHE/bin/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-helm-$HELM_VERSION"
mkdir -p "$BIN" "$CACHE/src"
# One build at a time per cache (ctest may start several users of the binaries at once).
exec 9>"$CACHE/.build-k8s-bins.lock"
flock 9
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
log() { echo "build-k8s-bins: $*" >&2; }

build_kubernetes() {
  local minor dir ldf
  [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/kubectl" ] && return
  minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  dir="$CACHE/src/k8s-$K8S_VERSION"
  mkdir -p "$dir"
  # .prepared marks a finished wrapper module: a half-prepared one (interrupted run) is redone.
  if [ ! -f "$dir/.prepared" ]; then
    log "preparing wrapper module for k8s.io/kubernetes v$K8S_VERSION"
    (cd "$dir" && rm -f go.mod go.sum && go mod init local.invalid/k8s-bins >/dev/null 2>&1)
    local gomod staging
    gomod=$(cd "$dir" && go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    staging=$(sed -n 's|^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*|\1|p' "$gomod")
    for m in $staging; do (cd "$dir" && go mod edit -replace="$m=$m@v0.$minor.${K8S_VERSION##*.}"); done
    (cd "$dir" && printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n\t_ "k8s.io/kubernetes/cmd/kubectl"\n)\n' > tools.go \
      && go mod edit -require="k8s.io/kubernetes@v$K8S_VERSION" && go mod tidy >/dev/null)
    sed -i "s/^go .*/go 1.25.0\n\ngodebug default=go1.25/" "$dir/go.mod"
    touch "$dir/.prepared"
  fi
  ldf="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf="$ldf -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  for cmd in kube-apiserver kubectl; do
    [ -x "$BIN/$cmd" ] && continue
    log "building $cmd v$K8S_VERSION (first time: several minutes)"
    (cd "$dir" && go build -trimpath -tags=selinux,notest,grpcnotrace -ldflags "$ldf" -o "$BIN/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd")
    mv "$BIN/$cmd.tmp" "$BIN/$cmd"
  done
}

build_etcd() {
  [ -x "$BIN/etcd" ] && return
  local dir="$CACHE/src/etcd-$ETCD_VERSION"
  mkdir -p "$dir"
  log "building etcd v$ETCD_VERSION"
  (cd "$dir" && { [ -f go.mod ] || go mod init local.invalid/etcd-bin >/dev/null 2>&1; } \
    && printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' > tools.go \
    && go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" && go mod tidy \
    && go build -trimpath -ldflags "-s -w" -o "$BIN/etcd.tmp" go.etcd.io/etcd/server/v3)
  mv "$BIN/etcd.tmp" "$BIN/etcd"
}

build_helm() {
  [ -x "$BIN/helm" ] && return
  log "building helm v$HELM_VERSION"
  GOBIN="$BIN" go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION"
}

build_etcd
build_kubernetes
build_helm
echo "$BIN"
