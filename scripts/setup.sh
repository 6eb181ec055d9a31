#!/usr/bin/env bash
# Builds everything pagemesh needs on a fresh machine: the virtualenv with pinned Python
# dependencies, and the pinned CLI tools in .tools/. Safe to re-run: each step is skipped when
# its stamp says the pinned inputs have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=tools.env
source scripts/tools.env

tools=$root/.tools
mkdir -p "$tools/bin" "$tools/stamps"

# up_to_date NAME KEY: true when step NAME last ran with the same KEY.
up_to_date() { [ -f "$tools/stamps/$1" ] && [ "$(cat "$tools/stamps/$1")" = "$2" ]; }
stamp() { printf '%s' "$2" >"$tools/stamps/$1"; }
say() { printf 'setup: %s\n' "$*" >&2; }

# The server and the Python SDK (sdk/python: the modules generated from proto/, which the server imports),
# both editable. Stamps live in .venv itself: .tools/ may be shared between checkouts, a virtualenv is not.
python_key=$(cat pyproject.toml constraints.txt sdk/python/pyproject.toml sdk/python/setup.py | sha256sum | cut -c1-16)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/pagemesh-stamp 2>/dev/null)" != "$python_key" ]; then
  say "virtualenv .venv (pinned by constraints.txt) with pagemesh and pagemesh-client (sdk/python)"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt \
    --config-settings editable_mode=compat -e ./sdk/python -e '.[dev]'
  printf '%s' "$python_key" >.venv/pagemesh-stamp
fi
# The generated Python modules follow proto/ (`make generate` does the same by hand).
generated_key=$(cat sdk/python/codegen.py $(find proto -name '*.proto' | sort) | sha256sum | cut -c1-16)
if [ "$(cat .venv/pagemesh-generated 2>/dev/null)" != "$generated_key" ] \
  || [ ! -f sdk/python/src/pagemesh/client/_services.py ]; then
  say "Python modules generated from proto/ (sdk/python/codegen.py)"
  .venv/bin/python sdk/python/codegen.py >/dev/null
  printf '%s' "$generated_key" >.venv/pagemesh-generated
fi

if ! up_to_date buf "$BUF_VERSION" || [ ! -x "$tools/bin/buf" ]; then
  say "buf $BUF_VERSION (npm @bufbuild/buf)"
  mkdir -p "$tools/npm"
  npm install --prefix "$tools/npm" --no-audit --no-fund --loglevel=error "@bufbuild/buf@$BUF_VERSION" >/dev/null
  ln -sf "$tools/npm/node_modules/.bin/buf" "$tools/bin/buf"
  stamp buf "$BUF_VERSION"
fi

go_tool() { # go_tool NAME MODULE_PATH VERSION
  if ! up_to_date "$1" "$3" || [ ! -x "$tools/bin/$1" ]; then
    say "$1 $3 (go install)"
    GOBIN="$tools/bin" GOFLAGS=-mod=mod go install "$2@$3"
    stamp "$1" "$3"
  fi
}
go_tool grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl "$GRPCURL_VERSION"
go_tool grpc-health-probe github.com/grpc-ecosystem/grpc-health-probe "$GRPC_HEALTH_PROBE_VERSION"
go_tool ghz github.com/bojand/ghz/cmd/ghz "$GHZ_VERSION"

# The Go SDK's generators (`pagemesh sdk`). The Python, TypeScript and Java SDKs pin theirs in their own
# manifests (sdk/python/pyproject.toml, sdk/typescript/package-lock.json, sdk/java/pom.xml).
go_tool protoc-gen-go google.golang.org/protobuf/cmd/protoc-gen-go "$PROTOC_GEN_GO_VERSION"
go_tool protoc-gen-go-grpc google.golang.org/grpc/cmd/protoc-gen-go-grpc "$PROTOC_GEN_GO_GRPC_VERSION"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_get() { as_root apt-get "$@"; }

# The private brokers of the event bus (`pagemesh up --bus redis|kafka`, tests/bus/): Debian's
# redis-server, and the jars of a KRaft-mode Kafka broker from Maven Central, run by the machine's Java.
if [ ! -x /usr/bin/redis-server ]; then
  say "redis-server (apt)"
  apt_get update -qq
  DEBIAN_FRONTEND=noninteractive apt_get install -y -qq --no-install-recommends "$REDIS_APT_PACKAGE" >/dev/null
fi
kafka_key=$(printf '%s %s ' "$KAFKA_VERSION" "$SLF4J_VERSION" | cat - scripts/kafka/pom.xml | sha256sum | cut -c1-16)
if ! up_to_date kafka "$kafka_key" || [ ! -d "$tools/kafka/lib" ]; then
  say "kafka $KAFKA_VERSION jars (Maven Central org.apache.kafka:kafka_2.13)"
  scratch=$(mktemp -d)
  if ! mvn -q -B -Dstyle.color=never -f scripts/kafka/pom.xml dependency:copy-dependencies \
    "-Dkafka.version=$KAFKA_VERSION" "-Dslf4j.version=$SLF4J_VERSION" \
    -DincludeScope=runtime "-DoutputDirectory=$scratch/lib" >"$scratch/mvn.log" 2>&1; then
    cat "$scratch/mvn.log" >&2
    exit 1
  fi
  rm -rf "$tools/kafka"
  mkdir -p "$tools/kafka"
  mv "$scratch/lib" "$tools/kafka/lib"
  rm -rf "$scratch"
  stamp kafka "$kafka_key"
fi

# Debian's chromium, for the aggregator's headless browser test (tests/aggregator/test_browser.py).
if [ ! -x /usr/bin/chromium ]; then
  say "chromium (apt)"
  apt_get update -qq
  DEBIAN_FRONTEND=noninteractive apt_get install -y -qq chromium >/dev/null
fi

# Debian's Prometheus server and promtool: `pagemesh up --prometheus`, tests/telemetry.
if [ ! -x /usr/bin/prometheus ] || [ ! -x /usr/bin/promtool ]; then
  say "prometheus (apt)"
  apt_get update -qq
  DEBIAN_FRONTEND=noninteractive apt_get install -y -qq --no-install-recommends prometheus >/dev/null
fi

# Debian's PostgreSQL server, for `pagemesh up --store postgres` and the storage tests, which run private
# clusters of their own (initdb + pg_ctl): Debian's default cluster is not wanted, so none is created.
if ! compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then
  say "postgresql (apt)"
  if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
    as_root mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  apt_get update -qq
  DEBIAN_FRONTEND=noninteractive apt_get install -y -qq -o Dpkg::Options::=--force-confold postgresql >/dev/null
fi
