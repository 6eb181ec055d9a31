#!/usr/bin/env bash
# Re-resolves pyproject.toml's dependencies in a scratch virtualenv and rewrites constraints.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet --disable-pip-version-check '.[dev]'
{
  echo "# Pins for every Python package pagemesh installs (runtime and dev). Regenerate with"
  echo "# scripts/lock.sh after changing pyproject.toml dependencies."
  "$scratch/venv/bin/pip" freeze --exclude pagemesh
} >constraints.txt
