#!/usr/bin/env bash
# Builds Jaeger v2 (an OpenTelemetry Collector distribution with an in-memory store and a query API) into
# .tools/bin/jaeger: the real OTLP collector that tests/telemetry/test_otlp.py sends spans to. It is
# test-only and heavy (several minutes of CPU, once), so `make test` builds it, not `make setup`.
# Jaeger's go.mod has replace directives, which `go install pkg@version` refuses: it is built from a
# scratch module that requires it as a tool instead. Skipped when the stamp says this version is built.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools.env
source scripts/tools.env
tools=$PWD/.tools
stamp=$tools/stamps/jaeger
if [ -x "$tools/bin/jaeger" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$JAEGER_VERSION" ]; then
  exit 0
fi
printf 'setup: jaeger %s (go build, a few minutes the first time)\n' "$JAEGER_VERSION" >&2
mkdir -p "$tools/bin" "$tools/stamps"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
go mod init pagemesh-tools/jaeger >/dev/null 2>&1
GOFLAGS=-mod=mod go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@$JAEGER_VERSION" >/dev/null 2>&1
GOFLAGS=-mod=mod go build -o "$tools/bin/jaeger" github.com/jaegertracing/jaeger/cmd/jaeger
printf '%s' "$JAEGER_VERSION" >"$stamp"
