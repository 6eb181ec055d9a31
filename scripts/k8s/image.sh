#!/usr/bin/env bash
# Builds the container images the local cluster runs, as OCI archives under build/k8s/images/:
#   pagemesh          the Dockerfile at the root (every part), on a Debian base made here with mmdebstrap
#                     (no image registry is reachable, so python:3.11-slim cannot be pulled);
#   pagemesh-v1only   the same image serving only the v1 APIs: an "older deployment" for the rollout test;
#   postgres, redis   the dev overlay's in-cluster datastores (deploy/images/), on the same base;
#   pause             the pod sandbox (its binary built by scripts/k8s/build.sh from the Kubernetes sources).
# Each archive is stamped with a hash of its inputs: a second run with nothing changed does nothing.
# Usage: scripts/k8s/image.sh [--print-size]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
tools=$root/.tools
k8s=$tools/k8s
out=$root/build/k8s/images
mkdir -p "$out" "$k8s/base"
say() { printf 'k8s-image: %s\n' "$*" >&2; }
# podman on this kind of host: runc (crun cannot run on cgroups v1 hybrid), rlimits below the host's hard
# limits (podman's defaults exceed them and runc cannot raise them without CAP_SYS_RESOURCE).
export CONTAINERS_CONF=$root/scripts/k8s/containers.conf

# The base: a minimal Debian 12 root with Python 3.11, made once per package list and shared by checkouts.
BASE_PACKAGES=python3,python3-venv,ca-certificates
base_key=$(printf '%s|%s' bookworm "$BASE_PACKAGES" | sha256sum | cut -c1-12)
base_ref=localhost/pagemesh-base:bookworm-$base_key
exec 9>"$k8s/base/.lock"
flock 9
if [ ! -s "$k8s/base/$base_key.tar" ]; then
  say "base root file system (mmdebstrap bookworm: $BASE_PACKAGES)"
  t0=$SECONDS
  rm -f "$k8s"/base/*.tar
  # merged-usr hook: the usr-is-merged stub instead of the usrmerge package, which drags in all of perl.
  mmdebstrap --quiet --format=tar --variant=minbase --include="$BASE_PACKAGES" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*.log' \
    bookworm "$k8s/base/$base_key.tar.new" \
    'deb http://deb.debian.org/debian bookworm main' \
    'deb http://deb.debian.org/debian bookworm-updates main' \
    'deb http://deb.debian.org/debian-security bookworm-security main' >"$k8s/base/mmdebstrap.log" 2>&1 ||
    { cat "$k8s/base/mmdebstrap.log" >&2 && exit 1; }
  mv "$k8s/base/$base_key.tar.new" "$k8s/base/$base_key.tar"
  say "base made in $((SECONDS - t0)) s"
fi
if ! podman image exists "$base_ref"; then
  podman import --quiet --change 'CMD ["/bin/bash"]' "$k8s/base/$base_key.tar" "$base_ref" >/dev/null
fi
exec 9>&-

# build NAME KEY_INPUTS... -- PODMAN_BUILD_ARGS...: builds localhost/NAME:dev unless its archive is current
# (the key is the inputs' content and the build arguments; the revision label alone does not rebuild).
build() {
  local name=$1
  shift
  local inputs=()
  while [ "$1" != -- ]; do inputs+=("$1") && shift; done
  shift
  local key
  key=$( (printf '%s\n' "$base_key" "$@" | grep -v '^REVISION=' && cat "${inputs[@]}") | sha256sum | cut -c1-16)
  if [ -s "$out/$name.oci.tar" ] && [ "$(cat "$out/$name.key" 2>/dev/null)" = "$key" ]; then return; fi
  say "image localhost/$name:dev"
  local t0=$SECONDS
  podman build --quiet --layers --build-arg "BASE=$base_ref" -t "localhost/$name:dev" "$@" >/dev/null
  rm -f "$out/$name.oci.tar"
  podman save --quiet --format oci-archive -o "$out/$name.oci.tar" "localhost/$name:dev"
  printf '%s' "$key" >"$out/$name.key"
  say "localhost/$name:dev built in $((SECONDS - t0)) s"
}

# The pagemesh image's inputs: what .dockerignore lets into the context (tracked and untracked files).
mapfile -t sources < <(git ls-files --cached --others --exclude-standard -- \
  Dockerfile .dockerignore pyproject.toml constraints.txt README.md pagemesh services aggregator compat sdkgen \
  proto sdk/python |
  sort | while read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done)
revision=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
build pagemesh "${sources[@]}" -- \
  --secret id=pip-ca,src=/etc/ssl/certs/ca-certificates.crt \
  --build-arg "REVISION=$revision" -f Dockerfile .
build pagemesh-v1only "$out/pagemesh.key" deploy/images/v1only.Containerfile -- \
  --build-arg PAGEMESH_IMAGE=localhost/pagemesh:dev \
  -f deploy/images/v1only.Containerfile deploy/images
build postgres deploy/images/postgres.Containerfile deploy/images/postgres-entrypoint.sh -- \
  -f deploy/images/postgres.Containerfile deploy/images
build redis deploy/images/redis.Containerfile -- -f deploy/images/redis.Containerfile deploy/images

# pause: one static binary, imported as an image (as the recipe does; the upstream image cannot be pulled).
# Only for the cluster: skipped until `scripts/k8s/build.sh cluster` has built the binary.
pause_key=
[ -x "$k8s/bin/pause" ] && pause_key=$(sha256sum "$k8s/bin/pause" | cut -c1-16)
if [ -n "$pause_key" ] && { [ ! -s "$out/pause.oci.tar" ] || [ "$(cat "$out/pause.key" 2>/dev/null)" != "$pause_key" ]; }; then
  scratch=$(mktemp -d)
  install -m 0755 "$k8s/bin/pause" "$scratch/pause"
  tar -C "$scratch" -cf "$scratch/pause.tar" pause
  podman import --quiet --change 'ENTRYPOINT ["/pause"]' --change 'USER 65535:65535' \
    "$scratch/pause.tar" localhost/pause:3.10 >/dev/null
  rm -rf "$scratch" "$out/pause.oci.tar"
  podman save --quiet --format oci-archive -o "$out/pause.oci.tar" localhost/pause:3.10
  printf '%s' "$pause_key" >"$out/pause.key"
fi

if [ "${1:-}" = --print-size ]; then
  for name in pagemesh postgres redis; do
    printf '%-10s %s\n' "$name" "$(podman image inspect --format '{{.Size}}' "localhost/$name:dev" |
      awk '{printf "%.0f MB", $1 / 1e6}')"
  done
fi
