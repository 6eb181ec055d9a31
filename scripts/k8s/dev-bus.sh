#!/usr/bin/env bash
# The dev overlay's event-bus credentials: `pagemesh events users` into deploy/kubernetes/overlays/dev/bus/
# (git-ignored) for the in-cluster Redis (Service `redis`, port 6379): users.acl (the Redis's aclfile, one
# user per part as `pagemesh up --bus redis` makes them), parts.env (each part's PAGEMESH_BUS: the Secret
# pagemesh-bus) and operator.url (for people). Made once and kept while the parts' permissions stay the
# same: new passwords would restart Redis and every bus client for nothing. Made again when this version
# of pagemesh gives a part other commands (an old aclfile would refuse them), or when the directory is
# incomplete (an interrupted run). Delete the directory to rotate them.
set -euo pipefail
cd "$(dirname "$0")/../.."
bus=deploy/kubernetes/overlays/dev/bus
rules() { sed -E 's/ #[0-9a-f]{64} / /' "$1"; }
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
.venv/bin/pagemesh events users --host redis --port 6379 --out "$fresh/bus" >/dev/null
if [ -s "$bus/users.acl" ] && [ -s "$bus/parts.env" ] && [ -s "$bus/operator.url" ]; then
  if [ "$(rules "$bus/users.acl")" = "$(rules "$fresh/bus/users.acl")" ]; then
    exit 0
  fi
  echo "dev-bus: the parts' Redis permissions changed; new bus users in $bus" >&2
fi
rm -rf "$bus"
mv "$fresh/bus" "$bus"
