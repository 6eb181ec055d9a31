#!/bin/sh
# Starts PostgreSQL for pagemesh. On first start (an empty $PGDATA) it makes the cluster and, for every file
# /etc/pagemesh/db-passwords/<service>, a login role <service> with that password and a database <service>
# owned by it that no other role may connect to: each service reaches only its own tables.
# The superuser logs in only over the local socket (peer); every TCP login needs a password (scram-sha-256).
set -eu
PASSWORDS=${PAGEMESH_DB_PASSWORDS:-/etc/pagemesh/db-passwords}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb --pgdata="$PGDATA" --username=postgres --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses='' -k /var/run/postgresql" --wait \
    --silent start
  for file in "$PASSWORDS"/*; do
    [ -f "$file" ] || continue
    service=$(basename "$file")
    case $service in *[!a-z0-9_]* | "") echo "postgres: skipping $file: not a service name" >&2 && continue ;; esac
    # psql's :'var' quoting keeps the password a literal whatever it contains.
    psql --quiet --no-psqlrc --set=ON_ERROR_STOP=1 --host=/var/run/postgresql --username=postgres \
      --dbname=postgres --set=role="$service" --set=password="$(cat "$file")" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
    echo "postgres: database and role '$service' created" >&2
  done
  pg_ctl --pgdata="$PGDATA" --mode=fast --wait --silent stop
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql \
  -c log_destination=stderr -c logging_collector=off
