#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster on a free loopback port; the command
# finds the database's URL in $PORTAL_PG_URL. The cluster and its folder are gone afterwards.
# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
#
#   scripts/with-postgres.sh make test          (what .ci/run does)
#   scripts/with-postgres.sh sh -c 'python bench/fill.py "$PORTAL_PG_URL"'
set -euo pipefail

pg_bin=""
for dir in /usr/lib/postgresql/*/bin; do
  [ -x "$dir/initdb" ] && pg_bin="$dir"
done
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi

pg_root=$(mktemp -d)
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$pg_root"; fi
pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg "$pg_bin/initdb" -D "$pg_root/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$pg_root/data" -l "$pg_root/log" -w \
  -o "-p $pg_port -k $pg_root -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
stop_pg() {
  as_pg "$pg_bin/pg_ctl" -D "$pg_root/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_root"
}
trap stop_pg EXIT
as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres c21
export PORTAL_PG_URL="postgresql://postgres@127.0.0.1:$pg_port/c21"
export PATH="$pg_bin:$PATH"  # pg_dump and pg_restore of the same version, for backups
"$@"
