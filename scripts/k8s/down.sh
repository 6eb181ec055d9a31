#!/usr/bin/env bash
# `make k8s-down`: stops the cluster `scripts/k8s/up.sh` started from this checkout and removes everything
# it made on the machine: processes, pod sandboxes and their network namespaces, mounts, cgroups, the CNI
# bridge and kube-proxy's and the kubelet's iptables chains. The node's image store stays (build/k8s/), so
# the next `make k8s-up` does not import the images again. Safe to run when nothing is up.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin=$root/.tools/k8s/bin
state=$root/build/k8s/cluster
run=$state/run
bridge=pmk8s0
say() { printf 'k8s-down: %s\n' "$*" >&2; }
[ -d "$run" ] || exit 0
[ "$(id -u)" -eq 0 ] || {
  say "needs root"
  exit 1
}
t0=$SECONDS
export KUBECONFIG=$run/kubeconfig
pid_of() { [ -f "$run/$1.pid" ] && cat "$run/$1.pid"; }
alive() { local p && p=$(pid_of "$1") && kill -0 "$p" 2>/dev/null; }
stop() { # stop NAME...: SIGTERM, then SIGKILL after 10 s
  local name p
  for name in "$@"; do alive "$name" && kill "$(pid_of "$name")" 2>/dev/null; done
  for _ in $(seq 100); do
    p=0
    for name in "$@"; do alive "$name" && p=1; done
    [ $p -eq 0 ] && break
    sleep 0.1
  done
  for name in "$@"; do alive "$name" && kill -9 "$(pid_of "$name")" 2>/dev/null; done
  for name in "$@"; do rm -f "$run/$name.pid"; done
}

# Workloads first, while the kubelet runs, so CNI DEL tears down each pod's veth and namespace.
if alive apiserver && alive kubelet; then
  # Pods keep serving 35 s after deletion (preStop): no reason to wait for that here. A terminating
  # namespace takes no new pods, so the shortened deletions are not replaced.
  "$bin/kubectl" delete namespace pagemesh --wait=false >/dev/null 2>&1
  "$bin/kubectl" -n pagemesh delete pods --all --grace-period=1 --wait=false >/dev/null 2>&1
  "$bin/kubectl" wait --for=delete namespace/pagemesh --timeout=90s >/dev/null 2>&1
fi
stop coredns proxy kubelet scheduler kcm apiserver

# Whatever sandboxes are left (a killed kubelet, a timed-out delete): kill their tasks through containerd.
sock=$state/node/ctrd/containerd.sock
if alive containerd && [ -S "$sock" ]; then
  ctr=("$bin/ctr" --address "$sock" --namespace k8s.io)
  for t in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks kill -s KILL "$t" >/dev/null 2>&1; done
  sleep 1
  for t in $("${ctr[@]}" tasks ls -q 2>/dev/null); do "${ctr[@]}" tasks delete -f "$t" >/dev/null 2>&1; done
  for c in $("${ctr[@]}" containers ls -q 2>/dev/null); do "${ctr[@]}" containers delete "$c" >/dev/null 2>&1; done
  for s in $("${ctr[@]}" sandboxes ls -q 2>/dev/null); do "${ctr[@]}" sandboxes rm -f "$s" >/dev/null 2>&1; done
fi
for p in /proc/[0-9]*; do # shims outlive containerd by design
  [ "$(readlink "$p/exe" 2>/dev/null)" = "$bin/containerd-shim-runc-v2" ] && kill -9 "${p#/proc/}" 2>/dev/null
done
stop containerd etcd

"$bin/kube-proxy" --cleanup >/dev/null 2>&1
for ipt in iptables ip6tables; do
  "$ipt" -D INPUT -j KUBE-FIREWALL 2>/dev/null
  "$ipt" -D OUTPUT -j KUBE-FIREWALL 2>/dev/null
  for table in nat filter mangle; do
    for chain in KUBE-FIREWALL KUBE-KUBELET-CANARY KUBE-IPTABLES-HINT; do
      "$ipt" -t "$table" -F "$chain" 2>/dev/null && "$ipt" -t "$table" -X "$chain" 2>/dev/null
    done
  done
done
# The bridge plugin's own rules (isGateway without ipMasq adds none, but a portmap may have).
for table in nat filter; do
  iptables -t "$table" -S 2>/dev/null | grep -E '^-N CNI-' | awk '{print $2}' | while read -r chain; do
    iptables -t "$table" -F "$chain" 2>/dev/null
  done
done
ip link del "$bridge" 2>/dev/null
# Mounts under the state directory (pod volumes, sandboxes' shm, overlay roots), deepest first.
awk -v s="$state/" 'index($2, s) == 1 {print $2}' /proc/self/mounts | sort -r | while read -r m; do
  umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
done
# Network namespaces the CNI made for pods, should any survive (they are named cni-<uuid>).
for ns in $(ip netns list 2>/dev/null | awk '/^cni-/ {print $1}'); do
  ip netns pids "$ns" 2>/dev/null | grep -q . || ip netns del "$ns" 2>/dev/null
done
for d in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/*/kubepods.slice; do
  [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
done
rm -rf "$state/etcd" "$state/node/kubelet" "$state/node/ctrd/state" "$state/node/cni/ipam" \
  "$state/node/ctrd/containerd.sock"
# The kernel settings as they were before the cluster (bridge netfilter's only while its module is loaded).
if [ -f "$run/sysctl.saved" ]; then
  while IFS== read -r key value; do sysctl -q -w "$key=$value" 2>/dev/null; done <"$run/sysctl.saved"
fi
# Containers' state went with the tasks: keep only the image content and snapshots.
stop lock
rm -rf "$run"
[ "$(cat /run/lock/pagemesh-k8s.lock.owner 2>/dev/null)" = "$root" ] && rm -f /run/lock/pagemesh-k8s.lock.owner
say "stopped and cleaned in $((SECONDS - t0)) s"
