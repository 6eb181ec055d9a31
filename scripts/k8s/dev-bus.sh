#!/usr/bin/env bash
# The dev overlay's event-bus credentials: `pagemesh events users` into deploy/kubernetes/overlays/dev/bus/
# (git-ignored) for the in-cluster Redis (Service `redis`, port 6379): users.acl (the Redis's aclfile, one
# user per part as `pagemesh up --bus redis` makes them), parts.env (each part's PAGEMESH_BUS: the Secret
# pagemesh-bus) and operator.url (for people). Made once and kept: new passwords would restart Redis and
# every bus client for nothing. Delete the directory to rotate them.
set -euo pipefail
cd "$(dirname "$0")/../.."
bus=deploy/kubernetes/overlays/dev/bus
if [ -s "$bus/users.acl" ] && [ -s "$bus/parts.env" ] && [ -s "$bus/operator.url" ]; then
  exit 0
fi
# A directory left incomplete (an interrupted run) is made again whole.
.venv/bin/pagemesh events users --host redis --port 6379 --out "$bus" --replace >/dev/null
