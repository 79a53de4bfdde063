#!/usr/bin/env bash
# Builds promtool (Prometheus' rule checker and unit-test runner) from the Go module proxy, once
# per machine, to $K8S_CACHE/bin/promtool-<version> (default ~/.cache/cipherbox-k8s), and prints
# its path on stdout. Used by tests/chart/prometheus_rules_test.sh.
# usage: hack/build-promtool.sh   (env PROMETHEUS_MODULE_VERSION overrides the version)
set -euo pipefail

VERSION=${PROMETHEUS_MODULE_VERSION:-v0.316.0}  # the Go module version of Prometheus 3.16.0
CACHE=${K8S_CACHE:-$HOME/.cache/cipherbox-k8s}
# remove_all_sd (Prometheus >= 3.10) leaves out every service-discovery provider (cloud SDKs,
# client-go): rule checks and rule unit tests need none, and the build is a fraction of the full one.
TAGS=remove_all_sd
OUT="$CACHE/bin/promtool-$VERSION-$TAGS"
mkdir -p "$CACHE/bin"
exec 9>"$OUT.lock"
flock 9
if [ -x "$OUT" ]; then
  echo "$OUT"
  exit 0
fi
echo "build-promtool: building promtool $VERSION (once)" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="$tmp" GOFLAGS=-mod=mod \
  go install -trimpath -tags "$TAGS" -ldflags "-s -w" "github.com/prometheus/prometheus/cmd/promtool@$VERSION"
mv "$tmp/promtool" "$OUT"
echo "$OUT"
