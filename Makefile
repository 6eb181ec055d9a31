# pagemesh: `make run` starts the whole mesh, `make test` runs every test. Both set everything up first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
TOOLS := $(CURDIR)/.tools/bin
# Hand-written Python that ruff and mypy --strict check (generated code is excluded in pyproject.toml).
PYTHON_DIRS := pagemesh services aggregator compat sdkgen tests bench examples sdk/python
export PATH := $(TOOLS):$(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help setup generate run test lint bench compat sdk sdk-test test-tools

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## .venv with pinned Python deps; pinned buf, grpcurl, grpc-health-probe, ghz and SDK plugins in .tools/; chromium, prometheus
	@scripts/setup.sh

generate: setup ## regenerate the Python modules from proto/ into sdk/python/src (git ignores them; never edit them)
	$(PY) sdk/python/codegen.py

run: setup ## start all six services and the aggregator on the default ports (Ctrl-C stops them)
	$(VENV)/bin/pagemesh up

test: setup test-tools ## every test: lint, the compat gate, pytest (generated-code drift included), the SDK end-to-end test
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory compat
	$(PY) -m pytest
	$(MAKE) --no-print-directory sdk-test

test-tools: setup ## heavy tools only tests need, built once: jaeger (the OTLP collector of tests/telemetry)
	@scripts/build-jaeger.sh

lint: setup ## ruff, mypy --strict and buf lint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy $(wildcard $(PYTHON_DIRS))
	$(TOOLS)/buf lint

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
