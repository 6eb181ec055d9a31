#!/usr/bin/env bash
# `make k8s-up`: a real single-node Kubernetes on this machine, with the mesh's dev overlay rolled out.
#
# etcd (Debian), kube-apiserver, kube-controller-manager, kube-scheduler, containerd 2, kubelet, kube-proxy
# (iptables) and CoreDNS, all on 127.0.0.1 or on a private CNI bridge (10.244.0.1/24, which is also the
# node's address: the kubelet needs a non-loopback one). Ports on 127.0.0.1 are picked free. The tool chain
# and images are built first when missing (scripts/k8s/build.sh, scripts/k8s/image.sh).
#
# The node's iptables chains, cgroups and bridge are machine-wide, so one such cluster runs per machine:
# a lock (/run/lock/pagemesh-k8s.lock) is held as long as it runs. Another checkout's cluster is waited
# for up to PAGEMESH_K8S_LOCK_WAIT seconds (default 0). This checkout's own running cluster is reused.
# State and logs: build/k8s/cluster/; `scripts/k8s/down.sh` removes everything this made.
#
# Usage: scripts/k8s/up.sh [--no-deploy]   (prints `export KUBECONFIG=...` when done)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin=$root/.tools/k8s/bin
state=$root/build/k8s/cluster
images=$root/build/k8s/images
run=$state/run
lock=/run/lock/pagemesh-k8s.lock
bridge=pmk8s0
gateway=10.244.0.1
pod_cidr=10.244.0.0/24
service_cidr=10.96.0.0/16
node=pagemesh-node
say() { printf 'k8s-up: %s\n' "$*" >&2; }
fail() {
  say "$*"
  exit 1
}
deploy=1
[ "${1:-}" = --no-deploy ] && deploy=0

[ "$(uname -s)" = Linux ] || fail "needs Linux"
[ "$(id -u)" -eq 0 ] || fail "needs root (a node makes network namespaces, mounts, cgroups and iptables rules)"
t_start=$SECONDS
scripts/k8s/build.sh all
scripts/k8s/image.sh

export KUBECONFIG=$run/kubeconfig
kubectl() { "$bin/kubectl" "$@"; }
alive() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

running=0
if alive apiserver && alive kubelet && kubectl get --raw /readyz >/dev/null 2>&1; then
  running=1
  say "reusing this checkout's running cluster"
fi

if [ $running -eq 0 ]; then
  # Leftovers of a cluster that was not taken down (a killed test run): clear them first.
  [ -d "$run" ] && scripts/k8s/down.sh
  exec 8>"$lock"
  if ! flock -w "${PAGEMESH_K8S_LOCK_WAIT:-0}" 8; then
    fail "another pagemesh cluster runs on this machine (from $(cat "$lock.owner" 2>/dev/null || echo '?')); \
run \`make k8s-down\` there first"
  fi
  mkdir -p "$run" "$state/logs" "$state/etcd" "$state/node/kubelet" "$state/node/ctrd" "$state/node/cni/net.d"
  # The lock lives as long as this holder process: `down.sh` ends it last.
  setsid sleep infinity >/dev/null 2>&1 &
  echo $! >"$run/lock.pid"
  exec 8>&-
  printf '%s\n' "$root" >"$lock.owner"
  # kube-proxy and the kubelet turn on forwarding, bridge netfilter and route_localnet: down.sh puts back
  # what the machine had before.
  for key in net.ipv4.ip_forward net.ipv4.conf.all.route_localnet net.bridge.bridge-nf-call-iptables \
    net.bridge.bridge-nf-call-ip6tables; do
    value=$(sysctl -n "$key" 2>/dev/null) && printf '%s=%s\n' "$key" "$value"
  done >"$run/sysctl.saved"

  # Eight distinct free ports from one process (free_port never hands out the same port twice).
  read -r api_port etcd_port etcd_peer kcm_port sched_port proxy_metrics proxy_health kubelet_health < <(
    "$root/.venv/bin/python" -c 'from pagemesh.runtime import free_port; print(*(free_port() for _ in range(8)))')
  printf 'api_port=%s\n' "$api_port" >"$run/ports"
  bg() { # bg NAME COMMAND...: a daemon in its own session, its pid and log in the state directory
    local name=$1
    shift
    setsid "$@" >"$state/logs/$name.log" 2>&1 </dev/null &
    echo $! >"$run/$name.pid"
  }
  t0=$SECONDS
  [ -f "$run/sa.key" ] || openssl genrsa -out "$run/sa.key" 2048 2>/dev/null
  openssl rsa -in "$run/sa.key" -pubout -out "$run/sa.pub" 2>/dev/null
  token=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  printf '%s,admin,admin,"system:masters"\n' "$token" >"$run/tokens.csv"
  chmod 600 "$run/tokens.csv" "$run/sa.key"
  # The apiserver proves itself to the kubelet (logs, exec) with a client certificate of a CA only the
  # kubelet trusts; anonymous calls to the kubelet, which pods could reach on the bridge, are refused.
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=pagemesh-kubelet-client-ca \
    -keyout "$run/kubelet-ca.key" -out "$run/kubelet-ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj /O=system:masters/CN=kube-apiserver \
    -keyout "$run/apiserver-kubelet-client.key" -out "$run/apiserver-kubelet-client.csr" 2>/dev/null
  openssl x509 -req -in "$run/apiserver-kubelet-client.csr" -CA "$run/kubelet-ca.crt" -CAkey "$run/kubelet-ca.key" \
    -CAcreateserial -days 2 -out "$run/apiserver-kubelet-client.crt" 2>/dev/null
  kubectl config set-cluster pagemesh --server="https://127.0.0.1:$api_port" \
    --certificate-authority="$run/certs/apiserver.crt" >/dev/null
  kubectl config set-credentials admin --token="$token" >/dev/null
  kubectl config set-context pagemesh --cluster=pagemesh --user=admin --namespace=pagemesh >/dev/null
  kubectl config use-context pagemesh >/dev/null
  chmod 600 "$KUBECONFIG"

  bg etcd etcd --name pagemesh --data-dir "$state/etcd/data" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "pagemesh=http://127.0.0.1:$etcd_peer"
  # The apiserver makes a self-signed serving certificate for 127.0.0.1 in --cert-dir; kubectl trusts it.
  bg apiserver "$bin/kube-apiserver" --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
    --cert-dir="$run/certs" --token-auth-file="$run/tokens.csv" --authorization-mode=Node,RBAC \
    --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$run/sa.pub" \
    --service-account-signing-key-file="$run/sa.key" --service-cluster-ip-range="$service_cidr" \
    --endpoint-reconciler-type=none --kubelet-preferred-address-types=InternalIP \
    --kubelet-client-certificate="$run/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$run/apiserver-kubelet-client.key"
  for _ in $(seq 240); do kubectl get --raw /readyz >/dev/null 2>&1 && break || sleep 0.5; done
  kubectl get --raw /readyz >/dev/null || fail "kube-apiserver is not ready: see $state/logs/apiserver.log"
  say "apiserver ready in $((SECONDS - t0)) s"

  common=(--kubeconfig="$KUBECONFIG" --authentication-kubeconfig="$KUBECONFIG"
    --authorization-kubeconfig="$KUBECONFIG" --bind-address=127.0.0.1 --leader-elect=false)
  bg kcm "$bin/kube-controller-manager" "${common[@]}" --secure-port="$kcm_port" \
    --service-account-private-key-file="$run/sa.key" --root-ca-file="$run/certs/apiserver.crt" \
    --use-service-account-credentials=false --controllers='*,-nodeipam'
  bg scheduler "$bin/kube-scheduler" "${common[@]}" --secure-port="$sched_port"

  # The bridge exists before the kubelet, kube-proxy and CoreDNS start: its gateway is their address.
  ip link show "$bridge" >/dev/null 2>&1 || {
    ip link add "$bridge" type bridge
    ip addr add "$gateway/24" dev "$bridge"
    ip link set "$bridge" up
  }
  cat >"$state/node/cni/net.d/10-pagemesh.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "pagemesh-pods",
  "plugins": [
    {"type": "bridge", "bridge": "$bridge", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$pod_cidr"}]], "routes": [{"dst": "0.0.0.0/0"}],
              "dataDir": "$state/node/cni/ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "loopback"}
  ]
}
EOF
  # containerd's defaults, moved under the state directory; runc (crun fails on cgroups v1 hybrid); no
  # AppArmor; oom_score_adj only raised (no CAP_SYS_RESOURCE here); our pause image; Debian's CNI plugins.
  "$bin/containerd" config default |
    sed -e "s#^root = .*#root = '$state/node/ctrd/root'#" \
      -e "s#^state = .*#state = '$state/node/ctrd/state'#" \
      -e "s#^\(  *address = \)'/run/containerd/containerd.sock'#\1'$state/node/ctrd/containerd.sock'#" \
      -e "s#^\(  *sandbox = \).*#\1'localhost/pause:3.10'#" \
      -e "s#^\(  *disable_apparmor = \).*#\1true#" \
      -e "s#^\(  *restrict_oom_score_adj = \).*#\1true#" \
      -e "s#^\(  *BinaryName = \)''#\1'/usr/sbin/runc'#" \
      -e "s#^\(  *bin_dirs = \).*#\1['/usr/lib/cni']#" \
      -e "s#^\(  *conf_dir = \)'/etc/cni/net.d'#\1'$state/node/cni/net.d'#" >"$state/node/ctrd/config.toml"
  PATH=$bin:$PATH bg containerd "$bin/containerd" --config "$state/node/ctrd/config.toml"
  sock=$state/node/ctrd/containerd.sock
  for _ in $(seq 80); do [ -S "$sock" ] && break || sleep 0.25; done
  [ -S "$sock" ] || fail "containerd did not start: see $state/logs/containerd.log"

  cat >"$state/node/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication: {anonymous: {enabled: false}, webhook: {enabled: false}, x509: {clientCAFile: $run/kubelet-ca.crt}}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$sock
address: $gateway
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $kubelet_health
podLogsDir: $state/node/kubelet/pod-logs
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
resolvConf: /etc/resolv.conf
clusterDNS: ["$gateway"]
clusterDomain: cluster.local
EOF
  PATH=$bin:$PATH bg kubelet "$bin/kubelet" --config="$state/node/kubelet/config.yaml" --kubeconfig="$KUBECONFIG" \
    --root-dir="$state/node/kubelet/root" --hostname-override="$node" --node-ip="$gateway" \
    --cert-dir="$state/node/kubelet/pki"
  bg proxy "$bin/kube-proxy" --kubeconfig="$KUBECONFIG" --hostname-override="$node" --cluster-cidr="$pod_cidr" \
    --proxy-mode=iptables --conntrack-max-per-core=0 --bind-address="$gateway" \
    --nodeport-addresses=primary --iptables-localhost-nodeports=false \
    --metrics-bind-address="127.0.0.1:$proxy_metrics" --healthz-bind-address="127.0.0.1:$proxy_health"
  # CoreDNS on the host, on the bridge's address, answering from the API (no pod, no image needed).
  cat >"$state/Corefile" <<EOF
.:53 {
    bind $gateway
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $KUBECONFIG pagemesh
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
}
EOF
  bg coredns "$bin/coredns" -conf "$state/Corefile"
  for _ in $(seq 240); do kubectl get node "$node" >/dev/null 2>&1 && break || sleep 0.5; done
  kubectl wait --for=condition=Ready "node/$node" --timeout=120s >/dev/null ||
    fail "the node is not Ready: see $state/logs/kubelet.log"
  say "cluster up in $((SECONDS - t0)) s"
fi

# Images: imported into the node's containerd when their archive changed (the store outlives the cluster).
ctr=("$bin/ctr" --address "$state/node/ctrd/containerd.sock" --namespace k8s.io)
changed=()
for archive in "$images"/*.oci.tar; do
  name=$(basename "$archive" .oci.tar)
  key=$(cat "$images/$name.key")
  if [ "$(cat "$state/node/ctrd/$name.imported" 2>/dev/null)" != "$key" ]; then
    "${ctr[@]}" images import "$archive" >/dev/null
    printf '%s' "$key" >"$state/node/ctrd/$name.imported"
    changed+=("$name")
  fi
done

if [ $deploy -eq 1 ]; then
  scripts/k8s/dev-certs.sh
  scripts/k8s/dev-bus.sh
  t0=$SECONDS
  kubectl apply -k deploy/kubernetes/overlays/dev >/dev/null
  # Running pods keep the image they started with: when an image was rebuilt under the same tag, roll
  # the mesh onto it.
  if [ $running -eq 1 ]; then
    for name in "${changed[@]}"; do
      case $name in
      pagemesh) selector='app.kubernetes.io/component in (backend,aggregator)' ;;
      postgres | redis) selector=app.kubernetes.io/name=$name ;;
      *) continue ;;
      esac
      kubectl -n pagemesh rollout restart deployment -l "$selector" >/dev/null
    done
  fi
  for d in $(kubectl -n pagemesh get deployments -o name); do
    kubectl -n pagemesh rollout status "$d" --timeout=300s >/dev/null ||
      fail "$d did not roll out: kubectl -n pagemesh describe $d"
  done
  say "mesh ready $((SECONDS - t0)) s after kubectl apply"
fi
say "done in $((SECONDS - t_start)) s"
printf 'export KUBECONFIG=%s\n' "$KUBECONFIG"
