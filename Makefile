# pagemesh: `make run` starts the whole mesh, `make test` runs every test. Both set everything up first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
TOOLS := $(CURDIR)/.tools/bin
# Hand-written Python that ruff and mypy --strict check (generated code is excluded in pyproject.toml).
PYTHON_DIRS := pagemesh services aggregator compat sdkgen tests bench examples sdk/python
export PATH := $(TOOLS):$(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help setup generate run test lint bench compat sdk sdk-test test-tools image k8s-tools k8s-up k8s-down

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## .venv with pinned Python deps; pinned buf, grpcurl, grpc-health-probe, ghz and SDK plugins in .tools/; chromium, prometheus
	@scripts/setup.sh

generate: setup ## regenerate the Python modules from proto/ into sdk/python/src (git ignores them; never edit them)
	$(PY) sdk/python/codegen.py

run: setup ## start all six services and the aggregator on the default ports (Ctrl-C stops them)
	$(VENV)/bin/pagemesh up

test: setup test-tools ## every test: lint, the compat gate, pytest (generated code, a real Kubernetes cluster...), the SDKs
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory compat
	$(PY) -m pytest
	$(MAKE) --no-print-directory sdk-test

test-tools: setup ## heavy tools only tests need, built once: jaeger (tests/telemetry), the k8s tool chain and images
	@scripts/build-jaeger.sh
	@$(MAKE) --no-print-directory k8s-tools

lint: setup ## ruff, mypy --strict, buf lint and hadolint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy $(wildcard $(PYTHON_DIRS))
	$(TOOLS)/buf lint
	$(VENV)/bin/hadolint Dockerfile deploy/images/*.Containerfile

# The breaking-change gate: proto/ against COMPAT_AGAINST (a git ref or any `pagemesh compat` input); by default
# the merge base with main, or HEAD~1 on main. A repository with a single commit has nothing to break and passes.
COMPAT_AGAINST ?=
COMPAT_FORMAT ?= text
compat: setup ## fail on a breaking change to proto/ (against COMPAT_AGAINST, default: merge base with main)
	$(VENV)/bin/pagemesh compat --gate $(if $(COMPAT_AGAINST),--against '$(COMPAT_AGAINST)') --format $(COMPAT_FORMAT)

sdk: setup ## regenerate the Go SDK's committed code (sdk/go) and docs/reference/ from proto/ (never edit them by hand)
	$(VENV)/bin/pagemesh sdk
	$(PY) -m sdkgen.reference

sdk-test: setup ## build every SDK with its own toolchain (which generates its code) and run the examples and client checks against a live mTLS mesh
	$(PY) -m pytest -p no:cacheprovider tests/sdk/sdk_e2e.py

bench: setup ## benchmarks that print figures (not part of `make test`)
	@for b in bench/[!_]*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Containers and Kubernetes (docs/kubernetes.md). The tool chain is test-only and heavy (Kubernetes is compiled
# from source, about 11 minutes once), so `make setup` never builds it: these targets do, once, into
# .tools/k8s/ (pinned in scripts/tools.env, stamped) and build/k8s/. Running a node needs Linux and root.
image: setup ## the pagemesh image (Dockerfile, on a local Debian base) and the dev datastores' images
	@scripts/k8s/build.sh apt
	@scripts/k8s/image.sh --print-size

k8s-tools: setup ## kustomize and kubeconform; the local cluster's tool chain and images where a node can run
	@scripts/k8s/build.sh validate
	@if [ "$$(uname -s)" = Linux ] && [ "$$(id -u)" = 0 ]; then scripts/k8s/build.sh all && scripts/k8s/image.sh; \
	else echo "k8s-tools: no cluster (a local Kubernetes node needs Linux and root): its tests will skip" >&2; fi

k8s-up: setup ## a local single-node Kubernetes running the dev overlay (prints the KUBECONFIG to use)
	@scripts/k8s/up.sh

k8s-down: ## stop the local cluster and remove every process, mount, bridge and iptables rule it made
	@scripts/k8s/down.sh
