#!/usr/bin/env bash
# Builds the test/demo routing server (hack/routing-server, boxo's routing/http/server with an
# in-memory IPNS store) to $K8S_CACHE/bin/routing-server (default ~/.cache/cipherbox-k8s) and
# prints its path on stdout. Skips the build when the binary is newer than every source file.
# usage: hack/build-routing-server.sh
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/routing-server" && pwd)
OUT=${K8S_CACHE:-$HOME/.cache/cipherbox-k8s}/bin/routing-server
mkdir -p "$(dirname "$OUT")"
exec 9>"$OUT.lock"
flock 9

if [ -x "$OUT" ] && [ -z "$(find "$SRC" -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -newer "$OUT")" ]; then
  echo "$OUT"
  exit 0
fi
echo "build-routing-server: building $OUT" >&2
(cd "$SRC" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly \
  go build -trimpath -ldflags "-s -w" -o "$OUT.tmp" .)
mv "$OUT.tmp" "$OUT"
echo "$OUT"
