#!/usr/bin/env bash
# Starts in the background, at low priority, the slow builds a fresh machine needs: promtool
# (chart_prometheus_rules waits for it through its lock), and for the node e2e the node's Go
# binaries (hack/build-node-bins.sh) and the images (hack/node-images.sh, C++
# compiled inside the image builds). `make test` calls it first, so they build while the unit,
# interop and integration suites run; hack/node.sh waits for them through their locks. A warm
# machine finishes in seconds. Needs root (podman, mounts); does nothing otherwise.
# usage: hack/node-prebuild.sh LOG_FILE
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG=${1:?usage: $0 LOG_FILE}
if [ "$(id -u)" -ne 0 ] || [ "${CBX_SKIP_NODE:-0}" = 1 ]; then exit 0; fi
mkdir -p "$(dirname "$LOG")"
nohup nice -n 10 bash -c 'start=$SECONDS
  "$1/build-promtool.sh" >/dev/null && echo "promtool ready after $((SECONDS - start)) s"
  "$1/build-node-bins.sh" >/dev/null && echo "node binaries ready after $((SECONDS - start)) s"
  "$1/node-images.sh" all && echo "images ready after $((SECONDS - start)) s"' _ "$HERE" \
  >"$LOG" 2>&1 </dev/null &
echo "node-prebuild: building the node binaries and images in the background (log: $LOG)" >&2
