#!/bin/sh
# Starts PostgreSQL for pagemesh's dev overlay. On first start (an empty $PGDATA) it makes the cluster and,
# for each service named in $PAGEMESH_DB_SERVICES, the database and two roles that pagemesh's storage expects
# of any server (docs/storage.md, "Roles: least privilege"):
#   pagemesh_<service>_owner  owns the database pagemesh_<service> and its tables (migrations and seed);
#   pagemesh_<service>        connects to that database only; SELECT on its tables (also INSERT, UPDATE,
#                             DELETE for the services in $PAGEMESH_DB_WRITERS); no DDL.
# Passwords are the files <service>-owner and <service> in /etc/pagemesh/db-passwords (a Secret). The
# superuser logs in only over the local socket (peer); every TCP login needs a password (scram-sha-256).
set -eu
PASSWORDS=${PAGEMESH_DB_PASSWORDS:-/etc/pagemesh/db-passwords}
SOCKET=/var/run/postgresql

sql() { # sql DATABASE [psql options...] < statements
  database=$1
  shift
  psql --quiet --no-psqlrc --set=ON_ERROR_STOP=1 --host="$SOCKET" --username=postgres --dbname="$database" "$@"
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb --pgdata="$PGDATA" --username=postgres --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  # initdb admits TCP logins from loopback only; the services connect from their pods. (Unencrypted: the
  # dev overlay's pod network only. A managed server is reached with sslmode=require in its URLs.)
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses='' -k $SOCKET" --wait --silent start
  for service in ${PAGEMESH_DB_SERVICES:-}; do
    case $service in *[!a-z0-9_]* | "") echo "postgres: '$service' is not a service name" >&2 && exit 1 ;; esac
    rights=SELECT
    case " ${PAGEMESH_DB_WRITERS:-} " in *" $service "*) rights="SELECT, INSERT, UPDATE, DELETE" ;; esac
    # psql's :"name" and :'literal' quoting keep names and passwords literal whatever they contain.
    sql postgres --set=owner="pagemesh_${service}_owner" --set=runtime="pagemesh_$service" \
      --set=database="pagemesh_$service" --set=owner_password="$(cat "$PASSWORDS/$service-owner")" \
      --set=runtime_password="$(cat "$PASSWORDS/$service")" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"runtime" LOGIN PASSWORD :'runtime_password';
CREATE DATABASE :"database" OWNER :"owner";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO :"runtime";
SQL
    sql "pagemesh_$service" --set=owner="pagemesh_${service}_owner" --set=runtime="pagemesh_$service" <<SQL
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"runtime";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT $rights ON TABLES TO :"runtime";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"runtime";
SQL
    echo "postgres: database pagemesh_$service with roles pagemesh_${service}_owner and pagemesh_$service" >&2
  done
  pg_ctl --pgdata="$PGDATA" --mode=fast --wait --silent stop
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories="$SOCKET" \
  -c log_destination=stderr -c logging_collector=off
