#!/usr/bin/env bash
# The dev overlay's identities: `pagemesh certs` into deploy/kubernetes/overlays/dev/pki/ (git-ignored),
# for the namespace the overlay deploys to, made when missing and renewed when older than 12 hours (they
# live 24). The CA is kept, so renewal rotates the parts' certificates without disturbing their trust.
set -euo pipefail
cd "$(dirname "$0")/../.."
pki=deploy/kubernetes/overlays/dev/pki
if [ -s "$pki/history-key.pem" ] && [ -z "$(find "$pki" -name '*.pem' -mmin +720 -print -quit)" ]; then
  exit 0
fi
PAGEMESH_NAMESPACE=pagemesh .venv/bin/pagemesh certs --out "$pki" >/dev/null
