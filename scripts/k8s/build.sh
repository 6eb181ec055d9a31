#!/usr/bin/env bash
# Builds the test-only Kubernetes tool chain into .tools/k8s/ (issue 14), pinned by scripts/tools.env:
#   - Debian packages the node and the image builds need (runc, CNI plugins, etcd, podman, mmdebstrap...);
#   - kustomize and kubeconform (offline manifest validation);
#   - kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy and kubectl, compiled from
#     k8s.io/kubernetes through the Go module proxy (no release binaries are reachable from here);
#   - containerd 2 (kubelet 1.37 refuses containerd 1.x, which is all Debian 12 has) and CoreDNS.
# The first run compiles for ~11 minutes on 2 cores; every step is stamped, so a second run takes a second.
# GOCACHE and GOMODCACHE live under .tools/k8s/go so that every checkout sharing .tools reuses them.
# Usage: scripts/k8s/build.sh [apt|validate|cluster|all]   (default all)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
# shellcheck source=../tools.env
source scripts/tools.env

what=${1:-all}
tools=$root/.tools
k8s=$tools/k8s
bin=$k8s/bin
mkdir -p "$bin" "$tools/stamps"
# Checkouts share .tools: one build at a time, the others wait and then find it done.
exec 9>"$k8s/.build.lock"
flock 9

up_to_date() { [ -f "$tools/stamps/$1" ] && [ "$(cat "$tools/stamps/$1")" = "$2" ]; }
stamp() { printf '%s' "$2" >"$tools/stamps/$1"; }
say() { printf 'k8s-build: %s\n' "$*" >&2; }

export GOCACHE=$k8s/go/cache GOMODCACHE=$k8s/go/mod GOPATH=$k8s/go/path GOFLAGS=-buildvcs=false GOTOOLCHAIN=local
export CGO_ENABLED=${CGO_ENABLED:-1}

# Debian packages: the node (runc, CNI plugins, iptables, conntrack, etcd) and the image builds (podman and
# its runtime pieces, mmdebstrap for the local base). Debian 12's own versions; their names are the pin.
APT_PACKAGES=(runc containernetworking-plugins iptables conntrack etcd-server
  podman buildah mmdebstrap slirp4netns uidmap fuse-overlayfs netavark aardvark-dns conmon catatonit
  golang-github-containers-common)
apt_packages() {
  local key missing=()
  key=$(printf '%s\n' "${APT_PACKAGES[@]}" | sha256sum | cut -c1-16)
  for p in "${APT_PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ] && up_to_date k8s-apt "$key"; then return; fi
  if [ ${#missing[@]} -gt 0 ]; then
    say "apt: ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then say "installing Debian packages needs root"; exit 1; fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  stamp k8s-apt "$key"
}

go_install() { # go_install NAME VERSION [go install arguments...]: one binary into .tools/k8s/bin
  local name=$1 version=$2
  shift 2
  if ! up_to_date "k8s-$name" "$version" || [ ! -x "$bin/$name" ]; then
    say "$name $version (go install)"
    local t0=$SECONDS
    GOBIN=$bin go install -trimpath -ldflags '-s -w' "$@"
    say "$name built in $((SECONDS - t0)) s"
    stamp "k8s-$name" "$version"
  fi
}

validate_tools() {
  go_install kustomize "$KUSTOMIZE_VERSION" "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
  go_install kubeconform "$KUBECONFORM_VERSION" "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
}

# The Kubernetes components. k8s.io/kubernetes is not meant to be imported: its go.mod replaces every
# k8s.io/* staging module by a local path. A small wrapper module requires it and replaces each staging
# module by its published v0.X.Y twin instead; then `go build k8s.io/kubernetes/cmd/...` works.
KUBE_COMMANDS=(kube-apiserver kubectl kube-controller-manager kube-scheduler kubelet kube-proxy)
kube_components() {
  local key=$KUBERNETES_VERSION missing=0 c
  for c in "${KUBE_COMMANDS[@]}"; do [ -x "$bin/$c" ] || missing=1; done
  if [ $missing -eq 0 ] && up_to_date k8s-kubernetes "$key"; then return; fi
  local staging=v0.${KUBERNETES_VERSION#v1.}
  local src=$k8s/src/kubernetes
  rm -rf "$src"
  mkdir -p "$src"
  say "kubernetes $KUBERNETES_VERSION: resolving modules"
  local upstream_mod
  upstream_mod=$(cd "$src" && go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  {
    printf 'module pagemesh.local/k8s-build\n\ngo %s\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' \
      "$(go env GOVERSION | sed 's/^go//')" "$KUBERNETES_VERSION"
    sed -n 's#^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/src/.*#\t\1 => \1 '"$staging"'#p' "$upstream_mod"
    printf ')\n'
  } >"$src/go.mod"
  local pkgs=()
  for c in "${KUBE_COMMANDS[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c@$KUBERNETES_VERSION"); done
  (cd "$src" && go get "${pkgs[@]}")
  local minor=${KUBERNETES_VERSION#v1.}
  minor=${minor%%.*}
  # Without the version stamps the binaries say v0.0.0-master, which kubectl and kubelet reject or mis-report.
  local ld="-s -w -X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION"
  ld+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
  ld+=" -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES_VERSION"
  for c in "${KUBE_COMMANDS[@]}"; do
    local t0=$SECONDS
    say "$c $KUBERNETES_VERSION (go build)"
    (cd "$src" && go build -trimpath -ldflags "$ld" -o "$bin/$c.new" "k8s.io/kubernetes/cmd/$c")
    mv "$bin/$c.new" "$bin/$c"
    say "$c built in $((SECONDS - t0)) s"
  done
  # pause, the pod sandbox's process, from the same source tree (its image is made by scripts/k8s/image.sh).
  local kdir
  kdir=$(cd "$src" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)
  gcc -Os -static -o "$bin/pause" "$kdir/build/pause/linux/pause.c"
  strip "$bin/pause"
  stamp k8s-kubernetes "$key"
}

cluster_tools() {
  kube_components
  go_install containerd "$CONTAINERD_VERSION" -tags no_btrfs \
    "github.com/containerd/containerd/v2/cmd/containerd@$CONTAINERD_VERSION" \
    "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2@$CONTAINERD_VERSION" \
    "github.com/containerd/containerd/v2/cmd/ctr@$CONTAINERD_VERSION"
  go_install coredns "$COREDNS_VERSION" "github.com/coredns/coredns@$COREDNS_VERSION"
}

t0=$SECONDS
case $what in
apt) apt_packages ;;
validate) validate_tools ;;
cluster) apt_packages && cluster_tools ;;
all) apt_packages && validate_tools && cluster_tools ;;
*)
  echo "usage: $0 [apt|validate|cluster|all]" >&2
  exit 2
  ;;
esac
[ $((SECONDS - t0)) -lt 2 ] || say "done in $((SECONDS - t0)) s"
