#!/usr/bin/env bash
# Installs what the build and the tests need, only what is missing, idempotently:
# Debian packages, the npm interop peers (exact pins from the lock file), and the Go-built
# test infrastructure (etcd, kube-apiserver, kubectl, helm, the boxo routing server).
# A second run on a ready machine takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "install-deps: $*" >&2; }

DEBIAN_PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache git curl ca-certificates openssl
  libboost-dev libssl-dev libsecp256k1-dev libsodium-dev libprotobuf-dev protobuf-compiler
  libcbor-dev nlohmann-json3-dev libspdlog-dev libcli11-dev libbenchmark-dev libgtest-dev libgmock-dev
  prometheus-cpp-dev libyaml-cpp-dev clang-14 libclang-rt-14-dev clang-format-14
  golang-go nodejs npm
)

install_debian_packages() {
  local missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    case "$p" in
      golang-go) command -v go >/dev/null && continue ;;
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "apt-get install ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_npm_peers() {
  local dir=tests/interop
  [ -f "$dir/package-lock.json" ] || return 0
  local stamp="$dir/node_modules/.lock-sha256"
  local want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" > "$stamp"
  fi
}

install_go_tools() {
  hack/build-k8s-bins.sh >/dev/null
  if [ -x hack/build-routing-server.sh ]; then hack/build-routing-server.sh >/dev/null; fi
}

install_debian_packages
install_npm_peers
if [ "${CBX_SKIP_GO_TOOLS:-0}" != 1 ]; then install_go_tools; fi
log "ready"
