#!/usr/bin/env bash
# Builds the project's images without Docker and without any registry, for the local node
# (hack/node.sh): podman/buildah from Debian, a Debian base made by mmdebstrap from the Debian
# mirror of the apt sources, tagged as the names the Dockerfiles start FROM, then
# operator/Dockerfile, signer/Dockerfile and hack/routing-server/Dockerfile exactly as Docker users
# build them. Each image is saved as a docker-archive under $K8S_CACHE/images for `ctr import`.
# Podman's storage is a cache under $K8S_CACHE/containers (layers persist). The compilers inside
# the builds keep their caches in the host's: the Dockerfiles' ccache cache mount is the host's
# ccache directory, and the routing image's RUN steps see the host's Go module and build caches
# (-v; the image's content is the same, the caches stay out of its layers). These are the caches
# CI keeps between runs, so a warm CI machine recompiles only what changed.
# RUN steps use the host network (no podman bridge, no NAT, no ip_forward change), and every
# mount the build made is undone before exit.
# usage: hack/node-images.sh [all|base|images|list]   (all = base + images; list prints the tars)
# env: IMAGE_TAG (default node), K8S_CACHE, CCACHE_DIR (default ~/.cache/ccache), GOCACHE and
#      GOMODCACHE (default: go env), DEBIAN_MIRROR / DEBIAN_SECURITY_MIRROR (default: the apt
#      sources), CBX_IMAGES_LOG (append build output here instead of stderr).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${K8S_CACHE:-$HOME/.cache/cipherbox-k8s}
TAG=${IMAGE_TAG:-node}
OUT=$CACHE/images
PODMAN_HOME=$CACHE/containers
SUITE=bookworm
# name, Dockerfile (relative to the repository root), the host caches its build uses; the context
# is the repository root.
IMAGES=(
  "cipherbox-republish operator/Dockerfile ccache"
  "cipherbox-signer signer/Dockerfile ccache"
  "cipherbox-routing-server hack/routing-server/Dockerfile go"
)
CCACHE_HOST=${CCACHE_DIR:-$HOME/.cache/ccache}
# Where the Dockerfiles' `RUN --mount=type=cache,target=/root/.cache/ccache` lives in buildah
# (TMPDIR/buildah-cache/<target>, buildah 1.28).
CCACHE_MOUNT=$PODMAN_HOME/tmp/buildah-cache/root/.cache/ccache
log() { echo "node-images: $*" >&2; }
die() { log "error: $*"; exit 1; }

# The build tools from Debian, installed when missing (hack/node-prebuild.sh may run before
# hack/node.sh has installed the node's packages).
TOOLS=(podman buildah mmdebstrap catatonit)
install_tools() {
  local missing=() p
  for p in "${TOOLS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "apt-get install ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
}

mkdir -p "$OUT" "$PODMAN_HOME"
exec 7>"$OUT/.lock"
flock 7

# --- podman without a daemon, a registry or systemd ------------------------------------------
write_podman_config() {
  mkdir -p "$PODMAN_HOME/tmp" "$PODMAN_HOME/run/libpod"
  cat >"$PODMAN_HOME/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PODMAN_HOME/run/libpod/events.log"
tmp_dir = "$PODMAN_HOME/run/libpod"
image_copy_tmp_dir = "$PODMAN_HOME/tmp"
EOF
  # No search registries: a short name resolves to local storage or fails (never a pull).
  cat >"$PODMAN_HOME/registries.conf" <<'EOF'
unqualified-search-registries = []
short-name-mode = "disabled"
EOF
}

# TMPDIR: buildah keeps RUN --mount=type=cache directories under it (buildah-cache-UID).
podman_() {
  TMPDIR=$PODMAN_HOME/tmp CONTAINERS_CONF=$PODMAN_HOME/containers.conf CONTAINERS_REGISTRIES_CONF=$PODMAN_HOME/registries.conf \
    podman --root "$PODMAN_HOME/storage" --runroot "$PODMAN_HOME/run" --storage-driver overlay \
    --cgroup-manager cgroupfs --events-backend file "$@"
}

# Podman's overlay driver mounts its own directories; undo every mount under its dirs on exit.
unmount_podman() {
  local m
  for m in $(findmnt -rn -o TARGET | grep -E "^($PODMAN_HOME)(/|$)" | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
}
# runc's state dir: removed again if this script made it and left it empty.
RUNC_ROOT_EXISTED=0
[ -e /run/runc ] && RUNC_ROOT_EXISTED=1
cleanup() {
  unmount_podman
  [ "$RUNC_ROOT_EXISTED" = 1 ] || rmdir /run/runc 2>/dev/null || true
}
trap cleanup EXIT

has_image() { podman_ image exists "$1"; }

# The Dockerfiles' ccache cache mount becomes the host's ccache directory (a symlink buildah
# follows). An older cache-mount directory is merged into it once.
link_ccache_mount() {
  mkdir -p "$CCACHE_HOST" "$(dirname "$CCACHE_MOUNT")"
  [ "$(readlink "$CCACHE_MOUNT" 2>/dev/null)" = "$CCACHE_HOST" ] && return
  if [ -d "$CCACHE_MOUNT" ] && [ ! -L "$CCACHE_MOUNT" ]; then
    cp -a --no-clobber "$CCACHE_MOUNT"/. "$CCACHE_HOST"/ 2>/dev/null || true
    rm -rf "$CCACHE_MOUNT"
  fi
  ln -sfn "$CCACHE_HOST" "$CCACHE_MOUNT"
}

# podman build arguments that give a build the host's caches (see IMAGES).
cache_args() {
  case "$1" in
    ccache) link_ccache_mount ;;
    go)
      local gocache gomodcache
      gocache=${GOCACHE:-$(go env GOCACHE)}
      gomodcache=${GOMODCACHE:-$(go env GOMODCACHE)}
      mkdir -p "$gocache" "$gomodcache"
      echo "-v $gocache:/root/.cache/go-build -v $gomodcache:/go/pkg/mod"
      ;;
  esac
}

# --- the base images the Dockerfiles start FROM ------------------------------------------------
apt_uri() { # suite: the first URI of the apt sources serving it
  local suite=$1
  {
    # deb822 sources: URIs + Suites stanzas
    awk -v s="$suite" 'BEGIN{RS=""} /Types:[^\n]*deb/ {u=""; m=0; n=split($0, l, "\n");
      for (i=1;i<=n;i++) { if (l[i] ~ /^URIs:/) {split(l[i], a, " "); u=a[2]}
        if (l[i] ~ /^Suites:/) {k=split(l[i], b, " "); for (j=2;j<=k;j++) if (b[j]==s) m=1} }
      if (m && u != "") print u}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true
    # one-line sources
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk -v s="$suite" '$1=="deb" {for (i=2;i<=NF;i++) if ($i !~ /^\[/) {if ($(i+1)==s) print $i; break}}' || true
  } | head -1
}

build_debian_base() {
  if has_image docker.io/library/debian:$SUITE && has_image docker.io/library/debian:$SUITE-slim; then return; fi
  local mirror security tmp start=$SECONDS
  mirror=${DEBIAN_MIRROR:-$(apt_uri $SUITE)}
  security=${DEBIAN_SECURITY_MIRROR:-$(apt_uri $SUITE-security)}
  [ -n "$mirror" ] || die "no Debian mirror for $SUITE in the apt sources (set DEBIAN_MIRROR)"
  tmp=$(mktemp -d "$CACHE/mmdebstrap.XXXXXX")
  log "mmdebstrap $SUITE from $mirror"
  local sources=("deb $mirror $SUITE main" "deb $mirror $SUITE-updates main")
  [ -z "$security" ] || sources+=("deb $security $SUITE-security main")
  mmdebstrap --quiet --variant=minbase --include=ca-certificates "$SUITE" "$tmp/rootfs.tar" "${sources[@]}"
  podman_ import --change 'CMD ["bash"]' "$tmp/rootfs.tar" "localhost/cbx-debian:$SUITE" >/dev/null
  rm -rf "$tmp"
  # debian:bookworm and debian:bookworm-slim differ only in docs and locales; one base serves both.
  podman_ tag "localhost/cbx-debian:$SUITE" "docker.io/library/debian:$SUITE" "docker.io/library/debian:$SUITE-slim"
  log "Debian base image in $((SECONDS - start)) s"
}

# golang:1.26-bookworm: the Debian base plus this host's Go toolchain (same minor as the tag) and
# this host's CA bundle (`go mod download` in a build must trust what the host trusts).
build_golang_base() {
  local goroot minor name ca
  goroot=$(go env GOROOT)
  minor=$(go env GOVERSION | sed -n 's/^go\([0-9]*\.[0-9]*\).*/\1/p')
  name=docker.io/library/golang:$minor-$SUITE
  ca=$(sha256sum </etc/ssl/certs/ca-certificates.crt | cut -c1-16)
  has_image "$name" && [ "$(podman_ image inspect --format '{{index .Labels "cbx.ca"}}' "$name")" = "$ca" ] && return
  log "image $name from the Debian base and $goroot"
  local ctx
  ctx=$(mktemp -d "$CACHE/golang-ctx.XXXXXX")
  cp -a "$goroot" "$ctx/go"
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/ca-certificates.crt"
  rm -rf "$ctx/go/pkg/obj" "$ctx/go/test"
  cat >"$ctx/Dockerfile" <<EOF
FROM docker.io/library/debian:$SUITE
COPY go /usr/local/go
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV GOLANG_VERSION=$(go env GOVERSION) GOPATH=/go GOTOOLCHAIN=local GOPROXY=$(go env GOPROXY) \
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go
EOF
  podman_ build --pull=never --network=host -q --label "cbx.ca=$ca" -t "$name" "$ctx" >/dev/null
  rm -rf "$ctx"
}

# gcr.io/distroless/static-debian12:nonroot: CA certificates, tzdata, passwd with nonroot=65532.
build_distroless_base() {
  local name=gcr.io/distroless/static-debian12:nonroot ctx
  has_image "$name" && return
  log "image $name from the Debian base"
  ctx=$(mktemp -d "$CACHE/distroless-ctx.XXXXXX")
  cat >"$ctx/Dockerfile" <<EOF
FROM docker.io/library/debian:$SUITE AS files
RUN mkdir -p /out/etc/ssl/certs /out/tmp /out/home/nonroot \
 && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/ \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >/out/etc/passwd \
 && printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >/out/etc/group \
 && chmod 1777 /out/tmp && chown 65532:65532 /out/home/nonroot
FROM scratch
COPY --from=files /out/ /
USER 65532
WORKDIR /home/nonroot
EOF
  podman_ build --pull=never --network=host -q -t "$name" "$ctx" >/dev/null
  rm -rf "$ctx"
}

# The pause image of every pod sandbox: Debian's static catatonit as PID 1 (-P: pause mode).
build_pause() {
  local name=localhost/cbx-pause:1 ctx
  has_image "$name" || {
    ctx=$(mktemp -d "$CACHE/pause-ctx.XXXXXX")
    cp /usr/bin/catatonit "$ctx/catatonit"
    printf 'FROM scratch\nCOPY catatonit /catatonit\nUSER 65535:65535\nENTRYPOINT ["/catatonit", "-P"]\n' >"$ctx/Dockerfile"
    podman_ build --pull=never --network=none -q -t "$name" "$ctx" >/dev/null
    rm -rf "$ctx"
  }
  save_image "$name" cbx-pause
}

# Saves IMAGE as $OUT/FILE.tar unless the tar already holds this image ID.
save_image() {
  local image=$1 file=$2 id
  id=$(podman_ image inspect --format '{{.Id}}' "$image")
  [ -f "$OUT/$file.tar" ] && [ "$(cat "$OUT/$file.id" 2>/dev/null)" = "$id" ] && return
  podman_ save --format docker-archive -o "$OUT/$file.tar.tmp" "$image" >/dev/null
  mv "$OUT/$file.tar.tmp" "$OUT/$file.tar"
  echo "$id" >"$OUT/$file.id"
}

build_project_images() {
  local entry name file caches start ignore
  for entry in "${IMAGES[@]}"; do
    read -r name file caches <<<"$entry"
    start=$SECONDS
    ignore=()
    [ -f "$ROOT/$file.dockerignore" ] && ignore=(--ignorefile "$ROOT/$file.dockerignore")
    log "building $name:$TAG from $file"
    # shellcheck disable=SC2046  # cache_args prints whole words (paths without spaces)
    podman_ build --pull=never --network=host --layers "${ignore[@]}" $(cache_args "$caches") \
      -f "$ROOT/$file" -t "localhost/$name:$TAG" "$ROOT" >&2 \
      || die "podman build of $file failed"
    save_image "localhost/$name:$TAG" "$name"
    log "$name:$TAG ready in $((SECONDS - start)) s"
  done
  # Dangling intermediate images of older builds would grow the cache without bound.
  podman_ image prune -f >/dev/null 2>&1 || true
}

bases() {
  install_tools
  write_podman_config
  build_debian_base
  build_golang_base
  build_distroless_base
  build_pause
}

[ -z "${CBX_IMAGES_LOG:-}" ] || exec 2>>"$CBX_IMAGES_LOG"
case "${1:-all}" in
  base) bases ;;
  images) install_tools; write_podman_config; build_project_images ;;
  all) bases; build_project_images ;;
  list) ls "$OUT"/*.tar ;;
  *) echo "usage: $0 [all|base|images|list]" >&2; exit 2 ;;
esac
