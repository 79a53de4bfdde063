#!/usr/bin/env bash
# Pins what the signer's compose hash measures, after the image is built and pushed:
#   hack/pin-signer-compose.sh --image REPO@sha256:DIGEST | --image REPO:TAG
#                              --authority-public-key HEX64|none
#   hack/pin-signer-compose.sh --app-compose-only      (regenerate app-compose.json, print hash)
# REPO:TAG is resolved to its registry digest with `docker image inspect` (the image must have been
# pushed or pulled, so that Docker knows its RepoDigests). Edits signer/docker-compose.yml (image
# line, --authority-public-key argument), then writes signer/app-compose.json: the dstack app
# manifest embedding that file verbatim, with allowed_envs = [CBX_SIGNER_TOKEN], in dstack's
# normalized form (sorted keys, compact, no trailing newline), so its SHA-256 is the compose hash.
# Prints that hash: put it in TeeEpoch spec.signer.composeHash. A deploy tool that adds fields of
# its own to app-compose.json (a pre-launch script, other defaults) yields another hash: compare
# with the composeHash the CVM attests before approving it (signer/README.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
compose="$root/signer/docker-compose.yml"
app_compose="$root/signer/app-compose.json"
image="" authority="" only=false

die() { echo "pin-signer-compose: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --image) image=${2:-}; shift 2 ;;
    --authority-public-key) authority=${2:-}; shift 2 ;;
    --compose) compose=${2:-}; shift 2 ;;
    --app-compose) app_compose=${2:-}; shift 2 ;;
    --app-compose-only) only=true; shift ;;
    *) die "unknown argument $1" ;;
  esac
done
command -v jq >/dev/null || die "needs jq"
[ -f "$compose" ] || die "no compose file $compose"

if ! $only; then
  [ -n "$image" ] || die "--image REPO@sha256:DIGEST or REPO:TAG is required"
  [ -n "$authority" ] || die "--authority-public-key HEX64|none is required"
  if [[ $image != *@sha256:* ]]; then
    command -v docker >/dev/null || die "docker is needed to resolve $image to a digest"
    repo=${image%:*}
    pinned=$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$image" |
      grep -F "$repo@sha256:" | head -1) || true
    [ -n "$pinned" ] || die "$image has no registry digest for $repo (push it first)"
    image=$pinned
  fi
  [[ $image =~ ^[a-z0-9][a-z0-9._/:-]*@sha256:[0-9a-f]{64}$ ]] || die "bad image reference $image"
  [[ $authority =~ ^([0-9a-f]{64}|none)$ ]] || die "--authority-public-key must be 64 lowercase hex or none"
  grep -qE '^    image: ' "$compose" || die "no image line in $compose"
  grep -qE '"--authority-public-key", "[^"]*"' "$compose" || die "no --authority-public-key in $compose"
  sed -i -E "s#^    image: .*#    image: $image#" "$compose"
  sed -i -E "s#\"--authority-public-key\", \"[^\"]*\"#\"--authority-public-key\", \"$authority\"#" "$compose"
fi

jq -n -S -c -j --rawfile compose "$compose" '{
  manifest_version: 2,
  name: "cipherbox-signer",
  runner: "docker-compose",
  docker_compose_file: $compose,
  allowed_envs: ["CBX_SIGNER_TOKEN"],
  kms_enabled: true,
  gateway_enabled: true,
  local_key_provider_enabled: false,
  public_logs: false,
  public_sysinfo: true,
  public_tcbinfo: true,
  no_instance_id: false
}' > "$app_compose"
echo "image:        $(sed -nE 's/^    image: (.*)/\1/p' "$compose")"
echo "authority:    $(grep -oE '"--authority-public-key", "[^"]*"' "$compose" | cut -d'"' -f4)"
echo "compose hash: $(sha256sum "$app_compose" | cut -d' ' -f1)"
